"""Issue 23: the reading corpus itself (tests/data/reading/). Every expected
reading has exactly the shape of docs/READING.md with valid values, says what
its document says (each name, number and title is in the document's text),
and every document is there in its format: text, DOCX, PDF with a text layer,
or a scanned PDF with none. Needs no reader and no database."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data" / "reading"
SHAPE_PY = Path(__file__).resolve().parent.parent / "diarium" / "reading" / "grammar" / "shape.py"

# docs/READING.md, written out here: the test holds the corpus to the spec, not to the code.
FIELDS = ("kind", "organisation", "organ", "date", "title", "diary_numbers", "officers", "references", "proposals",
          "remiss", "recipients", "signatories", "items", "attendance", "chair", "adjusters", "paragraphs", "posted")
KINDS = ("officer_report", "notice", "minutes", "minutes_excerpt", "remiss_answer", "decision_letter", "other")
MINIMUM_PER_KIND = {"officer_report": 10, "notice": 7, "minutes": 8, "minutes_excerpt": 6, "remiss_answer": 6,
                    "decision_letter": 5, "other": 2}
MEETING_KINDS = ("minutes", "minutes_excerpt")
MAX_BYTES = 300_000

EXPECTED = sorted(DATA.glob("*.expected.json"))


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def source_path(reading: dict) -> Path:
    """The text of a document: the .txt itself, or NAME.source.txt for a binary."""
    name = reading["file"]
    return DATA / name if name.endswith(".txt") else DATA / (name.rsplit(".", 1)[0] + ".source.txt")


def source_format(reading: dict) -> str:
    if reading["file"].endswith(".txt"):
        return "text"
    match = re.search(r"^%% format: (\w+)", source_path(reading).read_text(encoding="utf-8"), re.M)
    return match.group(1) if match else "?"


def plain(text: str) -> str:
    """Text as values are compared with it: the build markup off, words that a
    line break hyphenated joined, blanks collapsed."""
    lines = []
    for line in text.splitlines():
        if line.startswith("%%"):
            continue
        lines.append(re.sub(r"^#+ ", "", line).replace("|", " "))
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", "\n".join(lines))
    return " ".join(text.split())


def collapse(value: str) -> str:
    return " ".join(value.split())


def is_date(value) -> bool:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_name(value) -> bool:
    """A person's name only: no party, role or title beside it."""
    return isinstance(value, str) and value == collapse(value) and bool(value) and not re.search(r"[(),:]|\d", value)


def ids(path: Path) -> str:
    return path.name.replace(".expected.json", "")


def test_the_spec_fields_are_the_shape_the_reader_prints():
    # shape.py alone, without the grammar package around it (its dataclasses need it in sys.modules)
    spec = importlib.util.spec_from_file_location("_reading_corpus_shape", SHAPE_PY)
    shape = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = shape
    try:
        spec.loader.exec_module(shape)
    finally:
        del sys.modules[spec.name]
    assert shape.FIELDS == FIELDS
    assert shape.KINDS == KINDS


def test_the_corpus_covers_every_kind_format_and_many_organisations():
    readings = [load(path) for path in EXPECTED]
    assert len(readings) >= 44
    kinds = Counter(reading["kind"] for reading in readings)
    for kind, minimum in MINIMUM_PER_KIND.items():
        assert kinds[kind] >= minimum, (kind, kinds[kind])
    formats = Counter(source_format(reading) for reading in readings)
    assert formats["docx"] >= 8 and formats["pdf"] >= 8 and formats["scan"] >= 3, formats
    assert formats["text"] + formats["docx"] + formats["pdf"] + formats["scan"] == len(readings)
    assert len({reading["organisation"] for reading in readings}) >= 10
    assert "alingsas-2017-676-ks-tjansteskrivelse.txt" in {reading["file"] for reading in readings}


def test_every_document_has_an_expected_reading_and_every_binary_its_source():
    expected = {load(path)["file"] for path in EXPECTED}
    own = {"build.py", "README.md"}
    for path in DATA.iterdir():
        name = path.name
        if path.is_dir() or name in own or name.endswith((".expected.json", ".source.txt")):
            continue
        assert name in expected, f"{name} has no {name.rsplit('.', 1)[0]}.expected.json"
    for path in DATA.glob("*.source.txt"):
        stem = path.name[: -len(".source.txt")]
        binaries = [DATA / f"{stem}.docx", DATA / f"{stem}.pdf"]
        assert any(binary.exists() for binary in binaries), f"{path.name} has no built document"
        assert (DATA / f"{stem}.expected.json").exists()


@pytest.mark.parametrize("path", EXPECTED, ids=ids)
def test_expected_reading_has_the_shape_and_valid_values(path):
    reading = load(path)
    kind = reading["kind"]
    assert list(reading) == ["file", *FIELDS], "exactly the keys of docs/READING.md, in order, without confidence"
    assert path.name == reading["file"].rsplit(".", 1)[0] + ".expected.json"
    assert (DATA / reading["file"]).exists()
    assert kind in KINDS

    # scalars
    assert isinstance(reading["organisation"], str) and reading["organisation"] == collapse(reading["organisation"])
    assert reading["organisation"] != reading["organisation"].upper(), "a letterhead in capitals is written in the usual case"
    organ = reading["organ"]
    assert organ is None or (isinstance(organ, str) and organ[0].isupper() and not re.fullmatch(r"[A-ZÅÄÖ]{2,6}", organ))
    assert is_date(reading["date"])
    if kind in ("notice", "minutes"):
        assert reading["title"] is None
    else:
        assert isinstance(reading["title"], str) and reading["title"] == collapse(reading["title"]) and reading["title"]

    # diary numbers: distinct, without prefix, never a date, a § or a page
    numbers = reading["diary_numbers"]
    assert isinstance(numbers, list) and len(numbers) == len(set(numbers))
    for number in numbers:
        assert isinstance(number, str) and number == collapse(number) and number
        assert not re.match(r"(?i)(dnr|diarie|ärende|vår|er |ert )", number)
        assert not is_date(number) and "§" not in number

    assert all(is_name(name) for name in reading["officers"])
    assert len(reading["officers"]) == len(set(reading["officers"]))

    # references
    seen = set()
    for reference in reading["references"]:
        assert list(reference) == ["organ", "date", "paragraph", "diary_number", "text"]
        assert reference["organ"] is None or isinstance(reference["organ"], str)
        assert is_date(reference["date"])
        assert isinstance(reference["paragraph"], int) and reference["paragraph"] > 0
        assert reference["diary_number"] is None or reference["diary_number"] in numbers
        assert isinstance(reference["text"], str) and reference["text"]
        key = (reference["organ"], reference["date"], reference["paragraph"])
        assert key not in seen, "the same decision cited twice is one reference"
        seen.add(key)

    # proposals: one per organ, the condition a part of the text
    organs = [proposal["organ"] for proposal in reading["proposals"]]
    assert len(organs) == len(set(organs))
    if kind in ("notice", "minutes"):
        assert reading["proposals"] == []
    for proposal in reading["proposals"]:
        assert list(proposal) == ["organ", "text", "condition"]
        assert isinstance(proposal["organ"], str) and isinstance(proposal["text"], str) and proposal["text"]
        condition = proposal["condition"]
        if condition is not None:
            assert collapse(condition) in collapse(proposal["text"])
            assert not condition.endswith(".")
            assert re.match(r"(under förutsättning|villkorat)", condition)

    remiss = reading["remiss"]
    if remiss is not None:
        assert list(remiss) == ["recipients", "deadline"]
        assert remiss["deadline"] is None or is_date(remiss["deadline"])
        for recipient in remiss["recipients"]:
            assert isinstance(recipient, str) and recipient and not re.match(r"(?i)till ", recipient)
            assert not recipient.endswith((",", ".", ":"))

    assert all(isinstance(r, str) and r and r == collapse(r) for r in reading["recipients"])
    assert len(reading["recipients"]) == len(set(reading["recipients"]))

    for signatory in reading["signatories"]:
        assert list(signatory) == ["name", "title"]
        assert is_name(signatory["name"])
        assert signatory["title"] is None or (isinstance(signatory["title"], str) and signatory["title"])

    # items
    for item in reading["items"]:
        assert list(item) == ["number", "paragraph", "diary_number", "title"]
        assert item["number"] is None or (isinstance(item["number"], str) and item["number"])
        assert item["paragraph"] is None or (isinstance(item["paragraph"], int) and item["paragraph"] > 0)
        assert item["number"] is not None or item["paragraph"] is not None
        assert item["diary_number"] is None or item["diary_number"] in numbers
        assert isinstance(item["title"], str) and item["title"] == collapse(item["title"]) and item["title"]
        if kind == "notice":
            assert item["number"] is not None
        if kind in MEETING_KINDS:
            assert item["paragraph"] is not None
    if kind in ("notice", "minutes", "minutes_excerpt"):
        assert reading["items"], "a notice, minutes or an excerpt has items"
    elif kind != "other":
        assert reading["items"] == []

    # meetings: attendance, chair, adjusters, paragraphs, posting
    paragraphs = reading["paragraphs"]
    assert all(isinstance(number, int) and number > 0 for number in paragraphs)
    assert len(paragraphs) == len(set(paragraphs))
    attendance = reading["attendance"]
    if kind in MEETING_KINDS:
        assert paragraphs and {item["paragraph"] for item in reading["items"]} == set(paragraphs)
        if kind == "minutes":
            assert attendance is not None
    else:
        assert attendance is None and paragraphs == [] and reading["posted"] is None
    if attendance is not None:
        assert list(attendance) == ["members", "substitutes", "others"]
        substitutes = attendance["substitutes"]
        for substitute in substitutes:
            assert list(substitute) == ["name", "for"]
            assert is_name(substitute["name"]) and is_name(substitute["for"])
        people = attendance["members"] + [s["name"] for s in substitutes] + attendance["others"]
        assert all(is_name(name) for name in people)
        assert len(people) == len(set(people)), "each person present is in one list"
        assert not {s["for"] for s in substitutes} & set(attendance["members"]), "a replaced member is not present"
        if reading["chair"] is not None:
            assert reading["chair"] in attendance["members"] + [s["name"] for s in substitutes]
    assert reading["chair"] is None or is_name(reading["chair"])
    assert all(is_name(name) for name in reading["adjusters"])
    assert reading["chair"] not in reading["adjusters"]
    if reading["adjusters"] or reading["chair"]:
        assert kind in MEETING_KINDS or kind == "notice"
    posted = reading["posted"]
    if posted is not None:
        assert list(posted) == ["from", "to"]
        assert is_date(posted["from"]) and is_date(posted["to"]) and posted["from"] <= posted["to"]
        assert posted["from"] >= reading["date"]


@pytest.mark.parametrize("path", EXPECTED, ids=ids)
def test_expected_values_are_written_in_the_document(path):
    """Names, numbers and titles as written: each is in the document's text
    (blanks collapsed, words hyphenated at a line break joined)."""
    reading = load(path)
    text = plain(source_path(reading).read_text(encoding="utf-8"))

    def written(value, what):
        assert collapse(str(value)) in text, f"{what} {value!r} is not in the document"

    for number in reading["diary_numbers"]:
        written(number, "diary number")
    positions = [text.find(number) for number in reading["diary_numbers"]]
    assert positions == sorted(positions), "diary numbers in the order of their first appearance"
    if reading["title"]:
        written(reading["title"], "title")
    for name in reading["officers"] + reading["recipients"] + reading["adjusters"]:
        written(name, "name")
    for signatory in reading["signatories"]:
        written(signatory["name"], "signatory")
        if signatory["title"]:
            written(signatory["title"], "title of signatory")
    for reference in reading["references"]:
        written(reference["text"], "reference")
        if reference["diary_number"]:
            written(reference["diary_number"], "diary number of a reference")
    for proposal in reading["proposals"]:
        for paragraph in proposal["text"].split("\n"):
            written(paragraph, "proposal")
    for item in reading["items"]:
        written(item["title"], "item")
    if reading["remiss"]:
        for recipient in reading["remiss"]["recipients"]:
            written(recipient, "remiss recipient")
    if reading["attendance"]:
        attendance = reading["attendance"]
        for name in attendance["members"] + attendance["others"]:
            written(name, "person present")
        for substitute in attendance["substitutes"]:
            written(substitute["name"], "substitute")
            written(substitute["for"], "member replaced")
    if reading["chair"]:
        written(reading["chair"], "chair")


BINARIES = [path for path in EXPECTED if not load(path)["file"].endswith(".txt")]


@pytest.mark.parametrize("path", BINARIES, ids=ids)
def test_binary_documents_are_what_their_format_says(path):
    reading = load(path)
    document = DATA / reading["file"]
    data = document.read_bytes()
    assert len(data) < MAX_BYTES
    fmt = source_format(reading)
    probe = reading["diary_numbers"][0]
    if fmt == "docx":
        docx = pytest.importorskip("docx")
        doc = docx.Document(io.BytesIO(data))
        parts = [p.text for p in doc.paragraphs]
        parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
        parts += [p.text for section in doc.sections for p in section.header.paragraphs]
        assert probe in collapse(" ".join(parts))
    else:
        pypdf = pytest.importorskip("pypdf")
        pdf = pypdf.PdfReader(io.BytesIO(data))
        text = collapse(" ".join(page.extract_text() or "" for page in pdf.pages))
        if fmt == "scan":
            assert len(pdf.pages) == 1 and text == "", "a scan has no text layer"
            assert list(pdf.pages[0].images), "a scan is an image"
        else:
            assert fmt == "pdf"
            assert probe in text, "a PDF with a text layer"
