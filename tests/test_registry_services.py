"""The register's rules, through the services a registrar's actions call."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from diarium.accounts import services as accounts
from diarium.accounts.models import Organ, Role
from diarium.core.errors import DomainError, PermissionDenied
from diarium.registry import selectors, services
from diarium.registry.models import Blob, Case, Document, DocumentFile, Event, SeriesCounter

from . import factories as f

pytestmark = pytest.mark.django_db


def test_first_case_of_the_year_gets_number_one_in_default_format(registrar, ks):
    case = f.case(registrar, ks, registered_at=dt.datetime(2017, 12, 18, 10, tzinfo=dt.UTC))
    assert case.diary_number == "2017.1 KS"
    assert f.case(registrar, ks, registered_at=dt.datetime(2017, 12, 19, tzinfo=dt.UTC)).diary_number == "2017.2 KS"


def test_counter_continues_from_an_earlier_system(org, ks, registrar):
    admin = f.user(org, Role.ADMIN)
    series = services.series_for_organ(ks)
    services.series_counter_set(series=series, year=2017, last_seq=675, actor=admin)
    case = f.case(registrar, ks, registered_at=dt.datetime(2017, 12, 18, 10, tzinfo=dt.UTC))
    assert case.diary_number == "2017.676 KS"
    with pytest.raises(DomainError, match="kan inte återanvändas"):
        services.series_counter_set(series=series, year=2017, last_seq=10, actor=admin)


def test_numbering_format_is_configurable_per_organisation():
    org = f.organisation(name="Vårgårda kommun", slug="vargarda", diary_number_format="{series} {year}/{seq}")
    ks = f.organ(org)
    case = f.case(f.registrar(org), ks, registered_at=dt.datetime(2018, 3, 1, tzinfo=dt.UTC))
    assert case.diary_number == "KS 2018/1"


def test_bad_number_format_is_refused_in_swedish():
    with pytest.raises(DomainError, match="måste innehålla"):
        f.organisation(name="X kommun", slug="x", diary_number_format="{year}-{series}")


def test_committee_registers_in_its_boards_series(org, ks, registrar):
    ksau = f.organ(org, code="KSAU", name="Kommunstyrelsens arbetsutskott", kind=Organ.Kind.COMMITTEE, parent=ks)
    first = f.case(registrar, ks)
    second = f.case(registrar, ksau)
    assert second.series == first.series
    assert second.seq == first.seq + 1
    assert second.diary_number.endswith(" KS")


def test_numbers_are_per_series_and_year(org, ks, registrar):
    kfn = f.organ(org, code="KFN", name="Kultur- och fritidsnämnden", kind=Organ.Kind.BOARD)
    a = f.case(registrar, ks, registered_at=dt.datetime(2018, 1, 2, tzinfo=dt.UTC))
    b = f.case(registrar, kfn, registered_at=dt.datetime(2018, 1, 2, tzinfo=dt.UTC))
    c = f.case(registrar, ks, registered_at=dt.datetime(2019, 1, 2, tzinfo=dt.UTC))
    assert (a.diary_number, b.diary_number, c.diary_number) == ("2018.1 KS", "2018.1 KFN", "2019.1 KS")


def test_failed_registration_consumes_no_number(org, ks, registrar):
    with pytest.raises(DomainError) as err:
        f.case(registrar, ks, title="   ")
    assert "title" in err.value.errors
    assert err.value.errors["title"] == ["Ange en ärendemening."]
    assert Case.objects.count() == 0
    assert f.case(registrar, ks).seq == 1


def test_only_registrars_of_the_organ_register_cases(org, ks):
    kfn = f.organ(org, code="KFN", name="Kultur- och fritidsnämnden", kind=Organ.Kind.BOARD)
    kfn_registrar = f.registrar(org, organ=kfn)
    reader = f.user(org, Role.READER)
    for user in (kfn_registrar, reader, AnonymousUser(), None):
        with pytest.raises(PermissionDenied):
            f.case(user, ks)
    assert f.case(kfn_registrar, kfn).diary_number.endswith("KFN")
    assert Case.objects.count() == 1


def test_case_registration_is_recorded_in_the_history(registrar, ks):
    case = f.case(registrar, ks)
    events = selectors.case_events(user=registrar, case=case)
    assert [e.kind for e in events] == ["case_registered"]
    assert events[0].actor_name == registrar.username


def test_document_register_requires_what_osl_requires(registrar, ks):
    case = f.case(registrar, ks)
    with pytest.raises(DomainError) as err:
        services.document_register(actor=registrar, case=case, direction="incoming", document_date=None,
                                   description="", counterpart="")
    assert set(err.value.errors) == {"document_date", "description", "counterpart"}
    assert err.value.errors["counterpart"] == ["Ange vem handlingen kom från."]
    with pytest.raises(DomainError, match="framtiden"):
        f.document(registrar, case, document_date=dt.date.today() + dt.timedelta(days=2))
    assert Document.objects.count() == 0
    # A document drawn up by the office needs no counterpart.
    doc = f.document(registrar, case, direction="drawn_up", counterpart="", description="Tjänsteskrivelse")
    assert doc.reference == f"{case.diary_number}-1"


def test_documents_get_running_numbers_in_their_case(registrar, ks):
    case = f.case(registrar, ks)
    other = f.case(registrar, ks)
    numbers = [f.document(registrar, case).number for _ in range(3)]
    assert numbers == [1, 2, 3]
    assert f.document(registrar, other).reference == f"{other.diary_number}-1"


def test_files_are_stored_by_hash_and_new_versions_keep_the_old(registrar, ks, _file_storage):
    case = f.case(registrar, ks)
    doc = f.document(registrar, case, files=[f.text_file(content="Version ett\n")])
    first = doc.files.get()
    assert first.version == 1 and len(first.blob.sha256) == 64
    second = services.document_file_add(actor=registrar, document=doc, upload=f.text_file(content="Version två\n"),
                                        replaces=first)
    assert (second.position, second.version) == (1, 2)
    entry = selectors.document_entries(user=registrar, case=case)[0]
    assert [v.version for v in entry.files[0].versions] == [2, 1]
    from diarium.registry.files import blob_open

    with blob_open(first.blob) as fh:
        assert fh.read() == "Version ett\n".encode()
    # The same content twice is stored once.
    f.document(registrar, case, files=[f.text_file(content="Version ett\n")])
    assert Blob.objects.count() == 2
    assert sum(1 for p in _file_storage.rglob("*") if p.is_file()) == 2


def test_disallowed_file_type_leaves_nothing_behind(registrar, ks, _file_storage):
    case = f.case(registrar, ks)
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake_pdf = SimpleUploadedFile("remissvar.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200)
    with pytest.raises(DomainError) as err:
        f.document(registrar, case, files=[f.text_file(), fake_pdf])
    assert "files" in err.value.errors
    assert "filtyp" in err.value.message
    assert Document.objects.count() == DocumentFile.objects.count() == Blob.objects.count() == 0
    assert not _file_storage.exists() or not any(p.is_file() for p in _file_storage.rglob("*"))
    case.refresh_from_db()
    assert case.document_count == 0
    assert f.document(registrar, case).number == 1


def test_upload_size_limit(registrar, ks, settings):
    settings.DIARIUM_MAX_UPLOAD_BYTES = 100
    case = f.case(registrar, ks)
    with pytest.raises(DomainError, match="för stor"):
        f.document(registrar, case, files=[f.text_file(content="x" * 101)])
    assert Document.objects.count() == 0


def test_failure_after_file_write_removes_the_file(registrar, ks, _file_storage, monkeypatch):
    case = f.case(registrar, ks)
    real_store = services.file_store.blob_store

    def store_then_fail(checked, *, written: list):
        real_store(checked, written=written)
        assert [p for p in _file_storage.rglob("*") if p.is_file()], "the file reached the storage"
        raise RuntimeError("database went away")

    monkeypatch.setattr(services.file_store, "blob_store", store_then_fail)
    with pytest.raises(RuntimeError):
        f.document(registrar, case, files=[f.pdf_file()])
    assert Document.objects.count() == Blob.objects.count() == 0
    assert not [p for p in _file_storage.rglob("*") if p.is_file()]


def test_secrecy_masks_chosen_fields_for_those_without_rights(org, ks, registrar):
    kfn = f.organ(org, code="KFN", name="Kultur- och fritidsnämnden", kind=Organ.Kind.BOARD)
    case = f.case(registrar, ks)
    doc = f.document(registrar, case, counterpart="Säkerhetsföretaget AB", description="Sårbarhetsanalys av nätet",
                     files=[f.pdf_file()])
    services.document_mark_secret(actor=registrar, document=doc, ground="OSL 18 kap. 8 §",
                                  masked_fields=["description", "counterpart"])
    outsider = f.user(org, Role.REGISTRAR, organ=kfn)
    reader = f.user(org, Role.READER, organ=ks)
    for viewer in (AnonymousUser(), outsider, reader):
        entry = selectors.document_entries(user=viewer, case=case)[0]
        assert entry.description is None and entry.counterpart is None
        assert entry.description_masked and entry.content_hidden and entry.files == []
        assert entry.is_secret and entry.secrecy_ground == "OSL 18 kap. 8 §"
    entry = selectors.document_entries(user=registrar, case=case)[0]
    assert entry.description == "Sårbarhetsanalys av nätet" and entry.files
    file_id = doc.files.get().pk
    with pytest.raises(PermissionDenied):
        selectors.file_for_download(user=outsider, file_id=file_id)
    selectors.file_for_download(user=registrar, file_id=file_id)
    kinds = list(Event.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds.count("secret_read") == 1 and "secrecy_marked" in kinds
    # Who read secret documents is not shown to those without the right.
    assert "secret_read" not in [e.kind for e in selectors.case_events(user=AnonymousUser(), case=case)]


def test_private_persons_are_masked_publicly_by_default(org, ks, registrar):
    case = f.case(registrar, ks)
    f.document(registrar, case, counterpart="Anna Andersson", counterpart_is_private=True, description="Synpunkt")
    public = selectors.document_entries(user=AnonymousUser(), case=case)[0]
    assert public.counterpart is None and public.counterpart_masked
    assert public.description == "Synpunkt"
    reader = f.user(org, Role.READER, organ=ks)
    assert selectors.document_entries(user=reader, case=case)[0].counterpart == "Anna Andersson"


def test_marking_secret_needs_a_ground_and_a_right(org, ks, registrar):
    case = f.case(registrar, ks)
    doc = f.document(registrar, case)
    with pytest.raises(DomainError, match="sekretessgrund"):
        services.document_mark_secret(actor=registrar, document=doc, ground=" ")
    officer = f.user(org, Role.CASE_OFFICER, organ=ks)
    with pytest.raises(PermissionDenied):
        services.document_mark_secret(actor=officer, document=doc, ground="OSL 26 kap. 1 §")
    services.document_mark_secret(actor=registrar, document=doc, ground="OSL 26 kap. 1 §")
    services.document_lift_secrecy(actor=registrar, document=doc, reason="Sekretessen har upphört")
    doc.refresh_from_db()
    assert not doc.is_secret


def test_close_and_reopen_with_reason(registrar, ks):
    case = f.case(registrar, ks)
    services.case_close(actor=registrar, case=case, reason="Besvarat")
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.closed_at
    with pytest.raises(DomainError, match="redan avslutat"):
        services.case_close(actor=registrar, case=case)
    with pytest.raises(DomainError, match="varför"):
        services.case_reopen(actor=registrar, case=case, reason="")
    services.case_reopen(actor=registrar, case=case, reason="Nytt underlag kom in")
    history = selectors.case_events(user=registrar, case=case)
    assert [e.kind for e in history][-2:] == ["case_closed", "case_reopened"]
    assert history[-1].details == "Nytt underlag kom in"


def test_case_update_is_logged_with_what_changed(org, ks, registrar):
    case = f.case(registrar, ks)
    goran = accounts.person_create(organisation=org, name="Göran Westerlund", title="Digitaliseringsansvarig")
    services.case_update(actor=registrar, case=case, case_officer=goran)
    case.refresh_from_db()
    assert case.case_officer == goran
    event = Event.objects.filter(case=case).last()
    assert event.kind == "case_updated"
    assert event.data["changes"]["case_officer"]["to"].startswith("Göran Westerlund")


def test_events_are_append_only(registrar, ks):
    case = f.case(registrar, ks)
    event = Event.objects.get(case=case)
    event.kind = "case_closed"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        Event.objects.filter(case=case).update(kind="x")
    with pytest.raises(TypeError):
        Event.objects.filter(case=case).delete()


def test_case_list_filters(org, ks, registrar):
    kfn = f.organ(org, code="KFN", name="Kultur- och fritidsnämnden", kind=Organ.Kind.BOARD)
    goran = accounts.person_create(organisation=org, name="Göran Westerlund")
    a = f.case(registrar, ks, title="Digital målbild", case_officer=goran,
               registered_at=dt.datetime(2017, 12, 18, tzinfo=dt.UTC))
    b = f.case(registrar, kfn, title="Biblioteksplan", registered_at=dt.datetime(2018, 3, 1, tzinfo=dt.UTC))
    services.case_close(actor=registrar, case=b)

    def numbers(**kw):
        return [c.diary_number for c in selectors.case_list(user=None, **kw)]

    assert numbers() == [b.diary_number, a.diary_number]
    assert numbers(organ=kfn.pk) == [b.diary_number]
    assert numbers(year=2017) == [a.diary_number]
    assert numbers(status="closed") == [b.diary_number]
    assert numbers(case_officer=goran.pk) == [a.diary_number]
    assert numbers(date_from=dt.date(2018, 1, 1)) == [b.diary_number]
    assert numbers(date_to=dt.date(2017, 12, 31)) == [a.diary_number]
    assert numbers(q="målbild") == [a.diary_number]
    assert numbers(q="2018.1") == [b.diary_number]
    assert selectors.case_years() == [2018, 2017]


def test_counter_rows_match_cases(registrar, ks):
    for _ in range(3):
        f.case(registrar, ks)
    assert SeriesCounter.objects.get().last_seq == Case.objects.count() == 3


def test_text_filter_folds_swedish_letters(registrar, ks):
    """SQLite's LIKE folds only ASCII: the filter must find "Ärende" from "ärende"."""
    case = f.case(registrar, ks, title="Ärende om ÖVERSIKTSPLAN för Åsarp")
    for q in ("ärende", "översiktsplan", "ÅSARP", case.diary_number.upper()):
        assert [c.pk for c in selectors.case_list(user=None, q=q)] == [case.pk], q
    services.case_update(actor=registrar, case=case, title="Detaljplan för Gräfsnäs")
    assert [c.pk for c in selectors.case_list(user=None, q="GRÄFSNÄS")] == [case.pk]
    assert list(selectors.case_list(user=None, q="översiktsplan")) == []
