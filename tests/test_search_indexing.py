"""The index follows every write: registration, edits, secrecy marked and
lifted, deletion, at once in tests (ImmediateBackend); with the database task
queue the outbox shows the lag until a worker catches up; `diarium reindex`
rebuilds a lost index and the database answers meanwhile."""

from __future__ import annotations

import datetime as dt
import io
import shutil

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from diarium.decisions import services as decisions
from diarium.plans import services as plans
from diarium.registry import services as registry
from diarium.registry.models import DocumentFile, Event
from diarium.search import projection, selectors, services
from diarium.search.engines import tantivy as tantivy_engine_module
from diarium.search.models import FileText, PendingChange, SearchRecord

from . import factories as f
from .search_support import find, search_engine_fixture, tantivy_engine_fixture, titles  # noqa: F401

pytestmark = pytest.mark.django_db

FALLBACK = "Sökindexet byggs om."
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _gallra(document) -> None:
    """Destroy a document as a retention schedule would ("gallring"): no service
    does it yet, and the history refuses deletes, so the test clears the way."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Event._meta.db_table} WHERE document_id = %s", [document.pk])
    DocumentFile.objects.filter(document=document).delete()
    document.delete()


# --- every write is followed at once ---------------------------------------------------------------
def test_registration_and_edits_are_searchable_at_once(search_engine, registrar, ks):
    case = f.case(registrar, ks, title="Ansökan om bygglov för vindkraftverk")
    assert titles(find(None, "vindkraftverk")) == ["Ansökan om bygglov för vindkraftverk"]
    registry.case_update(actor=registrar, case=case, title="Ansökan om bygglov för solpaneler",
                         description="Taket på förskolan Ängen")
    assert find(None, "vindkraftverk").total == 0
    assert titles(find(None, "solpaneler")) == ["Ansökan om bygglov för solpaneler"]
    assert titles(find(None, "förskolan")) == ["Ansökan om bygglov för solpaneler"]
    f.document(registrar, case, description="Ritningar", files=[f.text_file("ritning.txt", "Takstolar i limträ.\n")])
    assert [h.kind for h in find(None, "limträ").hits] == ["document"]
    assert not PendingChange.objects.exists()


def test_marking_and_lifting_secrecy_are_followed_at_once(search_engine, registrar, ks):
    case = f.case(registrar, ks, title="Tillsyn")
    document = f.document(registrar, case, counterpart="Säkerhetskonsult AB", description="Sårbarhetsrapport",
                          files=[f.text_file("rapport.txt", "Brandväggen saknar uppdateringar.\n")])
    assert find(None, "sårbarhetsrapport").total == 1 and find(None, "brandväggen").total == 1
    registry.document_mark_secret(actor=registrar, document=document, ground="OSL 18 kap. 8 §",
                                  masked_fields=["description"])
    assert find(None, "sårbarhetsrapport").total == 0
    assert find(None, "brandväggen").total == 0  # the files of a secret document
    assert find(None, "säkerhetskonsult").total == 1  # not masked
    assert find(registrar, "sårbarhetsrapport brandväggen").total == 1
    registry.document_lift_secrecy(actor=registrar, document=document, reason="Åtgärdat")
    assert find(None, "sårbarhetsrapport").total == 1 and find(None, "brandväggen").total == 1
    assert SearchRecord.objects.filter(key=f"document:{document.pk}").count() == 1  # one row for all tiers again


def test_a_new_file_version_replaces_the_old_text(search_engine, registrar, ks):
    case = f.case(registrar, ks, title="Avtal")
    document = f.document(registrar, case, description="Avtal", files=[f.text_file("avtal.txt", "Utkast ett.\n")])
    old = document.files.get()
    registry.document_file_add(actor=registrar, document=document, upload=f.text_file("avtal.txt", "Slutversion.\n"),
                               replaces=old)
    assert find(None, "slutversion").total == 1
    assert find(None, "utkast").total == 0


def test_deleted_records_leave_the_index(search_engine, registrar, ks):
    case = f.case(registrar, ks, title="Gallringsbart ärende")
    document = f.document(registrar, case, description="Kopia av inbjudan till mässa")
    assert find(None, "mässa").total == 1
    _gallra(document)
    assert find(None, "mässa").total == 0
    assert not SearchRecord.objects.filter(key=f"document:{document.pk}").exists()


def test_plans_meetings_and_organs_are_followed(search_engine, registrar, org, ks):
    case = f.case(registrar, ks, title="Styrning")
    plan = f.plan(registrar, case, ks, title="Plan för digitalisering")
    _area, _goal, _indicator, action = f.plan_structure(registrar, plan)
    assert find(registrar, "e-tjänsteplattform").total == 1
    plans.structure_delete(actor=registrar, item=action)
    assert find(registrar, "e-tjänsteplattform").total == 0
    meeting = f.meeting(registrar, ks, dt.date(2030, 1, 15))
    item = decisions.agenda_item_add(actor=registrar, meeting=meeting, title="Markanvisning i Noltorp")
    assert find(registrar, "noltorp").total == 1
    item.delete()
    assert find(registrar, "noltorp").total == 0
    ks.name = "Kommunstyrelsen i Alingsås"  # renamed in the admin
    ks.save()
    assert {h.organ for h in find(None, "styrning").hits} == {"Kommunstyrelsen i Alingsås (KS)"}


def test_reservations_and_motions_are_found_with_their_decision(search_engine, registrar, ks):
    case = f.case(registrar, ks, title="Utbyggnad av bredband")
    meeting = f.meeting(registrar, ks, dt.date(2025, 2, 3))
    item = decisions.agenda_item_add(actor=registrar, meeting=meeting, title="Utbyggnad av bredband", case=case)
    decisions.meeting_open(actor=registrar, meeting=meeting)
    meeting.refresh_from_db()
    decisions.decision_record(actor=registrar, meeting=meeting, agenda_item=item, case=case,
                              title="Utbyggnad av bredband", text="Förslaget bifalls.", notes=[
                                  decisions.NoteInput(kind="reservation", text="Ledamot (V) reserverar sig mot beslutet."),
                                  decisions.NoteInput(kind="motion", text="(M) yrkar avslag på fiberstödet.")])
    decisions.meeting_close(actor=registrar, meeting=meeting)  # the notes are in: the decision is read again
    for q in ("reserverar", "fiberstödet", "reservation"):
        assert [h.kind for h in find(registrar, q).hits] == ["decision"], q


def test_an_unchanged_record_is_not_rewritten(tantivy_engine, registrar, ks):
    case = f.case(registrar, ks, title="Oförändrat")
    before = SearchRecord.objects.get(key=f"case:{case.pk}")
    services.record_refresh("case", case.pk)
    after = SearchRecord.objects.get(key=f"case:{case.pk}")
    assert (after.pk, after.updated_at) == (before.pk, before.updated_at)


# --- the outbox and the worker --------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)  # the worker closes and reopens connections like a real one
def test_with_the_database_queue_the_lag_shows_until_a_worker_catches_up(tantivy_engine, org, ks, registrar,
                                                                          settings):
    settings.TASKS = DB_TASKS
    f.case(registrar, ks, title="Detaljplan för Stadsparken")
    assert find(None, "stadsparken").total == 0  # queued, not yet applied
    PendingChange.objects.update(queued_at=timezone.now() - dt.timedelta(seconds=90))
    health = selectors.search_health()
    assert health["pending"] >= 1 and health["lag_seconds"] >= 90 and health["ready"] is True
    assert health["oldest_pending_at"] is not None
    result = find(None, "detaljplan")
    assert result.pending >= 1 and result.lag_seconds >= 90
    call_command("worker", "--batch", verbosity=0)
    assert titles(find(None, "stadsparken")) == ["Detaljplan för Stadsparken"]
    health = selectors.search_health()
    assert (health["pending"], health["lag_seconds"], health["oldest_pending_at"]) == (0, 0.0, None)
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.exclude(status="SUCCESSFUL").count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_worker_builds_a_missing_index_from_the_outbox(org, ks, registrar, settings):
    settings.TASKS = DB_TASKS
    f.case(registrar, ks, title="Översiktsplan för Alingsås")
    assert selectors.search_health()["ready"] is False
    call_command("worker", "--batch", verbosity=0)
    assert selectors.search_health()["ready"] is True
    result = find(None, "översiktsplan")
    assert not result.fallback and titles(result) == ["Översiktsplan för Alingsås"]


def test_a_busy_index_keeps_the_changes_until_it_is_free(tantivy_engine, registrar, ks, monkeypatch):
    monkeypatch.setattr(tantivy_engine_module, "LOCK_WAIT_SECONDS", 0.1)
    index = tantivy_engine_module.TantivyEngine()._reader().index
    writer = index.writer(15_000_000, 1)  # another process writing, as far as search can tell
    f.case(registrar, ks, title="Medborgarförslag om hundrastgård")
    assert PendingChange.objects.count() == 1
    assert find(None, "hundrastgård").total == 0
    writer.rollback()
    writer.wait_merging_threads()
    outcome = services.pending_apply()
    assert (outcome.applied, outcome.busy) == (1, False)
    assert find(None, "hundrastgård").total == 1
    assert services.pending_apply().applied == 0  # nothing left: applying is idempotent


def test_the_worker_sweeps_changes_a_lost_task_left_behind(tantivy_engine, registrar, ks, monkeypatch):
    from diarium.core import tasks as core_tasks

    monkeypatch.setattr(tantivy_engine_module, "LOCK_WAIT_SECONDS", 0.1)
    index = tantivy_engine_module.TantivyEngine()._reader().index
    writer = index.writer(15_000_000, 1)  # the queued task finds the index busy and its retry is lost
    f.case(registrar, ks, title="Medborgarförslag om utegym")
    writer.rollback()
    writer.wait_merging_threads()
    assert find(None, "utegym").total == 0 and PendingChange.objects.count() == 1
    job = next(j for j in core_tasks.PERIODIC if j.name == "search.outbox")
    assert job.every <= dt.timedelta(minutes=1)
    assert "search.outbox" in core_tasks.schedule_due()  # tasks run at once in the tests
    assert titles(find(None, "utegym")) == ["Medborgarförslag om utegym"]
    assert not PendingChange.objects.exists()


# --- rebuilding fast: producer processes and kept file texts --------------------------------------
def _projection_rows() -> list[tuple]:
    return sorted(SearchRecord.objects.values_list("uid", "kind", "title", "body", "file_text", "organ_label",
                                                   "date", "tier_public", "tier_internal", "tier_secret", "url"))


@pytest.mark.django_db(transaction=True)  # producers read what is committed, on connections of their own
def test_producer_processes_rebuild_the_same_projection_and_index(org, ks, registrar, settings, monkeypatch):
    settings.DIARIUM_SEARCH_ENGINE = "tantivy"
    case = f.case(registrar, ks, title="Handlingsplan för digitalisering")
    f.document(registrar, case, description="Remissvar", files=[f.text_file("svar.txt", "Vi tillstyrker förslaget.\n")])
    secret = f.document(registrar, case, counterpart="Säkerhetskonsult AB", description="Sårbarhetsrapport",
                        files=[f.text_file("rapport.txt", "Brandväggen saknar uppdateringar.\n")])
    registry.document_mark_secret(actor=registrar, document=secret, ground="OSL 18 kap. 8 §",
                                  masked_fields=["description"])
    f.document(registrar, case, counterpart="Anna Andersson", counterpart_is_private=True, description="Synpunkter")
    for n in range(7):
        f.case(registrar, ks, title=f"Bygglov för förråd {n}")
    monkeypatch.setattr(projection, "CHUNK", 3)  # several jobs of each kind, in order
    settings.DIARIUM_SEARCH_REBUILD_PROCESSES = 0
    in_process = services.index_rebuild()
    expected = _projection_rows()
    settings.DIARIUM_SEARCH_REBUILD_PROCESSES = 2
    pools = []
    real_pool = services._producer_pool
    monkeypatch.setattr(services, "_producer_pool", lambda *args: pools.append(real_pool(*args)) or pools[-1])
    produced = services.index_rebuild()
    assert pools[0] is not None  # it did fork producers
    assert (produced.records, produced.rows) == (in_process.records, in_process.rows) == (11, 13)
    assert _projection_rows() == expected
    assert titles(find(None, "tillstyrker")) == ["Remissvar"] and not find(None, "tillstyrker").fallback
    assert find(None, "brandväggen").total == 0 and find(None, "andersson").total == 0  # masked for the public
    assert find(registrar, "brandväggen sårbarhetsrapport").total == 1
    assert find(None, "förråd").total == 7
    assert selectors.search_health()["pending"] == 0


@pytest.mark.django_db(transaction=True)  # producers read what is committed, on connections of their own
def test_producers_never_use_a_connection_they_inherited(org, ks, registrar, settings, monkeypatch, tmp_path):
    """A rebuild started where an event loop runs in the thread (the browser tests'
    Playwright does that for the whole test session) has its connections kept per
    context: closing them before the fork leaves the thread's earlier ones open, and
    a forked producer, which sees no loop, found one of those. Two producers on one
    socket read each other's answers ("too many values to unpack", once in CI)."""
    import asyncio
    import os
    import threading

    from django.db import connections

    settings.DIARIUM_SEARCH_ENGINE = "tantivy"
    for n in range(9):
        f.case(registrar, ks, title=f"Bygglov för förråd {n}")
    used = tmp_path / "producers.txt"
    real_produce = projection.produce

    def produce(ctx, job, encode=None):
        result = real_produce(ctx, job, encode)
        with used.open("a") as out:
            out.write(f"{os.getpid()} {getattr(connections['default'], '_opened_by_the_parent', False)}\n")
        return result

    monkeypatch.setattr(projection, "produce", produce)  # as the producers call it (forked, not pickled)
    monkeypatch.setattr(projection, "CHUNK", 2)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.DIARIUM_SEARCH_REBUILD_PROCESSES = 2
    outcome = {}

    async def under_a_loop():
        try:
            return services.index_rebuild()
        finally:
            connections.close_all()  # the ones kept for this loop's context

    def rebuild_under_a_loop():
        connection.ensure_connection()  # this thread's connection, opened outside the loop
        connections["default"]._opened_by_the_parent = True
        try:
            outcome["report"] = asyncio.run(under_a_loop())
        except BaseException as error:  # raised again in the test's thread
            outcome["error"] = error
        finally:
            connections.close_all()

    # A thread of its own, where no loop runs yet (in the test's thread Playwright's
    # may already run, once the browser tests have).
    thread = threading.Thread(target=rebuild_under_a_loop)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    report = outcome["report"]
    lines = used.read_text().split()
    assert report.records == 9 and len(lines) == 2 * 5  # every job ran in a producer
    assert set(lines[1::2]) == {"False"}, "a producer used the connection of the process that forked it"
    assert find(None, "förråd").total == 9


def test_a_rebuild_gives_the_garbage_collector_back_even_when_it_fails(tantivy_engine, registrar, ks, monkeypatch):
    """The rebuild pauses Python's cyclic garbage collector while it streams rows;
    whatever happens, the process (the worker, say) gets it back, or its memory
    would grow with every cycle it makes afterwards."""
    import gc

    f.case(registrar, ks, title="Handlingsplan för digitalisering")
    paused = []
    engine_class = tantivy_engine_module.TantivyEngine
    real_rebuild = engine_class.rebuild

    def failing(self, records, progress=None):
        paused.append(not gc.isenabled())
        list(records)
        raise OSError("disken är full")

    monkeypatch.setattr(engine_class, "rebuild", failing)
    with pytest.raises(OSError):
        services.index_rebuild()
    assert paused == [True] and gc.isenabled()
    monkeypatch.setattr(engine_class, "rebuild", real_rebuild)
    services.index_rebuild()
    assert gc.isenabled() and titles(find(None, "handlingsplanen")) == ["Handlingsplan för digitalisering"]


def test_file_texts_are_kept_and_a_rebuild_reads_no_file_again(tantivy_engine, registrar, ks, monkeypatch):
    from diarium.registry import files

    case = f.case(registrar, ks, title="Avtal")
    document = f.document(registrar, case, description="Avtal", files=[f.text_file("avtal.txt", "Hyresavtal för Nolhaga.\n")])
    kept = FileText.objects.get(blob__document_files__document=document)
    assert kept.text == "Hyresavtal för Nolhaga." and kept.kind == "text"

    def unreachable(blob):
        raise OSError("the bucket cannot be reached")

    monkeypatch.setattr(files, "blob_open", unreachable)
    services.index_rebuild()
    assert titles(find(None, "nolhaga")) == ["Avtal"]


def test_a_changed_extractor_reads_the_file_again_and_a_failed_read_is_not_kept(tantivy_engine, registrar, ks,
                                                                                  settings, monkeypatch):
    from diarium.registry import files

    case = f.case(registrar, ks, title="Avtal")
    f.document(registrar, case, description="Avtal", files=[f.text_file("avtal.txt", "Arrende för Gräfsnäs.\n")])
    settings.DIARIUM_SEARCH_MAX_TEXT_CHARS = 8  # another limit: the kept text no longer counts
    real_open = files.blob_open
    monkeypatch.setattr(files, "blob_open", lambda blob: (_ for _ in ()).throw(OSError("no storage")))
    services.index_rebuild()
    assert find(None, "gräfsnäs").total == 0  # indexed without the text it could not read
    assert FileText.objects.get().text == "Arrende för Gräfsnäs."  # the failure replaced nothing
    monkeypatch.setattr(files, "blob_open", real_open)
    services.index_rebuild()
    assert FileText.objects.get().text == "Arrende"  # read again under the new limit
    assert find(None, "arrende").total == 1 and find(None, "gräfsnäs").total == 0


def test_text_that_is_not_valid_unicode_is_still_indexed(tantivy_engine, registrar, ks):
    from diarium.search.engines.tantivy import _document

    row = projection.rows_for("case", [f.case(registrar, ks, title="Vägbelysning").pk])[0]
    row["body"] = "trasig \udc80 text"
    assert '"trasig ? text"' in _document(row) and '"Vägbelysning"' in _document(row)


# --- losing and rebuilding the index --------------------------------------------------------------
def test_a_missing_index_falls_back_to_the_database_with_a_notice(tantivy_engine, registrar, ks, settings):
    f.case(registrar, ks, title="Handlingsplanen för öppna data")
    secret = f.document(registrar, f.case(registrar, ks, title="Tillsyn"), description="Hemlighetsfullt underlag")
    registry.document_mark_secret(actor=registrar, document=secret, ground="OSL 18 kap. 8 §",
                                  masked_fields=["description"])
    shutil.rmtree(settings.DIARIUM_SEARCH_INDEX_DIR)
    result = find(None, "handlingsplan")
    assert result.fallback and result.engine == "database"
    assert any(n.startswith(FALLBACK) for n in result.notices)
    assert titles(result) == ["Handlingsplanen för öppna data"]
    assert "<mark>Handlingsplanen</mark>" in result.hits[0].title_html
    assert find(None, "hemlighetsfullt").total == 0  # the fallback keeps the audience rules
    assert find(registrar, "hemlighetsfullt").total == 1
    assert find(None, "sekretessmarkerad").total == 1


def test_reindex_rebuilds_a_deleted_index(tantivy_engine, registrar, ks, settings):
    case = f.case(registrar, ks, title="Handlingsplanen för öppna data")
    f.document(registrar, case, description="Remissvar", files=[f.text_file("svar.txt", "Vi tillstyrker förslaget.\n")])
    shutil.rmtree(settings.DIARIUM_SEARCH_INDEX_DIR)
    SearchRecord.objects.all().delete()
    assert find(None, "tillstyrker").total == 0
    out, err = io.StringIO(), io.StringIO()
    call_command("reindex", stdout=out, stderr=err)
    assert "2/2 poster (100 %)" in err.getvalue()
    assert "2 poster (2 varianter) indexerade med tantivy" in out.getvalue() and "poster/s" in out.getvalue()
    result = find(None, "tillstyrker")
    assert not result.fallback and result.total == 1
    status = io.StringIO()
    call_command("reindex", "--status", stdout=status)
    assert "engine: tantivy" in status.getvalue() and "ready: True" in status.getvalue()
    assert "pending: 0" in status.getvalue()


def test_reindex_rebuilds_the_projection_on_each_engine(search_engine, registrar, ks):
    case = f.case(registrar, ks, title="Medborgarförslag om utegym")
    f.document(registrar, case, description="Förslag", files=[f.text_file("forslag.txt", "Ett utegym vid Mjörn.\n")])
    SearchRecord.objects.all().delete()  # the projection is lost (the tantivy index still answers)
    call_command("reindex", stdout=io.StringIO(), stderr=io.StringIO())
    assert SearchRecord.objects.count() == 2
    result = find(None, "mjörn")
    assert not result.fallback and result.engine == search_engine and result.total == 1
    assert find(None, "utegym").total == 2
