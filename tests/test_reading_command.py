"""`diarium import-documents` (issue 23, part 3): the dry run's JSON has
exactly the documented shape for every file, bad files get a clear report
each while the others go on, and a file is never registered twice."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from diarium.accounts.models import Role
from diarium.reading.grammar.shape import FIELDS

from . import factories as f

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "alingsas-2017-676-ks-tjansteskrivelse.txt"
if not SEED.exists():  # a clean clone beside no shared folder: the copy the tests keep
    SEED = Path(__file__).resolve().parent / "data" / "reading" / "alingsas-2017-676-ks-tjansteskrivelse.txt"

KEYS = ["file", *FIELDS, "confidence"]


def _run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import-documents", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "arkiv"
    folder.mkdir()
    (folder / "a-tjansteskrivelse.txt").write_bytes(SEED.read_bytes())
    (folder / "b-tom.pdf").write_bytes(b"")
    (folder / "c-trasig.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n")
    (folder / "d-english.txt").write_text(
        "Minutes of the meeting of the Board of Education held on 12 March 2019. The board decided to approve "
        "the budget for the coming year and to ask the director to report back in the autumn. " * 4)
    return folder


def test_dry_run_json_has_the_documented_shape_for_every_file(tmp_path):
    folder = _folder(tmp_path)
    out, err = _run("--dry-run", "--json", str(folder))
    rows = json.loads(out)
    assert [Path(r["file"]).name for r in rows] == ["a-tjansteskrivelse.txt", "b-tom.pdf", "c-trasig.pdf",
                                                     "d-english.txt"]
    for row in rows:
        assert list(row) == KEYS
        assert set(row["confidence"]) == set(FIELDS)
        assert all(0 <= v <= 1 for v in row["confidence"].values())
    seed = rows[0]
    assert seed["kind"] == "officer_report"
    assert seed["organ"] == "Kommunstyrelsen"
    assert seed["date"] == "2018-08-23"
    assert seed["diary_numbers"] == ["2017.676 KS"]
    assert {(r["organ"], r["date"], r["paragraph"]) for r in seed["references"]} == {
        ("Kommunfullmäktige", "2015-11-25", 180), ("Kommunfullmäktige", "2017-12-13", 251),
        ("Kommunstyrelsens arbetsutskott", "2018-02-28", 8), ("Kommunstyrelsens arbetsutskott", "2018-04-25", 53)}
    # The bad files: each reported on standard error by name, the shape kept with nothing found.
    for row in rows[1:]:
        assert row["kind"] == "other" and row["diary_numbers"] == [] and row["remiss"] is None
        assert Path(row["file"]).name in err
    assert "engelska" in err.lower()


def test_json_without_dry_run_and_a_missing_path_are_refused_clearly(tmp_path):
    with pytest.raises(CommandError, match="--dry-run"):
        _run("--json", str(SEED))
    with pytest.raises(CommandError, match="Inga filer"):
        _run("--dry-run", str(tmp_path / "finns-inte"))
    with pytest.raises(CommandError, match="mellan 0 och 1"):
        _run("--dry-run", "--accept-above", "7", str(SEED))


@pytest.mark.django_db
def test_import_queues_reports_bad_files_and_never_registers_a_file_twice(tmp_path):
    org = f.organisation()
    f.organ(org)
    registrar = f.registrar(org)
    folder = _folder(tmp_path)
    out, _err = _run("--organisation", org.slug, "--user", registrar.username, str(folder))
    assert "i kö för granskning" in out
    assert out.count("kunde inte läsas") == 3
    assert "4 filer" in out
    from diarium.reading.models import ImportProposal

    assert ImportProposal.objects.filter(organisation=org).count() == 4
    again, _err = _run("--organisation", org.slug, "--user", registrar.username, str(folder / "a-tjansteskrivelse.txt"))
    assert "redan inläst" in again
    assert ImportProposal.objects.filter(organisation=org).count() == 4


@pytest.mark.django_db
def test_accept_above_registers_the_seed_as_its_case_with_its_references(tmp_path):
    org = f.organisation()
    f.organ(org)
    registrar = f.registrar(org)
    out, _err = _run("--organisation", org.slug, "--user", registrar.username, "--accept-above", "0", str(SEED))
    assert "registrerad" in out, out
    from diarium.registry.models import Case

    case = Case.objects.get(organisation=org, diary_number="2017.676 KS")
    assert case.documents.count() == 1
    again, _err = _run("--organisation", org.slug, "--user", registrar.username, "--accept-above", "0", str(SEED))
    assert "redan inläst" in again
    assert case.documents.count() == 1


@pytest.mark.django_db
def test_only_a_registrar_of_the_organisation_may_import(tmp_path):
    org = f.organisation()
    officer = f.user(org, Role.CASE_OFFICER)
    with pytest.raises(CommandError, match="får inte"):
        _run("--organisation", org.slug, "--user", officer.username, str(SEED))
    with pytest.raises(CommandError, match="finns inte"):
        _run("--organisation", "ingen", "--user", officer.username, str(SEED))
