"""Background work of the desk, run by `diarium worker`: notifications and reminders."""

from django_tasks import task

from . import services


@task()
def notifications_send(user_id: int) -> int:
    """A user's immediate notifications, right after what they tell of."""
    return services.notifications_send(user_id=user_id)


@task()
def notifications_flush() -> int:
    """Notifications a failed send left, and the day's digests (every five minutes)."""
    return services.notifications_flush()


@task()
def due_dates_remind() -> int:
    """Reminders of due dates drawing near (every hour)."""
    return services.due_dates_remind()
