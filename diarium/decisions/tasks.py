"""Background tasks of meetings and decisions, run by `diarium worker`."""

from django_tasks import task

from . import services


@task()
def send_notice(meeting_id: int, person_id: int) -> bool:
    """E-mail the notice ("kallelse") with the agenda to one member."""
    return services.notice_deliver(meeting_id, person_id)


@task()
def deliver_excerpt(recipient_id: int) -> bool:
    """E-mail one recipient the minutes excerpt of a decision."""
    return services.excerpt_deliver(recipient_id)
