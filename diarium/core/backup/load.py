"""Restoring: a backup's entries into an empty database and the file storage,
in one transaction, verified before it commits.

1. The header is checked: the format, and that the code has every migration
   the backup's database had (a backup from a newer version is refused).
2. The target must be empty (beyond what `migrate` itself writes).
3. In one transaction: the schema is migrated to the backup's state, the rows
   are inserted in dependency order, in batches, with the models of that state
   (raw inserts, as `loaddata` does: auto_now fields keep their values), the
   files are written, each verified against its SHA-256 before it is stored;
   the foreign keys are checked, the sequences reset, every table's row count
   and digest read back from the database and compared with the manifest;
   then the schema is migrated forward to the code's, the apps bring their
   derived state up to date (hooks.restored) and their proofs (the history's
   heads) are computed again and compared with the backup's.
4. On any failure the transaction is rolled back and the files this restore
   wrote are removed again.

On SQLite a restore that migrates turns the foreign key checks off before
the transaction (SQLite cannot while one is open) and checks every key
itself at the end; PostgreSQL's keys are deferred to the end of the transaction.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import SuspiciousOperation
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.management.sql import emit_post_migrate_signal
from django.db import DatabaseError, IntegrityError, connections, transaction
from django.db.migrations.exceptions import IrreversibleError
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _

from diarium.core.errors import DomainError

from . import hooks, schema
from .codec import RowCodec
from .dump import FORMAT, FORMAT_VERSION, READ_BYTES, SPOOL_BYTES, FileSet, Header, Rows, StoredFile, Trailer, table_digest

BATCH = 500


@dataclass
class TableResult:
    table: str
    expected_rows: int
    rows: int
    digest_ok: bool


@dataclass
class RestoreReport:
    header: dict
    tables: list[TableResult] = field(default_factory=list)
    files: dict = field(default_factory=dict)
    files_written: int = 0
    files_present: int = 0
    proofs: dict = field(default_factory=dict)
    migrated_forward: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


def header_check(header: dict, using: str) -> list[str]:
    """Every reason the header refuses a restore, in Swedish."""
    problems = []
    if header.get("format") != FORMAT:
        return [_("Filen är inget arkiv från diarium backup (formatet är ”%(f)s”).") % {"f": header.get("format")}]
    version = header.get("format_version")
    if version != FORMAT_VERSION:
        problems.append(_("Arkivet har formatversion %(found)s; den här versionen av Diarium läser version "
                          "%(known)s.") % {"found": version, "known": FORMAT_VERSION})
    migrations = header.get("migrations")
    if not isinstance(migrations, list) or not all(isinstance(m, list) and len(m) == 2 for m in migrations):
        problems.append(_("Arkivets huvud saknar migreringarna."))
        return problems
    unknown = schema.unknown_migrations([tuple(m) for m in migrations], schema.loader(using))
    if unknown:
        problems.append(_("Säkerhetskopian kommer från en nyare version av Diarium (%(version)s) än den som körs: "
                          "koden saknar %(n)s migreringar (%(names)s). Uppgradera Diarium först.")
                        % {"version": header.get("diarium_version", "?"), "n": len(unknown),
                           "names": ", ".join(unknown[:5])})
    if not isinstance(header.get("tables"), list):
        problems.append(_("Arkivets huvud saknar tabellerna."))
    return problems


class _Files:
    """The files a restore writes, removed again if it fails."""

    def __init__(self, storage):
        self.storage = storage
        self.written: list[str] = []
        self.present = 0
        self.set = FileSet()

    def restore(self, entry: StoredFile) -> None:
        digest, size = hashlib.sha256(), 0
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
            while chunk := entry.content.read(READ_BYTES):
                digest.update(chunk)
                spool.write(chunk)
                size += len(chunk)
            found = digest.hexdigest()
            if size != entry.size or found != entry.sha256:
                raise DomainError(_("Filen %(name)s i arkivet är skadad: dess SHA-256 är %(found)s men arkivet anger "
                                    "%(expected)s. Återläsningen avbröts; inget har återlästs.")
                                  % {"name": entry.name, "found": found, "expected": entry.sha256 or "–"})
            self.set.add(entry.name, found, size)
            try:
                if self.storage.exists(entry.name):
                    if _stored_sha256(self.storage, entry.name) != found:
                        raise DomainError(_("Filen %(name)s finns redan i fillagringen med ett annat innehåll. "
                                            "Återläs till en tom fillagring.") % {"name": entry.name})
                    self.present += 1
                    return
                spool.seek(0)
                saved = self.storage.save(entry.name, File(spool, name=entry.name))
            except SuspiciousOperation:
                raise DomainError(_("Arkivet innehåller ett otillåtet filnamn: %(name)s.") % {"name": entry.name}
                                  ) from None
            except OSError as exc:
                raise DomainError(_("Filen %(name)s kunde inte skrivas till fillagringen: %(error)s")
                                  % {"name": entry.name, "error": exc}) from None
            self.written.append(saved)
            if saved != entry.name:
                raise DomainError(_("Filen %(name)s skrevs samtidigt av någon annan. Återläs till en tom "
                                    "fillagring.") % {"name": entry.name})

    def remove(self) -> None:
        for name in self.written:
            try:
                self.storage.delete(name)
            except OSError:
                pass
        self.written = []


def _stored_sha256(storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as fh:
        while chunk := fh.read(READ_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _migrate(using: str, targets) -> list[str]:
    connection = connections[using]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(targets)
    if plan:
        executor.migrate(targets, plan=plan)
        if connection.vendor == "postgresql":
            # A migration that fills a new column sets every constraint IMMEDIATE for the rest of the
            # transaction (Django's sql_update_with_default): the keys are checked at the end again.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return [f"{m.app_label}.{m.name}" for m, _backwards in plan]


def _insert(table: schema.Table, codec: RowCodec, lines: list[bytes], using: str, batch: int) -> int:
    model = table.model
    columns = table.columns
    objs = []
    for line in lines:
        try:
            row = codec.decode(json.loads(line))
        except (ValueError, TypeError) as exc:
            raise DomainError(_("En rad i tabellen %(table)s i arkivet är skadad (%(error)s). Inget har återlästs.")
                              % {"table": table.label, "error": exc}) from None
        objs.append(model.from_db(using, columns, row))
    manager = model._base_manager.using(using)
    for start in range(0, len(objs), batch):
        manager._insert(objs[start:start + batch], fields=list(table.fields), raw=True, using=using)
    return len(objs)


def restore(entries: Iterable, using: str = "default", *, storage=None,
            progress: Callable[[str], None] | None = None) -> RestoreReport:
    """Restore the entries (archive.read or dump.produce) into the empty
    database `using`; DomainError in Swedish when refused or failed."""
    storage = storage or default_storage
    say = progress or (lambda _text: None)
    connection = connections[using]
    try:
        connection.ensure_connection()
    except DatabaseError as exc:
        raise DomainError(_("Kan inte ansluta till måldatabasen: %(error)s") % {"error": str(exc).strip()}) from None
    entries = iter(entries)
    first = next(entries, None)
    if not isinstance(first, Header):
        raise DomainError(_("Filen är inget arkiv från diarium backup."))
    header = first.data
    problems = header_check(header, using)
    if problems:
        raise DomainError(problems[0], errors={"archive": problems})
    schema.refuse_occupied(using)
    migrations = [tuple(m) for m in header["migrations"]]
    graph = schema.loader(using)
    code_nodes = set(graph.graph.nodes)
    schema_work = set(schema.applied(using)) != set(migrations) or set(migrations) != code_nodes
    unchecked = False
    if connection.vendor == "sqlite" and schema_work:
        if connection.in_atomic_block:
            raise DomainError(_("Återläsning som behöver migrera en SQLite-databas kan inte göras inuti en "
                                "annan transaktion."))
        unchecked = connection.disable_constraint_checking()
    files = _Files(storage)
    report = RestoreReport(header=header)
    try:
        with transaction.atomic(using=using):
            _restore(entries, header, migrations, graph, using, files, report, say)
    except BaseException:
        files.remove()
        raise
    finally:
        if unchecked:
            connection.enable_constraint_checking()
    return report


def _restore(entries, header, migrations, graph, using, files, report, say) -> None:
    connection = connections[using]
    say(_("Migrerar databasen till säkerhetskopians läge …"))
    try:
        _migrate(using, schema.targets(graph, migrations))
    except (DatabaseError, IrreversibleError) as exc:
        raise DomainError(_("Måldatabasen kunde inte migreras till säkerhetskopians läge (%(error)s). Återläs till "
                            "en ny, tom databas.") % {"error": str(exc).strip()}) from None
    apps = schema.state_apps(schema.loader(using), migrations)
    tables = {t.label: t for t in schema.tables(apps)}
    listed = [t.get("table") for t in header["tables"]]
    wrong = [t["table"] for t in header["tables"]
             if t.get("table") not in tables or tables[t["table"]].columns != t.get("columns")]
    if wrong:
        raise DomainError(_("Arkivets tabeller stämmer inte med dess migreringar (%(tables)s).")
                          % {"tables": ", ".join(map(str, wrong[:5]))})
    for made in reversed(schema.MIGRATE_MADE):  # permissions before content types
        if made in tables:
            tables[made].model._base_manager.using(using).all().delete()
    codecs = {label: RowCodec(tables[label].fields) for label in listed}
    batch_sizes = {label: max(1, min(BATCH, connection.ops.bulk_batch_size(list(tables[label].fields), [None] * BATCH)))
                   for label in listed}
    trailer = None
    current = None
    for entry in entries:
        if isinstance(entry, Rows):
            if entry.table not in codecs:
                raise DomainError(_("Arkivet innehåller rader för en okänd tabell: %(t)s.") % {"t": entry.table})
            if entry.table != current:
                current = entry.table
                say(_("Läser in %(table)s …") % {"table": current})
            try:
                _insert(tables[entry.table], codecs[entry.table], entry.lines, using, batch_sizes[entry.table])
            except DatabaseError as exc:
                raise DomainError(_("Raderna i tabellen %(table)s kunde inte skrivas: %(error)s")
                                  % {"table": entry.table, "error": str(exc).strip()}) from None
        elif isinstance(entry, StoredFile):
            if current != "files":
                current = "files"
                say(_("Återställer filerna …"))
            files.restore(entry)
        elif isinstance(entry, Trailer):
            trailer = entry.data
            break
        else:
            raise DomainError(_("Arkivet har ett andra huvud: det är skadat."))
    if trailer is None or not trailer.get("complete"):
        raise DomainError(_("Arkivet är avkortat: manifestet i slutet saknas. Inget har återlästs."))
    say(_("Kontrollerar främmande nycklar …"))
    try:
        connection.check_constraints()
    except IntegrityError as exc:
        raise DomainError(_("De återlästa raderna hänvisar till rader som saknas: %(error)s")
                          % {"error": str(exc).strip()}) from None
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [tables[label].model for label in listed]):
            cursor.execute(sql)
    say(_("Jämför radantal och kontrollsummor med manifestet …"))
    problems = []
    expected_tables = trailer.get("tables") or {}
    for label in listed:
        expected = expected_tables.get(label) or {}
        found = table_digest(tables[label], using)
        ok = found == {"rows": expected.get("rows"), "digest": expected.get("digest")}
        report.tables.append(TableResult(label, expected.get("rows", -1), found["rows"], ok))
        if not ok:
            problems.append(_("%(table)s: %(found)s rader, manifestet säger %(expected)s%(digest)s")
                            % {"table": label, "found": found["rows"], "expected": expected.get("rows", "–"),
                               "digest": "" if found["rows"] != expected.get("rows")
                               else _(" (samma antal, annat innehåll)")})
    if header.get("files", True):
        report.files = files.set.as_dict()
        if report.files != trailer.get("files"):
            problems.append(_("Filerna: %(found)s filer återlästa, manifestet säger %(expected)s.")
                            % {"found": report.files["count"], "expected": (trailer.get("files") or {}).get("count")})
    if problems:
        raise DomainError(_("Den återlästa databasen stämmer inte med säkerhetskopian. Inget har återlästs."),
                          errors={"tables": problems})
    report.files_written, report.files_present = len(files.written), files.present
    if set(migrations) != set(graph.graph.nodes):
        say(_("Migrerar vidare till den här versionen av Diarium …"))
        try:
            report.migrated_forward = _migrate(using, schema.loader(using).graph.leaf_nodes())
        except DatabaseError as exc:
            raise DomainError(_("Den återlästa databasen kunde inte migreras vidare till den här versionen av "
                                "Diarium (%(error)s). Inget har återlästs.") % {"error": str(exc).strip()}) from None
        emit_post_migrate_signal(0, False, using)
    report.notes = hooks.restored(using)
    if header.get("proofs") is not None:
        say(_("Räknar om bevisen (historikens huvuden) …"))
        found = json.loads(json.dumps(hooks.proofs(using), default=str))
        expected = json.loads(json.dumps(header["proofs"], default=str))
        for name in sorted(set(found) | set(expected)):
            if found.get(name) != expected.get(name):
                raise DomainError(_("Beviset %(name)s i den återlästa databasen är inte detsamma som i "
                                    "säkerhetskopian. Inget har återlästs.") % {"name": name},
                                  errors={"proofs": [json.dumps({"backup": expected.get(name),
                                                                 "restored": found.get(name)})[:2000]]})
        report.proofs = found
