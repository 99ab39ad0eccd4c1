"""Background work of the documents app, run by `diarium worker`."""

from django_tasks import task

from . import batches


@task()
def generation_batch_run(batch_id: int) -> None:
    """Draw up the documents of a batch, counting its progress as it goes."""
    batches.generation_batch_run(batch_id)
