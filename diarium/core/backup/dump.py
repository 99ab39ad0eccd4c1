"""Reading an installation for a backup: one consistent snapshot of the
database, streamed table by table, and then the stored files.

The producer yields entries (Header, Rows, StoredFile, Trailer); the archive
writes them as a tar stream (archive.py), and `move-to-postgresql` hands them
straight to a restore (load.py). Nothing of a table is held in memory beyond
one chunk of rows; a file is copied to a spooled temporary file while it is
hashed, so that the archive's header for it can carry its size and SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.core.errors import DomainError

from . import hooks, schema
from .codec import MODULUS, RowCodec, TableDigest, dumps

FORMAT = "diarium-backup"
FORMAT_VERSION = 1
CHUNK_ROWS = 5000
CHUNK_BYTES = 8 * 1024 * 1024
READ_BYTES = 1024 * 1024
SPOOL_BYTES = 16 * 1024 * 1024
CONTENT_ADDRESSED = re.compile(r"(?:.*/)?blobs/[0-9a-f]{2}/([0-9a-f]{64})")


@dataclass
class Header:
    data: dict


@dataclass
class Rows:
    table: str  # the model's label, "registry.case"
    lines: list[bytes]  # one encoded row each (codec.dumps)


@dataclass
class StoredFile:
    name: str
    size: int
    sha256: str
    content: IO[bytes]


@dataclass
class Trailer:
    data: dict


def diarium_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("diarium")
    except PackageNotFoundError:
        return "0+unknown"


@contextmanager
def snapshot(using: str):
    """One read transaction that sees the database as it was when it began.
    PostgreSQL: REPEATABLE READ, READ ONLY. SQLite (in WAL mode): a deferred
    transaction, whose first read fixes what it sees, without blocking writers.
    Inside a transaction already open (tests), that transaction is the snapshot."""
    connection = connections[using]
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            raw = connection.connection
            if raw is not None and raw.in_transaction:
                raw.rollback()  # nothing was written
        return
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def table_rows(table: schema.Table, codec: RowCodec, using: str) -> Iterator[list]:
    """The table's rows, encoded, in the order of its primary key, a chunk at a time."""
    rows = (table.model._base_manager.using(using).order_by("pk").values_list(*table.columns)
            .iterator(chunk_size=2000))
    for values in rows:
        yield codec.encode(values)


def table_digest(table: schema.Table, using: str) -> dict:
    codec = RowCodec(table.fields)
    digest = TableDigest(codec)
    for row in table_rows(table, codec, using):
        digest.add(row)
    return digest.as_dict()


class FileSet:
    """Count, bytes and order-free digest of a set of (name, sha256, size)."""

    def __init__(self):
        self.count = 0
        self.bytes = 0
        self._sum = 0

    def add(self, name: str, sha256: str, size: int) -> None:
        self.count += 1
        self.bytes += size
        key = f"{name}\0{sha256}\0{size}".encode()
        self._sum = (self._sum + int.from_bytes(hashlib.sha256(key).digest(), "big")) % MODULUS

    def as_dict(self) -> dict:
        return {"count": self.count, "bytes": self.bytes, "digest": f"{self._sum:064x}"}


def storage_names(storage) -> Iterator[str]:
    """Every file name in the storage (local disk or S3), folder by folder, sorted."""
    folders = [""]
    while folders:
        folder = folders.pop()
        try:
            dirs, files = storage.listdir(folder)
        except FileNotFoundError:  # a local storage nothing was ever written to
            continue
        prefix = f"{folder}/" if folder else ""
        for name in sorted(files):
            yield prefix + name
        folders.extend(prefix + d for d in sorted(dirs, reverse=True))


def spooled(storage, name: str) -> tuple[IO[bytes], int, str]:
    """The file's content in a temporary file (memory up to 16 MB), its size and SHA-256."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    digest, size = hashlib.sha256(), 0
    with storage.open(name, "rb") as fh:
        while chunk := fh.read(READ_BYTES):
            digest.update(chunk)
            spool.write(chunk)
            size += len(chunk)
    spool.seek(0)
    return spool, size, digest.hexdigest()


def produce(using: str = "default", *, files: bool = True, storage=None) -> Iterator[Header | Rows | StoredFile | Trailer]:
    """The installation's entries: a header, every table's rows, the files, a trailer."""
    storage = storage or default_storage
    connection = connections[using]
    with snapshot(using):
        migrations = schema.applied(using)
        if not migrations:
            raise DomainError(_("Databasen har inga tabeller från Diarium (inga migreringar är körda): det finns "
                                "inget att säkerhetskopiera."))
        graph = schema.loader(using)
        unknown = schema.unknown_migrations(migrations, graph)
        if unknown:
            raise DomainError(_("Databasen är migrerad med en nyare version av Diarium än den som körs "
                                "(okända migreringar: %(names)s). Säkerhetskopiera med den nyare versionen.")
                              % {"names": ", ".join(unknown[:5])})
        pending = schema.unapplied(using)
        tables = schema.tables(schema.state_apps(graph, migrations))
        # The proofs read the models as the code has them: only on a database migrated to the code.
        proofs = json.loads(json.dumps(hooks.proofs(using), default=str)) if not pending else None
        yield Header({
            "format": FORMAT, "format_version": FORMAT_VERSION, "diarium_version": diarium_version(),
            "vendor": connection.vendor, "created_at": timezone.now().isoformat(),
            "time_zone": settings.TIME_ZONE, "migrations": [list(m) for m in migrations],
            "pending_migrations": pending, "proofs": proofs,
            "tables": [{"table": t.label, "db_table": t.db_table, "columns": t.columns} for t in tables],
            "skipped": sorted(schema.SKIPPED) + ["cache (diarium_cache)"],
            "files": files,
        })
        digests = {}
        for table in tables:
            codec = RowCodec(table.fields)
            digest = TableDigest(codec)
            lines: list[bytes] = []
            size = 0
            for row in table_rows(table, codec, using):
                digest.add(row)
                line = dumps(row)
                lines.append(line)
                size += len(line)
                if len(lines) >= CHUNK_ROWS or size >= CHUNK_BYTES:
                    yield Rows(table.label, lines)
                    lines, size = [], 0
            if lines:
                yield Rows(table.label, lines)
            digests[table.label] = digest.as_dict()
        file_set, damaged, vanished = FileSet(), [], []
        if files:
            for name in storage_names(storage):
                try:
                    content, size, sha256 = spooled(storage, name)
                except FileNotFoundError:  # removed (disposal) since it was listed
                    vanished.append(name)
                    continue
                named = CONTENT_ADDRESSED.fullmatch(name)
                if named and named.group(1) != sha256:
                    damaged.append(name)
                file_set.add(name, sha256, size)
                with content:
                    yield StoredFile(name, size, sha256, content)
        trailer: dict[str, Any] = {"complete": True, "tables": digests, "files": file_set.as_dict(),
                                   "damaged_files": damaged, "vanished_files": vanished}
        yield Trailer(trailer)
