"""Backup and restore (issue 24, part 4): `diarium backup` and `diarium restore`
carry every table and every stored file, and the round trip gives the same
data back, proved by the per-table digests and, independently, by the diary
numbers, the files' bytes and the history's heads; bad archives and targets
are refused with nothing half-written. `diarium move-to-postgresql` moves an
embedded SQLite installation into an empty PostgreSQL database."""

from __future__ import annotations

import datetime as dt
import decimal
import gzip
import io
import json
import tarfile
import uuid

import psycopg
import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection, models
from hypothesis import given, settings as hypothesis_settings, strategies as st

from diarium.core.backup import archive, backup_write, move_to_postgresql, restore_read, schema
from diarium.core.backup import target_connection, target_release
from diarium.core.backup.codec import RowCodec, TableDigest
from diarium.core.backup.dump import storage_names, table_digest
from diarium.core.errors import DomainError
from diarium.registry import chain
from diarium.registry import services as registry
from diarium.registry.backup import chain_heads
from diarium.registry.models import Blob, Case, Document

from . import factories as f

@pytest.fixture
def register(db, org, ks, registrar, settings):
    """A small but varied register: cases and documents with files (one file
    in two documents), a meeting with a decision, an action plan with budgets
    (decimals), a remiss round, a queued task, a sealed history."""
    from diarium.decisions import services as decisions

    with f.on_day("2018-06-12"):
        first = f.case(registrar, ks, title="Digital målbild")
        f.document(registrar, first, files=[f.text_file("brev.txt", "Hej! Detta är ett remissvar.\n"),
                                            f.pdf_file("bilaga.pdf")])
        second = f.case(registrar, ks, title="Bredband på landsbygden")
        f.document(registrar, second, direction="outgoing", counterpart="Trafikverket", description="Svar",
                   files=[f.text_file("svar.txt", "Hej! Detta är ett remissvar.\n")])
        chair = f.person(org, "Ordförande Ordförandesson")
        meeting = f.meeting(registrar, ks, dt.date(2018, 9, 24), members=[(chair, "chair")])
        item = decisions.agenda_item_add(actor=registrar, meeting=meeting, title="Digital målbild", case=first)
    with f.on_day("2018-09-24"):
        f.held(registrar, meeting, item, "Målbilden godkänns", adjust=False)
        plan = f.plan(registrar, first, ks)
        f.plan_structure(registrar, plan)
        f.remiss_setup(registrar, org, ks, boards=1)
    registry.history_seal()
    # A task waiting in the database queue (django_tasks_database's table).
    from diarium.core.tasks import enqueue_by_name

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    enqueue_by_name("diarium.registry.tasks.history_seal")
    return first, second


@pytest.fixture
def small(db, org, ks, registrar):
    """One case with a document and two files, its history sealed: enough for the refusals."""
    case = f.case(registrar, ks, title="Bredband på landsbygden")
    f.document(registrar, case, files=[f.text_file("brev.txt", "Hej! Detta är ett remissvar.\n"),
                                       f.pdf_file("bilaga.pdf")])
    registry.history_seal()
    return case


def digests(using: str = "default") -> dict[str, dict]:
    return {t.label: table_digest(t, using) for t in schema.tables(apps)}


def facts(using: str = "default") -> dict:
    """What a person would check by hand: diary numbers, documents' files and their bytes, the heads."""
    return {
        "diary_numbers": sorted(Case.objects.using(using).values_list("diary_number", flat=True)),
        "documents": sorted(Document.objects.using(using).values_list("case__diary_number", "number",
                                                                     "files__filename")),
        "files": {b.storage_name: default_storage.open(b.storage_name).read()
                  for b in Blob.objects.using(using).order_by("pk")},
        "heads": chain_heads(using),
    }


def backup_bytes(**kw) -> bytes:
    out = io.BytesIO()
    backup_write(out, **kw)
    return out.getvalue()


def empty_database() -> None:
    """Every row deleted but for migrate's own (as after a flush), dependents first."""
    with connection.cursor() as cursor:
        for table in reversed(schema.tables(apps)):
            if table.label not in schema.MIGRATE_MADE:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table.db_table)}")
    assert schema.occupied("default") == []


def empty_everything() -> None:
    """The database emptied and the file storage too."""
    empty_database()
    for name in list(storage_names(default_storage)):
        default_storage.delete(name)
    assert schema.occupied("default") == []
    assert Case.objects.count() == 0 and list(storage_names(default_storage)) == []


def restore(data: bytes):
    return restore_read(io.BytesIO(data))


def test_the_round_trip_gives_every_table_and_file_back(register):
    before, before_facts = digests(), facts()
    assert before["registry.case"]["rows"] == 3 and before["registry.eventseal"]["rows"] > 5
    assert before["plans.actionbudget"]["rows"] > 0 and before["decisions.decision"]["rows"] == 1
    assert before["django_tasks_database.dbtaskresult"]["rows"] == 1
    assert len(before_facts["files"]) == 3  # the same text twice is stored once
    data = backup_bytes()
    empty_everything()
    assert digests() != before

    report = restore(data)

    assert digests() == before
    assert facts() == before_facts
    assert all(t.digest_ok for t in report.tables) and report.files["count"] == 3 and report.files_written == 3
    assert report.proofs["registry.chain_heads"] == before_facts["heads"]
    heads = before_facts["heads"]
    assert heads and heads[0]["length"] == heads[0]["recomputed_length"] > 5
    assert heads[0]["head"] == heads[0]["recomputed_head"] == chain.chain_head(heads[0]["organisation_id"]).head
    assert chain.chain_verify(heads[0]["organisation_id"]).ok
    # The sequences continue after the restored rows: a new case gets the next number.
    registrar = f.registrar(Case.objects.first().organisation)
    case = f.case(registrar, Case.objects.first().organ, title="Efter återläsningen")
    assert case.pk > max(Case.objects.exclude(pk=case.pk).values_list("pk", flat=True))


def test_the_archive_holds_a_manifest_and_files_with_their_hashes(register):
    members = {}
    with tarfile.open(fileobj=io.BytesIO(backup_bytes()), mode="r|gz") as tar:
        for member in tar:
            members[member.name] = (member, tar.extractfile(member).read())
    names = list(members)
    assert names[0] == archive.HEADER and names[-2:] == [archive.FILE_LIST, archive.MANIFEST]
    header = json.loads(members[archive.HEADER][1])
    assert header["vendor"] == connection.vendor and header["format_version"] == 1
    assert ["registry", "0001_initial"] in header["migrations"]
    assert "sessions.session" in header["skipped"]
    labels = [t["table"] for t in header["tables"]]
    assert "sessions.session" not in labels and "django_tasks_database.dbtaskresult" in labels
    assert labels.index("accounts.organisation") < labels.index("registry.case") < labels.index("registry.document")
    manifest = json.loads(members[archive.MANIFEST][1])
    assert manifest["tables"]["registry.case"]["rows"] == 3
    listed = [json.loads(line) for line in members[archive.FILE_LIST][1].splitlines()]
    assert len(listed) == manifest["files"]["count"] == 3
    for entry in listed:
        member, content = members["files/" + entry["name"]]
        assert member.pax_headers[archive.SHA_KEY] == entry["sha256"] == entry["name"].rsplit("/", 1)[1]
        assert len(content) == entry["size"]


def test_a_non_empty_database_is_refused(small):
    data = backup_bytes()
    before = digests()
    with pytest.raises(DomainError, match="Måldatabasen är inte tom"):
        restore(data)
    assert digests() == before


def _rewritten(data: bytes, name: str, change) -> bytes:
    """The archive with member `name`'s JSON changed by `change`."""
    out = io.BytesIO()
    with tarfile.open(fileobj=io.BytesIO(data), mode="r|gz") as source, \
            tarfile.open(fileobj=out, mode="w:gz", format=tarfile.PAX_FORMAT) as target:
        for member in source:
            content = source.extractfile(member).read()
            if member.name == name:
                doc = json.loads(content)
                change(doc)
                content = json.dumps(doc).encode()
                member.size = len(content)
            target.addfile(member, io.BytesIO(content))
    return out.getvalue()


def _assert_nothing_restored() -> None:
    assert schema.occupied("default") == []
    assert list(storage_names(default_storage)) == []


def test_a_wrong_format_version_and_a_newer_schema_are_refused(small):
    data = backup_bytes()
    empty_everything()
    newer = _rewritten(data, archive.HEADER, lambda h: h.update(format_version=2))
    with pytest.raises(DomainError, match="formatversion 2"):
        restore(newer)
    future = _rewritten(data, archive.HEADER, lambda h: h["migrations"].append(["registry", "9999_framtiden"]))
    with pytest.raises(DomainError, match="nyare version av Diarium") as exc:
        restore(future)
    assert "registry.9999_framtiden" in exc.value.message
    # Heads that the restored history does not reproduce: refused after everything else matched.
    forged = _rewritten(data, archive.HEADER,
                        lambda h: h["proofs"]["registry.chain_heads"][0].update(head="f" * 64))
    with pytest.raises(DomainError, match="Beviset registry.chain_heads"):
        restore(forged)
    _assert_nothing_restored()


def test_a_truncated_or_garbage_archive_is_refused_and_its_files_removed(small):
    data = backup_bytes()
    empty_everything()
    # Cut just before the manifest: every row and file was read (and the files written) first.
    raw = gzip.decompress(data)
    cut = raw.index(b"manifest.json") - 512
    with pytest.raises(DomainError, match="avkortat"):
        restore(gzip.compress(raw[:cut]))
    _assert_nothing_restored()
    with pytest.raises(DomainError, match="avkortat"):
        restore(data[: len(data) // 2])
    with pytest.raises(DomainError, match="inget arkiv"):
        restore("Detta är ingen säkerhetskopia.\n".encode() * 10)
    with pytest.raises(DomainError, match="tom eller inget arkiv|inget arkiv"):
        restore(b"")
    _assert_nothing_restored()


def test_a_damaged_file_or_row_is_found_and_nothing_is_kept(small):
    raw = backup_bytes(compress=False)
    empty_everything()
    files_start = raw.index(b"files/blobs/")  # the text is in the search app's rows too: change the file only
    damaged_file = raw[:files_start] + raw[files_start:].replace(b"Hej! Detta", b"Hej! Dxtta", 1)
    assert damaged_file != raw
    with pytest.raises(DomainError, match="är skadad: dess SHA-256"):
        restore(damaged_file)
    _assert_nothing_restored()
    # A row changed in the archive is loaded, then found by its table's digest.
    damaged_row = raw.replace("Bredband på landsbygden".encode(), "Bredband på landsbygdem".encode(), 1)
    with pytest.raises(DomainError, match="stämmer inte med säkerhetskopian") as exc:
        restore(damaged_row)
    assert any("registry.case" in m for m in exc.value.errors["tables"])
    _assert_nothing_restored()


def test_the_commands_speak_swedish_and_fail_with_exit_code_1(register, tmp_path):
    path = tmp_path / "kopia.tar.gz"
    out = io.StringIO()
    call_command("backup", "--output", str(path), stdout=out)
    assert "Säkerhetskopian skrevs" in out.getvalue() and path.exists()
    with pytest.raises(CommandError, match="finns redan"):
        call_command("backup", "--output", str(path))
    with pytest.raises(CommandError, match="Måldatabasen är inte tom") as exc:
        call_command("restore", str(path), stderr=io.StringIO())
    assert exc.value.returncode == 1
    with pytest.raises(CommandError, match="kan inte öppnas"):
        call_command("restore", str(tmp_path / "saknas.tar.gz"))
    empty_everything()
    out = io.StringIO()
    call_command("restore", str(path), stdout=out, stderr=io.StringIO())
    assert "kontrollsummor stämmer" in out.getvalue() and "huvudena är desamma" in out.getvalue()
    assert Case.objects.count() == 3


def test_move_to_postgresql_refuses_bad_targets(small):
    with pytest.raises(DomainError, match="Kan inte ansluta till PostgreSQL-databasen finns_inte"):
        target_connection("postgres://postgres@127.0.0.1:1/finns_inte")
    with pytest.raises(DomainError, match="måste vara en PostgreSQL-databas"):
        target_connection("sqlite:///tmp/x.sqlite3")
    if connection.vendor == "postgresql":
        with pytest.raises(DomainError, match="inte SQLite"):
            move_to_postgresql("postgres://postgres@127.0.0.1:5432/postgres")


PG = "postgres://postgres@127.0.0.1:5432/"


@pytest.fixture
def fresh_postgresql():
    name = f"diarium_move_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG + "postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield PG + name
    target_release()
    with psycopg.connect(PG + "postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.one_database
def test_move_to_postgresql_carries_everything_and_refuses_a_non_empty_target(register, fresh_postgresql, settings):
    if connection.vendor != "sqlite":
        pytest.skip("moves an SQLite database (the PostgreSQL run has none)")
    settings.DIARIUM_SEARCH_ENGINE = "postgres"  # what a moved installation would choose
    before, before_facts = digests(), facts()
    report = move_to_postgresql(fresh_postgresql)
    assert digests() == before  # the source is only read (the target's data migrations write to the target)
    assert all(t.digest_ok for t in report.tables) and report.rows == sum(d["rows"] for d in before.values())
    alias = target_connection(fresh_postgresql)
    try:
        assert connection.vendor == "sqlite" and report.header["vendor"] == "sqlite"
        moved_digests = digests(alias)  # computed the same way on both sides
        # The one row the move adds after its check: PostgreSQL's search index is built (search.backup).
        assert moved_digests.pop("search.indexstate") != before.pop("search.indexstate")
        assert moved_digests == before
        moved = facts(alias)
        assert moved == before_facts  # the files stay where they are: the same bytes, read through the moved rows
        assert report.proofs["registry.chain_heads"] == before_facts["heads"]
        from diarium.search.models import IndexState

        assert IndexState.objects.using(alias).filter(name="postgres", built_at__isnull=False).exists()
    finally:
        target_release()
    with pytest.raises(DomainError, match="Måldatabasen är inte tom"):
        move_to_postgresql(fresh_postgresql)


# --- the row codec: every field type round-trips -------------------------------------------------
def _field(field: models.Field, name: str) -> models.Field:
    field.set_attributes_from_name(name)
    return field


CODEC_FIELDS = [
    _field(models.DateTimeField(), "at"), _field(models.DateField(), "day"), _field(models.TimeField(), "time"),
    _field(models.DecimalField(max_digits=14, decimal_places=2), "amount"), _field(models.BinaryField(), "raw"),
    _field(models.DurationField(), "duration"), _field(models.UUIDField(), "uid"), _field(models.JSONField(), "data"),
    _field(models.FloatField(), "ratio"), _field(models.BigIntegerField(), "big"), _field(models.TextField(), "text"),
    _field(models.BooleanField(), "flag"), _field(models.FileField(), "file"),
]
json_values = st.recursive(st.none() | st.booleans() | st.integers(-2**60, 2**60) | st.text(max_size=10),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                        max_size=3), max_leaves=8)
rows = st.tuples(
    st.datetimes(timezones=st.just(dt.timezone.utc)), st.dates(), st.times(),
    st.decimals(min_value=-10**11, max_value=10**11, places=2), st.binary(max_size=20),
    st.timedeltas(), st.uuids(), json_values, st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-2**63, 2**63 - 1), st.text(max_size=20), st.booleans(), st.text(max_size=20),
).map(list)


@hypothesis_settings(max_examples=60, deadline=None)
@given(row=rows, nulls=st.lists(st.booleans(), min_size=len(CODEC_FIELDS), max_size=len(CODEC_FIELDS)))
def test_the_row_codec_round_trips_every_field_type(row, nulls):
    row = [None if null else value for value, null in zip(row, nulls, strict=True)]
    codec = RowCodec(CODEC_FIELDS)
    encoded = codec.encode(row)
    line = json.loads(json.dumps(encoded))  # through the archive's text
    assert codec.decode(line) == [bytes(v) if isinstance(v, bytes) else v for v in row]
    assert codec.encode(codec.decode(line)) == encoded
    one, two = TableDigest(codec), TableDigest(codec)
    one.add(encoded)
    two.add(line)
    assert one.hexdigest == two.hexdigest
    assert isinstance(encoded[3], str | None) and (row[3] is None or decimal.Decimal(encoded[3]) == row[3])


def test_a_digest_is_independent_of_row_order_but_not_of_content():
    codec = RowCodec([_field(models.TextField(), "text"), _field(models.JSONField(), "data")])
    a, b, c = TableDigest(codec), TableDigest(codec), TableDigest(codec)
    for row in (["ett", {"b": 1, "a": 2.0}], ["två", None]):
        a.add(row)
    for row in (["två", None], ["ett", {"a": 2, "b": 1}]):  # as jsonb gives it back: keys sorted, 2.0 as 2
        b.add(row)
    for row in (["två", None], ["ett", {"a": 3, "b": 1}]):
        c.add(row)
    assert a.as_dict() == b.as_dict() != c.as_dict()


def test_files_already_in_the_storage_are_kept_and_a_different_one_is_refused(small):
    data = backup_bytes()
    names = list(storage_names(default_storage))
    empty_database()
    # The same bytes under the same names: kept as they are.
    report = restore(data)
    assert report.files_present == len(names) == 2 and report.files_written == 0
    assert digests()["registry.case"]["rows"] == 1
    empty_database()
    # Other bytes under a name of the archive: refused, nothing restored, the stranger left alone.
    with default_storage.open(names[0], "rb") as fh:
        original = fh.read()
    default_storage.delete(names[0])
    default_storage.save(names[0], io.BytesIO(b"annat"))
    with pytest.raises(DomainError, match="finns redan i fillagringen med ett annat innehåll"):
        restore(data)
    assert schema.occupied("default") == [] and sorted(storage_names(default_storage)) == sorted(names)
    assert default_storage.open(names[0]).read() == b"annat" != original


def test_a_stored_file_not_matching_its_content_address_is_named_in_the_manifest(small):
    blob = Blob.objects.first()
    default_storage.delete(blob.storage_name)
    default_storage.save(blob.storage_name, io.BytesIO(b"skadad"))
    out = io.BytesIO()
    manifest = backup_write(out)
    assert manifest["damaged_files"] == [blob.storage_name]
    empty_everything()
    restore(out.getvalue())  # restored as it was: the archive's own hashes hold
    assert default_storage.open(blob.storage_name).read() == b"skadad"
