"""After a restore (diarium.core.backup.hooks): the search projection's rows
are restored as they were, but PostgreSQL's text vectors are no model field,
so they are computed here for every row; a tantivy index lives on each
worker's disk, outside the backup, and is rebuilt with `diarium reindex`."""

from __future__ import annotations

from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

from . import conf
from .models import IndexState


def restored(using: str) -> str:
    """PostgreSQL: every projected row gets its text vector. The engine's state
    row is left as restored; where there is none and the PostgreSQL engine is
    the one configured (a move from SQLite), it is recorded as built."""
    if connections[using].vendor == "postgresql":
        from .engines.postgres import STATE, TABLE, VECTOR

        with connections[using].cursor() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET search_vector = {VECTOR}")
            count = cursor.rowcount
        if conf.engine_name() == "postgres":
            IndexState.objects.using(using).get_or_create(
                name=STATE, defaults={"built_at": timezone.now(), "documents": count})
            return _("Sökindexet i PostgreSQL byggdes för %(n)s poster.") % {"n": count}
    if conf.engine_name() == "tantivy":
        return _("Sökindexet (tantivy) finns på varje arbetares disk och ingår inte i säkerhetskopian: kör "
                 "`diarium reindex` innan sökningen används.")
    return ""
