"""Background tasks of the open data, run by `diarium worker`."""

from django_tasks import task


@task()
def dump_datasets() -> int:
    """Periodic (daily): write the CSV and JSON dumps of every public dataset to
    the file storage (opendata/), replacing yesterday's. Returns the files written."""
    from . import dumps
    from .management.commands.dump_datasets import dump

    written = 0
    for name in dumps.DATASETS:
        for fmt in sorted(dumps.FORMATS):
            dump(name, fmt)
            written += 1
    return written


@task()
def chain_heads_publish() -> int:
    """Periodic (daily): publish each organisation's head of its sealed history
    (services.chain_heads_publish) and write the `chain-heads` files again at
    once, so the stored files hold today's heads. Returns the heads published."""
    from . import dumps, services
    from .management.commands.dump_datasets import dump

    published = services.chain_heads_publish()
    for fmt in sorted(dumps.FORMATS):
        dump("chain-heads", fmt)
    return len(published)
