"""Background tasks of the remiss module, run by `diarium worker`."""

from django_tasks import task

from . import services


@task()
def deliver(recipient_id: int, kind: str) -> bool:
    """Send one e-mail of a round (the letter or a reminder)."""
    return services.remiss_deliver(recipient_id, kind)


@task()
def send_due_reminders() -> int:
    """Periodic: enqueue the reminders that are due."""
    return services.send_due_reminders()
