"""Backup, restore and the move from SQLite to PostgreSQL (issue 24, part 4).

Everything goes through Django's app registry, so core names no app: the
tables are every concrete model's (of the migration state the database is
at), and the apps add their proofs (the history's heads) and their derived
state through `hooks`. See docs/DEPLOYMENT.md, "Säkerhetskopiering och
återläsning / Backup and restore".

    backup_write(out)          the installation as one streaming archive
    restore_read(source)       an archive into an empty database and storage
    move_to_postgresql(url)    the embedded SQLite database into an empty PostgreSQL one
"""

from __future__ import annotations

from typing import IO

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils.translation import gettext as _

from diarium.core.errors import DomainError

from . import archive
from .dump import produce
from .load import RestoreReport, restore

MOVE_ALIAS = "diarium_move_target"

__all__ = ["backup_write", "restore_read", "move_to_postgresql", "RestoreReport"]


def backup_write(out: IO[bytes], *, using: str = DEFAULT_DB_ALIAS, compress: bool = True, storage=None) -> dict:
    """Write the database (one snapshot) and the stored files to `out`; returns the manifest."""
    return archive.write(produce(using, storage=storage), out, compress=compress)


def restore_read(source: IO[bytes], *, using: str = DEFAULT_DB_ALIAS, storage=None, progress=None) -> RestoreReport:
    """Restore an archive into the empty database `using` and the file storage."""
    return restore(archive.read(source), using, storage=storage, progress=progress)


def target_connection(url: str) -> str:
    """A connection alias for the PostgreSQL database at `url`, checked reachable."""
    import dj_database_url

    try:
        config = dj_database_url.parse(url)
    except (ValueError, KeyError) as exc:
        raise DomainError(_("Adressen till PostgreSQL kan inte tolkas: %(error)s") % {"error": exc}) from None
    if config.get("ENGINE") != "django.db.backends.postgresql":
        raise DomainError(_("Målet måste vara en PostgreSQL-databas (postgres://användare@värd:port/databas)."))
    from django.db.utils import load_backend

    # A connection made here, not one of the settings' databases: it lives as long as the move.
    configured = connections.configure_settings({DEFAULT_DB_ALIAS: dict(connections.settings[DEFAULT_DB_ALIAS]),
                                                 MOVE_ALIAS: config})[MOVE_ALIAS]
    connections[MOVE_ALIAS] = load_backend(configured["ENGINE"]).DatabaseWrapper(configured, MOVE_ALIAS)
    try:
        connections[MOVE_ALIAS].ensure_connection()
    except DatabaseError as exc:
        target_release()
        raise DomainError(_("Kan inte ansluta till PostgreSQL-databasen %(name)s på %(host)s: %(error)s")
                          % {"name": config.get("NAME"), "host": config.get("HOST") or "localhost",
                             "error": str(exc).strip()}) from None
    return MOVE_ALIAS


def target_release() -> None:
    try:
        connection = connections[MOVE_ALIAS]
    except Exception:  # ConnectionDoesNotExist: none made
        return
    try:
        connection.close()
    finally:
        del connections[MOVE_ALIAS]


def move_to_postgresql(url: str, *, source: str = DEFAULT_DB_ALIAS, progress=None) -> RestoreReport:
    """Move the SQLite database `source` into the empty PostgreSQL database at
    `url`: its snapshot streamed straight into a restore there, verified table
    by table (rows and digest), with the history's proofs. The files stay
    where they are (the same storage serves the moved installation)."""
    if connections[source].vendor != "sqlite":
        raise DomainError(_("Den nuvarande databasen är inte SQLite (utan %(vendor)s): det finns inget att flytta.")
                          % {"vendor": connections[source].vendor})
    alias = target_connection(url)
    try:
        return restore(produce(source, files=False), alias, progress=progress)
    finally:
        target_release()
