"""The reading of notices, minutes and excerpts (diarium/reading/grammar/
meetings.py) and of a document's kind (kinds.py). Pure: no database.

The texts are written here in the layouts municipalities' systems export
(Formpipe, Ciceron, Netpublicator, Word), flattened as PDF text is: page
headers and footers between the lines, columns side by side."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diarium.reading.grammar import kinds, meetings
from diarium.reading.grammar.shape import FIELDS, Reading
from diarium.reading.grammar.text import normalise

# The seed (docs/READING.md's worked example): an officer's report without a
# "Tjänsteskrivelse" heading; the corpus keeps its bytes.
SEED = (Path(__file__).resolve().parent / "data" / "reading" / "alingsas-2017-676-ks-tjansteskrivelse.txt"
        ).read_text(encoding="utf-8")


def read(text: str, kind: str | None = None) -> Reading:
    """Read a text as the reader does after common.read: the kind first."""
    reading = Reading(text=normalise(text))
    detected, sure = kinds.detect(reading.text)
    reading.set("kind", kind or detected, sure)
    meetings.read(reading)
    return reading


def spanned(reading: Reading, field: str) -> list[str]:
    return [reading.text[a:b] for a, b in reading.spans.get(field, [])]


# --- Formpipe Meetings, Alingsås: page furniture between the paragraphs -----

FORMPIPE = """\
SAMMANTRÄDESPROTOKOLL
Sammanträdesdatum
Kommunstyrelsen 2018-09-05
Sida 1 av 4

Plats och tid Sessionssalen, Stadshuset, Alingsås kl. 13.00–16.30

Beslutande Ledamöter
Daniel Filipsson (M), ordförande
Simon Waern (L)
Anna-Karin Andersson (S)
Per Ek (M) ersätter Eva Ström (M)
Lisa Ödman (C) tjg ers för Kent Lind (KD)

Ej tjänstgörande ersättare
Ola Bergström (S)

Övriga närvarande
Anneli Schwartz, tf. kommundirektör
Göran Westerlund, digitaliseringsansvarig §§ 145-146
Maria Berg, sekreterare

Utses att justera Simon Waern (L)
Justeringens plats och tid Stadshuset 2018-09-11

Underskrifter Sekreterare ..................................... Paragrafer 145–147
Maria Berg
Ordförande .....................................
Daniel Filipsson
Justerande .....................................
Simon Waern

ANSLAG/BEVIS
Protokollet är justerat. Justeringen har tillkännagivits genom anslag
Organ Kommunstyrelsen
Sammanträdesdatum 2018-09-05
Datum för anslags uppsättande 2018-09-12 Datum för anslags nedtagande 2018-10-04
Förvaringsplats för protokollet Kommunledningskontoret

SAMMANTRÄDESPROTOKOLL
Sammanträdesdatum
Kommunstyrelsen 2018-09-05
Sida 2 av 4

Ks § 145 Dnr 2017.676 KS
Digital målbild för Alingsås kommun – öppen och smart samt
tillhörande handlingsplan

Ärendebeskrivning
Kommunfullmäktige antog den 25 november 2015, § 180 e-strategi för Alingsås kommun.
Kommunstyrelsens arbetsutskott beslutade den 28 februari 2018,
§ 8 att förslag till handlingsplan remitteras.

Beslut
Handlingsplanen godkänns under förutsättning att kommunfullmäktige antar målbilden.

Expedieras till
Samtliga nämnder
FABS AB, Alingsåshem AB

Justerandes sign Utdragsbestyrkande

SAMMANTRÄDESPROTOKOLL
Sammanträdesdatum
Kommunstyrelsen 2018-09-05
Sida 3 av 4

Ks § 146 Dnr KS 2018/412
Delårsrapport 2018

Beslut
Rapporten godkänns.

Beslutet skickas till
Ekonomiavdelningen
Samtliga nämnder

Justerandes sign Utdragsbestyrkande

SAMMANTRÄDESPROTOKOLL
Sammanträdesdatum
Kommunstyrelsen 2018-09-05
Sida 4 av 4

Ks § 147
Dnr KS 2018/500
Anmälan av delegationsbeslut

Beslut
Anmälan noteras.

Justerandes sign Utdragsbestyrkande
"""


def test_formpipe_minutes():
    reading = read(FORMPIPE)
    values = reading.values
    assert values["kind"] == "minutes"
    assert values["organ"] == "Kommunstyrelsen"
    assert values["date"] == "2018-09-05"
    assert values["title"] is None
    assert values["items"] == [
        {"number": None, "paragraph": 145, "diary_number": "2017.676 KS",
         "title": "Digital målbild för Alingsås kommun – öppen och smart samt tillhörande handlingsplan"},
        {"number": None, "paragraph": 146, "diary_number": "KS 2018/412", "title": "Delårsrapport 2018"},
        {"number": None, "paragraph": 147, "diary_number": "KS 2018/500", "title": "Anmälan av delegationsbeslut"},
    ]
    # "§ 8 att …" begins a line but is a citation wrapped, not a paragraph.
    assert values["paragraphs"] == [145, 146, 147]
    assert values["attendance"] == {
        "members": ["Daniel Filipsson", "Simon Waern", "Anna-Karin Andersson"],
        "substitutes": [{"name": "Per Ek", "for": "Eva Ström"}, {"name": "Lisa Ödman", "for": "Kent Lind"}],
        "others": ["Ola Bergström", "Anneli Schwartz", "Göran Westerlund", "Maria Berg"],
    }
    assert values["chair"] == "Daniel Filipsson"
    assert values["adjusters"] == ["Simon Waern"]
    assert values["signatories"] == [
        {"name": "Maria Berg", "title": "Sekreterare"},
        {"name": "Daniel Filipsson", "title": "Ordförande"},
        {"name": "Simon Waern", "title": "Justerande"},
    ]
    assert values["posted"] == {"from": "2018-09-12", "to": "2018-10-04"}
    assert values["recipients"] == ["Samtliga nämnder", "FABS AB", "Alingsåshem AB", "Ekonomiavdelningen"]
    assert reading.extra == {"place": "Sessionssalen, Stadshuset, Alingsås", "start_time": "13:00",
                             "end_time": "16:30"}
    # Where each value was read, for the review screen.
    assert spanned(reading, "organ") == ["Kommunstyrelsen"]
    assert spanned(reading, "date") == ["2018-09-05"]
    assert spanned(reading, "posted") == ["2018-09-12", "2018-10-04"]
    assert spanned(reading, "place") == ["Sessionssalen, Stadshuset, Alingsås"]
    assert spanned(reading, "time") == ["kl. 13.00–16.30"]
    assert spanned(reading, "items")[2] == "Ks § 147\nDnr KS 2018/500\nAnmälan av delegationsbeslut"
    assert "Per Ek (M) ersätter Eva Ström" in spanned(reading, "attendance")
    assert reading.confidence["items"] >= 0.8 and reading.confidence["attendance"] >= 0.8


def test_own_paragraphs_are_no_references():
    reading = Reading(text=normalise(FORMPIPE))
    reading.set("kind", "minutes", 0.9)
    reading.set("references", [
        {"organ": None, "date": None, "paragraph": 145, "diary_number": None, "text": "§§ 145-146"},
        {"organ": "Kommunfullmäktige", "date": "2015-11-25", "paragraph": 180, "diary_number": None,
         "text": "Kommunfullmäktige antog den 25 november 2015, § 180"},
        {"organ": None, "date": None, "paragraph": 147, "diary_number": "KS 2018/500", "text": "§ 147 Dnr KS 2018/500"},
    ], 0.7)
    meetings.read(reading)
    assert [r["paragraph"] for r in reading.values["references"]] == [180]


# --- Göteborg: "Protokoll fört vid sammanträde med …", "för", "Justeras" ----

GOTEBORG = """\
Göteborgs Stad

Protokoll fört vid sammanträde med Barn- och ungdomsnämnden den 5 mars 2019

Tid: 2019-03-05 kl. 13.00–16.30
Lokal: Stora salen, Gustaf Adolfs torg 4

Närvarande ledamöter
Axel Josefson (M), ordförande
Jonas Attenius (S), vice ordförande
Karin Pleijel (MP)
Martin Wannholt (D)

Tjänstgörande ersättare
Per Ek (M) för Eva Ström (M)
Hampus Magnusson (M) tjg ers för Ann Larsson (SD)

Övriga deltagare
Eva Hessman, direktör
Lena Holm, nämndsekreterare

Justerare: Jonas Attenius (S) och Karin Pleijel (MP)

§ 1
Val av justerare
Nämnden utser Jonas Attenius (S) att jämte ordföranden justera protokollet.

§ 2                                                     0456/18
Budget för 2019
Nämnden antar budgeten enligt förslag i tjänsteutlåtande.

Expedieras
Stadsledningskontoret
Utbildningsförvaltningen

§ 3 Dnr 0512/18
Motion av Anna Svensson (V) om
fria skolmåltider

Nämnden föreslår kommunfullmäktige att avslå motionen.

Beslutet skickas till
Kommunfullmäktige

Vid protokollet
Lena Holm
Justeras
Axel Josefson    Jonas Attenius    Karin Pleijel

Protokollet anslås 2019-03-12 och tas ned 2019-04-03.
"""


def test_goteborg_minutes():
    reading = read(GOTEBORG)
    values = reading.values
    assert values["kind"] == "minutes"
    assert values["organ"] == "Barn- och ungdomsnämnden"
    assert spanned(reading, "organ") == ["Barn- och ungdomsnämnden"]
    assert values["date"] == "2019-03-05"
    assert [(i["paragraph"], i["diary_number"], i["title"]) for i in values["items"]] == [
        (1, None, "Val av justerare"),
        (2, "0456/18", "Budget för 2019"),
        (3, "0512/18", "Motion av Anna Svensson (V) om fria skolmåltider"),
    ]
    assert values["attendance"]["members"] == ["Axel Josefson", "Jonas Attenius", "Karin Pleijel",
                                               "Martin Wannholt"]
    assert values["attendance"]["substitutes"] == [{"name": "Per Ek", "for": "Eva Ström"},
                                                   {"name": "Hampus Magnusson", "for": "Ann Larsson"}]
    assert values["attendance"]["others"] == ["Eva Hessman", "Lena Holm"]
    assert values["chair"] == "Axel Josefson"  # not the vice chair
    assert values["adjusters"] == ["Jonas Attenius", "Karin Pleijel"]
    assert values["posted"] == {"from": "2019-03-12", "to": "2019-04-03"}
    assert values["recipients"] == ["Stadsledningskontoret", "Utbildningsförvaltningen", "Kommunfullmäktige"]
    assert [s["name"] for s in values["signatories"]] == ["Lena Holm", "Axel Josefson", "Jonas Attenius",
                                                          "Karin Pleijel"]
    assert reading.extra["place"] == "Stora salen, Gustaf Adolfs torg 4"
    assert (reading.extra["start_time"], reading.extra["end_time"]) == ("13:00", "16:30")


# --- Malmö: roles written before the names, all on the first page ---------

MALMO = """\
Malmö stad
Kommunstyrelsen
Protokoll 2019-03-06

Tid 13:00-15:45
Plats Kommunstyrelsesalen, Stadshuset, August Palms plats 1, Malmö
Beslutande Ordförande Katrin Stjernfeldt Jammeh (S)
Vice ordförande Roko Kursar (L)
Ledamöter Andreas Schönström (S)
Sofia Hedén (S), Sara Wettergren (L)
Torbjörn Tegnhammar (M) (Tjänstgörande ersättare för Hilmar Rommetveit (M))
Övriga deltagande Ersättare Martin Molin (C)
Tjänstepersoner Gordana Mandić (Kommunsekreterare)
Justerare Roko Kursar (L)
Paragrafer §§101-103
Underskrifter
Ordförande Katrin Stjernfeldt Jammeh (S)
Justerare Roko Kursar (L)
Sekreterare Gordana Mandić

Justerandes signatur

§101 Val av justerare
Roko Kursar (L) utses att justera protokollet.

§102 Ansökan om bidrag
STK-2019-123
Beslut
Kommunstyrelsen beviljar bidraget.
Beslutet skickas till
Stadskontoret, Arbetsmarknadsförvaltningen

§103
Anmälan av delegationsbeslut
STK-2019-44
Beslut
Anmälan läggs till handlingarna.

Protokollet har justerats. Anslaget sätts upp 2019-03-12 och tas ned 2019-04-03.
"""


def test_malmo_minutes_roles_first():
    reading = read(MALMO)
    values = reading.values
    assert values["organ"] == "Kommunstyrelsen"
    assert values["date"] == "2019-03-06"
    assert values["attendance"] == {
        "members": ["Katrin Stjernfeldt Jammeh", "Roko Kursar", "Andreas Schönström", "Sofia Hedén",
                    "Sara Wettergren"],
        "substitutes": [{"name": "Torbjörn Tegnhammar", "for": "Hilmar Rommetveit"}],
        "others": ["Martin Molin", "Gordana Mandić"],
    }
    assert values["chair"] == "Katrin Stjernfeldt Jammeh"
    assert values["adjusters"] == ["Roko Kursar"]
    assert values["paragraphs"] == [101, 102, 103]
    assert [(i["paragraph"], i["diary_number"], i["title"]) for i in values["items"]] == [
        (101, None, "Val av justerare"),
        (102, "STK-2019-123", "Ansökan om bidrag"),
        (103, "STK-2019-44", "Anmälan av delegationsbeslut"),
    ]
    assert values["signatories"] == [
        {"name": "Katrin Stjernfeldt Jammeh", "title": "Ordförande"},
        {"name": "Roko Kursar", "title": "Justerare"},
        {"name": "Gordana Mandić", "title": "Sekreterare"},
    ]
    assert values["posted"] == {"from": "2019-03-12", "to": "2019-04-03"}
    assert values["recipients"] == ["Stadskontoret", "Arbetsmarknadsförvaltningen"]
    assert reading.extra == {"place": "Kommunstyrelsesalen, Stadshuset, August Palms plats 1, Malmö",
                             "start_time": "13:00", "end_time": "15:45"}


# --- Ciceron, Lerum: a comma-separated list, no "Underskrifter", letterhead -

CICERON = """\
Lerums kommun
SAMMANTRÄDESPROTOKOLL
Bygg- och miljönämnden
2019-04-10

Plats och tid: Lerum Kommunhus, sal Aspen, onsdagen den 10 april 2019, kl. 18:00-19:15, ajournering 18:40-18:50

Beslutande: Anna Andersson (S) ordf, Bo Berg (M), Cecilia Dahl (C), Dan Nyström (SD) tjg ers för Eva Öst (SD), Fredrik Lind (L)

Övriga: Gunilla Holm, förvaltningschef, Helena Ek nämndsekreterare

Justerare: Bo Berg
Justeringens plats och tid: Kommunhuset 2019-04-15

Sekreterare  ……………………………………  Paragrafer 23-25
Helena Ek
Ordförande  ……………………………………
Anna Andersson
Justerare  ……………………………………
Bo Berg

BEVIS
Justeringen har tillkännagivits genom anslag.
Anslaget uppsatt: 2019-04-16
Anslaget nedtas: 2019-05-08

Lerums kommun
SAMMANTRÄDESPROTOKOLL
Bygg- och miljönämnden
2019-04-10
§ 23
Val av justerare
Bo Berg (M) utses att justera.

Lerums kommun
SAMMANTRÄDESPROTOKOLL
Bygg- och miljönämnden
2019-04-10
§ 24 Dnr BMN 2019/88
Ansökan om bygglov för nybyggnad av
enbostadshus på fastigheten Lerum 1:2

Beslut
Nämnden beviljar bygglov enligt 9 kap. 31 § plan- och bygglagen.
Expedieras till:
Sökanden
Lantmäteriet (för kännedom)
Lerums kommun
SAMMANTRÄDESPROTOKOLL
Bygg- och miljönämnden
2019-04-10
§ 25 Dnr BMN 2019/12
Delegeringsbeslut
Informationen noteras.
"""


def test_ciceron_minutes_comma_list():
    reading = read(CICERON)
    values = reading.values
    assert values["organ"] == "Bygg- och miljönämnden"
    assert values["date"] == "2019-04-10"
    assert values["attendance"] == {
        "members": ["Anna Andersson", "Bo Berg", "Cecilia Dahl", "Fredrik Lind"],
        "substitutes": [{"name": "Dan Nyström", "for": "Eva Öst"}],
        "others": ["Gunilla Holm", "Helena Ek"],
    }
    assert values["chair"] == "Anna Andersson"
    assert values["adjusters"] == ["Bo Berg"]
    assert values["paragraphs"] == [23, 24, 25]
    assert values["items"][1] == {
        "number": None, "paragraph": 24, "diary_number": "BMN 2019/88",
        "title": "Ansökan om bygglov för nybyggnad av enbostadshus på fastigheten Lerum 1:2"}
    assert values["signatories"] == [
        {"name": "Helena Ek", "title": "Sekreterare"},
        {"name": "Anna Andersson", "title": "Ordförande"},
        {"name": "Bo Berg", "title": "Justerare"},
    ]
    assert values["posted"] == {"from": "2019-04-16", "to": "2019-05-08"}
    # The running header ("Lerums kommun") ends the dispatch list.
    assert values["recipients"] == ["Sökanden", "Lantmäteriet (för kännedom)"]
    # The adjournment is within the meeting: it ends at 19:15.
    assert reading.extra == {"place": "Lerum Kommunhus, sal Aspen", "start_time": "18:00", "end_time": "19:15"}


# --- A region's minutes, layout kept: two columns of names, a label on two lines -

REGION = """\
REGION HALLAND                                                  SAMMANTRÄDESPROTOKOLL
Regionstyrelsen                                                 Sammanträdesdatum
                                                                2020-02-18

Plats och tid      Regionens hus, Halmstad, kl. 09.00–12.10

Beslutande         Ledamöter
                   Mikael Bengtsson (C), ordförande        Lena Sandgren (S)
                   Marie Nicholson (M)                      Jonas Bergman (M)
                   Anna Roos (M), 1:e vice ordförande       Stefan Edenholm (SD)

Tjänstgörande      Ingela Andersson (L) ersätter Anders Ågren (L)
ersättare

Övriga             Ann-Sofie Berg, regiondirektör
närvarande         Emma Lund, sekreterare

Utses att justera  Lena Sandgren (S)

Underskrifter      Sekreterare   ..................................     Paragrafer 12–13
                                 Emma Lund
                   Ordförande    ..................................
                                 Mikael Bengtsson
                   Justerande    ..................................
                                 Lena Sandgren

Justerandes sign                                                Utdragsbestyrkande

REGION HALLAND                                                  SAMMANTRÄDESPROTOKOLL
Regionstyrelsen                                                 2020-02-18

RS § 12                                                         RS 2019/0412
Regional utvecklingsstrategi 2020–2030

Beslut
Regionstyrelsen föreslår regionfullmäktige att anta strategin.

Beslutet skickas till
Regionfullmäktige

Justerandes sign                                                Utdragsbestyrkande
REGION HALLAND                                                  SAMMANTRÄDESPROTOKOLL
Regionstyrelsen                                                 2020-02-18

RS § 13                                                         RS 2020/0031
Delegationsbeslut

Beslut
Redovisningen läggs till handlingarna.
"""


def test_region_minutes_in_columns():
    reading = read(REGION)
    values = reading.values
    assert values["organ"] == "Regionstyrelsen"
    assert values["date"] == "2020-02-18"
    assert values["attendance"] == {
        "members": ["Mikael Bengtsson", "Lena Sandgren", "Marie Nicholson", "Jonas Bergman", "Anna Roos",
                    "Stefan Edenholm"],
        "substitutes": [{"name": "Ingela Andersson", "for": "Anders Ågren"}],
        "others": ["Ann-Sofie Berg", "Emma Lund"],
    }
    assert values["chair"] == "Mikael Bengtsson"
    assert values["adjusters"] == ["Lena Sandgren"]
    assert values["paragraphs"] == [12, 13]
    assert [(i["paragraph"], i["diary_number"], i["title"]) for i in values["items"]] == [
        (12, "RS 2019/0412", "Regional utvecklingsstrategi 2020–2030"),
        (13, "RS 2020/0031", "Delegationsbeslut"),
    ]
    assert values["recipients"] == ["Regionfullmäktige"]
    assert values["posted"] is None
    assert reading.extra["place"] == "Regionens hus, Halmstad"


# --- An excerpt: one paragraph, its title the reading's ---------------------

EXCERPT = """\
PROTOKOLLSUTDRAG
Sammanträdesdatum
Kommunstyrelsens arbetsutskott 2018-02-28
Sida 1 av 1

KSAU § 8 Dnr 2017.676 KS
Digital målbild för Alingsås kommun – öppen och smart, remiss
av handlingsplan

Ärendebeskrivning
Kommunfullmäktige har i samband med beslut om flerårsstrategi 2018-2020 beslutat att
kommunstyrelsen ska ta fram ett program.

Beslut
Förslag till handlingsplan remitteras till samtliga nämnder och kommunala bolag samt till
Alingsås och Vårgårda Räddningstjänstförbund.

Expedieras till
Samtliga nämnder
Alingsås och Vårgårda Räddningstjänstförbund
Föreningen Sambruk

Justerandes sign Utdragsbestyrkande

Rätt utdraget intygar
Maria Berg, sekreterare
"""


def test_excerpt():
    reading = read(EXCERPT)
    values = reading.values
    assert values["kind"] == "minutes_excerpt"
    assert values["organ"] == "Kommunstyrelsens arbetsutskott"
    assert values["date"] == "2018-02-28"
    assert values["title"] == "Digital målbild för Alingsås kommun – öppen och smart, remiss av handlingsplan"
    assert values["items"] == [{"number": None, "paragraph": 8, "diary_number": "2017.676 KS",
                                "title": values["title"]}]
    assert values["paragraphs"] == [8]
    assert values["recipients"] == ["Samtliga nämnder", "Alingsås och Vårgårda Räddningstjänstförbund",
                                    "Föreningen Sambruk"]
    assert values["signatories"] == [{"name": "Maria Berg", "title": "sekreterare"}]
    assert values["attendance"] is None
    assert values["posted"] is None
    assert spanned(reading, "title")[0].startswith("KSAU § 8")


# --- A federation's council: an attendance list at the end, places after parties -

FEDERATION = (
    "SJUHÄRADS KOMMUNALFÖRBUND\n"
    "PROTOKOLL\n"
    "fört vid sammanträde med förbundsfullmäktige\n"
    "torsdagen den 12 november 2020, kl. 10.00–12.00\n"
    "Plats: Borås kongress, Borås\n"
    "\n"
    "Beslutande: enligt bifogad närvarolista\n"
    "\n"
    "Övriga närvarande\n"
    "Kerstin Ek (S), Mark, ersättare\n"
    "Gustav Lind, förbundsdirektör\n"
    "\n"
    "Justerare: Ulla Nord (C)\n"
    "\n"
    "§ 21  Val av justerare\n"
    "Ulla Nord (C) utses att jämte ordföranden justera protokollet.\n"
    "\n"
    "§ 22  Budget 2021\n"
    "        (ärende 2)\n"
    "        Dnr SKF 2020/31\n"
    "Fullmäktige fastställer budgeten.\n"
    "\n"
    "Vid protokollet                 Justeras\n"
    "\n"
    "Gustav Lind          Malin Sten          Ulla Nord\n"
    "Sekreterare          Ordförande          Justerare\n"
    "\n"
    "Närvarolista, förbundsfullmäktige 2020-11-12\n"
    "Ledamot\tNärvarande\tTjänstgörande ersättare\n"
    "Malin Sten (M), Borås, ordförande\tx\n"
    "Ulla Nord (C), Herrljunga\tx\n"
    "Olle Dahl (S), Ulricehamn\t–\tLisa Bergman (S), Ulricehamn\n"
    "Tor Vik (SD), Bollebygd\t–\n"
    "Eva Alm (L), Svenljunga\tx\n"
    "Summa\t3\t1\n"
)


def test_federation_minutes_with_attendance_list():
    reading = read(FEDERATION)
    values = reading.values
    assert values["kind"] == "minutes"
    assert values["organ"] == "Förbundsfullmäktige"
    assert values["date"] == "2020-11-12"
    assert values["attendance"] == {
        "members": ["Malin Sten", "Ulla Nord", "Eva Alm"],
        "substitutes": [{"name": "Lisa Bergman", "for": "Olle Dahl"}],
        "others": ["Kerstin Ek", "Gustav Lind"],
    }
    assert values["chair"] == "Malin Sten"
    assert values["adjusters"] == ["Ulla Nord"]
    # Names over their titles, in columns; "Vid protokollet" and "Justeras" are no titles.
    assert values["signatories"] == [
        {"name": "Gustav Lind", "title": "Sekreterare"},
        {"name": "Malin Sten", "title": "Ordförande"},
        {"name": "Ulla Nord", "title": "Justerare"},
    ]
    assert values["items"][1] == {"number": "2", "paragraph": 22, "diary_number": "SKF 2020/31",
                                  "title": "Budget 2021"}
    assert reading.extra == {"place": "Borås kongress, Borås", "start_time": "10:00", "end_time": "12:00"}


# An excerpt whose § sign the PDF's symbol font lost, the officer under the heading.
LOST_SIGN = (
    "UMEÅ KOMMUN\tUTDRAG UR PROTOKOLL\n"
    "Fritidsnämnden\tSammanträdesdatum 2019-11-20\n"
    "\n"
    "  87\t\tDnr FRN-2019/00412\n"
    "Handläggare: Sara Lund, fritidsstrateg\n"
    "\n"
    "Nya öppettider för Navet\n"
    "\n"
    "Beslut\n"
    "Fritidsnämnden fastställer öppettiderna.\n"
    "\n"
    "Beslutet ska skickas till\n"
    "Fritidsförvaltningen\n"
    "\n"
    "Justerandes sign\tUtdragsbestyrkande\n"
)


def test_excerpt_with_the_paragraph_sign_lost():
    reading = read(LOST_SIGN)
    values = reading.values
    assert values["kind"] == "minutes_excerpt"
    assert values["organ"] == "Fritidsnämnden"
    assert values["date"] == "2019-11-20"
    assert values["paragraphs"] == [87]
    assert values["title"] == "Nya öppettider för Navet"
    assert values["items"] == [{"number": None, "paragraph": 87, "diary_number": "FRN-2019/00412",
                                "title": "Nya öppettider för Navet"}]
    assert values["recipients"] == ["Fritidsförvaltningen"]


# --- Notices -----------------------------------------------------------------

NOTICE = """\
KALLELSE
Socialnämnden
Datum 2019-02-26

Kallelse till sammanträde med Socialnämnden

Tid: Tisdagen den 5 mars 2019 kl. 13.00
Plats: Kommunhuset, Sammanträdesrum Mjörn

Förhinder anmäls till nämndsekreteraren.

Ärenden
1. Val av justerare
2. Godkännande av dagordning
3 Digital målbild för Alingsås kommun – öppen och smart Dnr 2017.676 KS
4. Årsredovisning 2018 för Socialnämnden
Dnr SN 2019/33
5. Motion om trygghetsboende i centrala
Alingsås
Dnr SN 2018/210
6. Information från förvaltningschefen
Föredragande: förvaltningschef Karin Ahl

Lars Andersson
Ordförande

Eva Nilsson
Nämndsekreterare
"""


def test_notice_numbered_agenda():
    reading = read(NOTICE)
    values = reading.values
    assert values["kind"] == "notice"
    assert values["organ"] == "Socialnämnden"
    assert values["date"] == "2019-03-05"  # the meeting's, not the notice's "Datum"
    assert values["title"] is None
    assert values["items"] == [
        {"number": "1", "paragraph": None, "diary_number": None, "title": "Val av justerare"},
        {"number": "2", "paragraph": None, "diary_number": None, "title": "Godkännande av dagordning"},
        {"number": "3", "paragraph": None, "diary_number": "2017.676 KS",
         "title": "Digital målbild för Alingsås kommun – öppen och smart"},
        {"number": "4", "paragraph": None, "diary_number": "SN 2019/33",
         "title": "Årsredovisning 2018 för Socialnämnden"},
        {"number": "5", "paragraph": None, "diary_number": "SN 2018/210",
         "title": "Motion om trygghetsboende i centrala Alingsås"},
        {"number": "6", "paragraph": None, "diary_number": None, "title": "Information från förvaltningschefen"},
    ]
    assert values["officers"] == ["Karin Ahl"]
    assert values["signatories"] == [{"name": "Lars Andersson", "title": "Ordförande"},
                                     {"name": "Eva Nilsson", "title": "Nämndsekreterare"}]
    assert values["chair"] == "Lars Andersson"
    assert values["attendance"] is None and values["posted"] is None and values["paragraphs"] == []
    assert reading.extra == {"place": "Kommunhuset, Sammanträdesrum Mjörn", "start_time": "13:00",
                             "end_time": None}


NOTICE_TABLE = (
    "Kiruna kommun\n"
    "Föredragningslista\n"
    "Kommunfullmäktige\n"
    "Sammanträdesdatum: 2019-03-18\n"
    "Tid och plats: Stadshuset, Kiruna, kl 09.00\n"
    "\n"
    "Nr\tÄrende\tDnr\tFöredragande\n"
    "1\tUpprop\n"
    "2\tVal av justerare\n"
    "3\tDetaljplan för del av Kiruna 1:1\tKS 2018/301\n"
    "4\tÄndrad budget för Gruvstadsparken\tKS 2019/12\tMats Taaveniku\n"
    "5\tMotion om cykelvägar\n"
    "\tKS 2018/455\n"
    "6\tAvsägelser och fyllnadsval\n"
    "\n"
    "Sida 1 av 1\n"
)


def test_notice_table_flattened():
    reading = read(NOTICE_TABLE)
    values = reading.values
    assert values["kind"] == "notice"
    assert values["organ"] == "Kommunfullmäktige"
    assert values["date"] == "2019-03-18"
    assert [(i["number"], i["diary_number"], i["title"]) for i in values["items"]] == [
        ("1", None, "Upprop"),
        ("2", None, "Val av justerare"),
        ("3", "KS 2018/301", "Detaljplan för del av Kiruna 1:1"),
        ("4", "KS 2019/12", "Ändrad budget för Gruvstadsparken"),
        ("5", "KS 2018/455", "Motion om cykelvägar"),
        ("6", None, "Avsägelser och fyllnadsval"),
    ]
    assert values["officers"] == ["Mats Taaveniku"]
    assert reading.extra == {"place": "Stadshuset, Kiruna", "start_time": "09:00", "end_time": None}


NOTICE_PARAGRAPH_COLUMN = """\
NACKA KOMMUN
Kommunstyrelsen

KALLELSE OCH FÖREDRAGNINGSLISTA
Sammanträdesdatum 2018-06-11

Tid: Måndagen den 11 juni 2018 kl. 16.00
Plats: Sammanträdesrummet, stadshuset

Ärende  §    Ärendenr           Rubrik
1       108                     Val av justerare
2       109  KFKS 2018/11       Tertialbokslut 1 2018
3       110  KFKS 2018/204      Svar på motion från Eva Ström (SD) om
                                trygghetskameror vid stationen
4       111                     Anmälan av delegationsbeslut

Mats Gerdau (M)
Ordförande
"""


def test_notice_with_a_paragraph_column():
    reading = read(NOTICE_PARAGRAPH_COLUMN)
    values = reading.values
    assert values["kind"] == "notice"
    assert values["date"] == "2018-06-11"
    assert values["items"] == [
        {"number": "1", "paragraph": 108, "diary_number": None, "title": "Val av justerare"},
        {"number": "2", "paragraph": 109, "diary_number": "KFKS 2018/11", "title": "Tertialbokslut 1 2018"},
        {"number": "3", "paragraph": 110, "diary_number": "KFKS 2018/204",
         "title": "Svar på motion från Eva Ström (SD) om trygghetskameror vid stationen"},
        {"number": "4", "paragraph": 111, "diary_number": None, "title": "Anmälan av delegationsbeslut"},
    ]
    assert values["chair"] == "Mats Gerdau"
    assert values["signatories"] == [{"name": "Mats Gerdau", "title": "Ordförande"}]


def test_fields_kept_where_common_read_them():
    """What meetings.read does not know it leaves as common.read set it."""
    reading = Reading(text=normalise(NOTICE))
    reading.set("kind", "notice", 0.9)
    reading.set("organisation", "Alingsås kommun", 0.9, (0, 7))
    reading.set("diary_numbers", ["2017.676 KS", "SN 2019/33", "SN 2018/210"], 0.9)
    meetings.read(reading)
    assert reading.values["organisation"] == "Alingsås kommun"
    assert reading.values["diary_numbers"] == ["2017.676 KS", "SN 2019/33", "SN 2018/210"]
    assert reading.spans["organisation"] == [(0, 7)]


# --- kinds.detect -------------------------------------------------------------

HEADS = {
    "officer_report": [
        "ALINGSÅS KOMMUN\nTJÄNSTESKRIVELSE\nDatum 2018-08-23\nDnr 2017.676 KS\n\nDigital målbild\n\n"
        "Ärendebeskrivning\nKommunfullmäktige antog …\n\nFörslag till beslut\nMålbilden antas.",
        "Tjänsteutlåtande\nUtfärdat 2020-03-02\nDiarienummer 0123/20\n\nTrygghet i stadsdelen\n\n"
        "Förslag till beslut\nI kommunstyrelsen\nRapporten godkänns.",
        "Beslutsunderlag\nKommunstyrelsen\nHandläggare: Anna Berg\n\nÄrendebeskrivning\nBakgrund …",
    ],
    "notice": [
        "KALLELSE\nKommunstyrelsen\n2019-03-05\n\nTid: kl. 13.00\nPlats: Sessionssalen\n\nÄrenden\n"
        "1. Val av justerare\n2. Budget 2020",
        "Kallelse till sammanträde med Socialnämnden\nTid: Tisdagen den 5 mars 2019 kl. 13.00\n"
        "Förhinder anmäls till sekreteraren.",
        "Föredragningslista\nKommunfullmäktige\nSammanträdesdatum: 2019-03-18\n\nNr\tÄrende\tDnr\n1\tUpprop",
    ],
    "minutes": [
        "SAMMANTRÄDESPROTOKOLL\nSammanträdesdatum\nKommunstyrelsen 2018-09-05\n\nPlats och tid Sessionssalen\n"
        "Beslutande Ledamöter\nDaniel Filipsson (M), ordförande\n\n§ 145 Dnr 2017.676 KS\nDigital målbild\n"
        "§ 146\nDelårsrapport\n§ 147\nDelegationsbeslut",
        "Protokoll fört vid sammanträde med Barn- och ungdomsnämnden den 5 mars 2019\n\nNärvarande ledamöter\n"
        "Axel Josefson (M)\n\n§ 1\nVal av justerare\n§ 2\nBudget",
        "Kommunstyrelsen\nProtokoll 2019-03-06\nTid 13:00-15:45\nBeslutande Ordförande Katrin Jammeh (S)\n"
        "Paragrafer §§101-103",
    ],
    "minutes_excerpt": [
        "PROTOKOLLSUTDRAG\nSammanträdesdatum\nKommunstyrelsens arbetsutskott 2018-02-28\n\nKSAU § 8 Dnr 2017.676 KS\n"
        "Digital målbild\n\nÄrendebeskrivning\n…\n\nFörslag till beslut\n…\n\nBeslut\nRemitteras.",
        "Utdrag ur protokoll fört vid Kommunstyrelsens sammanträde 2018-09-05\n\n§ 145\nDigital målbild\n"
        "Beslut\nGodkänns.",
        "SAMMANTRÄDESPROTOKOLL\nKommunstyrelsen 2018-09-05\n\n§ 145 Dnr 2017.676 KS\nDigital målbild\n\n"
        "Beslut\nGodkänns.\n\nJusterandes sign Utdragsbestyrkande\n\nRätt utdraget intygar\nMaria Berg",
    ],
    "remiss_answer": [
        "Remissvar\nKultur- och fritidsnämnden\nEr beteckning 2017.676 KS\n\nYttrande över handlingsplan "
        "för digital målbild\nNämnden har getts möjlighet att yttra sig …",
        "Yttrande över förslag till regional avfallsplan\nVår referens 2019/KS 0033\nEr referens GR 2018-0123\n"
        "Göteborgsregionen har skickat remissen av planen till kommunen.",
    ],
    "decision_letter": [
        "Meddelande om beslut\nBygg- och miljönämnden\n2019-04-11\n\nBygglov för enbostadshus\n\n"
        "Hur man överklagar …",
        "BESLUT\n2019-06-12\nDnr SN 2019/88\n\nAnsökan om färdtjänst\nSocialnämnden beviljar …\n\n"
        "Hur man överklagar\nÖverklagandet ska ha kommit in inom tre veckor.",
        "Underrättelse om beslut\nKommunstyrelsen har den 3 mars 2020 beslutat …",
    ],
}


@pytest.mark.parametrize(("kind", "text"), [(kind, text) for kind, texts in HEADS.items() for text in texts])
def test_detect_kind(kind, text):
    detected, sure = kinds.detect(text)
    assert detected == kind
    assert 0.5 < sure <= 1


def test_detect_the_seed_is_an_officer_report():
    detected, sure = kinds.detect(normalise(SEED))
    assert detected == "officer_report"
    assert sure >= 0.7


@pytest.mark.parametrize("text", [
    FORMPIPE, GOTEBORG, MALMO, CICERON, REGION,
])
def test_detect_whole_minutes(text):
    assert kinds.detect(normalise(text))[0] == "minutes"


def test_detect_other_and_confidence_from_margin():
    assert kinds.detect("") == ("other", 0.6)
    assert kinds.detect("Inköpslista\nmjölk, bröd")[0] == "other"
    # A tie between two kinds is less sure than a clear one.
    _, clear = kinds.detect(HEADS["notice"][1])
    _, torn = kinds.detect("Kallelse\nProtokoll\n")
    assert torn < clear


# --- Never a crash, every span within the text ------------------------------

WORDS = [
    "Sammanträdesprotokoll", "Kallelse", "Protokollsutdrag", "Beslutande", "Ledamöter", "Tjänstgörande ersättare",
    "Övriga närvarande", "ersätter", "för", "tjg ers för", "Anna Berg (S)", "Per Ek (M), ordförande", "Justerare",
    "Utses att justera", "Underskrifter", "Sekreterare", "Ordförande", "Justerande", "........", "§ 12", "§§ 1-400",
    "Paragrafer 3–9999", "Dnr KS 2019/12", "2019-03-05", "kl. 13.00–16.30", "Plats och tid", "Tid:", "Lokal:",
    "Datum för anslags uppsättande", "Datum för anslags nedtagande", "Expedieras till", "Beslutet skickas till",
    "1.", "2", "Ärenden", "Justerandes sign", "Sida 2 av 3", "Vid protokollet", "Justeras", "\t", "   ",
    "Rätt utdraget intygar", "Kommunstyrelsen", "den 5 mars", "Föredragande:", "a)", "(", ")", ",", "och",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(WORDS), max_size=60).map(lambda words: "".join(
        word + ("\n" if i % 3 == 0 else " ") for i, word in enumerate(words))),
), st.sampled_from(["notice", "minutes", "minutes_excerpt"]))
def test_never_raises_and_spans_lie_within(text, kind):
    kinds.detect(text)
    reading = Reading(text=normalise(text))
    reading.set("kind", kind, 0.5)
    meetings.read(reading)
    length = len(reading.text)
    for name, spans in reading.spans.items():
        for start, end in spans:
            assert 0 <= start <= end <= length, (name, start, end)
    for name in FIELDS:
        assert 0 <= reading.confidence.get(name, 0.5) <= 1
    for item in reading.values["items"]:
        assert set(item) == {"number", "paragraph", "diary_number", "title"}
    attendance = reading.values["attendance"]
    assert attendance is None or set(attendance) == {"members", "substitutes", "others"}
    assert all(isinstance(p, int) for p in reading.values["paragraphs"])
    assert len(reading.values["paragraphs"]) <= 2 * (meetings.MAX_RANGE + 1) + text.count("§")


# --- The posting and the meeting's times, as municipalities write them ---------

MINUTES_HEAD = "SAMMANTRÄDESPROTOKOLL\nSocialnämnden\nSammanträdesdatum 2020-01-22\n\n§ 1\nVal av justerare\n\n"


@pytest.mark.parametrize(("posting", "expected"), [
    ("Datum för anslags uppsättande 2020-01-28\nDatum för anslags nedtagande 2020-02-19",
     {"from": "2020-01-28", "to": "2020-02-19"}),
    ("Datum för anslags uppsättande\tDatum för anslags nedtagande\n2020-01-28\t2020-02-19",
     {"from": "2020-01-28", "to": "2020-02-19"}),
    ("Anslaget sätts upp 2020-01-28 och tas ned 2020-02-19.", {"from": "2020-01-28", "to": "2020-02-19"}),
    ("Protokollet anslås 2020-01-28 och tas ned 2020-02-19.", {"from": "2020-01-28", "to": "2020-02-19"}),
    ("Protokollet är justerat och anslaget 2020-01-28 till och med 2020-02-19.",
     {"from": "2020-01-28", "to": "2020-02-19"}),
    ("Anslagstid: 2020-01-28 -- 2020-02-19", {"from": "2020-01-28", "to": "2020-02-19"}),
    ("Anslaget uppsatt: 2020-01-28\nAnslaget nedtas: 2020-02-19", {"from": "2020-01-28", "to": "2020-02-19"}),
    ("Justeringens plats och tid: Stadshuset 2020-01-27", None),
])
def test_posting(posting, expected):
    reading = read(MINUTES_HEAD + posting + "\n", kind="minutes")
    assert reading.values["posted"] == expected
    assert reading.values["date"] == "2020-01-22"


@pytest.mark.parametrize(("head", "place", "start", "end"), [
    ("Plats och tid: Sessionssalen, Stadshuset, kl. 13.00–16.30", "Sessionssalen, Stadshuset", "13:00", "16:30"),
    ("Tid: 2019-03-05 kl. 13.00–16.30\nLokal: Stora salen", "Stora salen", "13:00", "16:30"),
    ("Plats och tid\nKommunhuset, rum Mjörn, tisdagen den 5 mars 2019 kl 9-12", "Kommunhuset, rum Mjörn", "09:00", "12:00"),
    ("Tid och plats: 13:00-14:30, 15:00-17:15, Rådhuset", "Rådhuset", "13:00", "17:15"),
    ("Plats: Digitalt via Teams\nTid: kl. 08.30\nSammanträdet avslutades kl. 10.05.", "Digitalt via Teams", "08:30",
     "10:05"),
])
def test_place_and_times(head, place, start, end):
    reading = read("Protokoll\nKommunstyrelsen\n" + head + "\n\n§ 1\nVal av justerare\n§ 2\nBudget\n", kind="minutes")
    assert reading.extra == {"place": place, "start_time": start, "end_time": end}
