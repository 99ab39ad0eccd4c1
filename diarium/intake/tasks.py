"""Background work of the intake, run by `diarium worker`: reading the mailboxes."""

from django_tasks import task

from . import services


@task()
def mailboxes_poll() -> int:
    """Every active mailbox: take in new messages, file away handled ones (every minute)."""
    return sum(result.taken for result in services.mailboxes_poll().values())


@task()
def mailbox_poll(mailbox_id: int) -> int:
    """One mailbox, now (after a message of it was handled)."""
    return services.mailbox_poll(mailbox_id).taken
