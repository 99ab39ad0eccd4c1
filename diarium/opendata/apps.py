import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    """The public face: feeds, calendars, OParl, DCAT-AP-SE and the dumps (issue 7)."""

    name = "diarium.opendata"
    label = "opendata"
    verbose_name = _("Öppna data")

    def ready(self):
        from diarium.core import tasks

        from . import withdrawals

        withdrawals.connect()
        from diarium.registry import screening

        screening.rebuilder_register(rebuild_dumps)
        tasks.periodic_register("opendata.dumps", "diarium.opendata.tasks.dump_datasets", dt.timedelta(days=1))
        # The history's heads, published once a day and kept; `diarium verify` checks every one still holds.
        from diarium.registry import extensions

        from . import heads

        tasks.periodic_register("opendata.chain_heads", "diarium.opendata.tasks.chain_heads_publish",
                                dt.timedelta(days=1))
        extensions.published_heads_register(heads.published_heads)


def rebuild_dumps() -> str:
    """After `diarium privacy audit --apply`: the dumps written again under the rules."""
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("dump_datasets", stdout=out)
    return _("Öppna data: %(n)d dumpfiler skrevs om.") % {"n": len(out.getvalue().splitlines())}
