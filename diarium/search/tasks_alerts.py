"""Background tasks of saved searches, run by `diarium worker`."""

from django_tasks import task

from . import alerts


@task()
def send_search_alerts() -> int:
    """Periodic (daily): queue the alert of every confirmed saved search that is due."""
    return alerts.alerts_run_due()


@task()
def send_search_alert(saved_search_id: int) -> int:
    """Run one saved search as its reader and mail what is new."""
    return alerts.alert_send(saved_search_id)


@task()
def send_confirmation(saved_search_id: int) -> bool:
    """Mail the confirmation link of a new subscription."""
    return alerts.confirmation_send(saved_search_id)
