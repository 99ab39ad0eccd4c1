"""The real officer's report of case 2017.676 KS, Alingsås kommun (the seed,
docs/READING.md): read_text yields exactly the facts it states."""

from __future__ import annotations

from pathlib import Path

import pytest

from diarium.reading.grammar import read_text
from diarium.reading.grammar.shape import FIELDS

# The seed as it was delivered (shared/seed/alingsas-2017-676-ks-tjansteskrivelse.txt), character
# for character; the corpus keeps the same bytes so that a clean clone has it.
SEED = (Path(__file__).resolve().parent / "data" / "reading" / "alingsas-2017-676-ks-tjansteskrivelse.txt"
        ).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def reading():
    return read_text(SEED)


def test_kind_and_frame(reading):
    values = reading.values
    assert values["kind"] == "officer_report"
    assert values["organisation"] == "Alingsås kommun"
    assert values["organ"] == "Kommunstyrelsen"
    assert values["date"] == "2018-08-23"
    assert values["title"] == "Digital målbild för Alingsås kommun-öppen och smart samt tillhörande handlingsplan"
    assert values["diary_numbers"] == ["2017.676 KS"]
    assert values["officers"] == ["Göran Westerlund"]


def test_references(reading):
    assert reading.values["references"] == [
        {"organ": "Kommunfullmäktige", "date": "2015-11-25", "paragraph": 180, "diary_number": None,
         "text": "Kommunfullmäktige antog den 25 november 2015, § 180"},
        {"organ": "Kommunfullmäktige", "date": "2017-12-13", "paragraph": 251, "diary_number": None,
         "text": "antagen av kommunfullmäktige den 13 december 2017, § 251"},
        {"organ": "Kommunstyrelsens arbetsutskott", "date": "2018-02-28", "paragraph": 8, "diary_number": None,
         "text": "Kommunstyrelsens arbetsutskott beslutade den 28 februari 2018, § 8"},
        {"organ": "Kommunstyrelsens arbetsutskott", "date": "2018-04-25", "paragraph": 53, "diary_number": None,
         "text": "Kommunstyrelsens arbetsutskott beslutade den 25 april, § 53"},
    ]


def test_remiss(reading):
    assert reading.values["remiss"] == {
        "recipients": ["samtliga nämnder", "kommunala bolag", "Alingsås och Vårgårda Räddningstjänstförbund",
                       "föreningen Sambruk", "kommunnätverket Kivos", "Internetstiftelsen i Sverige"],
        "deadline": "2018-07-27",
    }


def test_proposals(reading):
    assert reading.values["proposals"] == [
        {"organ": "Kommunstyrelsen",
         "text": "Handlingsplan Digital målbild för Alingsås kommun – öppen och smart godkänns under förutsättning "
                 "att kommunfullmäktige antar Digital målbild för Alingsås kommun – öppen och smart.",
         "condition": "under förutsättning att kommunfullmäktige antar Digital målbild för Alingsås kommun – "
                      "öppen och smart"},
        {"organ": "Kommunfullmäktige", "text": "Digital målbild för Alingsås kommun – öppen och smart, antas.",
         "condition": None},
    ]


def test_dispatch_and_signatories(reading):
    assert reading.values["recipients"] == ["Samtliga nämnder", "FABS AB", "Alingsåshem AB", "Alingsås Energi AB"]
    assert reading.values["signatories"] == [
        {"name": "Anneli Schwartz", "title": "Tf. Kommundirektör"},
        {"name": "Göran Westerlund", "title": "Digitaliseringsansvarig"},
    ]


def test_what_a_report_has_not(reading):
    values = reading.values
    assert values["items"] == [] and values["adjusters"] == [] and values["paragraphs"] == []
    assert values["attendance"] is None and values["chair"] is None and values["posted"] is None


def test_confidence_and_spans(reading):
    for name in FIELDS:
        assert 0 <= reading.confidence[name] <= 1, name
    # The key fields of a report are sure, and each value is marked where it was read.
    for name in ("organisation", "organ", "date", "title", "diary_numbers", "proposals"):
        assert reading.confidence[name] >= 0.7, name
        assert reading.spans.get(name), name
    start, end = reading.spans["diary_numbers"][0]
    assert reading.text[start:end] == "2017.676 KS"
    assert reading.overall() >= 0.7
