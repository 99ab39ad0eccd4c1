"""Background tasks of follow-ups, run by `diarium worker`."""

from django_tasks import task

from . import services


@task()
def send_request(request_id: int, kind: str) -> bool:
    """E-mail one responsible person the follow-up request or a reminder."""
    return services.request_deliver(request_id, kind)


@task()
def send_due_reminders() -> int:
    """Periodic: enqueue the follow-up reminders that are due."""
    return services.send_due_reminders()
