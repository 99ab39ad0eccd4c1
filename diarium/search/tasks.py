"""Background tasks of the search app, run by `diarium worker`."""

from django_tasks import task

from . import services


@task()
def apply_pending() -> dict:
    """Apply the outbox (queued by every domain write, see receivers.py); when
    another process holds the index or a rebuild runs, try again shortly."""
    outcome = services.pending_run()
    if outcome.busy or outcome.deferred:
        services.apply_later()
    return outcome.as_dict()
