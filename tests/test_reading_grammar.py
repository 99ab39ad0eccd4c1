"""The Swedish municipal grammar's building blocks (diarium/reading/grammar):
text, dates, diary numbers, organs, people, references, and the reading of
officer's reports, remiss answers and decision letters. Pure functions: no
database."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diarium.reading.grammar import common, officer_report
from diarium.reading.grammar.dates import MONTH_NAMES, find_dates, parse_date, swedish
from diarium.reading.grammar.diary import find_diary_numbers
from diarium.reading.grammar.organs import find_organs, organ_name
from diarium.reading.grammar.people import clean_name, is_name, split_name_title
from diarium.reading.grammar.references import find_references
from diarium.reading.grammar.shape import FIELDS, Reading
from diarium.reading.grammar.text import collapse, find_section, lines, normalise

# --- text ---------------------------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    ("Datum:\u00a02018-08-23\r\nDnr", "Datum: 2018-08-23\nDnr"),
    ("kommun-\nstyrelsen beslutar", "kommunstyrelsen beslutar"),
    ("barn-\noch ungdomsnämnden", "barn- och ungdomsnämnden"),
    ("IT-\nsystemet", "IT-systemet"),
    ("e-\ntjänster", "e-tjänster"),
    ("Budget 2019-\n2020", "Budget 2019-\n2020"),
    ("Alingsås-\nVårgårda", "Alingsås-\nVårgårda"),  # the next line begins in capitals: no broken word
    ("digitali\u00adsering", "digitalisering"),
    ("digitali\u00ad\nsering", "digitalisering"),
    ("\ufb01nansiering och \ufb02ygplats", "finansiering och flygplats"),
    ("rad med blanka   \t\nnästa", "rad med blanka\nnästa"),
    ("a\u200bb\ufeff", "ab"),
    ("sida 1\x0csida 2", "sida 1\nsida 2"),
    ("a\n\n\n\n\n\nb", "a\n\n\nb"),
    ("A\u030angermanland", "Ångermanland"),
])
def test_normalise(raw, expected):
    assert normalise(raw) == expected


def test_lines_and_sections():
    text = "Rubrik\n\nFörslag till beslut\nKS godkänner.\n\nBeslutet skickas till: Socialnämnden\nAkten\n"
    all_lines = lines(text)
    assert [line.text for line in all_lines] == text.split("\n")
    assert all(text[start:end] == line for start, end, line in all_lines)
    proposal = find_section(text, ["Förslag till beslut"])
    assert text[proposal.start:proposal.end].strip() == "KS godkänner."
    dispatch = find_section(text, ["Beslutet skickas till"])
    assert text[dispatch.start:dispatch.end].strip() == "Socialnämnden\nAkten"
    assert find_section(text, ["Sammanfattning"]) is None


# --- dates ------------------------------------------------------------------------------


@pytest.mark.parametrize("text, year, expected", [
    ("2018-08-23", None, dt.date(2018, 8, 23)),
    ("2018-8-3", None, dt.date(2018, 8, 3)),
    ("23.8.2018", None, dt.date(2018, 8, 23)),
    ("23/8 2018", None, dt.date(2018, 8, 23)),
    ("23/8-2018", None, dt.date(2018, 8, 23)),
    ("den 25 november 2015", None, dt.date(2015, 11, 25)),
    ("25 nov. 2015", None, dt.date(2015, 11, 25)),
    ("25 april", 2018, dt.date(2018, 4, 25)),
    ("25 april", None, None),
    ("den 3:e maj 2019", None, dt.date(2019, 5, 3)),
    ("1:a januari 2020", None, dt.date(2020, 1, 1)),
    ("tisdag den 3 sept. 2019", None, dt.date(2019, 9, 3)),
    ("2018-02-30", None, None),
    ("2018.676", None, None),
    ("KS 2014/742", None, None),
    ("0322-61 60 00", None, None),
    ("13.00", None, None),
    ("2018–2020", None, None),
    ("§ 53", None, None),
    ("SFS 2017:725", None, None),
])
def test_parse_date(text, year, expected):
    assert parse_date(text, year=year) == expected


@pytest.mark.parametrize("text, year, expected", [
    ("Datum: 2018-08-23 Dnr 2017.676 KS", None, ["2018-08-23"]),
    ("beslutade den 25 april, § 53 att remisstiden förlängs till och med den 27 juli 2018", 2018,
     ["2018-04-25", "2018-07-27"]),
    ("Flerårsstrategi 2018–2020 och 2018-2020, tel 0322-61 60 00, kl. 13.00, § 53, Sida 2 av 4", 2018, []),
    ("KS-2014/742.912, KS/2018:298 - 001, 2015/KS 0246 11, SBN-2020-456", 2018, []),
    ("den 25-26 november 2015", None, ["2015-11-25", "2015-11-26"]),
])
def test_find_dates(text, year, expected):
    found = find_dates(text, year=year)
    assert [item.value.isoformat() for item in found] == expected
    assert all(text[item.start:item.end] == item.text for item in found)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_dates_round_trip(value):
    assert parse_date(value.isoformat()) == value
    assert parse_date(swedish(value)) == value
    assert parse_date("den " + swedish(value)) == value
    assert parse_date(f"{value.day}.{value.month}.{value.year}") == value
    assert parse_date(f"{value.day}/{value.month} {value.year}") == value
    assert parse_date(f"{value.day} {MONTH_NAMES[value.month - 1][:3]}. {value.year}") == value
    assert parse_date(swedish(value, with_year=False), year=value.year) == value
    # A date is never a diary number.
    assert find_diary_numbers(value.isoformat()) == []
    assert find_diary_numbers("KS " + value.isoformat()) == []


# Text made of what dates, diary numbers and citations are made of.
GRAMMAR_TEXT = st.lists(
    st.sampled_from(list("0123456789 -–/.:,§\n\tKSBUNdenaprilmjovbr(")
                    + ["den ", "maj", "november", "Dnr ", "KS", "§ ", "2018", "2017.676", " KS",
                       "Kommunstyrelsen", "beslutade", "att ", "\u00a0", "\u00ad", "remitteras till ",
                       "Förslag till beslut\n", "Beslutet skickas till\n", "Anna Svensson\n", "Ordförande\n"]),
    max_size=80).map("".join)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(GRAMMAR_TEXT, st.text(max_size=200)), st.one_of(st.none(), st.integers(1900, 2099)))
def test_finders_never_raise_and_spans_hold(text, year):
    for found in find_dates(text, year=year):
        assert 0 <= found.start < found.end <= len(text)
        assert text[found.start:found.end] == found.text
        assert isinstance(found.value, dt.date)
    previous_end = -1
    for found in find_diary_numbers(text):
        assert 0 <= found.start < found.end <= len(text)
        assert text[found.start:found.end] == found.text
        assert found.value == collapse(found.text)
        assert 0 <= found.confidence <= 1
        assert found.start >= previous_end
        previous_end = found.end
    for found in find_organs(text):
        assert text[found.start:found.end] == found.text
        assert found.value == organ_name(found.text)
    for reference in find_references(text, year=year, organ=None):
        assert set(reference) == {"organ", "date", "paragraph", "diary_number", "text"}
        assert isinstance(reference["paragraph"], int)
        assert reference["date"] is None or dt.date.fromisoformat(reference["date"])


@given(st.text(max_size=300))
def test_normalise_is_idempotent_and_keeps_lines(text):
    once = normalise(text)
    assert normalise(once) == once
    assert "\r" not in once
    assert all(not line.endswith((" ", "\t")) for line in once.split("\n"))


# --- diary numbers --------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("Diariernr: 2017.676 KS", ["2017.676 KS"]),
    ("Dnr KS 2014/742", ["KS 2014/742"]),
    ("KS-2014/742.912", ["KS-2014/742.912"]),
    ("Diarienummer: KS/2018:298 - 001", ["KS/2018:298 - 001"]),
    ("2015/KS 0246 11", ["2015/KS 0246 11"]),
    ("Dnr 2016KSM1221.042", ["2016KSM1221.042"]),
    ("BUN 2019/00123", ["BUN 2019/00123"]),
    ("SBN-2020-456", ["SBN-2020-456"]),
    ("Vår beteckning/Diarienummer: KS  2019/123", ["KS 2019/123"]),
    ("Dnr 0123/19", ["0123/19"]),
    ("Diarienummer\nRS 2019-01234", ["RS 2019-01234"]),
    ("(KS 2018-02-28 § 8, dnr KS 2018/12)", ["KS 2018/12"]),
    ("2017.676 KS och åter 2017.676 KS, KS 2018/12", ["2017.676 KS", "2017.676 KS", "KS 2018/12"]),
    # never these
    ("2018-08-23", []),
    ("KS 2018-02-28 § 8", []),
    ("Flerårsstrategi 2018–2020 och 2018-2020, läsåret 2018/2019, säsongen 2016/17", []),
    ("§ 53, Sida 2 av 4, 2 (4)", []),
    ("Tel 0322-61 60 00, mobil 070-123 45 67, kl. 13.00", []),
    ("Kostnaden är 2 017 676 kr, 2017.676 kr", []),
    ("kommunallagen (2017:725), SFS 2017:725, prop. 2016/17:180, (EU) 2016/679, SOU 2018:57", []),
    ("version 2019.2", []),
])
def test_find_diary_numbers(text, expected):
    assert [found.value for found in find_diary_numbers(text)] == expected


def test_diary_numbers_are_surer_beside_a_label_and_in_agenda_items():
    labelled = find_diary_numbers("Dnr 2017/676")[0]
    bare = find_diary_numbers("Se ärende 2017/676 i registret")[0]
    item = find_diary_numbers("5. Budget 2019, KS 2018/123")[0]
    in_text = find_diary_numbers("Se KS 2018/123 i registret")[0]
    assert labelled.confidence > bare.confidence
    assert item.confidence > in_text.confidence


@given(st.sampled_from(["KS", "BUN", "SBN", "KSAU", "ÄON"]), st.integers(1990, 2040), st.integers(1, 99999),
       st.sampled_from(["{c} {y}/{n}", "{c}-{y}/{n}", "{y}.{n} {c}", "{c} {y}.{n}", "{c}/{y}:{n}", "{c}-{y}-{n}"]))
def test_written_diary_numbers_are_found(code, year, number, form):
    written = form.format(c=code, y=year, n=number)
    found = find_diary_numbers(f"Ärendet ({written}) bereds.")
    assert [item.value for item in found] == [written]


# --- organs ------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("KS", "Kommunstyrelsen"),
    ("KF", "Kommunfullmäktige"),
    ("KSAU", "Kommunstyrelsens arbetsutskott"),
    ("SNAU", "Socialnämndens arbetsutskott"),
    ("KS:s AU", "Kommunstyrelsens arbetsutskott"),
    ("kommunstyrelsens", "Kommunstyrelsen"),
    ("KOMMUNSTYRELSEN", "Kommunstyrelsen"),
    ("Kommunstyrelsens arbetsutskott", "Kommunstyrelsens arbetsutskott"),
    ("kommunstyrelsens arbetsutskott", "Kommunstyrelsens arbetsutskott"),
    ("barn- och ungdomsnämndens", "Barn- och ungdomsnämnden"),
    ("BUN", "Barn- och ungdomsnämnden"),
    ("ÄON", "Äldreomsorgsnämnden"),
    ("Nämnden för arbetsmarknad och vuxenutbildning", "Nämnden för arbetsmarknad och vuxenutbildning"),
    ("nämnden för funktionsstöd", "Nämnden för funktionsstöd"),
    ("tekniska nämndens", "Tekniska nämnden"),
    ("Regionala utvecklingsnämnden", "Regionala utvecklingsnämnden"),
    ("Bygg-, miljö- och hälsoskyddsnämnden", "Bygg-, miljö- och hälsoskyddsnämnden"),
    ("Kollektivtrafiknämnd", "Kollektivtrafiknämnden"),
    ("regionstyrelsen", "Regionstyrelsen"),
    ("Kommunfullmäktiges presidium", "Kommunfullmäktiges presidium"),
    ("Socialnämndens individutskott", "Socialnämndens individutskott"),
    ("Kommunstyrelsen i Alingsås", "Kommunstyrelsen"),
    # no organ
    ("nämnden", None), ("styrelsen", None), ("Bolagsstyrelsen", None), ("utnämnd", None),
    ("Göran Westerlund", None), ("Alingsås kommun", None), ("nämnden för beslut", None), ("AB", None),
])
def test_organ_name(text, expected):
    assert organ_name(text) == expected


def test_find_organs():
    text = ("Ärendet överlämnas till nämnden för beslut. KSAU och Bygg-, miljö- och hälsoskyddsnämnden samt "
            "tekniska nämndens ordförande; Kommunstyrelsens arbetsutskott beslutade. Dnr KS 2018/12, 2017.676 KS.")
    assert [found.value for found in find_organs(text)] == [
        "Kommunstyrelsens arbetsutskott", "Bygg-, miljö- och hälsoskyddsnämnden", "Tekniska nämnden",
        "Kommunstyrelsens arbetsutskott"]
    assert [found.value for found in find_organs("KS 2018-02-28 § 8")] == ["Kommunstyrelsen"]


# --- people ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("Anna Svensson (S), ordförande", "Anna Svensson"),
    ("Per Berg (M) tjg ers", "Per Berg"),
    ("Tjg ers Per Berg (M)", "Per Berg"),
    ("Karin Ek, kommundirektör", "Karin Ek"),
    ("Ordf. Lars Holm", "Lars Holm"),
    ("Anna-Karin Åberg Lind (KD)", "Anna-Karin Åberg Lind"),
    ("Svensson, Anna", "Anna Svensson"),
    ("  Göran   Westerlund ", "Göran Westerlund"),
])
def test_clean_name(text, expected):
    assert clean_name(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Anneli Schwartz", True), ("Göran Westerlund", True), ("Anna-Karin Åberg Lind", True),
    ("Ebba von Lancken", True), ("Kerstin Hjalmarsson Björk", True), ("ANNA SVENSSON", True),
    ("Maria Ek", True),
    ("Förslag till beslut", False), ("Kommunstyrelsen", False), ("Alingsås kommun", False),
    ("Digital målbild", False), ("Ärendebeskrivning", False), ("Tf. Kommundirektör", False),
    ("Samtliga nämnder", False), ("FABS AB", False), ("Västra Götaland", False), ("Malmö Stad", False),
    ("Region Halland", False), ("Internetstiftelsen i Sverige", False), ("Beslutet ska skickas till", False),
    ("Anna Svensson 2018", False), ("Anna", False),
])
def test_is_name(text, expected):
    assert is_name(text) is expected


def test_split_name_title():
    assert split_name_title(["Anneli Schwartz", "Tf. Kommundirektör", "", "Göran Westerlund",
                             "Digitaliseringsansvarig"]) == [
        ("Anneli Schwartz", "Tf. Kommundirektör"), ("Göran Westerlund", "Digitaliseringsansvarig")]
    assert split_name_title([(0, 26, "Per Berg, nämndsekreterare"), (27, 40, "Anna Svensson")]) == [
        ("Per Berg", "nämndsekreterare"), ("Anna Svensson", None)]
    assert split_name_title(["Beslutet ska skickas till", "Samtliga nämnder, FABS AB"]) == []


# --- references ------------------------------------------------------------------------------


def _ref(organ, date, paragraph, text, diary_number=None):
    return {"organ": organ, "date": date, "paragraph": paragraph, "diary_number": diary_number, "text": text}


@pytest.mark.parametrize("text, year, organ, expected", [
    ("Se KF 2015-11-25 § 180.", None, None,
     [_ref("Kommunfullmäktige", "2015-11-25", 180, "KF 2015-11-25 § 180")]),
    ("Kommunfullmäktige antog den 25 november 2015, § 180 e-strategi för Alingsås kommun.", None, None,
     [_ref("Kommunfullmäktige", "2015-11-25", 180, "Kommunfullmäktige antog den 25 november 2015, § 180")]),
    ("I Flerårsstrategi 2018–2020, antagen av kommunfullmäktige den 13 december 2017, § 251 fastställs att",
     None, None,
     [_ref("Kommunfullmäktige", "2017-12-13", 251, "antagen av kommunfullmäktige den 13 december 2017, § 251")]),
    ("Kommunstyrelsens arbetsutskott beslutade den 25 april, § 53 att remisstiden förlängs.", 2018, None,
     [_ref("Kommunstyrelsens arbetsutskott", "2018-04-25", 53,
           "Kommunstyrelsens arbetsutskott beslutade den 25 april, § 53")]),
    ("Enligt kommunstyrelsens protokoll den 11 oktober 2011, 202 ska planen revideras.", None, None,
     [_ref("Kommunstyrelsen", "2011-10-11", 202, "kommunstyrelsens protokoll den 11 oktober 2011, 202")]),
    ("Beslutet (KS 2018-02-28 § 8, dnr KS 2018/12) gäller.", None, None,
     [_ref("Kommunstyrelsen", "2018-02-28", 8, "KS 2018-02-28 § 8, dnr KS 2018/12", "KS 2018/12")]),
    ("Nämnden har i beslut 2016-06-15 §§ 87–88 tagit ställning.", None, "Socialnämnden",
     [_ref("Socialnämnden", "2016-06-15", 87, "2016-06-15 §§ 87–88"),
      _ref("Socialnämnden", "2016-06-15", 88, "2016-06-15 §§ 87–88")]),
    ("KS 2019-01-01 § 5 och KF 2019-02-02 § 9 och återigen KS 2019-01-01 § 5.", None, None,
     [_ref("Kommunstyrelsen", "2019-01-01", 5, "KS 2019-01-01 § 5"),
      _ref("Kommunfullmäktige", "2019-02-02", 9, "KF 2019-02-02 § 9")]),
    # a law's paragraphs, and the document's own, are no citations
    ("Enligt 6 kap. 36 § kommunallagen och 5 § 2 st förvaltningslagen samt 4 kap. 2 § PBL.", None, None, []),
    ("§ 53 Budget 2019\nKommunstyrelsen beslutar att godkänna budgeten.", 2019, "Kommunstyrelsen", []),
])
def test_find_references(text, year, organ, expected):
    assert find_references(text, year=year, organ=organ) == expected


# --- common and officer_report on documents of other municipalities --------------------------


def _read(text: str, kind: str) -> Reading:
    reading = Reading(text=normalise(text))
    reading.set("kind", kind, 0.9)
    common.read(reading)
    officer_report.read(reading)
    return reading


MALMO = """Malmö stad
Kommunstyrelsen

Tjänsteskrivelse
2019-11-05
STK-2019-1234

Svar på motion från Anna Svensson (V) om gratis kollektivtrafik för unga

Sammanfattning
Anna Svensson (V) har i en motion föreslagit att kollektivtrafiken ska vara gratis för unga. Motionen
remitterades till tekniska nämnden, servicenämnden samt Skånetrafiken med svar senast den 30 september
2019. Remisstiden förlängdes till den 15 oktober 2019.

Förslag till beslut
Kommunstyrelsen föreslår kommunfullmäktige besluta
att avslå motionen.

Beslutsunderlag
Motion från Anna Svensson (V)
Tekniska nämndens yttrande 2019-09-24 § 210

Beslutet skickas till
Tekniska nämnden
Servicenämnden
Skånetrafiken

Ansvarig
Kristina Lind
Kommundirektör
"""


def test_report_from_malmo():
    values = _read(MALMO, "officer_report").values
    assert values["organisation"] == "Malmö stad"
    assert values["organ"] == "Kommunstyrelsen"
    assert values["date"] == "2019-11-05"
    assert values["title"] == "Svar på motion från Anna Svensson (V) om gratis kollektivtrafik för unga"
    assert values["diary_numbers"] == ["STK-2019-1234"]
    assert values["proposals"] == [{"organ": "Kommunfullmäktige", "text": "att avslå motionen.", "condition": None}]
    assert values["remiss"] == {"recipients": ["tekniska nämnden", "servicenämnden", "Skånetrafiken"],
                                "deadline": "2019-10-15"}
    assert values["recipients"] == ["Tekniska nämnden", "Servicenämnden", "Skånetrafiken"]
    assert values["references"] == [_ref("Tekniska nämnden", "2019-09-24", 210,
                                         "Tekniska nämndens yttrande 2019-09-24 § 210")]
    assert values["signatories"] == [{"name": "Kristina Lind", "title": "Kommundirektör"}]


UMEA = """UMEÅ KOMMUN                                          TJÄNSTESKRIVELSE
                                                     Datum: 2021-02-10
                                                     Dnr: KS-2020/00542
Kontaktperson: Per Olsson, planarkitekt

Till Byggnadsnämnden

Detaljplan för del av fastigheten Ön 1:1 – beslut om granskning

Ärendebeskrivning
Byggnadsnämnden beslutade den 12 mars 2020, § 45 att ge planavdelningen i uppdrag att upprätta
detaljplan.

Förvaltningens förslag till beslut
Byggnadsnämnden beslutar
1. att godkänna samrådsredogörelsen, samt
2. att planförslaget ställs ut för granskning under förutsättning att
exploateringsavtal tecknas.

Beslutet ska expedieras till:
Planavdelningen
Lantmäteriet

Per Olsson
Planarkitekt
"""


def test_report_from_umea():
    values = _read(UMEA, "officer_report").values
    assert values["organisation"] == "Umeå kommun"
    assert values["organ"] == "Byggnadsnämnden"
    assert values["date"] == "2021-02-10"
    assert values["title"] == "Detaljplan för del av fastigheten Ön 1:1 – beslut om granskning"
    assert values["diary_numbers"] == ["KS-2020/00542"]
    assert values["officers"] == ["Per Olsson"]
    assert values["proposals"] == [{
        "organ": "Byggnadsnämnden",
        "text": "1. att godkänna samrådsredogörelsen, samt\n2. att planförslaget ställs ut för granskning under "
                "förutsättning att exploateringsavtal tecknas.",
        "condition": "under förutsättning att exploateringsavtal tecknas"}]
    assert values["recipients"] == ["Planavdelningen", "Lantmäteriet"]
    assert values["signatories"] == [{"name": "Per Olsson", "title": "Planarkitekt"}]
    assert values["remiss"] is None


REMISS_ANSWER = """LERUMS KOMMUN
Barn- och utbildningsnämnden

Remissvar
2019-05-20
Dnr BUN 2019/00123
Er beteckning: Ku2019/00456/KL

Till Kulturdepartementet

Yttrande över betänkandet Skolbibliotek för framtiden (SOU 2018:57)

Barn- och utbildningsnämnden har getts möjlighet att yttra sig över betänkandet. Svar ska ha kommit in
senast 2019-05-31.

Barn- och utbildningsnämnden beslutar att översända förvaltningens yttrande som sitt eget.

För Barn- och utbildningsnämnden

Maria Ek
Ordförande

Johan Lund
Förvaltningschef
"""


def test_remiss_answer_from_lerum():
    values = _read(REMISS_ANSWER, "remiss_answer").values
    assert values["organisation"] == "Lerums kommun"
    assert values["organ"] == "Barn- och utbildningsnämnden"
    assert values["title"] == "Yttrande över betänkandet Skolbibliotek för framtiden (SOU 2018:57)"
    assert values["date"] == "2019-05-20"
    assert values["diary_numbers"] == ["BUN 2019/00123", "Ku2019/00456/KL"]
    assert values["remiss"]["deadline"] == "2019-05-31"
    assert values["signatories"] == [{"name": "Maria Ek", "title": "Ordförande"},
                                     {"name": "Johan Lund", "title": "Förvaltningschef"}]


DECISION_LETTER = """Region Halland
Regionstyrelsen

Meddelande om beslut
2020-10-01

Diarienummer: RS200123

Ny modell för ersättning till vårdcentraler

Regionstyrelsen har vid sitt sammanträde den 29 september 2020, § 140 beslutat att anta modellen
villkorat av att regionfullmäktige fastställer budgeten.

Beslut till
Hälso- och sjukvårdsnämnden; Vårdcentralerna i Halland

Lisa Karlsson
Nämndsekreterare
"""


def test_decision_letter_from_a_region():
    values = _read(DECISION_LETTER, "decision_letter").values
    assert values["organisation"] == "Region Halland"
    assert values["organ"] == "Regionstyrelsen"
    assert values["title"] == "Ny modell för ersättning till vårdcentraler"
    assert values["date"] == "2020-10-01"
    assert values["diary_numbers"] == ["RS200123"]
    assert values["references"] == [_ref("Regionstyrelsen", "2020-09-29", 140,
                                         "Regionstyrelsen har vid sitt sammanträde den 29 september 2020, § 140")]
    assert values["recipients"] == ["Hälso- och sjukvårdsnämnden", "Vårdcentralerna i Halland"]
    assert values["signatories"] == [{"name": "Lisa Karlsson", "title": "Nämndsekreterare"}]


# A Word document's head is a table: its cells come out apart by tabs, a
# heading row over a row of values.
WORD_TABLE_HEAD = (
    "LERUMS KOMMUN\tTJÄNSTESKRIVELSE\n"
    "Sektor samhällsbyggnad\tDatum\tDiarienummer\n"
    "Mark och exploatering\t2019-04-08\tKS.2019.142\n"
    "Handläggare\tTelefon\tE-post\n"
    "Maria Lindqvist\t0302-52 11 47\tmaria.lindqvist@lerum.se\n"
    "Kommunstyrelsen\n"
    "Bredbandsutbyggnad på landsbygden – medfinansiering av\n"
    "fiberföreningar 2019–2021\n"
    "Sammanfattning\n"
    "Kommunstyrelsen gav den 21 november\n2018, § 214 sektorn i uppdrag att utreda stödet (dnr KS.2018.311).\n"
    "Förslag till beslut\n"
    "Kommunstyrelsen föreslås besluta:\n"
    "1. Kommunstyrelsen beviljar medfinansiering om högst 4,5 miljoner kronor, under förutsättning av att\n"
    "kommunfullmäktige avsätter medel i budgeten.\n"
    "Kommunfullmäktige föreslås besluta:\n"
    "1. Kommunfullmäktige avsätter 3,3 miljoner kronor för bredbandsstöd.\n"
    "Anna Svedberg\n"
    "Kommundirektör\n"
    "Beslutet skickas till\n"
    "Sektor samhällsbyggnad\n"
    "Ekonomienheten\n"
)


def test_a_word_table_head_and_signatures_without_blank_lines():
    values = _read(WORD_TABLE_HEAD, "officer_report").values
    assert values["organisation"] == "Lerums kommun"
    assert values["date"] == "2019-04-08"
    assert values["diary_numbers"] == ["KS.2019.142", "KS.2018.311"]
    assert values["officers"] == ["Maria Lindqvist"]
    assert values["organ"] == "Kommunstyrelsen"
    assert values["title"] == "Bredbandsutbyggnad på landsbygden – medfinansiering av fiberföreningar 2019–2021"
    assert values["references"] == [_ref("Kommunstyrelsen", "2018-11-21", 214,
                                         "Kommunstyrelsen gav den 21 november 2018, § 214", "KS.2018.311")]
    assert values["proposals"] == [
        {"organ": "Kommunstyrelsen",
         "text": "1. Kommunstyrelsen beviljar medfinansiering om högst 4,5 miljoner kronor, under förutsättning av "
                 "att kommunfullmäktige avsätter medel i budgeten.",
         "condition": "under förutsättning av att kommunfullmäktige avsätter medel i budgeten"},
        {"organ": "Kommunfullmäktige", "text": "1. Kommunfullmäktige avsätter 3,3 miljoner kronor för bredbandsstöd.",
         "condition": None}]
    assert values["signatories"] == [{"name": "Anna Svedberg", "title": "Kommundirektör"}]
    assert values["recipients"] == ["Sektor samhällsbyggnad", "Ekonomienheten"]


# An association answers a remiss on its own paper; the municipality's address
# block below its letterhead is the addressee's.
ASSOCIATION_ANSWER = """Naturskyddsföreningen i Lerum
c/o Eva Strand
Storgatan 5
443 30 Lerum

Lerums kommun
Kommunstyrelsen
443 80 Lerum

Lerum 2020-02-03

Ert dnr: KS19.456

Yttrande över förslag till översiktsplan för Lerums kommun

Naturskyddsföreningen i Lerum har tagit del av förslaget till ny översiktsplan som kommunstyrelsen
skickat ut på samråd med sista dag för synpunkter den 10 februari 2020. Remisstiden förlängdes
till den 24 februari 2020.

För Naturskyddsföreningen i Lerum

Eva Strand
Ordförande

Kontaktperson: Per Holm, sekreterare, 0302-12 34 56
"""


def test_an_association_answers_a_remiss():
    values = _read(ASSOCIATION_ANSWER, "remiss_answer").values
    assert values["organisation"] == "Naturskyddsföreningen i Lerum"
    assert values["organ"] is None  # an association answers: no organ
    assert values["date"] == "2020-02-03"
    assert values["title"] == "Yttrande över förslag till översiktsplan för Lerums kommun"
    assert values["remiss"] == {"recipients": ["Naturskyddsföreningen i Lerum"], "deadline": "2020-02-24"}
    assert values["signatories"] == [{"name": "Eva Strand", "title": "Ordförande"}]
    assert values["officers"] == ["Per Holm"]


@pytest.mark.parametrize("text, expected", [
    # PDF text broke the date over two lines, and lost the § sign
    ("Lokalprogrammet redovisades för kommunstyrelsens arbetsutskott den 4 december\n2017,  311, som "
     "återremitterade ärendet.", [("Kommunstyrelsens arbetsutskott", "2017-12-04", 311)]),
    # a list of dates is no citation
    ("Nämnden sammanträder 2020 den 29 januari, 26 februari, 25 mars och 29 april.", []),
    # "Protokollet omfattar §§ 145–151" lists the document's own paragraphs
    ("Tekniska nämnden 2019-05-28 Protokollet omfattar §§145–151", []),
    # the receiver gives way to the organ that decided
    ("Kommunfullmäktige överlämnade förslaget till kommunstyrelsen för beslut den 22 november 2018, § 167.",
     [("Kommunfullmäktige", "2018-11-22", 167)]),
    ("Stadsdelsnämnden Majorna-Linné beslutade 2018-05-22, § 78 om budgeten.",
     [("Stadsdelsnämnden Majorna-Linné", "2018-05-22", 78)]),
])
def test_citations_in_pdf_text(text, expected):
    found = find_references(text, year=2019, organ=None)
    assert [(r["organ"], r["date"], r["paragraph"]) for r in found] == expected


def test_every_field_has_a_confidence():
    reading = _read(MALMO, "officer_report")
    for name in FIELDS:
        if name == "kind":
            continue
        assert 0 <= reading.confidence[name] <= 1, name


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(GRAMMAR_TEXT, st.text(max_size=400)),
       st.sampled_from(["officer_report", "remiss_answer", "decision_letter", "other"]))
def test_reading_never_raises(text, kind):
    reading = _read(text, kind)
    assert set(FIELDS) <= set(reading.values)
    for name, spans in reading.spans.items():
        for start, end in spans:
            assert 0 <= start <= end <= len(reading.text), name
