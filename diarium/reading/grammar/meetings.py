"""Notices, minutes and excerpts: what is their own (docs/READING.md).

common.read has already filled what every kind has (organisation, organ,
date, title, diary numbers, officers, references, signatories). Here the
reader overrides what a meeting's documents tell in their own way:

    organ        the organ that meets ("Kallelse till sammanträde med
                 Socialnämnden", "Kommunstyrelsen Sammanträdesprotokoll")
    date         the meeting's date ("Sammanträdesdatum", "Tid: 2019-03-05")
    title        null for a notice or minutes, the paragraph's for an excerpt
    items        a notice's agenda ("3. Digital målbild … Dnr 2017.676 KS"),
                 the paragraphs of minutes ("§ 101 Dnr KS 2019/12" + title)
    attendance   members, serving substitutes (and whom they replace), others
    chair        the ordförande
    adjusters    the justerare (not the chair)
    paragraphs   every § the document holds ("Paragrafer 101–115" expanded)
    posted       the notice-board posting (anslag): from and to
    signatories  the "Underskrifter" block: name and title as written
    recipients   every paragraph's dispatch list ("Expedieras till")

and keeps the meeting's place and times in reading.extra (`place`,
`start_time`, `end_time` as "HH:MM").

Text drawn from PDF exports (Formpipe Meetings, Netpublicator, Ciceron) has
page headers and footers between the lines of the body ("Justerandes sign",
"Utdragsbestyrkande", "Sida 3 av 12", the organ and the date again): they
are page furniture (FURNITURE) and are stepped over. Every rule is a named
table or regular expression below, to be read and extended.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from . import dates, diary, officer_report, organs, people
from .shape import Found, Reading
from .text import Line, collapse, is_known_heading, line_at
from .text import lines as split_lines

NOTICE, MINUTES, EXCERPT = "notice", "minutes", "minutes_excerpt"

_I = re.IGNORECASE


def _rx(pattern: str, flags: int = 0) -> re.Pattern:
    return re.compile(pattern, _I | flags)


def _line_rx(pattern: str, flags: int = 0) -> re.Pattern:
    """A rule read within one line: its blanks never run over a line's end
    ("Beslut" over "Till ny ersättare …" is no "Beslut till")."""
    return _rx(pattern.replace(r"\s+", r"[ \t]+").replace(r"\s*", r"[ \t]*"), flags | re.MULTILINE)


# How much of the text is "the head": the first page, where a notice or the
# minutes give organ, date, place, attendance and the signatures.
HEAD_CHARS = 6000

# --------------------------------------------------------------------------
# Page furniture: lines that are a page's header or footer, not the body.
# --------------------------------------------------------------------------

FURNITURE = _rx(r"""^(?:
      (?:justerandes?|justerares|ordförandes|sekreterarens?|justerare)\s+sign(?:atur|\.)?\b.*   # Justerandes sign
    | utdragsbestyrkande.*                                                              # Utdragsbestyrkande
    | (?:sida|sid\.?|blad)\s*\d{1,4}(?:\s*(?:av|\(|/)\s*\d{1,4}\s*\)?)?                 # Sida 3 av 12, Sid 3 (12)
    | \d{1,4}\s*\(\s*\d{1,4}\s*\)                                                       # 3 (12)
    | \d{1,4}\s+av\s+\d{1,4}                                                            # 3 av 12
    | [._\-–—=*\s]{4,}                                                                  # a signature line, a rule
    | (?:sammanträdes)?protokoll|protokollsutdrag|justerat\s+protokollsutdrag|utdrag\s+ur\s+protokoll
    | sammanträdesdatum|kallelse|föredragningslista|anslag\s*/\s*bevis
)\s*$""", re.X)
# A page number anywhere in a short header line: "Kommunstyrelsen 2019-03-06 Sida 3 av 12".
PAGE_NUMBER = _rx(r"(?<![\w])(?:sida|sid\.?)\s*\d{1,4}\s*(?:av|\(|/)\s*\d{1,4}|(?<![\w(/.-])\d{1,3}\s?\(\d{1,3}\)$")
# A municipality's, a region's or a federation's name: a letterhead when it
# stands on every page.
LETTERHEAD = _rx(r"^(?:[\wåäö-]+\s+){1,3}(?:kommun|stad|län|kommunalförbund|förbund)$|^region\s+\S.*$|"
                 r"^\S.*(?:förbundet|förbund)$")
# A date in a header line repeated on every page.
_ISO_DATE = re.compile(r"(?:19|20)\d\d-\d\d-\d\d")


# --------------------------------------------------------------------------
# Paragraph headings of minutes: "§ 101", "KS § 101 Dnr KS 2019/12",
# "Ks §101 Val av justerare", "3. § 101 …" (an item number printed first).
# --------------------------------------------------------------------------

PARAGRAPH_HEADING = re.compile(r"""^[ \t]*
    (?:(?P<number>\d{1,3})[.)]?[ \t]+)?                                 # item number printed first
    (?:(?P<code>[A-ZÅÄÖ]{1,6}(?:[-/][A-ZÅÄÖ]{1,4})?|[A-ZÅÄÖ][a-zåäö]{1,2})[ \t]*)?  # organ code: KS, Ks, KSAU, BUN
    §[ \t]*(?P<paragraph>\d{1,4})(?!\d)
    (?![ \t]*(?:[-–—]|t\.?\s?o\.?\s?m|till)[ \t]*\d)                    # not a range "§ 1-12"
    (?P<rest>[^\n]*)$""", re.X | re.MULTILINE)
# A heading whose § sign the PDF text lost (a symbol font): "58      Dnr KUN 2019-00123",
# read only when the text has no heading with its sign.
LOST_SIGN_HEADING = re.compile(r"^[ \t]*(?P<paragraph>\d{1,4})(?:[ ]*\t[ \t]*|[ ]{2,})(?P<rest>(?i:dnr|diarienr|diarienummer)\b"
                               r"[^\n]*)$", re.MULTILINE)
# A labelled line under a heading, not its title: "Handläggare: Malin Sundqvist, …".
_LABEL_LINE = _rx(r"^(?:handläggare|föredragande|kontaktperson|ansvarig\s+\w+|beredning|beredande|"
                  r"ärendenummer|ärendenr|diarienr|diarienummer|dnr|referens|föredras\s+av)\s*:")
# An item number on a line of its own under the heading: "(ärende 14)".
_ITEM_NUMBER_LINE = _rx(r"^\(?\s*(?:ärende|punkt|p\.)\s*(\d{1,3}[a-z]?)\s*\)?$")
# The rest of a heading line may start with these in lower case; other
# lower-case words make the line a citation wrapped onto a new line
# ("§ 180 e-strategi för …").
_HEADING_REST_LOWER_OK = _rx(r"^(?:dnr|diarienr|diarienummer|forts|ärende)\b")
# A continued paragraph's heading on a new page: "§ 101 (forts.)", "§ 101 forts".
_CONTINUED = _rx(r"^\s*\(?\s*forts")
# Words that end a line which continues onto the next: a citation wrapped
# so that its "§ 8" begins a line is no heading.
_CONTINUES = _rx(r"(?:,|\b(?:den|enligt|i|och|samt|till|se|från|vid|beslutade|kap\.?|paragraf|jämför|jfr|ur))$")
# An item number printed in the heading: "§ 101 Ärende 3", "§ 101 (punkt 3)".
_HEADING_ITEM_NUMBER = _rx(r"\(?\b(?:ärende|punkt|p\.)\s*(\d{1,3})\b\)?")
# The largest step between the numbers of two paragraphs in a row (secret
# paragraphs left out of a published copy make gaps).
MAX_PARAGRAPH_STEP = 12

# A line that is the heading of a section inside a paragraph: it ends a title.
_SECTION_START = _rx(r"^(?:ärendebeskrivning|sammanfattning|bakgrund|beslutsunderlag|beslut|förslag\s+till\s+beslut|"
                     r"yrkande|yrkanden|propositionsordning|omröstning|reservation|protokollsanteckning|"
                     r"ärendet|handlingar|underlag|beslutsgång|[\wåäö-]+s\s+(?:beslut|förslag))\b")
# Words that end a title's line when the title runs on to the next line.
_TITLE_CONTINUES = _rx(r"(?:\b(?:och|samt|eller|för|av|om|i|till|med|på|från|över|inom|vid|enligt|gällande|"
                       r"avseende|angående|rörande|inför|kring|under|mellan|mot|de|det|den|en|ett)|[–,:-])$")

# --------------------------------------------------------------------------
# A notice's agenda: numbered items ("1. Val av justerare", "3 Digital
# målbild … Dnr 2017.676 KS", "Ärende 4", tables flattened with tabs).
# --------------------------------------------------------------------------

AGENDA_HEADING = _line_rx(r"^\s*(?:ärenden|ärendelista|ärendeförteckning|föredragningslista|dagordning|"
                     r"förslag\s+till\s+dagordning|ärenden\s+att\s+behandla|program)\s*:?\s*$")
AGENDA_ITEM = re.compile(r"""^[ \t]*
    (?:(?i:ärende|punkt|p\.)[ \t]*)?              # "Ärende 3", "Punkt 3"
    (?P<number>\d{1,3}[a-z]?)(?![\d])             # 3, 12a
    (?:[.):]|(?=[ \t]))                           # 3.  3)  3:  3
    [ \t]+
    (?:§[ \t]*(?P<paragraph>\d{1,4})[ \t]+        # "3. § 45 Val av justerare"
      |(?P<column>\d{1,4})(?:\t+|[ ]{2,}))?       # a table's § column: "1       108      Val av …"
    (?P<rest>[A-ZÅÄÖÉÜ"”»'(§][^\n]*)$""", re.X)
# A table's header with a § column: "Ärende  §  Ärendenr  Rubrik".
_PARAGRAPH_COLUMN = re.compile(r"(?:^|\t|[ ]{2,}|\s)§(?:\t|[ ]{2,}|\s|$)")
# The header row of an agenda table: only these words.
_TABLE_HEADER_WORDS = frozenset({
    "nr", "nr.", "ärende", "ärenden", "rubrik", "dnr", "diarienummer", "diarienr", "beteckning", "föredragande",
    "handlingar", "handling", "bilaga", "bilagor", "sida", "notering", "beslut", "tid", "kl", "punkt", "§",
    "anteckning", "ansvarig", "information", "beslutsärende", "typ", "ärendenr", "ärendenummer", "ärende-nr",
    "paragraf", "titel", "handläggare", "förslag", "beslutsförslag", "nr:", "löpnr",
})
# A line after an item that is not its title's continuation.
_NOT_ITEM_TEXT = _rx(r"^(?:föredragande|handlingar|handling|bilaga|bilagor|beslutsunderlag|underlag|"
                     r"information|tid|kl\.?|förslag|ordförande|sekreterare|välkomna|anmäl|förhinder|"
                     r"[a-zåäö]\)|[-–•·*▪][ \t])")  # a sub-item: "a) Arbetet med …", "- Lägesbild"
# Who presents an item: "Föredragande: ekonomichef Kristina Wall".
PRESENTER = _line_rx(r"^\s*(?:föredragande|föredras\s+av|ansvarig\s+tjänsteperson)\s*:?\s*(?P<value>[^\n]+)$")
# The largest step between two item numbers in a row.
MAX_ITEM_STEP = 3

# --------------------------------------------------------------------------
# The meeting: organ, date, place and times.
# --------------------------------------------------------------------------

# The organ that meets, the surest rule first: (name, pattern with <organ>,
# confidence, where: HEAD the first page, ALL the whole text; the posting's
# "Organ" label may stand at the end).
HEAD, ALL = "head", "all"
ORGAN_RULES = (
    ("Protokoll fört vid sammanträde med …",
     _rx(r"(?:protokoll\s+(?:fört\s+)?(?:vid|från|över)|kallelse\s+till|utdrag\s+ur\s+protokoll(?:\s+fört)?\s+vid|"
         r"ledamöterna\s+kallas\s+till)\s+(?:\w+\s+)?sammanträde(?:t)?\s+(?:med|i|för)\s+(?P<organ>[^\n]{3,90})"), 0.95, HEAD),
    ("Organ (the posting's label)", _rx(r"^[ \t]*(?:organ|nämnd|instans)[ \t]*:?[ \t]+(?P<organ>[^\n]{3,90})$",
                                        re.MULTILINE), 0.95, ALL),
    ("… kallas till sammanträde",
     _rx(r"^[ \t]*(?:ledamöter(?:na)?\s+(?:och\s+ersättare\s+)?i\s+)?(?P<organ>[^\n]{3,70}?)\s+kallas\s+"
         r"(?:härmed\s+)?till", re.MULTILINE), 0.9, HEAD),
    ("vid Kommunstyrelsens sammanträde",
     _rx(r"(?:vid|från|över)\s+(?P<organ>[^\n]{3,70}?s)\s+sammanträde"), 0.9, HEAD),
    ("Kommunstyrelsen Sammanträdesprotokoll",
     _rx(r"^[ \t]*(?P<organ>[^\n]{3,70}?)[ \t]+(?:sammanträdesprotokoll|protokoll|kallelse|föredragningslista|"
         r"protokollsutdrag)\b[^\n]{0,80}$", re.MULTILINE), 0.85, HEAD),
    ("Sammanträdesprotokoll Kommunstyrelsen",
     _rx(r"^[ \t]*(?:sammanträdesprotokoll|protokoll|kallelse|föredragningslista|protokollsutdrag)[ \t]*:?[ \t]+"
         r"(?:för[ \t]+|från[ \t]+)?(?P<organ>[^\n]{3,90})$", re.MULTILINE), 0.85, HEAD),
    ("Sammanträdesdatum, then the organ and the date",
     _rx(r"^[ \t]*sammanträdesdatum[ \t]*:?[ \t]*\n[ \t]*(?P<organ>[^\n]{3,90})$", re.MULTILINE), 0.85, HEAD),
)
# Failing those: an organ's name alone on one of the first lines, or in a
# column of one (a letterhead "Kommunstyrelsen" over "Protokoll 2019-03-06",
# "Regionstyrelsen      Sammanträdesdatum").
FIRST_LINES = 12

# The meeting's date: a label, the surest first: (name, pattern, confidence,
# how many following lines the date may stand on).
DATE_RULES = (
    ("Sammanträdesdatum", _line_rx(r"(?:^|\t|[ ]{2,})[ \t]*(?:(?:sammanträdes|mötes)(?:datum|dag)\b|datum\s+för\s+sammanträdet\b|"
                                   r"(?:sammanträde|möte)(?=\s*:?\s*\d))[ \t]*:?", re.MULTILINE), 0.95, 2),
    ("Protokoll fört vid sammanträde … den …",
     _rx(r"(?:protokoll\s+(?:fört\s+)?(?:vid|från|över)|kallelse\s+till|utdrag\s+ur\s+protokoll)\b"
         r"[^\n]{0,100}?\bsammanträde"), 0.9, 0),
    ("Tid, Plats och tid, Datum och tid",
     _line_rx(r"^[ \t]*(?:tid\s+och\s+plats|plats\s+och\s+tid|datum\s+och\s+tid|dag\s+och\s+tid|tidpunkt|tid|"
         r"sammanträdestid|när)\b(?![ \t]+för)[ \t]*:?", re.MULTILINE), 0.9, 1),
    ("sammanträde den …", _rx(r"\b(?:sammanträde[st]?|mötet?)\s+(?:den|hålls|äger\s+rum|är)\b"), 0.8, 0),
    ("Protokoll 2019-03-05", _line_rx(r"^[ \t]*(?:sammanträdes)?(?:protokoll|kallelse|föredragningslista)\b",
                                 re.MULTILINE), 0.75, 2),
    ("Datum", _line_rx(r"^[ \t]*datum\b[ \t]*:?", re.MULTILINE), 0.7, 1),
)
# A line whose date is never the meeting's: the adjusting, the posting, a print date.
NOT_MEETING_DATE = _rx(r"justering|justerad|anslag|uppsättande|nedtagande|utskrift|expedier|skickad|publicer|"
                       r"utfärdad|underskrift|överklag|tas\s+ned|sätts\s+upp")

# Place and times: "Plats och tid: Sessionssalen, kl. 13.00–16.30",
# "Tid: 2019-03-05 kl. 13.00–16.30", "Lokal: Stora salen".
PLACE_TIME_LABEL = _line_rx(r"^[ \t]*(?P<label>plats\s+och\s+tid|tid\s+och\s+plats|sammanträdesplats|mötesplats|plats|"
                       r"lokal|datum\s+och\s+tid|dag\s+och\s+tid|tidpunkt|sammanträdestid|tid)\b"
                       r"(?![ \t]+(?:för|och\s+plats\s+för))[ \t]*:?[ \t]*(?P<value>[^\n]*)$", re.MULTILINE)
# Labels whose value is the place only.
PLACE_ONLY = ("plats", "lokal", "sammanträdesplats", "mötesplats")
_TIME = r"(?:[01]?\d|2[0-3])[.:][0-5]\d"
TIME = re.compile(r"(?<![\d.:,/-])(?:kl(?:ockan)?\.?[ \t]*)?(?P<t>" + _TIME + r")(?![\d]|[.:]\d)", _I)
TIME_RANGE = re.compile(r"(?<![\d.:,/-])(?:kl(?:ockan)?\.?[ \t]*)?(?P<a>" + _TIME + r")[ \t]*(?:[-–—]+|till)[ \t]*"
                        r"(?:kl(?:ockan)?\.?[ \t]*)?(?P<b>" + _TIME + r")(?![\d]|[.:]\d)", _I)
HOUR_ONLY = re.compile(r"\bkl(?:ockan)?\.?[ \t]*(?P<h>[01]?\d|2[0-3])(?![\d.:])", _I)
# Whole hours: "kl 9-12".
HOUR_RANGE = re.compile(r"\bkl(?:ockan)?\.?[ \t]*(?P<a>[01]?\d|2[0-3])[ \t]*[-–—][ \t]*(?P<b>[01]?\d|2[0-3])(?![\d.:])", _I)
# "Sammanträdet öppnas kl. 13.00", "Mötet avslutades kl 16.30".
OPENS = _rx(r"\b(?:sammanträdet|mötet)\s+(?:öppnas|öppnades|börjar|började|startar|startade)\s+(?:kl(?:ockan)?\.?\s*)?"
            r"(?P<t>" + _TIME + r")")
CLOSES = _rx(r"\b(?:sammanträdet|mötet)\s+(?:avslutas|avslutades|avslutat|slutar|slutade|avslutades\s+kl)\s+"
             r"(?:kl(?:ockan)?\.?\s*)?(?P<t>" + _TIME + r")")
# What is not the place in "Plats och tid": weekdays, "kl", "den", the dates and times.
_NOT_PLACE = _rx(r"\b(?:(?:mån|tis|ons|tors|fre|lör|sön)dag(?:en)?|kl(?:ockan)?\.?|den|ajourner\w*|paus|"
                 r"uppehåll|sammanträdet\s+ajourneras)(?![\wåäö])")
# Labels whose value holds the place among the date and the times.
PLACE_AND_TIME = ("plats och tid", "tid och plats")

# --------------------------------------------------------------------------
# Attendance.
# --------------------------------------------------------------------------

MEMBERS, SUBSTITUTES, OTHERS, MIXED, IGNORE = "members", "substitutes", "others", "mixed", "ignore"

# The labels of the attendance blocks, at a line's start, the most specific
# first: (pattern, the block they open). MIXED: people with a party are
# members, the others (officials) others.
ATTENDANCE_LABELS = tuple((_rx(r"^(?:" + pattern + r")(?![\wåäö])[ \t]*:?[ \t]*"), block) for pattern, block in (
    (r"tjänstgörande\s+ersättare|ersättare\s+som\s+tjänstgör\w*|tjänstgörande\s+suppleanter|"
     r"tjänstgörande\s+ersättare\s+och\s+ledamöter|tjänstgörande(?=\t|[ ]{2,}|$)", SUBSTITUTES),
    (r"(?:ej|icke|inte)\s+tjänstgörande\s+ersättare|närvarande\s+(?:ej\s+tjänstgörande\s+)?ersättare|"
     r"övriga\s+ersättare|ersättare|suppleanter|närvarande\s+suppleanter", OTHERS),
    (r"beslutande(?:\s+ledamöter)?|närvarande\s+(?:beslutande|ledamöter)|tjänstgörande\s+ledamöter|"
     r"ordinarie\s+ledamöter|ledamöter", MEMBERS),
    (r"övriga\s+(?:närvarande|deltagare|deltagande|som\s+deltog)|övriga|närvarande\s+tjänste\w+|närvarande\s+övriga|"
     r"tjänste(?:män|personer)|insynsplats(?:er)?|adjungerade?|föredragande|sekreterare|protokollförare|"
     r"(?:nämnd|kommun)sekreterare|insyn", OTHERS),
    (r"närvarande", MIXED),
    # Not present: their names are no one's attendance.
    (r"frånvarande(?:\s+\w+)?|ej\s+närvarande|anmält\s+förhinder|förhinder", IGNORE),
))
# Labels that end the attendance blocks for a while (the next attendance
# label opens one again) ...
ATTENDANCE_PAUSE = _rx(r"^(?:utses\s+att\s+justera|justerare|justerande(?!s)|justering\w*|plats\s+och\s+tid|"
                       r"tid\s+och\s+plats|plats|tid|lokal|datum|sammanträdesdatum|organ|ärenden|innehåll|"
                       r"förvaringsplats|protokollet|sekreterare\s*[._…]{3,}|ordförande\s*[._…]{3,})(?![\wåäö])")
# ... and these end them for good.
ATTENDANCE_END = _rx(r"^(?:underskrifter|underskrift|anslag|bevis|paragrafer|§|"
                     r"(?:sekreterare|ordförande|justerare|justerande)\s*[._…]{3,})")

# Role words before or after a name in an attendance list ("Ordförande Katrin
# Stjernfeldt Jammeh (S)", "Dennis Bergqvist (M), ordförande").
CHAIR_ROLE = _rx(r"(?<!vice\s)(?<!vice)\b(?:ordförande|ordf\.?)(?![\wåäö])")
VICE = _rx(r"\b(?:vice|1:e|2:e|3:e|förste|andre|tredje)\s+(?:vice\s+)?(?:ordförande|ordf\.?)")
# A substitution: the one named before serves for the one named after.
SUBSTITUTION = _rx(r"(?:\b(?:ersätter|ersatte|i\s*st(?:ället)?\.?\s*f(?:ör)?\.?|istf\.?|istället\s+för|"
                   r"tjänstgör(?:ande)?(?:\s+ersättare)?\s+för|tjg\.?\s*(?:ers\.?\s*)?för|ers\.?\s+för|"
                   r"ersättare\s+för|för))\s*$")

# Name tokens: a capital first letter; particles in lower case between.
PARTICLES = frozenset({"af", "av", "von", "van", "de", "der", "den", "du", "da", "di", "la", "le", "el", "al",
                       "bin", "ibn", "zu", "ter", "ten", "dos", "das", "del"})
# Capitalised words that are no part of a name: roles, labels, places.
NOT_NAME_WORDS = frozenset({
    "ordförande", "ordf", "vice", "förste", "andre", "ledamot", "ledamöter", "ersättare", "ers", "tjg",
    "tjänstgörande", "tjänstgör", "sekreterare", "sekr", "justerare", "justerande", "protokollförare",
    "närvarande", "övriga", "ej", "se", "via", "från", "till", "samtliga", "enligt", "bilaga", "närvarolista",
    "digitalt", "distans", "teams", "zoom", "ingen", "inga", "kl", "klockan", "plats", "tid", "datum", "sida",
    "dnr", "protokoll", "beslutande", "frånvarande", "under", "del", "av", "och", "samt", "för", "med",
    "utses", "att", "justera", "paragrafer", "paragraf", "underskrifter", "underskrift", "tjänstemän",
    "tjänstepersoner", "insynsplats", "adjungerad", "föredragande", "kommunalråd", "oppositionsråd",
    "regionråd", "kommunråd", "kommun", "region", "stad", "kommunen", "regionen", "ordinarie", "kallade",
    "deltog", "deltar", "deltagande", "deltagare", "gäst", "gäster", "inbjuden", "inbjudna", "punkt", "ärende",
    "förvaltningen", "kontoret", "avdelningen", "enheten", "bolaget", "ab", "mötet", "sammanträdet",
})
# Endings of words that are titles, offices or places, not names.
NOT_NAME_ENDINGS = (
    "direktör", "chef", "chefen", "sekreterare", "ansvarig", "strateg", "handläggare", "controller", "ekonom",
    "jurist", "samordnare", "ordförande", "ledamot", "ersättare", "revisor", "utredare", "ingenjör", "arkitekt",
    "registrator", "assistent", "rådgivare", "specialist", "administratör", "råd", "tekniker", "inspektör",
    "planerare", "konsult", "koordinator", "kommunikatör", "förvaltare", "rektor", "läkare", "sköterska",
    "ledare", "notarie", "kanslist", "kamrer", "representant", "ombud", "tjänsteman", "tjänsteperson",
    "analytiker", "expert", "advokat", "förvaltningen", "kontoret", "avdelningen", "enheten", "nämnden",
    "styrelsen", "utskottet", "fullmäktige", "salen", "huset", "rummet", "kommun", "bolaget", "förbundet",
    "officer", "pedagog", "kurator", "psykolog", "biträde", "fullmäktiges", "nämndens", "styrelsens",
)
# A party after a name: (S), (M), (SD), (KD), (Fi), (-), (V/Fi).
PARTY = r"\(\s*(?:[A-ZÅÄÖ][A-Za-zÅÄÖåäö/]{0,7}|-|–)\s*\)"
_TOKENS = re.compile(r"(?P<party>" + PARTY + r")|(?P<sep>[,;•·]|\t|[ ]{3,}|\s[–—-]\s)|(?P<word>[^\s,;()•·]+)|"
                     r"(?P<paren>[()])")
_NAME_WORD = re.compile(r"[A-ZÅÄÖÉÈÜÆØÁÍÓÚ][\wåäöéèüæøáíóú'’-]*\.?$|[A-ZÅÄÖ]\.$")

# Adjusters: "Utses att justera", "Justerare", "Justerande", and in the text
# of a paragraph "Anna Karlsson (S) utses att jämte ordföranden justera".
ADJUSTER_LABEL = _line_rx(r"^[ \t]*(?:utses\s+att\s+justera|(?:valda\s+)?justerare|justerande(?!s)|justeringspersone?r?|"
                     r"protokolls?justerare|att\s+justera|justeras\s+av|justeringsman)(?![\wåäö])"
                     r"(?![ \t]+sign)[ \t]*:?[ \t]*(?P<value>[^\n]*)$", re.MULTILINE)
_APPOINTED = r"(?:utses|utsågs|väljs|valdes|utser|utsåg)"
_WITH_CHAIR = r"(?:jämte|tillsammans\s+med|med)\s+ordförande\w*"
ADJUSTER_SENTENCES = tuple(_rx(pattern) for pattern in (
    # "Anna Karlsson (S) utses att jämte ordföranden justera protokollet."
    r"(?P<names>[^\n.:]{3,160}?)\s+" + _APPOINTED + r"\s+(?:till\s+justerare|att\s+(?:" + _WITH_CHAIR
    + r"\s+)?justera)",
    # "Nämnden utser Anna Karlsson (S) att jämte ordföranden justera protokollet."
    r"\butser\s+(?P<names>[^\n.:]{3,160}?)\s+(?:till\s+justerare|att\s+(?:" + _WITH_CHAIR + r"\s+)?justera)",
    # "Till justerare utses Anna Karlsson (S).", "Att jämte ordföranden justera protokollet utses Anna Karlsson."
    r"(?:till\s+(?:att\s+)?justera(?:re|nde)?|att\s+(?:" + _WITH_CHAIR + r"\s+)?justera\s+(?:dagens\s+)?"
    r"(?:protokoll(?:et)?)?)\s*" + _APPOINTED + r"\s*:?\s+(?P<names>[^\n.]{3,160})",
))

# The signatures: "Underskrifter", then titles and names.
SIGNATURE_HEADING = _line_rx(r"^[ \t]*(?:underskrifter|underskrift|signaturer|justeringens\s+underskrifter|"
                        r"rätt\s+utdraget\s+(?:intygar|betygar|bestyrker)|utdraget\s+bestyrks|"
                        r"(?P<titled>vid\s+protokollet|justeras|justerat))(?![\wåäö])"
                        r"[ \t]*:?[ \t]*(?P<rest>[^\n]*)$", re.MULTILINE)
# The titles a signature carries, as written.
SIGNATURE_TITLE = _rx(r"(?<![\wåäö])(?P<title>(?:(?:1:e|2:e|förste|andre)\s+)?vice\s+ordförande|ordförande|"
                      r"mötesordförande|sekreterare|nämndsekreterare|kommunsekreterare|protokollförare|"
                      r"mötessekreterare|justerare|justerande|justeringsperson|ordf\.|sekr\.)(?![\wåäö])")
# Words over a group of signatures that are no one's title: "Vid protokollet" (the
# secretary's), "Justeras" (the chair's and the adjusters').
SIGNATURE_MARKER = _rx(r"(?<![\wåäö])(?P<marker>vid\s+protokollet|justeras|justerat|rätt\s+utdraget\s+\w+)(?![\wåäö])")
# A signature's line without the block's heading: "Sekreterare …………… Paragrafer 23-25".
SIGNATURE_LINE = _rx(r"^[ \t]*(?:sekreterare|ordförande|justerare|justerande)[ \t]*[._…]{3,}", re.MULTILINE)
# What ends the signature block.
SIGNATURE_END = _rx(r"^(?:anslag|bevis|protokollet\s+är\s+justerat|justeringen\s+har|organ\b|sammanträdesdatum|"
                    r"datum\s+för|förvaringsplats|§|beslutande|närvarande|ledamöter|plats\s+och\s+tid)")
_PARAGRAPH_NOTE = _rx(r"(?:paragrafer|paragraf|§§?)\s*:?\s*\d{1,4}(?:\s*(?:[-–—]|t\.?\s?o\.?\s?m\.?|till)\s*\d{1,4})?")

# Paragraph ranges: "Paragrafer 101–115", "§§ 1-12", "Protokollet omfattar §§ 101-115".
PARAGRAPH_RANGE = _rx(r"(?:paragrafer|paragraf|§§|§)\s*:?\s*(?P<a>\d{1,4})(?:\s*(?:[-–—]+|t\.?\s?o\.?\s?m\.?|till)\s*"
                      r"(?:§\s*)?(?P<b>\d{1,4}))?(?![\d])")
# Where the paragraphs a document holds are declared: "Paragrafer 101–115" anywhere on a
# line (Formpipe puts it beside the secretary's signature), "Protokollet omfattar §§ …",
# "§§ 1-12" at a line's start.
PARAGRAPH_RANGE_LABEL = _rx(r"(?<![\wåäö])(?:paragrafer|paragraf(?=\s*:?\s*\d)|protokollet\s+omfattar|"
                            r"justerade\s+paragrafer)(?![\wåäö])|^[ \t]*§§")
MAX_RANGE = 400

# The posting (anslag): its first and its last day.
POSTED_FROM = _rx(r"datum\s+för\s+anslags\s+uppsättande|anslags?datum|anslaget\s+(?:sätts\s+upp|sattes\s+upp|"
                  r"uppsatt|uppsätts|publicera[ts]|anslås|från)|(?:protokollet|tillkännagivandet|beviset)\s+"
                  r"(?:anslås|sätts\s+upp|publiceras)|uppsättande|datum\s+för\s+anslag(?!s\s+ned)|anslagsperiod|"
                  r"anslagstid|anslaget\s+under\s+tiden|anslaget(?=\s+(?:den\s+)?\d)|anslogs|(?:har\s+)?anslagits"
                  r"(?=\s+(?:den\s+)?\d)")
POSTED_TO = _rx(r"datum\s+för\s+anslags\s+nedtagande|nedtagande|anslaget\s+(?:tas\s+(?:ned|ner|bort)|nedtas|"
                r"nedtaget|togs\s+ned)|(?:och\s+)?tas\s+(?:ned|ner|bort)|t\.?\s?o\.?\s?m\.?|till\s+och\s+med")

# The dispatch lists under the paragraphs.
RECIPIENT_LABEL = _line_rx(r"^[ \t]*(?:beslutet\s+(?:ska\s+)?(?:skickas|sänds|expedieras|delges)(?:\s+till)?|"
                      r"expedieras(?:\s+till)?|expediering|exp(?:\.|edierat)?\s+till|sändlista|beslut\s+till|"
                      r"(?:protokolls)?utdrag\s+till|skickas\s+till|beslutet\s+delges|delges)"
                      r"(?![\wåäö])[ \t]*:?[ \t]*(?P<value>[^\n]*)$", re.MULTILINE)
_BULLET = re.compile(r"^[ \t]*(?:[-–—•·*▪]|\d{1,2}[.)])[ \t]+")
MAX_RECIPIENTS = 40


# --------------------------------------------------------------------------
# The document as the rules walk it.
# --------------------------------------------------------------------------

@dataclass
class _Heading:
    line: int          # index of the heading's line
    paragraph: int
    number: str | None  # an item number printed beside the §, as printed
    start: int
    end: int
    continued: bool = False
    rest_start: int = 0  # where the heading's line goes on after the §


@dataclass
class _Doc:
    reading: Reading
    text: str
    kind: str
    lines: list[Line]
    furniture: set[int] = field(default_factory=set)
    headings: list[_Heading] = field(default_factory=list)
    body: int = 0      # the index of the first paragraph heading's line (the head ends there)
    year: int | None = None
    known_names: set[str] = field(default_factory=set)
    declared: set[int] = field(default_factory=set)            # "Paragrafer 101–115"
    declared_spans: list[tuple[int, int]] = field(default_factory=list)
    item_spans: list[tuple[int, int]] = field(default_factory=list)
    chair_in_attendance: tuple[str, tuple[int, int]] | None = None
    adjusting_signatures: list[str] = field(default_factory=list)   # the names under "Justeras"

    def stripped(self, index: int) -> str:
        return self.lines[index].text.strip()

    def index_at(self, offset: int) -> int:
        """The index of the line that holds `offset`."""
        return line_at(self.lines, offset)


def read(reading: Reading) -> None:
    """Read what a notice, minutes or an excerpt tell of their meeting
    (after common.read, whose generic values this overrides)."""
    text = reading.text or ""
    kind = reading.values.get("kind") or MINUTES
    doc = _Doc(reading=reading, text=text, kind=kind, lines=split_lines(text))
    doc.year = _document_year(text)
    _mark_furniture(doc)
    _find_headings(doc)
    _find_declared_paragraphs(doc)

    _read_organ(doc)
    _read_date(doc)
    _read_place_and_time(doc)
    if kind == NOTICE:
        _read_agenda(doc)
        _put(reading, "paragraphs", [], 0.8)
        _put(reading, "posted", None, 0.8)
        _put(reading, "attendance", None, 0.8)
        attendance = None
    else:
        _read_paragraph_items(doc)
        _read_paragraphs(doc)
        attendance = _read_attendance(doc)
        _read_posted(doc)
        _read_recipients(doc)
        # A paragraph that sends something on remiss: read as in a report.
        officer_report.read_remiss(reading, doc.lines)
    signatories = _read_signatories(doc)
    _read_chair(doc, attendance, signatories)
    _read_adjusters(doc, signatories)
    _read_title(doc)
    _drop_own_paragraphs(doc)
    _add_item_diary_numbers(doc)


def _add_item_diary_numbers(doc: _Doc) -> None:
    """The diary numbers read beside the paragraphs' headings in a register's
    own form ("§ 121   N148-0312/18") are the document's diary numbers too."""
    known = list(doc.reading.values.get("diary_numbers") or [])
    missing = []
    for item, span in zip(doc.reading.values.get("items") or [], doc.item_spans, strict=False):
        number = item.get("diary_number")
        if number and number not in known and number not in [m for m, _ in missing]:
            at = doc.text.find(number, span[0], span[1] + 1)
            missing.append((number, (at, at + len(number)) if at >= 0 else span))
    if not missing:
        return
    def position(value: str) -> int:
        at = doc.text.find(value)
        return at if at >= 0 else len(doc.text)
    ordered = sorted([(position(v), v) for v in known] + [(span[0], v) for v, span in missing])
    spans = list(doc.reading.spans.get("diary_numbers") or []) + [span for _, span in missing]
    sure = doc.reading.confidence.get("diary_numbers", 0.5)
    _put(doc.reading, "diary_numbers", [v for _, v in ordered], max(sure, 0.7), *sorted(spans))


def _drop_own_paragraphs(doc: _Doc) -> None:
    """The document's own paragraphs (its headings, "§§ 412–414" beside a
    name in the attendance) are no citations of earlier decisions: a
    reference to one of them without another date or organ goes."""
    references = doc.reading.values.get("references") or []
    own = set(doc.reading.values.get("paragraphs") or []) | {h.paragraph for h in doc.headings}
    if not references or not own:
        return
    meeting = (doc.reading.values.get("date"), doc.reading.values.get("organ"))
    spans = doc.reading.spans.get("references") or []
    keep = []
    for position, reference in enumerate(references):
        if reference.get("paragraph") in own and reference.get("date") in (None, meeting[0]) \
                and reference.get("organ") in (None, meeting[1]):
            continue
        keep.append((reference, spans[position] if len(spans) == len(references) else None))
    if len(keep) == len(references):
        return
    sure = doc.reading.confidence.get("references", 0.6)
    _put(doc.reading, "references", [r for r, _ in keep], sure, *[s for _, s in keep if s])


def _put(reading: Reading, name: str, value, confidence: float, *spans: tuple[int, int]) -> None:
    """Set a field anew, with where it was read: the spans common.read gave it go."""
    reading.spans.pop(name, None)
    reading.set(name, value, confidence, *[s for s in spans if s[0] < s[1]])


def _document_year(text: str) -> int | None:
    found = dates.find_dates(text[:HEAD_CHARS])
    return found[0].value.year if found else None


def _mark_furniture(doc: _Doc) -> None:
    counts = Counter(line.text.strip() for line in doc.lines if line.text.strip())
    organisation = (doc.reading.values.get("organisation") or "").casefold()
    for index, line in enumerate(doc.lines):
        text = line.text.strip()
        if not text:
            continue
        if FURNITURE.match(text) or (len(text) <= 120 and PAGE_NUMBER.search(text)):
            doc.furniture.add(index)
        elif counts[text] >= 3 and len(text) <= 100 and (
                _ISO_DATE.search(text) or (text.isupper() and len(text) >= 8) or LETTERHEAD.match(text)
                or (organisation and text.casefold() == organisation)):
            doc.furniture.add(index)  # a running header: the organ and the date, a letterhead


# --------------------------------------------------------------------------
# Paragraph headings.
# --------------------------------------------------------------------------

def _previous_text(doc: _Doc, index: int) -> str:
    for back in range(index - 1, max(-1, index - 6), -1):
        if back in doc.furniture:
            continue
        text = doc.stripped(back)
        if text:
            return text
        return ""  # a blank line: the heading begins anew
    return ""


def _find_headings(doc: _Doc) -> None:
    candidates = _heading_candidates(doc, PARAGRAPH_HEADING)
    if not candidates and doc.kind != NOTICE:
        candidates = _heading_candidates(doc, LOST_SIGN_HEADING)
    doc.headings = _paragraph_chain(candidates)
    doc.body = doc.headings[0].line if doc.headings else len(doc.lines)


def _heading_candidates(doc: _Doc, rule: re.Pattern) -> list[_Heading]:
    candidates: list[_Heading] = []
    for match in rule.finditer(doc.text):
        rest = match["rest"].strip()
        if rest and rest[0].islower() and not _HEADING_REST_LOWER_OK.match(rest):
            continue  # "§ 180 e-strategi för …": a citation wrapped onto a new line
        index = doc.index_at(match.start())
        if _CONTINUES.search(_previous_text(doc, index)):
            continue
        number = match.groupdict().get("number") or None
        item = _HEADING_ITEM_NUMBER.search(rest)
        if number is None and item:
            number = item.group(1)
        candidates.append(_Heading(index, int(match["paragraph"]), number, match.start(), match.end(),
                                   continued=bool(_CONTINUED.match(rest)), rest_start=match.start("rest")))
        if len(candidates) > 2000:
            break
    return candidates


def _paragraph_chain(candidates: list[_Heading]) -> list[_Heading]:
    """The headings whose numbers run on in the text's order (a repeated
    number is a continued paragraph): the longest such chain. A stray "§ 8"
    at a line's start is left out."""
    if len(candidates) <= 1:
        return candidates
    count = len(candidates)
    best = [1] * count
    before = [-1] * count
    for i in range(count):
        low = max(0, i - 60)  # look back a bounded way: linear in long minutes
        for j in range(i - 1, low - 1, -1):
            step = candidates[i].paragraph - candidates[j].paragraph
            if 0 <= step <= MAX_PARAGRAPH_STEP and best[j] + 1 > best[i]:
                best[i], before[i] = best[j] + 1, j
    end = max(range(count), key=lambda k: (best[k], -k))
    chain = []
    while end != -1:
        chain.append(candidates[end])
        end = before[end]
    chain.reverse()
    # A repeated number in a row is the same paragraph, continued on a new page.
    seen: set[int] = set()
    for heading in chain:
        if heading.paragraph in seen:
            heading.continued = True
        seen.add(heading.paragraph)
    return chain


# --------------------------------------------------------------------------
# Organ, date, place and times.
# --------------------------------------------------------------------------

# A municipality's name before the organ's in a header: "Göteborgs Stad Stadsdelsnämnden …".
_ORGANISATION_FIRST = _rx(r"^[ \t]*(?:[\wåäö-]+[ \t]+(?:kommun|stad)|region[ \t]+[\wåäö-]+(?:[ \t]+[\wåäö-]+)?)[ \t,]+")
# Organs named by a district or an area after their head: "Stadsdelsnämnden Majorna-Linné",
# "Stadsdelsnämnden Norr", "Områdesnämnd Öster".
DISTRICT_ORGANS = _rx(r"(?:stadsdels|område(?:s)?|distrikts|kommundels|socken)nämnd(?:en)?$")
_DISTRICT_NAME = re.compile(r"[ \t]+(?P<name>[A-ZÅÄÖ][\wåäö]+(?:-[A-ZÅÄÖ][\wåäö]+)*)")


def _organ_in(text: str) -> tuple[str, int, int] | None:
    """The organ a captured text begins with (after a municipality's name):
    its full name and its span in the text."""
    skip = _ORGANISATION_FIRST.match(text)
    found = [f for f in organs.find_organs(text) if not skip or f.start >= skip.end()]
    lead = skip.end() if skip else len(text) - len(text.lstrip())
    if found and DISTRICT_ORGANS.search(found[0].value):
        district = _DISTRICT_NAME.match(text, found[0].end)
        if district and organs.organ_name(district["name"]) is None:
            value = f"{found[0].value} {district['name']}"
            found[0] = Found(found[0].start, district.end(), value, text[found[0].start:district.end()])
    if found and found[0].start <= lead + 12:
        return found[0].value, found[0].start, found[0].end
    cut = re.split(r"\s+(?:den\s+)?\d|\s+den\s|,|\s{3,}|\t", text.strip(), maxsplit=1)[0]
    name = organs.organ_name(cut)
    return (name, lead, lead + len(cut)) if name else None


def _read_organ(doc: _Doc) -> None:
    head = doc.text[:HEAD_CHARS]
    for _name, rule, sure, where in ORGAN_RULES:
        for match in rule.finditer(doc.text if where == ALL else head):
            found = _organ_in(match["organ"])
            if found:
                name, start, end = found
                at = match.start("organ")
                _put(doc.reading, "organ", name, sure, (at + start, at + end))
                return
    for line in doc.lines[:FIRST_LINES]:
        for cell in re.finditer(r"[^\t]+?(?=\t|[ ]{2,}|$)", line.text):
            text = _ISO_DATE.sub("", cell.group()).strip()
            name = organs.organ_name(text) if 3 <= len(text) <= 70 else None
            if name:
                at = line.start + cell.start() + cell.group().find(text)
                _put(doc.reading, "organ", name, 0.8, (at, at + len(text)))
                return
    # The organ named most often in the running headers, else the first one named in the head.
    header_organs: Counter[str] = Counter()
    first_span: dict[str, tuple[int, int]] = {}
    for index in sorted(doc.furniture):
        line = doc.lines[index]
        for found in organs.find_organs(line.text):
            header_organs[found.value] += 1
            first_span.setdefault(found.value, (line.start + found.start, line.start + found.end))
    if header_organs:
        name, _ = header_organs.most_common(1)[0]
        _put(doc.reading, "organ", name, 0.75, first_span[name])
        return
    found = organs.find_organs(doc.text[:800])
    if found:
        _put(doc.reading, "organ", found[0].value, 0.55, (found[0].start, found[0].end))
    elif doc.reading.values.get("organ"):
        doc.reading.confidence["organ"] = min(doc.reading.confidence.get("organ", 0.4), 0.4)
    else:
        _put(doc.reading, "organ", None, 0.3)


def _read_date(doc: _Doc) -> None:
    head = doc.text[:HEAD_CHARS]
    for name, rule, sure, following in DATE_RULES:
        for match in rule.finditer(head):
            found = _date_after(doc, match.end(), following)
            if found is None:
                continue
            date, start, end = found
            if name == "Datum" and doc.kind == NOTICE:
                sure = 0.55  # a notice's "Datum" is the day it was sent, more often than not
            _put(doc.reading, "date", date.isoformat(), sure, (start, end))
            return
    # The first date of the head that is not the adjusting's or the posting's.
    for found in dates.find_dates(head, year=doc.year):
        line = doc.lines[doc.index_at(found.start)].text
        if not NOT_MEETING_DATE.search(line):
            _put(doc.reading, "date", found.value.isoformat(), 0.5, (found.start, found.end))
            return
    if doc.reading.values.get("date"):
        doc.reading.confidence["date"] = min(doc.reading.confidence.get("date", 0.4), 0.4)


def _date_after(doc: _Doc, offset: int, following: int):
    """The first date from `offset` to the end of its line (or of `following`
    lines more), on a line that is not the adjusting's or the posting's."""
    index = doc.index_at(offset)
    last = min(len(doc.lines) - 1, index + following)
    end = doc.lines[last].end
    window = doc.text[offset:end]
    for found in dates.find_dates(window, year=doc.year):
        at = offset + found.start
        line = doc.lines[doc.index_at(at)].text
        if NOT_MEETING_DATE.search(line):
            continue
        return found.value, at, offset + found.end
    return None


def _hhmm(text: str) -> str:
    hours, minutes = re.split(r"[.:]", text)
    return f"{int(hours):02d}:{minutes}"


def _read_place_and_time(doc: _Doc) -> None:
    head = doc.text[:HEAD_CHARS]
    place = place_span = None
    start_time = end_time = None
    time_spans: list[tuple[int, int]] = []
    place_rank = 99
    for match in PLACE_TIME_LABEL.finditer(head):
        label = collapse(match["label"]).casefold()
        value, value_start = match["value"], match.start("value")
        if not value.strip():
            index = doc.index_at(match.start())
            if index + 1 < len(doc.lines):
                nxt = doc.lines[index + 1]
                if nxt.text.strip() and not PLACE_TIME_LABEL.match(nxt.text):
                    value, value_start = nxt.text, nxt.start
        if not value.strip():
            continue
        if start_time is None:
            ranges = list(TIME_RANGE.finditer(value))
            if ranges:
                # "kl. 18.00–19.15, ajournering 18.40–18.50", "13.00–14.30, 15.00–16.30":
                # the meeting starts with the first and ends with the latest.
                start_time = _hhmm(ranges[0]["a"])
                end_time = max(_hhmm(span["b"]) for span in ranges)
                time_spans += [(value_start + span.start(), value_start + span.end()) for span in ranges]
            elif HOUR_RANGE.search(value):
                hours = HOUR_RANGE.search(value)
                start_time, end_time = f"{int(hours['a']):02d}:00", f"{int(hours['b']):02d}:00"
                time_spans.append((value_start + hours.start(), value_start + hours.end()))
            else:
                single = TIME.search(value) or HOUR_ONLY.search(value)
                if single:
                    start_time = _hhmm(single["t"]) if "t" in single.groupdict() else f"{int(single['h']):02d}:00"
                    time_spans.append((value_start + single.start(), value_start + single.end()))
        rank = 0 if label in ("plats", "sammanträdesplats", "mötesplats") else 1 if label == "lokal" else 2
        if rank < place_rank and (label in PLACE_ONLY or label in PLACE_AND_TIME):
            candidate, start, end = _place_part(value)
            if candidate and len(candidate) <= 160:
                place, place_rank = candidate, rank
                place_span = (value_start + start, value_start + end)
    if start_time is None and doc.reading.spans.get("date"):
        # "… den 12 november 2020, kl. 10.00–12.00": the time beside the meeting's date.
        index = doc.index_at(doc.reading.spans["date"][0][0])
        low, high = doc.lines[index].start, doc.lines[min(index + 1, len(doc.lines) - 1)].end
        ranges = list(TIME_RANGE.finditer(doc.text, low, high))
        single = None if ranges else (TIME.search(doc.text, low, high) or HOUR_ONLY.search(doc.text, low, high))
        if ranges:
            start_time, end_time = _hhmm(ranges[0]["a"]), max(_hhmm(r["b"]) for r in ranges)
            time_spans += [(r.start(), r.end()) for r in ranges]
        elif single is not None and re.match(r"kl", single.group(), _I):
            start_time = _hhmm(single["t"]) if "t" in single.groupdict() else f"{int(single['h']):02d}:00"
            time_spans.append((single.start(), single.end()))
    body = doc.text
    if start_time is None:
        opens = OPENS.search(body)
        if opens:
            start_time = _hhmm(opens["t"])
            time_spans.append((opens.start("t"), opens.end("t")))
    closes = None
    for closes in CLOSES.finditer(body):  # noqa: B007 - the last one: the meeting may be adjourned
        continue
    if closes is not None and (end_time is None or start_time is None or _hhmm(closes["t"]) > end_time):
        end_time = _hhmm(closes["t"])
        time_spans.append((closes.start("t"), closes.end("t")))
    if end_time is not None and start_time is not None and end_time <= start_time:
        end_time = None
    doc.reading.extra["place"] = place
    doc.reading.extra["start_time"] = start_time
    doc.reading.extra["end_time"] = end_time
    doc.reading.spans.pop("place", None)
    doc.reading.spans.pop("time", None)
    if place_span and place_span[0] < place_span[1]:
        doc.reading.mark("place", place_span)
    if time_spans:
        doc.reading.mark("time", *time_spans)


def _blank_out(match: re.Match) -> str:
    return " " * len(match.group())


def _place_part(value: str) -> tuple[str, int, int]:
    """The place in "Sessionssalen, Kommunhuset, 2019-03-06 kl. 13.00–16.30"
    (dates, times, weekdays and "kl" taken out), and its span in the value."""
    cut = value
    for found in dates.find_dates(cut):
        cut = cut[:found.start] + " " * (found.end - found.start) + cut[found.end:]
    for rule in (TIME_RANGE, TIME, HOUR_RANGE, HOUR_ONLY, _NOT_PLACE):
        cut = rule.sub(_blank_out, cut)
    parts = []
    for part in re.finditer(r"[^,;]+", cut):
        text = part.group()
        stripped = text.strip(" \t.–-")
        if stripped and re.search(r"[^\W\d_]{2}", stripped):
            start = part.start() + text.index(stripped)
            parts.append((start, start + len(stripped)))
    if not parts:
        return "", 0, 0
    return ", ".join(collapse(value[a:b]) for a, b in parts), parts[0][0], parts[-1][1]


# --------------------------------------------------------------------------
# Items.
# --------------------------------------------------------------------------

_DIARY_LABEL_BEFORE = re.compile(r"(?i:(?:vårt\s+|ert\s+)?(?:dnr|d\.nr|diarienr|diarienummer|diariernr|ärendenr|"
                                 r"beteckning)\.?)\s*:?\s*$")


def _item(number, paragraph, diary_number, title) -> dict:
    return {"number": number, "paragraph": paragraph, "diary_number": diary_number, "title": title}


def _strip_diary(text: str, found) -> str:
    """The text without its diary numbers and their labels ("Dnr", "Diarienr:")."""
    for item in sorted(found, key=lambda f: f.start, reverse=True):
        start = item.start
        label = _DIARY_LABEL_BEFORE.search(text, max(0, start - 30), start)
        if label:
            start = label.start()
        text = text[:start] + " " + text[item.end:]
    return text


def _clean_title(text: str) -> str:
    """A title without blanks, separators and a sentence's full stop at its ends."""
    text = re.sub(r"\(\s*\)", " ", text)
    text = collapse(text).strip(" \t,;:–-")
    if re.search(r"[^\W_]{2}\.$", text) and not re.search(r"\b(?:m\.m|bl\.a|etc|m\.fl|osv|o\.s\.v|kap|nr)\.$", text):
        text = text[:-1]  # "Årsredovisning 2018 för Kiruna kommun."
    return text


@lru_cache(maxsize=4096)
def _diaries(text: str) -> tuple:
    """The diary numbers in one line (lines are looked at more than once)."""
    return tuple(diary.find_diary_numbers(text))


def _only_diary(text: str) -> bool:
    """A line that is a diary number and nothing more ("Dnr KS 2019/12")."""
    found = _diaries(text)
    return bool(found) and not _clean_title(_strip_diary(text, found))


def _cells(text: str) -> list[str]:
    """A table row flattened to a line: its cells (tabs, wide gaps)."""
    return [cell for cell in re.split(r"\t+|[ ]{3,}", text) if cell.strip()]


def _title_of_row(text: str) -> tuple[str, list[str]]:
    """The title cell(s) of an agenda row, and the names in its last cells
    (the presenter's column: "4  Ändrad budget …  KS 2019/12  Mats Taaveniku")."""
    cells = _cells(text)
    names = []
    while len(cells) > 1 and _whole_name(cells[-1]):
        names.insert(0, _people(cells.pop(), strict=True)[0].name)
    return " ".join(cells), names


def _table_header(text: str) -> bool:
    words = re.findall(r"[^\s/]+", text.casefold())
    return bool(words) and all(word.strip(".:") in _TABLE_HEADER_WORDS for word in words)


def _continues_title(text: str, previous: str) -> bool:
    """Whether a line carries on the title above it: Swedish titles are
    written in sentence case, so a line in lower case or after a joining
    word ("… samt", "… för") does; a new sentence does not."""
    if not text or len(text) > 160:
        return False
    return text[0].islower() or bool(_TITLE_CONTINUES.search(previous))


def _row_goes_on(text: str, block: list[str]) -> bool:
    """A table row wrapped: the title's rest on the line where the row's
    diary number stands ("11  Val av ersättare … efter Karin" /
    "Hellberg (C)      KS.2019.15")."""
    if any(_diaries(line) for line in block):
        return False
    found = _diaries(text)
    return bool(found) and len(_clean_title(_strip_diary(text, found))) <= 60


def _before_diary_line(doc: _Doc, index: int, stop: int) -> bool:
    """A short line between an item's first line and its "Dnr" line is the
    title's end ("… i centrala" / "Alingsås" / "Dnr SN 2018/210")."""
    text = doc.stripped(index)
    if len(text) > 60 or text.endswith((".", ":")):
        return False
    for follow in range(index + 1, min(stop, index + 3)):
        if follow in doc.furniture:
            continue
        following = doc.stripped(follow)
        return bool(following) and _only_diary(following)
    return False


def _read_agenda(doc: _Doc) -> None:
    start = 0
    for index, line in enumerate(doc.lines):
        if AGENDA_HEADING.match(line.text):
            start = index + 1
            break
    candidates = []
    column = False  # whether a table's header gives the paragraphs a column of their own
    for index in range(start, len(doc.lines)):
        if index in doc.furniture:
            continue
        text = doc.lines[index].text
        if _table_header(text):
            column = column or bool(_PARAGRAPH_COLUMN.search(text))
            continue
        match = AGENDA_ITEM.match(text)
        if match and match["column"] and not column:
            match = None  # "3  2019 års budget": a number in the title, not a § column
        if match and not _table_header(match["rest"]):
            candidates.append((index, match))
            if len(candidates) > 1500:
                break
    chain = _agenda_chain(candidates)
    if not chain and doc.headings:
        # A notice that lists the coming paragraphs: "§ 45 Val av justerare".
        _read_paragraph_items(doc)
        return
    items, spans = [], []
    presenters: list[tuple[str, int, int]] = []
    for position, (index, match) in enumerate(chain):
        stop = chain[position + 1][0] if position + 1 < len(chain) else len(doc.lines)
        line = doc.lines[index]
        block = [match["rest"]]
        previous = match["rest"].strip()
        end = line.start + len(line.text.rstrip())
        for follow in range(index + 1, min(stop, index + 6)):
            if follow in doc.furniture:
                continue
            text = doc.stripped(follow)
            if not text or _NOT_ITEM_TEXT.match(text) or PARAGRAPH_HEADING.match(text) or _table_header(text):
                break
            if _only_diary(text) or _continues_title(text, previous) or _before_diary_line(doc, follow, stop) \
                    or _row_goes_on(text, block):
                block.append(text)
                previous = "" if _only_diary(text) else text
                end = doc.lines[follow].start + len(doc.lines[follow].text.rstrip())
                continue
            break
        title_parts, diary_number = [], None
        for text in block:
            found = _diaries(text)
            if found and diary_number is None:
                diary_number = found[0].value
            title, names = _title_of_row(_strip_diary(text, found))
            title_parts.append(title)
            presenters += [(name, line.start, end) for name in names]
        for follow in range(index + 1, min(stop, index + 10)):
            said = PRESENTER.match(doc.lines[follow].text)
            if said:
                for person in _people(said["value"], doc.lines[follow].start + said.start("value")):
                    presenters.append((person.name, person.start, person.end))
        paragraph = int(match["paragraph"] or match["column"]) if match["paragraph"] or match["column"] else None
        title = _clean_title(" ".join(title_parts))
        number = match["number"]  # as printed: "3", "12a"
        items.append(_item(number, paragraph, diary_number, title or None))
        spans.append((line.start + len(line.text) - len(line.text.lstrip()), end))
    sure = 0.3 if not items else 0.85 if len(items) >= 3 and all(i["title"] for i in items) else 0.6
    doc.item_spans = spans
    _put(doc.reading, "items", items, sure, *spans)
    _add_presenters(doc, presenters)


def _add_presenters(doc: _Doc, presenters: list[tuple[str, int, int]]) -> None:
    """The items' presenters (föredragande) are the document's officers too."""
    officers = list(doc.reading.values.get("officers") or [])
    spans = list(doc.reading.spans.get("officers") or [])
    added = False
    for name, start, end in presenters:
        if name not in officers:
            officers.append(name)
            spans.append((start, end))
            added = True
    if added:
        _put(doc.reading, "officers", officers, max(doc.reading.confidence.get("officers", 0.5), 0.75), *spans)


def _agenda_chain(candidates):
    """The agenda: the longest run of item lines whose numbers rise by one
    (or a little more) in the text's order, one that starts at 1 preferred."""
    if not candidates:
        return []
    count = len(candidates)
    values = [int(re.match(r"\d+", match["number"]).group()) for _, match in candidates]
    best = [1] * count
    before = [-1] * count
    for i in range(count):
        for j in range(i - 1, max(-1, i - 40), -1):
            step = values[i] - values[j]
            lettered = step == 0 and candidates[i][1]["number"] > candidates[j][1]["number"]  # 12, 12a, 12b
            if (0 < step <= MAX_ITEM_STEP or lettered) and best[j] + 1 > best[i]:
                best[i], before[i] = best[j] + 1, j
    first = list(range(count))
    for i in range(count):
        if before[i] != -1:
            first[i] = first[before[i]]
    end = max(range(count), key=lambda k: (best[k] + (1 if values[first[k]] <= 1 else 0), -k))
    chain = []
    while end != -1:
        chain.append(candidates[end])
        end = before[end]
    chain.reverse()
    if len(chain) == 1 and values[first[0]] > 3:
        return []  # a lone number far into a list is no agenda
    return chain


# In a paragraph's heading a number in a register's form is its diary number even
# without a label: "§ 2 0456/18" (Göteborg), "§ 12 2019/123".
HEADING_DIARY = re.compile(r"(?<![\w/.-])(?:[A-ZÅÄÖ]{1,6}\d{0,4}[ /-])?\d{1,7}(?:[/.:-]\d{1,7}){1,2}(?:[ ][A-ZÅÄÖ]{1,6})?"
                           r"(?![\w/.-])")


def _diary_in_heading(text: str):
    found = _diaries(text)
    if found:
        return found
    match = HEADING_DIARY.search(text)
    if match is None or dates.find_dates(match.group()):
        return []
    return [Found(match.start(), match.end(), collapse(match.group()), match.group(), 0.7)]


def _heading_block(doc: _Doc, heading: _Heading, stop: int):
    """A paragraph heading's title and diary number: the rest of its line,
    and the lines after that belong to them (a "Dnr" line, a title, a title
    wrapped onto the next line)."""
    rest = doc.text[heading.rest_start:heading.end]
    parts = [rest] if rest.strip() else []
    end = heading.end
    title_seen = bool(rest.strip()) and bool(_clean_title(_strip_diary(rest, _diary_in_heading(rest))))
    previous = rest.strip()
    for follow in range(heading.line + 1, min(stop, heading.line + 12)):
        if follow in doc.furniture:
            continue
        text = doc.stripped(follow)
        if not text:
            if title_seen:
                break
            continue
        item_number = _ITEM_NUMBER_LINE.match(text)
        if item_number:
            heading.number = heading.number or item_number.group(1)
        elif _LABEL_LINE.match(text) and not _only_diary(text):
            pass  # "Handläggare: Malin Sundqvist", "Föredragande: …": not the title
        elif _only_diary(text):
            parts.append(text)
        elif _SECTION_START.match(text) or is_known_heading(text):
            break
        elif not title_seen and len(text) <= 250:
            parts.append(text)
            title_seen, previous = True, text
        elif title_seen and _continues_title(text, previous):
            parts.append(text)
            previous = text
        else:
            break
        end = doc.lines[follow].start + len(doc.lines[follow].text.rstrip())
    diary_number, titles = None, []
    for number, text in enumerate(parts):
        found = _diary_in_heading(text) if number == 0 and rest.strip() else _diaries(text)
        if found and diary_number is None:
            diary_number = found[0].value
        titles.append(_strip_diary(text, found))
    title = _HEADING_ITEM_NUMBER.sub(" ", " ".join(titles))
    title = _clean_title(re.sub(r"^\s*\(?\s*forts\w*\.?\s*\)?", " ", title, flags=re.I))
    return title or None, diary_number, (heading.start + _lead(doc.text, heading.start), end)


def _lead(text: str, start: int) -> int:
    count = 0
    while start + count < len(text) and text[start + count] in " \t":
        count += 1
    return count


def _read_paragraph_items(doc: _Doc) -> None:
    items, spans = [], []
    by_paragraph: dict[int, dict] = {}
    for position, heading in enumerate(doc.headings):
        stop = doc.headings[position + 1].line if position + 1 < len(doc.headings) else len(doc.lines)
        title, diary_number, span = _heading_block(doc, heading, stop)
        if heading.paragraph in by_paragraph:  # continued on a new page
            known = by_paragraph[heading.paragraph]
            known["title"] = known["title"] or title
            known["diary_number"] = known["diary_number"] or diary_number
            continue
        item = _item(heading.number, heading.paragraph, diary_number, title)
        by_paragraph[heading.paragraph] = item
        items.append(item)
        spans.append(span)
    doc.item_spans = spans
    if not items:
        _put(doc.reading, "items", [], 0.3)
        return
    titled = sum(1 for item in items if item["title"]) / len(items)
    sure = 0.5 + 0.4 * titled if len(items) > 1 or doc.kind == EXCERPT else 0.55
    _put(doc.reading, "items", items, sure, *spans)


# --------------------------------------------------------------------------
# Paragraphs.
# --------------------------------------------------------------------------

def _find_declared_paragraphs(doc: _Doc) -> None:
    """The paragraphs the head (or a "Paragrafer" line) says the document
    holds; a heading outside them is a citation and is left out."""
    for line in doc.lines:
        label = PARAGRAPH_RANGE_LABEL.search(line.text)
        if label is None:
            continue
        for match in PARAGRAPH_RANGE.finditer(line.text, label.start()):
            first = int(match["a"])
            last = int(match["b"]) if match["b"] else first
            if first > last or last - first > MAX_RANGE:
                continue
            doc.declared.update(range(first, last + 1))
            doc.declared_spans.append((line.start + match.start(), line.start + match.end()))
    headings = {h.paragraph for h in doc.headings}
    if doc.declared and headings and len(headings & doc.declared) >= len(headings) / 2:
        doc.headings = [h for h in doc.headings if h.paragraph in doc.declared]
        doc.body = doc.headings[0].line if doc.headings else len(doc.lines)


def _read_paragraphs(doc: _Doc) -> None:
    headings = {h.paragraph for h in doc.headings}
    numbers = doc.declared | headings
    spans = list(doc.declared_spans)
    for heading in doc.headings:
        if not heading.continued:
            spans.append((heading.start + _lead(doc.text, heading.start), heading.end))
    if not numbers:
        _put(doc.reading, "paragraphs", [], 0.3)
        return
    if doc.declared and headings:
        sure = 0.95 if headings <= doc.declared else 0.75
    else:
        sure = 0.8 if doc.declared or len(headings) > 1 else 0.7
    _put(doc.reading, "paragraphs", sorted(numbers), sure, *sorted(spans))


# --------------------------------------------------------------------------
# People: the names in a line of an attendance list or a signature block.
# --------------------------------------------------------------------------

@dataclass
class _Person:
    name: str
    start: int
    end: int
    before: str = ""   # words before the name, a role written first: "Ordförande Katrin …"
    after: str = ""    # words after it, up to the next name: ", ordförande", "ersätter"
    party: bool = False
    replaces: _Person | None = None


# A role written before a name, capitalised as a label ("… (S) Vice ordförande Roko Kursar").
_ROLE_FIRST = _rx(r"^(?:(?:1:e|2:e|3:e|förste|andre|tredje)\s+)?(?:vice\s+)?(?:ordförande|ordf\.?|ledamot|"
                  r"ledamöter|ersättare|sekreterare)$")


def _name_word(word: str) -> bool:
    if not _NAME_WORD.match(word) or any(ch.isdigit() for ch in word):
        return False
    key = word.rstrip(".").casefold()
    if key in NOT_NAME_WORDS or (len(key) > 4 and key.endswith(NOT_NAME_ENDINGS)):
        return False
    if len(word) > 2 and word.isupper() and not word.endswith("."):
        return False  # a code ("KS", "SBF"), not a name
    return True


# Endings of nouns: a capitalised word with one is a heading's, not a name's.
NOUN_ENDINGS = ("ning", "ningen", "het", "heten", "tion", "tionen", "plan", "planen", "skap", "else", "ande",
                "ende", "bild", "arbete", "program", "strategi", "rapport", "underlag", "protokoll", "ärende",
                "ärenden", "beslut", "frågor", "lista")


def _plausible(words: list[str], party_follows: bool, strict: bool) -> bool:
    """Whether capitalised words are a person's name: the name lists know it
    or its first name, or a party follows it ("Per Ek (M)"). In a list of
    people (strict False) two or three capitalised words that are no
    organ's name and no nouns are a name the lists do not know ("Gordana
    Mandić")."""
    if len(words) < 2:
        return False
    if party_follows or words[0].casefold() in people.first_names():
        return True
    name = " ".join(words)
    if people.name_score(name) >= 0.5:
        return True
    if strict or len(words) > 3 or organs.organ_name(name) is not None:
        return False
    return not any(word.casefold().endswith(NOUN_ENDINGS) for word in words)


def _people(text: str, offset: int = 0, known: set[str] | None = None, *, strict: bool = False) -> list[_Person]:
    """The people named in one line, in order: runs of capitalised words
    (with particles such as "von", "af" between), split at parties, commas
    and role words. A run of four words or more is split where a known name
    or a first name begins."""
    tokens = [(m.lastgroup, m.group(), m.start(), m.end()) for m in _TOKENS.finditer(text)]
    found: list[_Person] = []
    gaps: list[list[str]] = [[]]   # gaps[i]: the words before found[i]; the last: after the last person
    run: list[tuple[str, int, int]] = []

    def close(party_follows: bool) -> None:
        while run and run[-1][0].casefold() in PARTICLES:
            gaps[-1].append(run.pop()[0])
        parts = _split_run(run, known or set())
        for number, part in enumerate(parts):
            words = [w for w, _, _ in part]
            if _plausible(words, party_follows and number == len(parts) - 1, strict):
                found.append(_Person(" ".join(words), offset + part[0][1], offset + part[-1][2]))
                gaps.append([])
            else:
                gaps[-1].extend(words)
        run.clear()

    for kind, value, start, end in tokens:
        if kind == "word" and (_name_word(value) or (run and value.casefold() in PARTICLES)):
            run.append((value, start, end))
            continue
        if run:
            close(kind == "party")
        if kind == "party":
            if found and not gaps[-1]:
                found[-1].party = True
        elif kind in ("word", "sep") and value.strip():
            gaps[-1].append(value.strip())
    if run:
        close(False)
    for position, person in enumerate(found):
        before = " ".join(gaps[position]).strip(" ,;")
        after = " ".join(gaps[position + 1])
        # The words between two people are the first one's ("…, ordförande"),
        # unless they are a role written first for the second ("Vice ordförande").
        if position + 1 < len(found) and not after.startswith(",") and _ROLE_FIRST.match(after.strip(" ,;")) \
                and after[:1].isupper():
            after = ""
        if position > 0:
            previous_gap = " ".join(gaps[position]).strip()
            before = previous_gap.strip(" ,;") if (_ROLE_FIRST.match(previous_gap.strip(" ,;"))
                                                   and previous_gap[:1].isupper()) else ""
        person.before, person.after = before, after
    # In a line of people with parties, capitalised words after a party and a
    # comma without a party of their own are a place or an office, unless the
    # name lists know them: "Jan Gustavsson (M), Lilla Edet".
    if any(person.party for person in found):
        found = [person for number, person in enumerate(found)
                 if person.party or number == 0 or not (found[number - 1].party and gaps[number]
                                                        and gaps[number][0] == ",")
                 or _plausible(person.name.split(), False, True)]
    # Substitutions: "Per Ek (M) ersätter Eva Ström (M)", "… tjg ers för …".
    out: list[_Person] = []
    skip = -1
    for position, person in enumerate(found):
        if position == skip:
            continue
        after = person.after.replace("(", " ").replace(")", " ").strip(" ,")
        if position + 1 < len(found) and SUBSTITUTION.search(after) and \
                not re.search(r"\b(?:ordförande|sekreterare|chef|direktör|ansvarig)\s+för$", after, _I):
            person.replaces = found[position + 1]
            skip = position + 1
        out.append(person)
    return out


def _split_run(run, known: set[str]):
    """A run of capitalised words that holds several names ("Anna Andersson
    Bo Berg", two columns flattened): split where a known name or a first
    name begins, else in pairs."""
    if len(run) <= 3:
        return [run]
    words = [w for w, _, _ in run]
    firsts = people.first_names()
    parts, position = [], 0
    while position < len(run):
        rest = len(run) - position
        for size in (4, 3, 2):
            if size <= rest and " ".join(words[position:position + size]) in known:
                break
        else:
            size = 0
            for cut in (2, 3):  # where the next name's first name begins
                if position + cut < len(run) and words[position + cut].casefold() in firsts \
                        and words[position + cut - 1].casefold() not in firsts:
                    size = cut
                    break
            if not size:
                size = rest if rest <= 3 else 2
        parts.append(run[position:position + size])
        position += size
    return parts


def _whole_name(text: str) -> bool:
    """Whether the text is one person's name and no more (a party, and a
    role after a comma, allowed)."""
    found = _people(text.strip(), strict=True)
    if len(found) != 1:
        return False
    words = re.sub(PARTY, " ", text)
    words = re.sub(r",.*$", "", words).split()
    return " ".join(words) == found[0].name


# --------------------------------------------------------------------------
# Attendance.
# --------------------------------------------------------------------------

def _attendance_label(text: str):
    for pattern, block in ATTENDANCE_LABELS:
        match = pattern.match(text)
        if match:
            return match, block
    return None, None


def _read_attendance(doc: _Doc):
    members: list[str] = []
    substitutes: list[dict] = []
    others: list[str] = []
    chair: list[tuple[str, tuple[int, int]]] = []
    spans: list[tuple[int, int]] = []
    block = None
    seen_label = labelled_before = False
    for index in range(min(doc.body, len(doc.lines))):
        if index in doc.furniture:
            continue
        line = doc.lines[index]
        text = line.text.strip()
        if not text:
            continue
        if seen_label and ATTENDANCE_END.match(text):
            break
        at = line.start + len(line.text) - len(line.text.lstrip())
        for _ in range(3):  # "Beslutande Ledamöter …": labels after labels
            match, opened = _attendance_label(text)
            if match is None:
                break
            # A label's second line in a column ("Tjänstgörande" / "ersättare")
            # is in lower case: it keeps the block its first line opened.
            if not (text[:1].islower() and labelled_before):
                block = opened
            seen_label = True
            at += match.end()
            text = text[match.end():]
        labelled_before = at > line.start + len(line.text) - len(line.text.lstrip())
        if block is None or not text.strip():
            continue
        if ATTENDANCE_PAUSE.match(text):
            block = None
            continue
        if block == IGNORE:
            continue
        for person in _people(text, at, doc.known_names):
            role = f"{person.before} {person.after}"
            doc.known_names.add(person.name)
            if person.replaces is not None:
                substitutes.append({"name": person.name, "for": person.replaces.name})
                doc.known_names.add(person.replaces.name)
                spans.append((person.start, person.replaces.end))
                continue
            spans.append((person.start, person.end))
            if block == SUBSTITUTES or re.search(r"\btjänstgörande\s+ersättare\b|\btjg\b", role, _I):
                substitutes.append({"name": person.name, "for": None})
            elif block == MEMBERS or (block == MIXED and person.party):
                members.append(person.name)
                if CHAIR_ROLE.search(role) and not VICE.search(role):
                    chair.append((person.name, (person.start, person.end)))
            else:
                others.append(person.name)
    listed = _read_attendance_list(doc)
    if listed is not None:
        # "Beslutande: enligt bifogad närvarolista": the list tells who decided.
        listed_members, listed_substitutes, listed_chair, listed_spans = listed
        members += listed_members
        substitutes += listed_substitutes
        chair += listed_chair
        spans += listed_spans
    if not (members or substitutes or others):
        _put(doc.reading, "attendance", None, 0.3 if doc.kind == MINUTES else 0.7)
        return None
    members = _distinct(members)
    serving, distinct_substitutes = set(members), []
    for substitute in substitutes:
        if substitute["name"] not in serving:
            serving.add(substitute["name"])
            distinct_substitutes.append(substitute)
    others = [name for name in _distinct(others) if name not in serving]
    attendance = {"members": members, "substitutes": distinct_substitutes, "others": others}
    _put(doc.reading, "attendance", attendance, 0.85 if members else 0.5, *spans)
    doc.chair_in_attendance = chair[0] if chair else None
    return attendance


def _distinct(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


# The attendance list of a council's minutes ("Närvarolista", "Närvaro- och
# omröstningslista"): a table of members, each marked present or with the
# substitute who served for them. Its heading, and its header row.
ATTENDANCE_LIST = _line_rx(r"^\s*(?:bilaga\s*\d*\s*[:.–-]?\s*)?(?:närvarolista|närvaro-?\s*och\s+(?:omröstnings|voterings)lista|"
                           r"närvaro-?\s*och\s+voteringsprotokoll|omröstningslista|närvaroförteckning)\b")
ATTENDANCE_LIST_HEADER = _line_rx(r"^\s*(?:ordinarie\s+)?(?:ledamot|ledamöter|namn)\b.*\b(?:närv\w*|tjänstgörande|"
                                  r"ersättare|tjg)\b")
# A mark that the member was present: "x", "✓", "1", "ja", "N".
PRESENT_MARK = _rx(r"(?<![\wåäö])(?:x|✓|✔|☑|1|ja|n|närv\w*)(?![\wåäö])")
# A row that ends the list: "Summa 31 3", "Totalt".
LIST_END = _rx(r"^\s*(?:summa|totalt|antal|sammanlagt)\b")


def _read_attendance_list(doc: _Doc):
    """Members and serving substitutes from an attendance list, or None when
    the document has none."""
    heading = ATTENDANCE_LIST.search(doc.text)
    header = ATTENDANCE_LIST_HEADER.search(doc.text, heading.end()) if heading else None
    if header is None or (heading and header.start() - heading.end() > 400):
        return None
    index = doc.index_at(header.start())
    substitute_column = bool(re.search(r"tjänstgörande|ersättare|tjg", header.group(), _I))
    members, substitutes, chair, spans = [], [], [], []
    misses = 0
    for follow in range(index + 1, len(doc.lines)):
        if follow in doc.furniture or not doc.stripped(follow):
            continue
        line = doc.lines[follow]
        if LIST_END.match(line.text) or ATTENDANCE_LIST_HEADER.match(line.text):
            break
        found = _people(line.text, line.start, doc.known_names)
        if not found:
            misses += 1
            if misses >= 3:
                break
            continue
        misses = 0
        member = found[0]
        role = f"{member.before} {member.after}"
        marks = CHAIR_ROLE.sub(" ", VICE.sub(" ", member.after))
        present = bool(PRESENT_MARK.search(marks)) or (len(found) == 1 and not re.search(r"[–—-]", marks))
        if len(found) > 1 and substitute_column:
            substitutes.append({"name": found[1].name, "for": member.name})
            spans.append((found[1].start, found[1].end))
        if present:
            members.append(member.name)
            spans.append((member.start, member.end))
            if CHAIR_ROLE.search(role) and not VICE.search(role):
                chair.append((member.name, (member.start, member.end)))
    if not members and not substitutes:
        return None
    return members, substitutes, chair, spans


# --------------------------------------------------------------------------
# Signatures, chair, adjusters.
# --------------------------------------------------------------------------

def _signature_block(doc: _Doc) -> list[tuple[int, str]] | None:
    """The lines of the "Underskrifter" block as (offset, text); without that
    heading, from the first "Sekreterare ……………" line."""
    match = SIGNATURE_HEADING.search(doc.text)
    if match is None:
        match = SIGNATURE_LINE.search(doc.text)
    if match is None:
        return None
    index = doc.index_at(match.start())
    if match.re is SIGNATURE_LINE or match["titled"]:  # "Vid protokollet", "Justeras": the heading is a title too
        block = [(doc.lines[index].start, doc.lines[index].text)]
    else:
        block = [(match.start("rest"), match["rest"])] if match["rest"].strip() else []
    for follow in range(index + 1, min(len(doc.lines), index + 40)):
        line = doc.lines[follow]
        stripped = line.text.strip()
        if not stripped:
            continue
        if SIGNATURE_END.match(stripped) or PARAGRAPH_HEADING.match(line.text) or ATTENDANCE_LIST.match(line.text):
            break
        if follow in doc.furniture:
            if FURNITURE.match(stripped):
                continue  # a signature's dotted line
            break  # a page's running header: the block is over
        block.append((line.start, line.text))
    return block


def _signature_elements(doc: _Doc, block):
    """Each line's titles, names and markers in order, as (kind, text, start, end)
    with kind "title", "name" or "marker"."""
    lines = []
    for at, text in block:
        text = _PARAGRAPH_NOTE.sub(_blank_out, text)
        text = re.sub(r"[._…_]{3,}", _blank_out, text)
        elements = [("marker", m["marker"], at + m.start(), at + m.end()) for m in SIGNATURE_MARKER.finditer(text)]
        text = SIGNATURE_MARKER.sub(lambda m: "," + " " * (len(m.group()) - 1), text)
        elements += [("title", m["title"], at + m.start(), at + m.end()) for m in SIGNATURE_TITLE.finditer(text)]
        masked = SIGNATURE_TITLE.sub(lambda m: "," + " " * (len(m.group()) - 1), text)
        elements += [("name", p.name, p.start, p.end) for p in _people(masked, at, doc.known_names)]
        elements.sort(key=lambda e: e[2])
        if elements:
            lines.append(elements)
        elif any(e[0] == "name" for line in lines for e in line):
            break  # a line of something else after the signatures: the block is over
    return lines


def _pair_signatures(lines) -> list[tuple[tuple, str | None, bool]]:
    """Each name with its title: (name element, title or None, whether it
    stands under "Justeras"). A line of titles over a line of as many names
    pairs them in order (and names over titles); on one line a title goes
    with the names after it when the line begins with a title, else with the
    name before it; a name left over takes the title above it when the block
    writes titles first (Formpipe), else the title right after it."""
    titled: dict[int, str] = {}
    adjusting: set[int] = set()
    flat = [e for line in lines for e in line]
    under_justeras = False
    for element in flat:
        if element[0] == "marker":
            under_justeras = element[1].casefold().startswith("juster")
        elif element[0] == "name" and under_justeras:
            adjusting.add(element[2])

    def kinds_of(line, kind):
        return [e for e in line if e[0] == kind]

    position = 0
    while position < len(lines):
        here = [e for e in lines[position] if e[0] != "marker"]
        below = [e for e in lines[position + 1] if e[0] != "marker"] if position + 1 < len(lines) else []
        titles, names = kinds_of(here, "title"), kinds_of(here, "name")
        titles_below, names_below = kinds_of(below, "title"), kinds_of(below, "name")
        if titles and not names and names_below and not titles_below and len(titles) == len(names_below):
            for title, name in zip(titles, names_below, strict=True):
                titled[name[2]] = title[1]
            position += 2
            continue
        if names and not titles and titles_below and not names_below and len(names) == len(titles_below):
            for name, title in zip(names, titles_below, strict=True):
                titled[name[2]] = title[1]
            position += 2
            continue
        if titles and names:
            if here[0][0] == "title":
                current = None
                for element in here:
                    if element[0] == "title":
                        current = element[1]
                    else:
                        titled[element[2]] = current
            else:
                for number, element in enumerate(here):
                    if element[0] == "name" and number + 1 < len(here) and here[number + 1][0] == "title":
                        titled[element[2]] = here[number + 1][1]
        position += 1
    titles_first = next((e[0] == "title" for e in flat if e[0] != "marker"), False)
    out = []
    current = None
    for number, element in enumerate(flat):
        if element[0] == "title":
            current = element[1]
        if element[0] != "name":
            continue
        title = titled.get(element[2])
        if title is None and element[2] not in titled:
            if titles_first:
                title = current
            elif number + 1 < len(flat) and flat[number + 1][0] == "title":
                title = flat[number + 1][1]
        out.append((element, title, element[2] in adjusting))
    return out


def _read_signatories(doc: _Doc):
    block = _signature_block(doc)
    lines = _signature_elements(doc, block) if block else []
    if not any(e[0] == "name" for line in lines for e in line):
        if doc.kind == NOTICE:
            return _notice_signatories(doc)
        return doc.reading.values.get("signatories") or None
    distinct, seen = [], set()
    for element, title, adjusting in _pair_signatures(lines):
        if element[1] not in seen:
            seen.add(element[1])
            distinct.append(({"name": element[1], "title": title}, (element[2], element[3]), adjusting))
    doc.adjusting_signatures = [s["name"] for s, _, adjusting in distinct if adjusting]
    _put(doc.reading, "signatories", [s for s, _, _ in distinct], 0.8, *[span for _, span, _ in distinct])
    return [s for s, _, _ in distinct]


def _title_line(text: str) -> bool:
    """A line that is a signature's title: "Ordförande", "Kommunfullmäktiges ordförande"."""
    return bool(SIGNATURE_TITLE.search(text)) and len(text.split()) <= 5 and not text.endswith(".")


def _notice_signatories(doc: _Doc):
    """A notice signed at its end: a name over its title ("Ordförande")."""
    tail = [i for i in range(max(0, len(doc.lines) - 30), len(doc.lines))
            if doc.stripped(i) and i not in doc.furniture]
    signatories, spans = [], []
    for position, index in enumerate(tail[:-1]):
        name_text, title_text = doc.stripped(index), doc.stripped(tail[position + 1])
        if _title_line(title_text) and _whole_name(name_text):
            at = doc.lines[index].start + doc.lines[index].text.find(name_text)
            person = _people(name_text, at)[0]
            signatories.append({"name": person.name, "title": title_text})
            spans.append((person.start, person.end))
    if signatories:
        _put(doc.reading, "signatories", signatories, 0.75, *spans)
        return signatories
    return doc.reading.values.get("signatories") or None


_CHAIR_LABEL = _rx(r"^[ \t]*(?:ordförande|mötesordförande|ordf\.)[ \t]*:?[ \t]+(?P<value>[^\n]+)$", re.MULTILINE)


def _read_chair(doc: _Doc, attendance, signatories) -> None:
    if doc.chair_in_attendance:
        name, span = doc.chair_in_attendance
        _put(doc.reading, "chair", name, 0.9, span)
    else:
        head_end = doc.lines[doc.body].start if doc.body < len(doc.lines) else len(doc.text)
        found = None
        for match in _CHAIR_LABEL.finditer(doc.text, 0, min(head_end, HEAD_CHARS * 2)):
            if re.match(r"[._…]{3,}", match["value"].strip()):
                continue
            named = _people(match["value"], match.start("value"), doc.known_names)
            if named:
                found = named[0]
                break
        signed = [s for s in signatories or []
                  if s.get("title") and CHAIR_ROLE.search(s["title"]) and not VICE.search(s["title"])]
        if found is not None:
            _put(doc.reading, "chair", found.name, 0.8, (found.start, found.end))
        elif signed:
            spans = doc.reading.spans.get("signatories") or []
            span = next((spans[i] for i, s in enumerate(signatories or []) if s is signed[0] and i < len(spans)), None)
            _put(doc.reading, "chair", signed[0]["name"], 0.75, *([span] if span else []))
        else:
            _put(doc.reading, "chair", None, 0.6 if doc.kind == NOTICE else 0.35)
    name = doc.reading.values.get("chair")
    if attendance is not None and name and name not in attendance["members"] \
            and name not in {s["name"] for s in attendance["substitutes"]}:
        attendance["others"] = [n for n in attendance["others"] if n != name]
        attendance["members"].insert(0, name)  # the chair is a member


def _names_in(value: str, at: int, known: set[str]) -> list[_Person]:
    """The people in a list: "Anna Karlsson (S) och Per Ek (M)"."""
    value = re.sub(r"\b(?:och|samt)\b|&", lambda m: "," + " " * (len(m.group()) - 1), value)
    return _people(value, at, known)


_ADJUSTING_WORD = _rx(r"\bjustera(?:re|nde)?\b")


def _read_adjusters(doc: _Doc, signatories) -> None:
    chair = doc.reading.values.get("chair")
    found: list[_Person] = []
    sure = 0.0
    for match in ADJUSTER_LABEL.finditer(doc.text):
        value, at = match["value"], match.start("value")
        index = doc.index_at(match.start())
        if not value.strip() and index + 1 < len(doc.lines):
            value, at = doc.lines[index + 1].text, doc.lines[index + 1].start
        value = re.split(r"(?i)\b(?:plats\s+och\s+tid|justeringens|tid\s+och\s+plats|ersättare)\b", value)[0]
        if re.match(r"\s*[._…]{3,}", value):
            continue  # a signature's line: read with the signatures
        named = _names_in(value, at, doc.known_names)
        found += named
        if named:
            sure = 0.9
    if not found:
        # In the text of a paragraph: "Anna Karlsson (S) utses att jämte ordföranden justera protokollet."
        for word in _ADJUSTING_WORD.finditer(doc.text):
            start = max(doc.text.rfind(".", 0, word.start()), doc.text.rfind("\n", 0, word.start())) + 1
            end_dot = doc.text.find(".", word.end())
            end_line = doc.text.find("\n", word.end())
            end = min(e for e in (end_dot, end_line, len(doc.text)) if e >= 0)
            sentence = doc.text[start:end]
            for pattern in ADJUSTER_SENTENCES:
                match = pattern.search(sentence)
                if match:
                    named = _names_in(match["names"], start + match.start("names"), doc.known_names)
                    found += named
                    if named:
                        sure = 0.75
                        break
            if found:
                break
    names = [person.name for person in found]
    spans = [(person.start, person.end) for person in found]
    for signatory in signatories or []:
        title = (signatory.get("title") or "").casefold()
        if title.startswith("juster") or (not title and signatory["name"] in doc.adjusting_signatures):
            names.append(signatory["name"])
            sure = max(sure, 0.8)
    result = [name for name in _distinct(names) if name != chair]
    if result:
        _put(doc.reading, "adjusters", result, sure, *spans)
    else:
        _put(doc.reading, "adjusters", [], 0.6 if doc.kind == NOTICE else 0.4)


# --------------------------------------------------------------------------
# Posting, recipients, title.
# --------------------------------------------------------------------------

_POSTING_LINE = _rx(r"anslag|anslå|nedtag|uppsätt|tas\s+(?:ned|ner|bort)|sätts\s+upp|tillkännag")


def _read_posted(doc: _Doc) -> None:
    # The posting's lines: the labels are looked for from the first to the last.
    posting = [line for line in doc.lines if _POSTING_LINE.search(line.text)]
    if not posting:
        _put(doc.reading, "posted", None, 0.6)
        return
    low, high = posting[0].start, min(len(doc.text), posting[-1].end + 1)
    labels = []
    for rule, which in ((POSTED_FROM, "from"), (POSTED_TO, "to")):
        for match in rule.finditer(doc.text, low, high):
            line = doc.lines[doc.index_at(match.start())].text
            if which == "to" and not _POSTING_LINE.search(line):
                continue  # a "t.o.m." elsewhere is no posting
            labels.append((match.start(), match.end(), which))
    if not labels:
        _put(doc.reading, "posted", None, 0.6)
        return
    labels.sort()
    result: dict[str, str | None] = {"from": None, "to": None}
    spans: list[tuple[int, int]] = []
    window_start = labels[0][0]
    window_end = min(len(doc.text), labels[-1][1] + 250)
    found_dates = dates.find_dates(doc.text[window_start:window_end], year=doc.year)
    used: set[int] = set()
    for _start, end, which in labels:
        if result[which] is not None:
            continue
        for number, found in enumerate(found_dates):
            at = window_start + found.start
            if number in used or at < end:
                continue
            if at > end + 200:
                break
            used.add(number)
            result[which] = found.value.isoformat()
            spans.append((at, window_start + found.end))
            # "Anslagstid 2019-03-12 -- 2019-04-03": one label, both days.
            if which == "from" and result["to"] is None and number + 1 < len(found_dates):
                following = found_dates[number + 1]
                gap = doc.text[window_start + found.end:window_start + following.start]
                if re.fullmatch(r"\s*(?:[-–—]+|till|t\.?\s?o\.?\s?m\.?)\s*", gap, _I):
                    used.add(number + 1)
                    result["to"] = following.value.isoformat()
                    spans.append((window_start + following.start, window_start + following.end))
            break
    if result["from"] is None and result["to"] is None:
        _put(doc.reading, "posted", None, 0.5)
        return
    sure = 0.9 if result["from"] and result["to"] and result["from"] <= result["to"] else 0.6
    _put(doc.reading, "posted", result, sure, *spans)


def _recipient_lines(doc: _Doc, match: re.Match) -> list[tuple[int, str]]:
    """The lines of one dispatch list: after its label, to a blank line, a
    heading, a paragraph's heading or a page's header."""
    entries: list[tuple[int, str]] = []
    if match["value"].strip():
        entries.append((match.start("value"), match["value"]))
    index = doc.index_at(match.start())
    for follow in range(index + 1, min(len(doc.lines), index + MAX_RECIPIENTS)):
        line = doc.lines[follow]
        text = line.text.strip()
        if follow in doc.furniture or not text:
            if entries:
                break
            continue
        if (PARAGRAPH_HEADING.match(line.text) or RECIPIENT_LABEL.match(line.text) or _SECTION_START.match(text)
                or is_known_heading(text) or len(text) > 120 or (text.endswith(".") and len(text) > 60)
                or dates.parse_date(text)):
            break
        entries.append((line.start, line.text))
    return entries


def _read_recipients(doc: _Doc) -> None:
    recipients: list[str] = []
    spans: list[tuple[int, int]] = []
    for match in RECIPIENT_LABEL.finditer(doc.text):
        for at, text in _recipient_lines(doc, match):
            bullet = _BULLET.match(text)
            base = bullet.end() if bullet else len(text) - len(text.lstrip())
            for part in re.finditer(r"[^,;\t]+", text[base:]):
                value = collapse(part.group()).strip(" .:")
                if not value or not re.search(r"[^\W\d_]", value):
                    continue
                if value not in recipients:
                    recipients.append(value)
                start = at + base + part.start() + len(part.group()) - len(part.group().lstrip())
                spans.append((start, start + len(part.group().strip())))
    if recipients:
        _put(doc.reading, "recipients", recipients, 0.8, *spans)
    else:
        _put(doc.reading, "recipients", [], 0.6)


def _read_title(doc: _Doc) -> None:
    if doc.kind != EXCERPT:
        _put(doc.reading, "title", None, 0.9)
        return
    items = doc.reading.values.get("items") or []
    titled = [(item, span) for item, span in zip(items, doc.item_spans, strict=False) if item.get("title")]
    if titled:
        item, span = titled[0]
        _put(doc.reading, "title", item["title"], 0.85 if len(items) == 1 else 0.6, span)
    elif doc.reading.values.get("title"):
        doc.reading.confidence["title"] = min(doc.reading.confidence.get("title", 0.4), 0.4)
    else:
        _put(doc.reading, "title", None, 0.3)
