"""Background tasks of the register, run by `diarium worker`."""

from django_tasks import task

from . import services


@task()
def notify_copy_request(event_id: int) -> bool:
    """E-mail the registrar that someone asked for a copy of a document."""
    return services.copy_request_notify(event_id)


@task()
def copy_request_deliver(request_id: int) -> bool:
    """E-mail the answer to a decided request (the copy, the written decision) to the requester."""
    return services.copy_request_deliver(request_id)


@task()
def copy_request_reminders() -> int:
    """Periodic: claim and enqueue the reminders of requests due within two hours or overdue."""
    return services.copy_request_reminders_due()


@task()
def copy_request_remind(request_id: int) -> bool:
    """E-mail the officer (or the registrar) that a request is due or overdue."""
    return services.copy_request_remind(request_id)


@task()
def file_screen(file_id: int) -> bool:
    """Let the masking assistant read a newly added file; until it has, the public
    does not have the file."""
    return services.file_screen_by_id(file_id)


@task()
def file_ocr(file_id: int) -> bool:
    """Give a newly added PDF a text layer by OCR if it is a scan (a new version
    of the file), then let the masking assistant read it."""
    return services.file_ocr_by_id(file_id)


@task()
def history_seal() -> int:
    """Periodic: seal the events appended since the last run into each organisation's chain."""
    return services.history_seal()
