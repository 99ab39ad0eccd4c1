"""The real officer's report of case 2017.676 KS, Alingsås kommun (the seed,
docs/READING.md): read_text yields exactly the facts it states."""

from __future__ import annotations

import pytest

from diarium.reading.grammar import read_text
from diarium.reading.grammar.shape import FIELDS

# The seed as it was delivered (shared/seed/alingsas-2017-676-ks-tjansteskrivelse.txt),
# character for character: the blank lines at its start and no line break at its end.
SEED = """

Datum: 2018-08-23
Handläggare: Göran Westerlund
Direktr:
Diariernr: 2017.676 KS

Kommunstyrelsen

Digital målbild för Alingsås kommun-öppen och smart samt tillhörande handlingsplan

Ärendebeskrivning

Kommunfullmäktige antog den 25 november 2015, § 180 e-strategi för Alingsås kommun. I Flerårsstrategi 2018–2020, antagen av kommunfullmäktige den 13 december 2017, § 251 fastställs att Alingsås kommun ska ta tillvara digitaliseringens utvecklingsmöjligheter och organisationens vilja att förändra i högre utstäckning.

Kommunfullmäktige har i samband med beslut om flerårsstrategi 2018-2020 även beslutat att kommunstyrelsen skyndsamt ska ta fram ett program för Alingsås digitala färdriktning där mål konkretiseras genom en handlingsplan och att en ny digital enhet under kommunstyrelsen upprättas i syfte att säkerställa utvecklingsarbetet. Därefter har ett förslag till digital målbild för Alingsås kommun tagits fram: Digital målbild - öppen och smart.

Kommunstyrelsens arbetsutskott beslutade den 28 februari 2018, § 8 att förslag till handlingsplan remitteras till samtliga nämnder och kommunala bolag samt till Alingsås och Vårgårda Räddningstjänstförbund samt till de externa intressenterna: föreningen Sambruk, kommunnätverket Kivos och Internetstiftelsen i Sverige.

Kommunstyrelsens arbetsutskott beslutade den 25 april, § 53 att remisstiden förlängs till och med den 27 juli 2018 för att samtliga nämnder ska kunna behandla sina remissvar.

Förvaltningens yttrande

Kommunfullmäktige har beslutat om ett framtagande av ett strategiskt dokument innehållande målbild och en handlingsplan för kommunens digitalisering.

Efter avslutad remissomgång har kommunledningskontoret beaktat svaren gällande handlingsplan för digital målbild och reviderat den.

Handlingsplanen för kommunens digitaliseringsarbete syftar till att både skapa struktur och förmåga att agera i ett föränderligt område.

Handlingsplanen godkänns av kommunstyrelsen. Handlingsplanen medför en ekonomisk satsning omfattande drift och investeringsmedel. Övergripande finansiering har säkerställts i flerårsstrategi 2018-2020 för Alingsås kommun. Handlingsplanen löper över tre år och ska stämmas av minst årligen eller vid behov.

Processägare för planen är kommundirektören och utfallet redovisas årligen till kommunstyrelsen.

Förslag till beslut

Förslag till kommunstyrelsen för beslut:

Handlingsplan Digital målbild för Alingsås kommun – öppen och smart godkänns under förutsättning att kommunfullmäktige antar Digital målbild för Alingsås kommun – öppen och smart.

Förslag till kommunfullmäktige för beslut:

Digital målbild för Alingsås kommun – öppen och smart, antas.

Beslutet ska skickas till

Samtliga nämnder, FABS AB, Alingsåshem AB, Alingsås Energi AB

Anneli Schwartz
Tf. Kommundirektör

Göran Westerlund
Digitaliseringsansvarig"""


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
