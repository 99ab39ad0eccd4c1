"""Import from the e-archive and from other systems (issue 22, part 5):
`diarium archive import PATH…` reads E-ARK SIPs (FGS Paketstruktur 2.0 with
FGS Ärendehantering 2.0 / CITS ERMS) into the register, checks them first,
refuses a damaged one with every problem named, and is idempotent. The round
trip is exact: export, import into an empty installation, export again, and
the packages are byte-identical."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from lxml import etree

from diarium.accounts.models import Organ, Role
from diarium.archive.sip.mets import METS_NS, XLINK_NS
from diarium.decisions import services as decisions
from diarium.registry import services as registry
from diarium.registry.services import disposal as registry_disposal
from diarium.registry.models import Case, CaseLink, Classification
from diarium.remiss import services as remiss

from . import factories as f
from .sip_support import classification as _classification
from .sip_support import docx_upload, export, pdfa_upload
from .sip_support import tree as _tree
from .sip_support import world_settings as _world_settings

PACKAGE = "alingsas_2017.676_KS"
OTHER = "alingsas_2018.1_KS"
SECRET_NAME = "Karin Ek"  # a private person, the sender of the secret document
SECRET_DESCRIPTION = "Synpunkter från privatperson om hemtjänsten"


def _rich_case(org, ks, registrar):
    """A case with everything a package carries: a DOCX drawn up (converted to
    PDF/A on export), a PDF/A received, a secret letter from a private person
    with its ground, a file in two versions, a decision with its §, a
    delegation decision, a remiss with recipients, an answer, an assessment
    and an extended deadline, a due date, a link to a second case whose title
    is protected, and a history of events; closed on 2018-12-10."""
    admin = f.user(org, Role.ADMIN)
    officer = f.person(org, "Göran Westerlund", title="Digitaliseringsansvarig")
    area = _classification(org, "1", "Styrning och ledning", None, "area")
    group = _classification(org, "1.2", "Styrdokument", area, "process_group")
    process = _classification(org, "1.2.3", "Ta fram styrdokument", group, "process")
    from diarium.registry import reference

    letter_type = reference.document_type_create(actor=admin, organisation=org, name="Skrivelse")
    with f.on_day("2017-11-02"):
        registry.series_counter_set(series=registry.series_for_organ(ks), year=2017, last_seq=675, actor=admin)
        case = registry.case_register(actor=registrar, organ=ks, title="Digital målbild för Alingsås kommun – öppen "
                                      "och smart", case_officer=officer, classification=process,
                                      description="Målbild och handlingsplan.")
    with f.on_day("2018-06-12"):
        answer = f.document(registrar, case, counterpart="Föreningen Sambruk", description="Yttrande från Sambruk",
                            files=[pdfa_upload()], document_date=dt.date(2018, 6, 12), received_via="email")
        secret = f.document(registrar, case, counterpart=SECRET_NAME, description=SECRET_DESCRIPTION,
                            counterpart_is_private=True, document_type=letter_type,
                            files=[f.text_file("brev.txt", "Jag har synpunkter på hemtjänsten.\n")],
                            document_date=dt.date(2018, 6, 11))
        registry.document_mark_secret(actor=registrar, document=secret, ground="OSL 26 kap. 1 §",
                                      masked_fields=["counterpart", "description"])
    with f.on_day("2018-06-20"):
        reply = f.document(registrar, case, direction="outgoing", counterpart=SECRET_NAME, counterpart_is_private=True,
                           description=f"Svar till {SECRET_NAME} om e-tjänsterna", document_date=dt.date(2018, 6, 20))
    with f.on_day("2018-08-23"):
        report = f.document(registrar, case, direction="drawn_up", counterpart="", description="Tjänsteskrivelse",
                            files=[docx_upload(), f.text_file("bilaga.txt", "Bilaga 1\n")],
                            document_date=dt.date(2018, 8, 23))
    with f.on_day("2018-08-24"):
        first_attachment = report.files.get(position=2)
        registry.document_file_add(actor=registrar, document=report, replaces=first_attachment,
                                   upload=f.text_file("bilaga.txt", "Bilaga 1, rättad\n"))
        registry.due_date_set(actor=registrar, case=case, due_on=dt.date(2018, 10, 1), reason="Remissvaren ska in")
    with f.on_day("2018-09-03"):
        boards = [f.organ(org, code=f"N{i}", name=f"Nämnd {i}", kind=Organ.Kind.BOARD, email=f"n{i}@alingsas.se")
                  for i in (1, 2)]
        round_ = remiss.remiss_create(
            actor=registrar, case=case, title="Handlingsplan för digital målbild", letter="Vi önskar era synpunkter.",
            deadline=dt.date(2018, 10, 1), recipients=[remiss.RecipientInput(organ=o) for o in boards],
            files=list(report.files.filter(position=1)), ordered_by="KSAU 2018-08-29 § 120")
        remiss.remiss_send(actor=registrar, round=round_)
    with f.on_day("2018-09-20"):
        first = round_.recipients.get(position=1)
        remiss.remiss_answer_inside(actor=registrar, recipient=first, text="Nämnd 1 tillstyrker förslaget.",
                                    files=[f.text_file("svar.txt", "Nämnd 1 tillstyrker.\n")])
        remiss.remiss_assess(actor=registrar, recipient=round_.recipients.get(position=1),
                             summary="Tillstyrker.", consideration="accepted")
        remiss.remiss_extend(actor=registrar, round=round_, deadline=dt.date(2018, 10, 15),
                             reason="Nämnden sammanträder sent", recipient_ids=[round_.recipients.get(position=2).pk])
    with f.on_day("2018-09-25"):
        decisions.delegation_decision_register(
            actor=registrar, case=case, organ=ks, point="3.2", summary="Bidrag till deltagande i nätverk beviljas",
            decided_on=dt.date(2018, 9, 25), decided_by=officer)
    chair = f.person(org, "Ordförande Ordförandesson")
    meeting = f.meeting(registrar, ks, dt.date(2018, 10, 8), members=[(chair, "chair")], chair=chair)
    with f.on_day("2018-10-01"):
        item = decisions.agenda_item_add(actor=registrar, meeting=meeting, title="Digital målbild", case=case)
    with f.on_day("2018-10-08"):
        decision = f.held(registrar, meeting, item, "Digital målbild godkänns", adjust=True)
    with f.on_day("2018-11-01"):
        other = registry.case_register(actor=registrar, organ=ks, title="Uppföljning av hemtjänsten för en enskild",
                                       classification=process)
        registry.case_protect(actor=registrar, case=other, public_title="Ärende enligt socialtjänstlagen",
                              ground="OSL 26 kap. 1 §")
        registry.case_link_add(actor=registrar, case=other, other=case, kind=CaseLink.Kind.FOLLOWS)
    with f.on_day("2018-12-10"):
        registry.case_close(actor=registrar, case=case, reason="Målbilden är antagen.")
        registry.case_close(actor=registrar, case=other, reason="Klart.")
    case.refresh_from_db()
    other.refresh_from_db()
    return SimpleNamespace(case=case, other=other, answer=answer, secret=secret, reply=reply, report=report,
                           round=round_,
                           decision=decision, officer=officer, process=process, admin=admin)


@pytest.fixture(scope="module")
def exported(django_db_setup, django_db_blocker, tmp_path_factory):
    """The two cases made once, exported as folders and as zip files, and then
    every row deleted: the tests import into an empty installation (a fresh
    file storage each, from the suite's autouse fixture)."""
    from django.test import override_settings

    folder = tmp_path_factory.mktemp("archive-import")
    with django_db_blocker.unblock(), override_settings(**_world_settings(folder)):
        org = f.organisation()
        ks = f.organ(org)
        registrar = f.registrar(org)
        world = _rich_case(org, ks, registrar)
        export(folder / "packages", "--closed-before", "2019-01-01", "--no-validate")
        export(folder / "zips", "--closed-before", "2019-01-01", "--zip", "--no-validate")
        world.reply.refresh_from_db()
        facts = SimpleNamespace(secret_number=world.secret.number, report_number=world.report.number,
                                paragraph=world.decision.paragraph, reply_number=world.reply.number,
                                registrar=registrar.get_username(),
                                reply_public=world.reply.description)
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
    yield SimpleNamespace(folder=folder, packages=folder / "packages", zips=folder / "zips", facts=facts)


def import_(*args) -> str:
    stdout = io.StringIO()
    call_command("archive", "import", *[str(a) for a in args], stdout=stdout)
    return stdout.getvalue()


def refused(*args) -> str:
    """The output of an import that must be refused (CommandError), with its error."""
    stdout = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("archive", "import", *[str(a) for a in args], stdout=stdout)
    return stdout.getvalue() + str(raised.value)


def rows() -> dict[str, int]:
    """How many rows the import could have written, table by table, and the stored files."""
    from django.conf import settings

    from diarium.accounts.models import Organisation, Person
    from diarium.decisions.models import Decision, Meeting
    from diarium.registry.models import Blob, Document, DocumentFile, Event
    from diarium.remiss.models import RemissRound

    storage = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return {model.__name__: model.objects.count() for model in (
        Organisation, Organ, Person, Case, Document, DocumentFile, Blob, Event, Decision, Meeting, RemissRound,
        Classification)} | {"files": sum(1 for p in storage.rglob("*") if p.is_file()) if storage.exists() else 0}


def copy_package(exported, tmp_path: Path, name: str = PACKAGE) -> Path:
    target = tmp_path / "in" / name
    shutil.copytree(exported.packages / name, target)
    return target


def rechecksum(package: Path, relative: str) -> None:
    """Write the size and SHA-256 of a changed file into the METS that names
    it (and that METS's into the root METS), as a tool that forges a package
    consistently would: only the checks beyond the checksums can find it."""
    changed = [relative]
    while changed:
        relative = changed.pop()
        target = (package / relative).resolve()
        data = target.read_bytes()
        for mets in package.rglob("METS.xml"):
            tree = etree.parse(str(mets))
            touched = False
            for element in tree.iter(f"{{{METS_NS}}}file", f"{{{METS_NS}}}mdRef"):
                location = element if element.tag.endswith("mdRef") else element.find(f"{{{METS_NS}}}FLocat")
                if (mets.parent / location.get(f"{{{XLINK_NS}}}href")).resolve() == target:
                    element.set("SIZE", str(len(data)))
                    element.set("CHECKSUM", hashlib.sha256(data).hexdigest())
                    touched = True
            if touched:
                tree.write(str(mets), xml_declaration=True, encoding="UTF-8")
                if mets != package / "METS.xml":
                    changed.append(mets.relative_to(package).as_posix())


class TestTheRoundTrip:
    def test_export_import_into_an_empty_installation_and_export_again_gives_the_same_bytes(self, exported, db,
                                                                                             tmp_path):
        assert Case.objects.count() == 0
        output = import_(exported.packages)  # a folder of packages
        assert f"Läste in {exported.packages / PACKAGE}: ärendet 2017.676 KS i Alingsås kommun (8 handlingar, " \
               "9 filer, 1 beslut, 1 delegationsbeslut, 1 remisser" in output, output
        assert "Kopplingen till ärendet 2018.1 KS görs när det ärendet läses in" in output
        assert "2 paket: 2 inlästa, 0 redan inlästa, 0 provlästa, 0 vägrade." in output
        export(tmp_path / "again", "--closed-before", "2019-01-01")
        for name in (PACKAGE, OTHER):
            before, after = _tree(exported.packages / name), _tree(tmp_path / "again" / name)
            assert sorted(before) == sorted(after)
            assert [path for path in before if before[path] != after[path]] == []

    def test_zip_files_round_trip_to_the_same_zip_files(self, exported, db, tmp_path):
        import_(exported.zips / f"{OTHER}.zip", exported.zips / f"{PACKAGE}.zip")
        export(tmp_path / "again", "--closed-before", "2019-01-01", "--zip", "--no-validate")
        for name in (PACKAGE, OTHER):
            assert (tmp_path / "again" / f"{name}.zip").read_bytes() == (exported.zips / f"{name}.zip").read_bytes()

    def test_what_the_import_recreates(self, exported, db, client):
        from diarium.decisions.models import Decision, DelegationDecision, Meeting
        from diarium.registry.models import DocumentType, Event, SeriesCounter
        from diarium.remiss.models import RemissRecipient

        import_(exported.packages)
        case = Case.objects.select_related("organisation", "organ", "series", "case_officer",
                                           "classification__parent").get(diary_number="2017.676 KS")
        assert (case.organisation.slug, case.organ.code, case.series.code, case.year, case.seq) == (
            "alingsas", "KS", "KS", 2017, 676)
        assert case.status == "closed" and case.case_officer.title == "Digitaliseringsansvarig"
        assert case.classification.parent.code == "1.2" and case.classification.level == "process"
        report = case.documents.get(number=exported.facts.report_number)
        assert report.direction == "drawn_up"
        assert [(f.position, f.version, f.filename) for f in report.files.order_by("position", "version")] == [
            (1, 1, "Tjänsteskrivelse Digital målbild.docx"), (2, 1, "bilaga.txt"), (2, 2, "bilaga.txt")]
        assert DocumentType.objects.filter(organisation=case.organisation, name="Skrivelse").exists()
        decision = Decision.objects.select_related("meeting").get(case=case)
        assert (decision.paragraph, decision.meeting.date, decision.meeting.status) == (
            exported.facts.paragraph, dt.date(2018, 10, 8), Meeting.Status.ADJUSTED)
        assert DelegationDecision.objects.get(case=case).point == "3.2"
        first, second = RemissRecipient.objects.filter(round__case=case).order_by("position")
        assert first.answer_text == "Nämnd 1 tillstyrker förslaget." and first.consideration == "accepted"
        assert [d.deadline for d in second.deadlines.all()] == [dt.date(2018, 10, 1), dt.date(2018, 10, 15)]
        # The history: the original kinds, times and names, and the import (who, which package, its checksum).
        events = list(Event.objects.filter(case=case).order_by("at", "id"))
        assert events[0].kind == "case_registered" and events[0].actor_name == exported.facts.registrar
        assert events[0].at == dt.datetime(2017, 11, 2, 11, 0, tzinfo=dt.timezone.utc)
        imported = events[-1]
        assert imported.kind == "case_imported" and imported.actor_name.startswith("Arkivimport från kommandoraden")
        mets_sha = hashlib.sha256((exported.packages / PACKAGE / "METS.xml").read_bytes()).hexdigest()
        assert imported.data["package"] == PACKAGE and imported.data["sha256"] == mets_sha
        # The imported history is sealed into the organisation's chain like any other.
        from diarium.registry import chain

        registry.history_seal()
        assert chain.chain_verify(case.organisation_id).ok
        # The link between the two cases, made when the second came in.
        other = Case.objects.get(diary_number="2018.1 KS")
        assert CaseLink.objects.get(case=other, other=case).kind == "follows"
        # The counters moved on: the next case and § do not clash with the imported ones.
        assert SeriesCounter.objects.get(series=case.series, year=2017).last_seq == 676
        registrar = f.registrar(case.organisation)
        with f.on_day("2017-12-01"):
            new = f.case(registrar, case.organ, title="Nytt ärende", classification=case.classification)
        assert new.diary_number == "2017.677 KS"
        # The adjusted meeting and its decision are public, and their pages work.
        assert client.get(f"/sammantraden/{decision.meeting.pk}/").status_code == 200
        assert client.get(f"/beslut/{decision.pk}/").status_code == 200

    def test_the_archival_form_goes_with_its_original_when_that_is_disposed_of(self, exported, db,
                                                                          django_capture_on_commit_callbacks):
        from django.core.files.storage import default_storage

        from diarium.archive import renditions
        from diarium.registry.files import blob_disposed
        from diarium.registry.models import Blob

        import_(exported.packages / PACKAGE)
        case = Case.objects.get(diary_number="2017.676 KS")
        report = case.documents.get(number=exported.facts.report_number)
        docx = report.files.get(position=1).blob
        copy = Blob.objects.get(sha256=renditions.archival_note(docx)["sha256"])
        assert default_storage.exists(copy.storage_name)
        with django_capture_on_commit_callbacks(execute=True):
            registry_disposal.document_files_dispose(actor=f.registrar(case.organisation), document=report,
                                            rule_text="1.2.3: gallras efter två år", decision_text="KS § 9")
        copy.refresh_from_db()
        assert blob_disposed(copy) and not default_storage.exists(copy.storage_name)

    def test_the_archival_form_is_kept_so_a_new_export_does_not_convert_again(self, exported, db, tmp_path,
                                                                          monkeypatch):
        from diarium.archive import renditions
        from diarium.archive.sip import package as packages

        import_(exported.packages / PACKAGE)
        docx = Case.objects.get(diary_number="2017.676 KS").documents.get(
            number=exported.facts.report_number).files.get(position=1).blob
        kept = renditions.archival_copy_kept(docx)
        pdf = f"representations/preservation/data/{exported.facts.report_number}/1-v1.pdf"
        assert kept.data == (exported.packages / PACKAGE / pdf).read_bytes()
        assert (kept.tool, kept.format.name) == ("WeasyPrint", "PDF/A-3a")

        def no_conversion(*args, **kwargs):
            raise AssertionError("converted again")

        monkeypatch.setattr(packages, "archival_copy", no_conversion)
        export(tmp_path / "again", "--case", "2017.676 KS", "--no-validate")
        assert (tmp_path / "again" / PACKAGE / pdf).read_bytes() == kept.data


class TestIdempotent:
    def test_a_second_import_reports_the_case_as_already_imported_and_writes_nothing(self, exported, db):
        import_(exported.zips)
        before = rows()
        output = import_(exported.packages / PACKAGE, exported.zips / f"{PACKAGE}.zip")
        assert f"Redan inläst: {exported.packages / PACKAGE}: ärendet 2017.676 KS finns i Alingsås kommun och är " \
               "lika med paketet." in output
        assert "2 paket: 0 inlästa, 2 redan inlästa, 0 provlästa, 0 vägrade." in output
        assert rows() == before

    def test_a_package_that_says_the_same_in_other_bytes_is_already_imported(self, exported, db, tmp_path):
        """Not the same package (its METS has another checksum), but the same
        case: compared with the case as the register holds it."""
        import_(exported.packages / PACKAGE)
        before = rows()
        package = copy_package(exported, tmp_path)
        (package / "documentation/paketbeskrivning.txt").write_text("Levererat igen.\n")
        rechecksum(package, "documentation/paketbeskrivning.txt")
        output = import_(package)
        assert f"Redan inläst: {package}: ärendet 2017.676 KS finns i Alingsås kommun och är lika med paketet." in output
        assert rows() == before

    def test_a_dry_run_checks_and_writes_nothing(self, exported, db):
        output = import_(exported.packages, "--dry-run")
        assert f"Provläste {exported.packages / PACKAGE} (--dry-run, inget sparades)" in output
        assert "2 paket: 0 inlästa, 0 redan inlästa, 2 provlästa, 0 vägrade." in output
        assert rows() == {**{name: 0 for name in rows()}}


class TestBadInput:
    """Each damaged package is refused with a clear report, and nothing is written."""

    def test_a_wrong_checksum_is_refused(self, exported, db, tmp_path):
        package = copy_package(exported, tmp_path)
        (package / "representations/original/data/1/1-v1.pdf").write_bytes(b"%PDF-1.4 forged\n")
        output = refused(package)
        assert f"VÄGRADES: {package}" in output
        assert "Filen data/1/1-v1.pdf stämmer inte med sin kontrollsumma: den är skadad eller ändrad." in output
        assert "1 av 1 paket vägrades; inget skrevs från dem." in output
        assert rows() == {name: 0 for name in rows()}

    def test_a_missing_file_is_refused(self, exported, db, tmp_path):
        package = copy_package(exported, tmp_path)
        n = exported.facts.report_number
        (package / f"representations/original/data/{n}/1-v1.docx").unlink()
        output = refused(package)
        assert f"Filen data/{n}/1-v1.docx saknas." in output
        assert rows() == {name: 0 for name in rows()}

    def test_xml_that_fails_its_schema_is_refused_even_with_its_checksum_put_right(self, exported, db, tmp_path):
        package = copy_package(exported, tmp_path)
        erms = package / "metadata/descriptive/erms.xml"
        erms.write_text(erms.read_text().replace("<objectId>2017.676 KS</objectId>", "", 1))
        rechecksum(package, "metadata/descriptive/erms.xml")
        output = refused(package)
        assert "FEL xsd metadata/descriptive/erms.xml:" in output and "Följer inte sitt XML-schema:" in output
        assert "objectId" in output
        assert "kontrollsumma" not in output
        assert rows() == {name: 0 for name in rows()}

    def test_a_path_in_mets_that_leaves_its_folder_is_refused(self, exported, db, tmp_path):
        package = copy_package(exported, tmp_path)
        (tmp_path / "in" / "hemlig.txt").write_text("utanför paketet")
        mets = package / "representations/original/METS.xml"
        mets.write_text(mets.read_text().replace('xlink:href="data/2/1-v1.txt"', 'xlink:href="../../../hemlig.txt"'))
        rechecksum(package, "representations/original/METS.xml")
        output = refused(package)
        assert "Sökvägen innehåller .. (../../../hemlig.txt)." in output
        assert "Sökvägen ../../../hemlig.txt leder ut ur paketet." in output
        assert rows() == {name: 0 for name in rows()}

    def test_a_zip_entry_that_leaves_its_folder_is_refused_before_anything_is_unpacked(self, exported, db, tmp_path):
        bad = tmp_path / "ond.zip"
        with zipfile.ZipFile(exported.zips / f"{PACKAGE}.zip") as good, zipfile.ZipFile(bad, "w") as archive:
            for info in good.infolist():
                archive.writestr(info, good.read(info))
            archive.writestr(f"{PACKAGE}/../../utanfor.txt", "hej")
            archive.writestr("/etc/diarium.txt", "hej")
        output = refused(bad)
        assert f"ond.zip: {PACKAGE}/../../utanfor.txt: Zip-posten leder ut ur paketet eller är ingen vanlig fil: " \
               "namnet leder ut ur mappen (..)." in output
        assert "ond.zip: /etc/diarium.txt: Zip-posten leder ut ur paketet eller är ingen vanlig fil: namnet är en " \
               "absolut sökväg." in output
        assert not (tmp_path.parent / "utanfor.txt").exists()
        assert rows() == {name: 0 for name in rows()}

    def test_a_zip_bomb_or_a_package_over_the_limit_is_refused_before_anything_is_unpacked(
            self, exported, db, tmp_path, settings):
        bomb = tmp_path / "bomb.zip"
        with zipfile.ZipFile(exported.zips / f"{PACKAGE}.zip") as good, \
                zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
            for info in good.infolist():
                archive.writestr(info, good.read(info))
            with archive.open(f"{PACKAGE}/representations/original/data/noll.bin", "w", force_zip64=True) as entry:
                block = bytes(1024 * 1024)
                for _ in range(120):  # 120 MB of zeros pack to about 120 kB
                    entry.write(block)
        output = refused(bomb)
        assert "noll.bin packas upp till 120,0\xa0MB" in output and "zip-bomb" in output
        assert not any(tmp_path.rglob("noll.bin"))
        settings.DIARIUM_ARCHIVE_IMPORT_MAX_BYTES = 1000
        output = refused(exported.zips / f"{PACKAGE}.zip")
        assert "mer än de 1000\xa0byte ett paket får vara" in output
        assert rows() == {name: 0 for name in rows()}

    def test_a_symbolic_link_in_a_package_is_refused(self, exported, db, tmp_path):
        package = copy_package(exported, tmp_path)
        secret = tmp_path / "utanfor.txt"
        secret.write_text("hemligt")
        target = package / "representations/original/data/2/1-v1.txt"
        target.unlink()
        target.symlink_to(secret)
        output = refused(package)
        assert "representations/original/data/2/1-v1.txt: Är en symbolisk länk" in output
        assert rows() == {name: 0 for name in rows()}

    def test_a_changed_case_that_exists_is_refused_with_what_differs(self, exported, db, tmp_path):
        import_(exported.packages / PACKAGE)
        before = rows()
        package = copy_package(exported, tmp_path)
        erms = package / "metadata/descriptive/erms.xml"
        erms.write_text(erms.read_text().replace("Yttrande från Sambruk", "Yttrande från Sambruk, ändrat")
                        .replace('"case_closed" at="2018-12-10', '"case_closed" at="2018-12-11'))
        rechecksum(package, "metadata/descriptive/erms.xml")
        output = refused(package)
        assert "Ärendet 2017.676 KS finns redan i Alingsås kommun och skiljer sig från paketet; det läses inte in " \
               "igen." in output
        assert "Handling 1: beskrivning: 'Yttrande från Sambruk' i registret, 'Yttrande från Sambruk, ändrat' i " \
               "paketet" in output
        assert "Händelser i historiken: 25 i registret, 25 i paketet; de skiljer sig från och med nummer 25 (i " \
               "paketet: case_closed 2018-12-11T12:00:00+01:00)." in output
        assert "Kopplingar" not in output  # the link to a case not imported yet is not a difference
        assert rows() == before

    def test_the_user_named_must_exist_and_administer_the_organisation(self, exported, db):
        with pytest.raises(CommandError, match="Användaren 'okand' finns inte."):
            import_(exported.packages / PACKAGE, "--user", "okand")
        f.user(username="vem")
        output = refused(exported.packages / PACKAGE, "--user", "vem")
        assert "vem får inte läsa in ärenden i alingsas: det kräver en administratör" in output
        assert rows()["Case"] == 0
        admin = f.user(username="arkivarie", superuser=True)
        import_(exported.packages / PACKAGE, "--user", "arkivarie")
        from diarium.registry.models import Event

        assert Event.objects.get(kind="case_imported").actor == admin

    def test_several_problems_are_named_at_once(self, exported, db, tmp_path):
        package = copy_package(exported, tmp_path)
        (package / "representations/original/data/1/1-v1.pdf").write_bytes(b"forged")
        n = exported.facts.report_number
        (package / f"representations/preservation/data/{n}/1-v1.pdf").unlink()
        (package / "documentation/extra.txt").write_text("okänd")
        output = refused(package)
        for expected in ("data/1/1-v1.pdf stämmer inte med sin kontrollsumma", f"Filen data/{n}/1-v1.pdf saknas.",
                         "documentation/extra.txt: Filen finns i paketet men inte i METS."):
            assert expected in output


class TestFromAnotherSystem:
    def test_a_package_with_erms_elements_only_is_read_leniently(self, exported, db, tmp_path):
        """FGS is how a municipality leaves its old register: a package
        without Diarium's extension is read from ERMS's own elements."""
        from diarium.registry.models import Document, Event

        package = copy_package(exported, tmp_path)
        erms = package / "metadata/descriptive/erms.xml"
        tree = etree.parse(str(erms))
        for data in tree.iter("{https://DILCIS.eu/XML/ERMS}additionalXMLData"):
            info = data.getparent()
            info.remove(data)
            if len(info) == 0:
                info.getparent().remove(info)
        etree.cleanup_namespaces(tree)
        tree.write(str(erms), xml_declaration=True, encoding="UTF-8")
        assert b"diarium" not in erms.read_bytes()
        rechecksum(package, "metadata/descriptive/erms.xml")
        output = import_(package)
        assert "1 paket: 1 inlästa" in output, output
        case = Case.objects.select_related("organisation", "organ", "classification").get(diary_number="2017.676 KS")
        assert (case.organisation.slug, case.organisation.name) == ("alingsas-kommun", "Alingsås kommun")
        assert (case.organ.code, case.organ.name, case.year, case.seq, case.status) == (
            "KS", "Kommunstyrelsen", 2017, 676, "closed")
        assert case.classification.code == "1.2.3" and case.classification.parent.title == "Styrdokument"
        assert case.registered_at == dt.datetime(2017, 11, 2, 11, 0, tzinfo=dt.timezone.utc)
        secret = Document.objects.get(case=case, number=exported.facts.secret_number)
        assert (secret.is_secret, secret.secrecy_ground, secret.counterpart, secret.counterpart_is_private) == (
            True, "OSL 26 kap. 1 §", SECRET_NAME, True)
        assert secret.masked_fields == ["counterpart", "description"]  # another system does not say: both
        report = Document.objects.get(case=case, number=exported.facts.report_number)
        assert [f.filename for f in report.files.order_by("position")] == [
            "Tjänsteskrivelse Digital målbild.docx", "bilaga.txt", "bilaga.txt"]
        assert case.decisions.get().paragraph == exported.facts.paragraph
        actions = [(e.data, e.actor_name) for e in Event.objects.filter(case=case, kind="archived_action")]
        assert ({"type": "case_closed", "details": "Ärendet avslutades: Målbilden är antagen."},
                exported.facts.registrar) in actions
        # Idempotent as a package from Diarium: the same package again is already imported, a changed one
        # is refused with what differs.
        before = rows()
        assert "Redan inläst" in import_(package)
        erms.write_text(erms.read_text().replace("Yttrande från Sambruk", "Yttrande från Sambruk, ändrat"))
        rechecksum(package, "metadata/descriptive/erms.xml")
        output = refused(package)
        assert "Handling 1: beskrivning: 'Yttrande från Sambruk' i registret, 'Yttrande från Sambruk, ändrat' i " \
               "paketet" in output
        assert rows() == before


class TestSecrecy:
    def test_what_the_masking_assistant_withheld_stays_withheld(self, exported, db, client):
        from diarium.registry.models import Document

        assert exported.facts.reply_public == "Svar till [namn] om e-tjänsterna"
        import_(exported.packages)
        reply = Document.objects.get(case__diary_number="2017.676 KS", number=exported.facts.reply_number)
        assert reply.description == exported.facts.reply_public  # the column: what the public sees
        assert reply.privacy["description"]["original"] == f"Svar till {SECRET_NAME} om e-tjänsterna"
        page = client.get(f"/arenden/{reply.case_id}/").content.decode()
        assert "Svar till [namn] om e-tjänsterna" in page and SECRET_NAME not in page

    def test_a_secret_document_stays_secret_and_masked_for_the_public(self, exported, db, client):
        from diarium.registry.models import Document

        import_(exported.packages)
        case = Case.objects.get(diary_number="2017.676 KS")
        secret = Document.objects.get(case=case, number=exported.facts.secret_number)
        assert secret.is_secret and secret.secrecy_ground == "OSL 26 kap. 1 §"
        assert secret.masked_fields == ["counterpart", "description"] and secret.counterpart_is_private
        page = client.get(f"/arenden/{case.pk}/").content.decode()
        assert "Sekretessmarkerad uppgift" in page
        assert SECRET_NAME not in page and SECRET_DESCRIPTION not in page
        file = secret.files.get()
        response = client.get(f"/filer/{file.pk}/")
        assert response.status_code in (302, 403, 404) and b"synpunkter" not in response.content
        # The protected title of the other case: the public sees its public title only.
        other = Case.objects.get(diary_number="2018.1 KS")
        page = client.get(f"/arenden/{other.pk}/").content.decode()
        assert "Ärende enligt socialtjänstlagen" in page and "hemtjänsten för en enskild" not in page
        # Staff who may read secret documents see them as registered.
        reader = f.user(case.organisation, Role.REGISTRAR)
        client.force_login(reader)
        page = client.get(f"/arenden/{case.pk}/").content.decode()
        assert SECRET_DESCRIPTION in page

