"""Database functions the apps share."""

from __future__ import annotations

from django.db.models import Func, TextField


def _lower(value: str | None) -> str | None:
    return None if value is None else value.lower()


class UnicodeLower(Func):
    """Text in lower case, Swedish letters too. SQLite's own lower() folds only
    ASCII, so there Python's str.lower is registered on the connection."""

    function = "LOWER"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        connection.ensure_connection()
        connection.connection.create_function("diarium_lower", 1, _lower, deterministic=True)
        return self.as_sql(compiler, connection, function="diarium_lower", **extra_context)
