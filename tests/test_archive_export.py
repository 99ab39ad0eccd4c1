"""Export to the e-archive (issue 22, part 4): `diarium archive export` writes
one E-ARK SIP per case (FGS Paketstruktur 2.0 with FGS Ärendehantering 2.0 /
CITS ERMS), and `diarium archive validate` checks a package with XML Schema,
Schematron and eark-validator."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from lxml import etree

from diarium.accounts.models import Organ, Role
from diarium.archive.sip import validate as sip_validate
from diarium.archive.sip.erms import ERMS_NS, EXTENSION_NS
from diarium.archive.sip.mets import METS_NS, XLINK_NS
from diarium.decisions import services as decisions
from diarium.registry import services as registry
from diarium.remiss import services as remiss

from . import factories as f
from .sip_support import classification as _classification
from .sip_support import docx_upload, export, pdfa_upload
from .sip_support import tree as _tree
from .sip_support import world_settings as _world_settings

NS = {"e": ERMS_NS, "d": EXTENSION_NS, "m": METS_NS, "x": XLINK_NS}
PACKAGE = "alingsas_2017.676_KS"
SECRET_NAME = "Karin Ek"  # a private person, the sender of the secret document


def _case_2017_676(org, ks, registrar):
    """The demo's 2017.676 KS in small: a DOCX officer's report, a PDF/A
    answer, a secret letter from a private person, a decision (§) and a remiss
    with recipients and answers; closed on 2018-12-10."""
    officer = f.person(org, "Göran Westerlund", title="Digitaliseringsansvarig")
    area = _classification(org, "1", "Styrning och ledning", None, "area")
    group = _classification(org, "1.2", "Styrdokument", area, "process_group")
    process = _classification(org, "1.2.3", "Ta fram styrdokument", group, "process")
    with f.on_day("2017-11-02"):
        registry.series_counter_set(series=registry.series_for_organ(ks), year=2017, last_seq=675,
                                    actor=f.user(org, Role.ADMIN))
        case = registry.case_register(actor=registrar, organ=ks, title="Digital målbild för Alingsås kommun – öppen "
                                      "och smart samt tillhörande handlingsplan", case_officer=officer,
                                      classification=process, description="Målbild och handlingsplan.")
    with f.on_day("2018-06-12"):
        answer = f.document(registrar, case, counterpart="Föreningen Sambruk", description="Yttrande från Sambruk",
                            files=[pdfa_upload()], document_date=dt.date(2018, 6, 12))
        secret = f.document(registrar, case, counterpart=SECRET_NAME, description="Synpunkter från privatperson",
                            files=[f.text_file("brev.txt", "Jag har synpunkter på e-tjänsterna.\n")],
                            document_date=dt.date(2018, 6, 12))
        registry.document_mark_secret(actor=registrar, document=secret, ground="OSL 21 kap. 1 §",
                                      masked_fields=["description"])
    with f.on_day("2018-08-23"):
        report = f.document(registrar, case, direction="drawn_up", counterpart="", description="Tjänsteskrivelse",
                            files=[docx_upload()], document_date=dt.date(2018, 8, 23))
    with f.on_day("2018-09-03"):
        boards = [f.organ(org, code=f"N{i}", name=f"Nämnd {i}", kind=Organ.Kind.BOARD, email=f"n{i}@alingsas.se")
                  for i in (1, 2)]
        round_ = remiss.remiss_create(
            actor=registrar, case=case, title="Handlingsplan för digital målbild", letter="Vi önskar era synpunkter.",
            deadline=dt.date(2018, 10, 1), recipients=[remiss.RecipientInput(organ=o) for o in boards],
            files=list(report.files.all()), ordered_by="KSAU 2018-08-29 § 120")
        remiss.remiss_send(actor=registrar, round=round_)
    with f.on_day("2018-09-20"):
        first = round_.recipients.get(position=1)
        remiss.remiss_answer_inside(actor=registrar, recipient=first, text="Nämnd 1 tillstyrker förslaget.",
                                    files=[f.text_file("svar.txt", "Nämnd 1 tillstyrker.\n")])
        remiss.remiss_assess(actor=registrar, recipient=round_.recipients.get(position=1),
                             summary="Tillstyrker.", consideration="accepted")
    chair = f.person(org, "Ordförande Ordförandesson")
    meeting = f.meeting(registrar, ks, dt.date(2018, 10, 8), members=[(chair, "chair")])
    with f.on_day("2018-10-01"):
        item = decisions.agenda_item_add(actor=registrar, meeting=meeting, title="Digital målbild", case=case)
    with f.on_day("2018-10-08"):
        decision = f.held(registrar, meeting, item, "Digital målbild godkänns", adjust=False)
    with f.on_day("2018-12-10"):
        registry.case_close(actor=registrar, case=case, reason="Målbilden är antagen.")
    case.refresh_from_db()
    return SimpleNamespace(case=case, answer=answer, secret=secret, report=report, round=round_, decision=decision,
                           officer=officer, area=area, process=process)


@pytest.fixture(scope="class")
def made(django_db_setup, django_db_blocker, tmp_path_factory):
    """The case, made once for the class's tests (about five seconds of
    services and PDF rendering) and committed; each test still runs in a
    transaction of its own, and the database is emptied after the class."""
    from django.test import override_settings

    folder = tmp_path_factory.mktemp("archive-world")
    overrides = _world_settings(folder)
    with django_db_blocker.unblock(), override_settings(**overrides):
        org = f.organisation()
        ks = f.organ(org)
        registrar = f.registrar(org)
        world = SimpleNamespace(org=org, ks=ks, registrar=registrar, overrides=overrides,
                                **vars(_case_2017_676(org, ks, registrar)))
    yield world
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def world(made, db, settings):
    for name, value in made.overrides.items():
        setattr(settings, name, value)
    return made


def _xml(path: Path):
    return etree.parse(str(path))


class TestThePackageOfACase:
    def test_the_case_is_exported_as_a_package_that_every_validator_passes(self, world, tmp_path):
        output = export(tmp_path / "out", "--case", "2017.676 KS")
        package = tmp_path / "out" / PACKAGE
        assert f"Skrev {package} (2017.676 KS)" in output
        assert "1 ärenden: 1 paket skrivna" in output
        report = sip_validate.package_report(package)
        assert report.problems == []
        # All three ran: eark-validator's one rule that contradicts the METS schema is named, not counted.
        assert any("SIP14" in n for n in report.notices)
        assert sip_validate.eark_validator() is not None
        for mets in package.rglob("METS.xml"):
            assert sip_validate._xml_schema("mets-sip-catalog.xsd").validate(_xml(mets)), mets
        erms = _xml(package / "metadata/descriptive/erms.xml")
        assert sip_validate._xml_schema("ERMS.xsd").validate(erms)
        assert sip_validate.erms_schematron().validate(erms) == []
        stdout = io.StringIO()
        call_command("archive", "validate", str(package), stdout=stdout)
        assert f"{package}: giltigt." in stdout.getvalue()

    def test_the_layout_and_the_checksums_in_mets_are_those_of_the_files(self, world, tmp_path):
        export(tmp_path, "--case", "2017.676 KS", "--no-validate")
        package = tmp_path / PACKAGE
        files = _tree(package)
        for name in ("METS.xml", "metadata/descriptive/erms.xml", "metadata/preservation/premis.xml",
                     "representations/original/METS.xml", "representations/preservation/METS.xml",
                     "schemas/ERMS.xsd", "documentation/paketbeskrivning.txt"):
            assert name in files
        checked = set()
        for mets in ("METS.xml", "representations/original/METS.xml", "representations/preservation/METS.xml"):
            base = (package / mets).parent
            for element in _xml(package / mets).iter(f"{{{METS_NS}}}file", f"{{{METS_NS}}}mdRef"):
                location = element if element.tag.endswith("mdRef") else element.find(f"{{{METS_NS}}}FLocat")
                path = (base / location.get(f"{{{XLINK_NS}}}href")).resolve()
                data = path.read_bytes()
                assert element.get("CHECKSUMTYPE") == "SHA-256"
                assert element.get("CHECKSUM") == hashlib.sha256(data).hexdigest(), path
                assert int(element.get("SIZE")) == len(data)
                checked.add(path.relative_to(package.resolve()).as_posix())
        # Every file but the root METS is named in a METS with its checksum.
        assert checked == set(files) - {"METS.xml"}
        # The originals are the registered bytes.
        registered = world.answer.files.get().blob.sha256
        assert hashlib.sha256(files["representations/original/data/1/1-v1.pdf"]).hexdigest() == registered

    def test_a_docx_becomes_pdfa_beside_its_original_and_pdfa_stays_as_it_is(self, world, tmp_path):
        from diarium.archive.sip.formats import pdfa_version

        export(tmp_path, "--case", "2017.676 KS", "--no-validate")
        package = tmp_path / PACKAGE
        original = package / "representations/original/data/3/1-v1.docx"
        converted = package / "representations/preservation/data/3/1-v1.pdf"
        assert original.read_bytes()[:2] == b"PK"
        assert pdfa_version(converted.read_bytes()) == "3A"
        from pypdf import PdfReader

        text = PdfReader(converted).pages[0].extract_text()
        assert "Digital målbild för Alingsås kommun" in text and "E-tjänsteplattform" in text
        # The PDF/A as registered is the same file in both representations.
        pdfa = package / "representations/preservation/data/1/1-v1.pdf"
        assert pdfa.read_bytes() == (package / "representations/original/data/1/1-v1.pdf").read_bytes()
        assert pdfa_version(pdfa.read_bytes()) == "2B"
        # PREMIS: the conversion, with its source and outcome, the tool and the export.
        premis = _xml(package / "metadata/preservation/premis.xml")
        p = {"p": "http://www.loc.gov/premis/v3"}
        assert premis.xpath("//p:event/p:eventType/text()", namespaces=p) == ["exporting", "migration"]
        assert premis.xpath("//p:agent/p:agentName/text()", namespaces=p) == ["Diarium", "Alingsås kommun",
                                                                               "WeasyPrint"]
        rep = _xml(package / "representations/preservation/metadata/preservation/premis.xml")
        derived = rep.xpath("//p:object[p:relationship]", namespaces=p)
        assert len(derived) == 1
        assert derived[0].xpath("p:storage/p:contentLocation/p:contentLocationValue/text()", namespaces=p) == [
            "data/3/1-v1.pdf"]
        assert derived[0].xpath(".//p:formatRegistryKey/text()", namespaces=p) == ["fmt/479"]

    def test_the_erms_file_holds_the_case_its_documents_decisions_remiss_and_history(self, world, tmp_path):
        export(tmp_path, "--case", "2017.676 KS", "--no-validate")
        erms = _xml(tmp_path / PACKAGE / "metadata/descriptive/erms.xml")
        case = erms.find(".//e:aggregation", NS)
        assert case.get("aggregationType") == "caseFile"
        assert case.findtext("e:objectId", namespaces=NS) == "2017.676 KS"
        assert case.find("e:classification", NS).get("classificationCode") == "1.2.3"
        assert case.findtext("e:title", namespaces=NS).startswith("Digital målbild för Alingsås kommun")
        assert case.find("e:status", NS).get("value") == "closed"
        officer = case.find("e:agents/e:agent[@agentType='responsible_person']", NS)
        assert officer.findtext("e:name", namespaces=NS) == "Göran Westerlund"
        assert case.findtext("e:agents/e:agent[@agentType='creator']/e:name", namespaces=NS) == "Kommunstyrelsen"
        extension = case.find("e:additionalInformation/e:additionalXMLData/d:case", NS)
        assert (extension.get("organ"), extension.get("series"), extension.get("year"), extension.get("seq")) == (
            "KS", "KS", "2017", "676")
        assert [c.get("code") for c in extension.findall("d:classification", NS)] == ["1", "1.2", "1.2.3"]
        # The decision with its organ, meeting date and §.
        decision = extension.find("d:decision", NS)
        assert (decision.get("organ"), decision.get("meetingDate"), decision.get("paragraph")) == (
            "KS", "2018-10-08", str(world.decision.paragraph))
        actions = {a.findtext("e:actionType", namespaces=NS): a for a in case.findall("e:action", NS)}
        assert actions["beslut"].findtext("e:actionText", namespaces=NS).startswith(
            f"KS 2018-10-08 § {world.decision.paragraph}: Digital målbild godkänns")
        # The remiss, its recipients and the answer.
        remiss = extension.find("d:remiss", NS)
        recipients = remiss.findall("d:recipient", NS)
        assert [r.get("name") for r in recipients] == ["Nämnd 1", "Nämnd 2"]
        assert recipients[0].findtext("d:answerText", namespaces=NS) == "Nämnd 1 tillstyrker förslaget."
        assert recipients[0].get("consideration") == "accepted" and recipients[0].get("answerDocument")
        assert recipients[1].get("answeredAt") is None
        # The history: every event, with its kind, who and when.
        kinds = [a.findtext("e:actionType", namespaces=NS) for a in case.findall("e:action", NS)]
        assert {"case_registered", "secrecy_marked", "remiss_answered", "decision_recorded", "case_closed"} <= set(
            kinds)
        closed = actions["case_closed"]
        assert closed.findtext("e:dates/e:actionDate", namespaces=NS).startswith("2018-12-10T12:00:00")
        assert closed.findtext("e:agents/e:agent/e:name", namespaces=NS) == world.registrar.username
        # The documents: number, direction, date, counterpart, description, type and secrecy.
        records = {int(r.findtext("e:runningNumber", namespaces=NS)): r for r in case.findall("e:record", NS)}
        answer = records[world.answer.number]
        assert answer.find("e:direction", NS).get("directionDefinition") == "incoming"
        assert answer.findtext("e:agents/e:agent[@agentType='sender']/e:name", namespaces=NS) == "Föreningen Sambruk"
        assert answer.findtext("e:dates/e:date[@dateType='received']", namespaces=NS).startswith("2018-06-12")
        secret = records[world.secret.number]
        restriction = secret.find("e:restriction[@restrictionType='confidential']", NS)
        assert restriction.findtext("e:regulation", namespaces=NS) == "OSL 21 kap. 1 §"
        assert secret.findtext("e:title", namespaces=NS) == "Synpunkter från privatperson"
        assert secret.findtext("e:otherTitle", namespaces=NS) == "Sekretessmarkerad uppgift"
        assert secret.find("e:restriction[@restrictionType='gdpr']", NS) is not None
        assert secret.findtext("e:agents/e:agent/e:name", namespaces=NS) == SECRET_NAME
        report = records[world.report.number]
        assert report.find("e:direction", NS).get("otherDirectionDefinition") == "drawn_up"
        appendices = report.findall("e:additionalInformation/e:appendix", NS)
        assert [(a.get("name"), a.get("path")) for a in appendices] == [
            ("Tjänsteskrivelse Digital målbild.docx", "representations/original/data/3/1-v1.docx"),
            ("Tjänsteskrivelse Digital målbild.docx", "representations/preservation/data/3/1-v1.pdf")]

    def test_what_the_register_masks_is_only_in_the_record_itself(self, world, tmp_path):
        """The secret document's sender and a file name as registered are in the
        ERMS file (the record) and nowhere else in the package."""
        export(tmp_path, "--case", "2017.676 KS", "--no-validate")
        package = tmp_path / PACKAGE
        for path, data in _tree(package).items():
            if path.startswith("representations/") and "/data/" in path:
                continue  # the files of the record
            for secret in (SECRET_NAME, "Tjänsteskrivelse Digital målbild", "brev.txt"):
                assert (secret.encode() in data) == (path == "metadata/descriptive/erms.xml"), (path, secret)

    def test_the_same_case_gives_byte_identical_packages(self, world, tmp_path):
        export(tmp_path / "a", "--case", "2017.676 KS")
        with f.on_day("2026-01-15"):
            export(tmp_path / "b", "--case", "2017.676 KS", "--no-validate")
        assert _tree(tmp_path / "a" / PACKAGE) == _tree(tmp_path / "b" / PACKAGE)
        # Again into the same folder: the package there is identical and left alone.
        output = export(tmp_path / "a", "--case", "2017.676 KS")
        assert f"Oförändrat, fanns redan: {tmp_path / 'a' / PACKAGE}" in output

    def test_zip_files_are_valid_and_identical_from_run_to_run(self, world, tmp_path):
        export(tmp_path / "a", "--case", "2017.676 KS", "--zip")
        with f.on_day("2026-01-15"):
            export(tmp_path / "b", "--case", "2017.676 KS", "--zip", "--no-validate")
        first, second = tmp_path / "a" / f"{PACKAGE}.zip", tmp_path / "b" / f"{PACKAGE}.zip"
        assert first.read_bytes() == second.read_bytes()
        assert sorted(p.name for p in (tmp_path / "a").iterdir()) == [f"{PACKAGE}.zip"]
        with zipfile.ZipFile(first) as archive:
            names = archive.namelist()
            assert names == sorted(names) and names[0] == f"{PACKAGE}/"
            assert {i.date_time for i in archive.infolist()} == {(2018, 12, 10, 12, 0, 0)}
            assert f"{PACKAGE}/representations/preservation/data/3/1-v1.pdf" in names
        assert sip_validate.validate_package(first) == []

    def test_a_batch_takes_the_closed_cases_by_date_and_series(self, world, tmp_path):
        with f.on_day("2019-03-01"):
            bun = f.organ(world.org, code="BUN", name="Barn- och ungdomsnämnden", kind=Organ.Kind.BOARD)
            later = f.case(world.registrar, world.ks, title="Bredband till landsbygden", classification=world.process)
            f.document(world.registrar, later, files=[f.text_file("brev.txt", "Hej\n")])
            school = f.case(world.registrar, bun, title="Skolskjuts", classification=world.process)
            still_open = f.case(world.registrar, world.ks, title="Pågående ärende", classification=world.process)
        with f.on_day("2019-05-01"):
            registry.case_close(actor=world.registrar, case=later)
            registry.case_close(actor=world.registrar, case=school)
        assert still_open.status == "open"

        output = export(tmp_path / "early", "--closed-before", "2019-01-01", "--no-validate")
        assert sorted(p.name for p in (tmp_path / "early").iterdir()) == [PACKAGE]
        assert "1 ärenden: 1 paket skrivna" in output

        export(tmp_path / "ks", "--series", "KS", "--no-validate")
        assert sorted(p.name for p in (tmp_path / "ks").iterdir()) == [PACKAGE, "alingsas_2019.1_KS"]

        export(tmp_path / "all", "--closed-before", "2019-06-01", "--zip")
        assert sorted(p.name for p in (tmp_path / "all").iterdir()) == [
            f"{PACKAGE}.zip", "alingsas_2019.1_BUN.zip", "alingsas_2019.1_KS.zip"]

    def test_a_batch_reads_its_cases_in_a_fixed_number_of_queries(self, world, tmp_path):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from diarium.archive.sip import record as records

        with f.on_day("2019-03-01"):
            extra = [f.case(world.registrar, world.ks, title=f"Ärende {i}", classification=world.process)
                     for i in range(3)]
            for i, case in enumerate(extra):
                for n in range(i + 1):
                    f.document(world.registrar, case, files=[f.text_file(f"{n}.txt", f"{n}\n")])
                registry.case_close(actor=world.registrar, case=case)

        def queries(cases) -> int:
            with CaptureQueriesContext(connection) as captured:
                read = list(records.case_records(cases))
            assert read
            return len(captured)

        # 2017.676 KS alone, and the four closed cases with all their documents, files, events, decisions
        # and remiss rounds: the same queries (none per case, document, file, event or recipient).
        one = queries(records.cases_find(organisation=world.org, diary_number="2017.676 KS"))
        assert one == queries(records.cases_find(organisation=world.org, closed_before=None))
        assert one <= 10

    def test_bad_input_gets_a_swedish_message_and_writes_nothing(self, world, tmp_path):
        out = tmp_path / "out"
        with pytest.raises(CommandError, match=r"Ärendet '2017.999 KS' finns inte\."):
            export(out, "--case", "2017.999 KS")
        with pytest.raises(CommandError) as raised:
            export(out, "--closed-before", "1 maj", "--organisation", "finnsinte")
        assert "Organisationen 'finnsinte' finns inte." in str(raised.value)
        assert "--closed-before '1 maj' är inget datum: skriv det som ÅÅÅÅ-MM-DD." in str(raised.value)
        with pytest.raises(CommandError, match="Ange ett ärende med --case"):
            export(out, "--zip")
        with pytest.raises(CommandError, match="antingen --case eller ett urval"):
            export(out, "--case", "2017.676 KS", "--series", "KS")
        assert not out.exists() or not any(out.iterdir())

    def test_a_folder_that_is_not_empty_is_refused_unless_the_package_there_is_identical(self, world, tmp_path):
        out = tmp_path / "out"
        out.mkdir()
        (out / "anteckningar.txt").write_text("mitt")
        with pytest.raises(CommandError, match="Utdatamappen .* är inte tom.*anteckningar.txt"):
            export(out, "--case", "2017.676 KS")
        (out / "anteckningar.txt").unlink()
        export(out, "--case", "2017.676 KS", "--no-validate")
        changed = out / PACKAGE / "documentation/paketbeskrivning.txt"
        changed.write_text("ändrad")
        with pytest.raises(CommandError, match="finns redan och skiljer sig från paketet för 2017.676 KS"):
            export(out, "--case", "2017.676 KS", "--no-validate")
        assert changed.read_text() == "ändrad"  # never overwritten
        assert sorted(p.name for p in out.iterdir()) == [PACKAGE]

    def test_nothing_is_left_half_written_when_a_package_fails(self, world, tmp_path, monkeypatch):
        from diarium.archive.sip import package

        def broken(*args, **kwargs):
            raise RuntimeError("konverteringen kraschade")

        monkeypatch.setattr(package, "archival_copy", broken)
        with pytest.raises(RuntimeError):
            export(tmp_path / "out", "--case", "2017.676 KS")
        assert list((tmp_path / "out").iterdir()) == []

    def test_the_same_diary_number_in_two_organisations_needs_organisation(self, world, tmp_path):
        other = f.organisation(name="Vårgårda kommun", slug="vargarda")
        organ = f.organ(other)
        admin = f.user(other, Role.ADMIN)
        registrar = f.registrar(other)
        with f.on_day("2017-05-02"):
            registry.series_counter_set(series=registry.series_for_organ(organ), year=2017, last_seq=675, actor=admin)
            f.case(registrar, organ, title="Vårgårdas ärende")
        with pytest.raises(CommandError, match=r"finns i flera organisationer \(alingsas, vargarda\)"):
            export(tmp_path / "x", "--case", "2017.676 KS")
        export(tmp_path / "x", "--case", "2017.676 KS", "--organisation", "vargarda", "--no-validate")
        erms = _xml(tmp_path / "x" / "vargarda_2017.676_KS" / "metadata/descriptive/erms.xml")
        assert erms.findtext(".//e:aggregation/e:title", namespaces=NS) == "Vårgårdas ärende"


class TestValidation:
    """What validate_package finds in a package that is damaged or wrong."""

    @pytest.fixture
    def package(self, world, tmp_path):
        export(tmp_path, "--case", "2017.676 KS", "--no-validate")
        return tmp_path / PACKAGE

    def test_a_changed_file_fails_its_checksum(self, package):
        (package / "representations/original/data/2/1-v1.txt").write_text("Ändrad i efterhand.\n")
        problems = sip_validate.validate_package(package)
        assert [(p.check, p.severity) for p in problems] == [("kontrollsumma", "fel"), ("kontrollsumma", "fel")]
        assert "data/2/1-v1.txt stämmer inte med sin kontrollsumma" in problems[-1].message

    def test_a_missing_file_and_a_file_outside_mets_are_found(self, package):
        (package / "representations/preservation/data/1/1-v1.pdf").unlink()
        (package / "representations/preservation/data/extra.txt").write_text("okänd")
        messages = [p.message for p in sip_validate.validate_package(package)]
        assert "Filen data/1/1-v1.pdf saknas." in messages
        assert "Filen finns i paketet men inte i METS." in messages

    def test_erms_that_breaks_its_schema_and_its_schematron_is_found(self, package):
        path = package / "metadata/descriptive/erms.xml"
        text = path.read_text()
        text = text.replace('dateType="created"', 'dateType="Other" otherDateType=""', 1)  # schematron
        text = text.replace("<objectId>2017.676 KS</objectId>", "", 1)  # schema: objectId is required
        path.write_text(text)
        problems = [p for p in sip_validate.validate_package(package) if p.check in ("xsd", "schematron")]
        assert {p.check for p in problems} == {"xsd", "schematron"}
        assert any("objectId" in p.message for p in problems if p.check == "xsd")
        assert any("otherDateType attribute must be used" in p.message for p in problems if p.check == "schematron")

    def test_mets_that_breaks_the_e_ark_rules_is_found_by_eark_validator(self, package):
        path = package / "METS.xml"
        path.write_text(path.read_text().replace(' TYPE="Mixed"', "", 1))
        problems = sip_validate.validate_package(package)
        assert any(p.check == "eark-validator" and p.rule == "CSIP2" for p in problems)

    def test_a_zip_with_a_path_out_of_the_package_is_refused(self, tmp_path):
        bad = tmp_path / "ond.zip"
        with zipfile.ZipFile(bad, "w") as archive:
            archive.writestr("paket/METS.xml", "<x/>")
            archive.writestr("paket/../../utanfor.txt", "hej")
        problems = sip_validate.validate_package(bad)
        assert len(problems) == 1 and "leder ut ur paketet" in problems[0].message
        assert not (tmp_path.parent / "utanfor.txt").exists()
        with pytest.raises(CommandError, match="1 av 1 paket är ogiltiga"):
            call_command("archive", "validate", str(bad), stdout=io.StringIO())


def test_the_schematron_engine_follows_schematron_semantics(tmp_path):
    """XPath 2.0 (matches), variables, reports and asserts, and each node handled
    by the first rule of its pattern that matches it."""
    from diarium.archive.sip.schematron import Schematron

    schema = tmp_path / "regler.sch"
    schema.write_text("""<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">
      <ns prefix="e" uri="urn:e"/>
      <let name="limit" value="2"/>
      <pattern>
        <rule context="e:item[@n > $limit]"><report id="R1" test="true()"><name/> n=<value-of select="@n"/></report></rule>
        <rule context="e:item"><assert id="A1" test="matches(@code, '^[A-Z]+$')">Koden <value-of select="@code"/></assert></rule>
      </pattern>
    </schema>""")
    document = etree.fromstring(b'<r xmlns="urn:e"><item n="1" code="AB"/><item n="2" code="a1"/>'
                                b'<item n="3" code="x"/></r>')
    failures = Schematron(schema).validate(document)
    assert [(f.rule_id, f.message) for f in failures] == [("R1", "item n=3"), ("A1", "Koden a1")]
    with pytest.raises(ValueError, match="not supported"):
        schema.write_text('<schema xmlns="http://purl.oclc.org/dsdl/schematron"><include href="x.sch"/></schema>')
        Schematron(schema)
