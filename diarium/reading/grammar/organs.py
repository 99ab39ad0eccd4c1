"""Organs: their codes and names, in every inflection, to the full name.

The table ORGANS gives the codes municipalities and regions use for their
organs and each organ's name in its usual definite form. A code is read only
as a whole word in capitals ("KS"), never as part of a diary number ("KS
2018/12"). A name is read in any inflection and case: "kommunstyrelsens",
"KOMMUNSTYRELSEN", "Barn- och ungdomsnämndens" all are the organ's name.

Organs the table does not know are read by a general rule: a word ending in
-nämnd, -styrelse, -utskott, -fullmäktige, -beredning or -direktion, in any of
its forms ("Samhällsbyggnadsnämndens", "Kollektivtrafiknämnd"), with the
first parts of a joined name before it ("Bygg-, miljö- och
hälsoskyddsnämnden"), a definite adjective ("Tekniska nämnden", "Regionala
utvecklingsnämnden"), or "för" and its field after it ("Nämnden för
arbetsmarknad och vuxenutbildning"). A committee of an organ is read as the
organ's genitive and the committee ("Kommunstyrelsens arbetsutskott", "SNAU"
is "Socialnämndens arbetsutskott"). A bare "nämnden" or "styrelsen" names no
organ by itself.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .shape import Found, leftmost_longest
from .text import collapse

# The organs by code. A code may stand for one organ only; where
# municipalities use one code for different organs, the most common is given.
# Add a municipality's own codes here: ("CODE", "Name in its definite form").
ORGANS = (
    # the council and the executive board
    ("KF", "Kommunfullmäktige"),
    ("KS", "Kommunstyrelsen"),
    ("KSAU", "Kommunstyrelsens arbetsutskott"),
    ("KSPU", "Kommunstyrelsens personalutskott"),
    ("KFPRES", "Kommunfullmäktiges presidium"),
    ("VB", "Valberedningen"),
    # boards (nämnder)
    ("BUN", "Barn- och ungdomsnämnden"),
    ("BOU", "Barn- och utbildningsnämnden"),
    ("UN", "Utbildningsnämnden"),
    ("UBN", "Utbildningsnämnden"),
    ("GN", "Gymnasienämnden"),
    ("GVN", "Gymnasie- och vuxenutbildningsnämnden"),
    ("GSN", "Grundskolenämnden"),
    ("FSN", "Förskolenämnden"),
    ("SN", "Socialnämnden"),
    ("SON", "Social- och omsorgsnämnden"),
    ("IFN", "Individ- och familjeomsorgsnämnden"),
    ("ON", "Omsorgsnämnden"),
    ("ÄN", "Äldreomsorgsnämnden"),
    ("ÄON", "Äldreomsorgsnämnden"),
    ("VON", "Vård- och omsorgsnämnden"),
    ("VOO", "Vård- och omsorgsnämnden"),
    ("AMN", "Arbetsmarknadsnämnden"),
    ("KFN", "Kultur- och fritidsnämnden"),
    ("KN", "Kulturnämnden"),
    ("KUN", "Kulturnämnden"),
    ("FN", "Fritidsnämnden"),
    ("BMN", "Bygg- och miljönämnden"),
    ("MBN", "Miljö- och byggnadsnämnden"),
    ("BN", "Byggnadsnämnden"),
    ("MN", "Miljönämnden"),
    ("MHN", "Miljö- och hälsoskyddsnämnden"),
    ("SBN", "Samhällsbyggnadsnämnden"),
    ("TN", "Tekniska nämnden"),
    ("TFN", "Teknik- och fritidsnämnden"),
    ("SSN", "Servicenämnden"),
    ("ÖFN", "Överförmyndarnämnden"),
    ("ÖN", "Överförmyndarnämnden"),
    ("VN", "Valnämnden"),
    ("KLN", "Krisledningsnämnden"),
    ("PN", "Patientnämnden"),
    # regions and county councils
    ("RF", "Regionfullmäktige"),
    ("RS", "Regionstyrelsen"),
    ("RSAU", "Regionstyrelsens arbetsutskott"),
    ("HSN", "Hälso- och sjukvårdsnämnden"),
    ("HSS", "Hälso- och sjukvårdsstyrelsen"),
    ("RUN", "Regionala utvecklingsnämnden"),
    ("LF", "Landstingsfullmäktige"),
    ("LS", "Landstingsstyrelsen"),
    # federations
    ("FF", "Förbundsfullmäktige"),
    ("FS", "Förbundsstyrelsen"),
)

# Organs that have no common code but are not found by the general rule.
NAMES_WITHOUT_CODE = (
    "Revisionen", "Kommunrevisionen", "Regionrevisionen", "De förtroendevalda revisorerna",
    "Direktionen", "Förbundsdirektionen", "Kommunala pensionärsrådet", "Kommunala funktionshinderrådet",
)

# The heads of organ names: the last word ends with one of these, in one of
# its forms; the value is the definite form the name is given in.
HEADS = {
    "nämnd": "nämnden", "nämnden": "nämnden", "nämndens": "nämnden", "nämnds": "nämnden",
    "styrelse": "styrelsen", "styrelsen": "styrelsen", "styrelsens": "styrelsen", "styrelses": "styrelsen",
    "utskott": "utskottet", "utskottet": "utskottet", "utskottets": "utskottet", "utskotts": "utskottet",
    "fullmäktige": "fullmäktige", "fullmäktiges": "fullmäktige",
    "beredning": "beredningen", "beredningen": "beredningen", "beredningens": "beredningen",
    "direktion": "direktionen", "direktionen": "direktionen", "direktionens": "direktionen",
}
# First parts that make a head word something other than an organ's name:
# "utnämnd", "benämnd", "ovannämnd" (named, appointed), a company's or an
# association's board, "ärendeberedning" (the preparing of a case), and
# "arbetsutskottet" alone (which organ's?). Compared with the whole first part.
NOT_ORGAN_FIRSTS = frozenset({
    "ut", "be", "om", "ovan", "nyss", "för", "förut", "före", "efter", "namn", "när",
    "projekt", "arbets", "ärende", "ärendets", "till", "sam", "förbered", "bered", "huvud",
})
# First parts that make a board (-styrelse) a company's, an association's or a
# state agency's: "Bolagsstyrelsen", "Föreningsstyrelsen", "Länsstyrelsen", "Socialstyrelsen".
NOT_BOARD_FIRSTS = frozenset({
    "bolags", "förenings", "bostadsrättsförenings", "koncern", "stiftelse", "stiftelsens", "moder", "dotter",
    "lednings", "bygdegårds", "aktiebolags", "läns", "social", "rikspolis", "sjöfarts", "luftfarts", "bostads",
    "transport", "trafik", "skol", "kyrko", "församlings", "klubb", "lags",
})
# Definite adjectives that stand before a bare head: "Tekniska nämnden",
# "Regionala utvecklingsnämnden", "Gemensamma nämnden för …".
ADJECTIVES = (
    "tekniska", "sociala", "regionala", "gemensamma", "kommunala", "centrala", "östra", "västra", "norra",
    "södra", "mellersta", "lokala", "kulturella", "särskilda",
)
# Committees of an organ, written after its genitive: "Kommunstyrelsens
# arbetsutskott", "Socialnämndens individutskott", "Kommunfullmäktiges presidium".
COMMITTEE = re.compile(r"[a-zåäö-]*utskott(?:et|ets|s)?|presidi(?:um|et|ets|ums)|[a-zåäö]*beredning(?:en|ens|s)?",
                       re.IGNORECASE)
# After "nämnden för": the field, unless the words are the purpose of a
# sending ("överlämnas till nämnden för beslut").
NOT_FIELDS = frozenset({
    "beslut", "kännedom", "yttrande", "information", "synpunkter", "godkännande", "antagande", "handläggning",
    "beredning", "remiss", "åtgärd", "åtgärder", "genomförande", "fastställande", "vidare", "ställningstagande",
    "prövning", "avgörande", "granskning", "behandling", "att", "det", "den", "de", "sin", "sitt", "sina",
    "en", "ett", "år", "perioden", "tiden", "verksamheten", "dess", "detta", "denna",
})

_CODES = {code: name for code, name in ORGANS}
_KNOWN = {name.casefold(): name for name in [*(n for _, n in ORGANS), *NAMES_WITHOUT_CODE]}


def genitive(name: str) -> str:
    """"Kommunstyrelsen" → "Kommunstyrelsens"; a name ending in s, x or z
    takes no s."""
    if name[-1:].lower() in ("s", "x", "z"):
        return name
    return name + "s"


def _capital(name: str) -> str:
    return name[:1].upper() + name[1:]


_CODE_SHAPE = re.compile(r"(?P<code>[A-ZÅÄÖ]{1,7})(?::s)?(?:\s*(?:(?::s)?\s*)?(?P<au>AU|au))?")
_GENITIVE_COMMITTEE = re.compile(r"(?P<parent>.+?)(?::s|s)?\s+(?P<committee>\S+(?:\s+för\s+.+)?)")
_FOR_FIELD = re.compile(r"(?P<head>\S+)\s+för\s+(?P<field>.+)", re.IGNORECASE)
_PLACE_AFTER = re.compile(r"\s+i\s+[A-ZÅÄÖ][\w-]+(?:\s+(?:kommun|stad|region|län))?$")
_ARTICLE = re.compile(r"^(?:den|det|hela)\s+", re.IGNORECASE)


def code_name(code: str) -> str | None:
    """The organ a code stands for ("KS", "KSAU", "SNAU"), or None."""
    code = code.upper()
    if code in _CODES:
        return _CODES[code]
    if code.endswith("AU") and code[:-2] in _CODES:
        return genitive(_CODES[code[:-2]]) + " arbetsutskott"
    return None


@lru_cache(maxsize=4096)
def organ_name(text: str) -> str | None:
    """The full name of the organ `text` names (a code, or a name in any
    inflection and case), capitalised, or None when it names none."""
    name = collapse(text).strip(" ,.;:()\"'”")
    if not name or len(name) > 90:
        return None
    shape = _CODE_SHAPE.fullmatch(name)
    if shape:
        code = shape["code"] + ("AU" if shape["au"] else "")
        found = code_name(code)
        if found or name.isupper() and len(name) <= 7:
            return found
    if name.isupper():
        name = name.lower()
    name = _ARTICLE.sub("", name)
    name = _PLACE_AFTER.sub("", name)
    known = _KNOWN.get(name.casefold())
    if known:
        return known
    head = _head(name)
    if head is not None:
        return head
    district = _DISTRICT_BOARD.fullmatch(name)
    if district:
        return "Stadsdelsnämnden " + district["district"]
    # A committee: "Kommunstyrelsens arbetsutskott", "KS:s AU", "Socialnämndens individutskott".
    committee = _GENITIVE_COMMITTEE.fullmatch(name)
    if committee and COMMITTEE.fullmatch(committee["committee"].split()[0]):
        parent = organ_name(committee["parent"])
        if parent is not None and not parent.endswith(("utskott", "utskottet")):
            return genitive(parent) + " " + _indefinite(committee["committee"].lower())
    return None


_DISTRICT_BOARD = re.compile(r"(?i)stadsdelsnämnd(?:en|ens)?\s+(?:i\s+)?(?P<district>[A-ZÅÄÖ][\wåäö]*(?:-[A-ZÅÄÖ][\wåäö]*)?)")


def _indefinite(committee: str) -> str:
    """A committee after its organ's genitive is written without its article:
    "arbetsutskottet" → "arbetsutskott", "presidiet" → "presidium"."""
    word, _, rest = committee.partition(" ")
    for ending, base in (("utskottets", "utskott"), ("utskottet", "utskott"), ("utskotts", "utskott"),
                         ("presidiets", "presidium"), ("presidiet", "presidium"), ("presidiums", "presidium"),
                         ("beredningens", "beredning"), ("beredningen", "beredning"), ("berednings", "beredning")):
        if word.endswith(ending):
            word = word[: -len(ending)] + base
            break
    return f"{word} {rest}".strip()


_HEAD_FORMS = "|".join(sorted(HEADS, key=len, reverse=True))
_HEAD_WORD = re.compile(r"(?P<first>[^\W\d_][\w-]*?)?(?P<head>" + _HEAD_FORMS + r")", re.IGNORECASE)
_JOINED_FIRST_PARTS = re.compile(r"(?:[^\W\d_]+-,?\s+){1,4}(?:och|samt|eller)\s+$", re.IGNORECASE)


def _head(name: str) -> str | None:
    """The general rule: a name whose last word (before "för …") is a head."""
    field = None
    lowered = name.lower()
    if " för " in lowered:
        at = lowered.index(" för ")
        if name[:at].count(" ") > 1:
            return None  # "Kommunstyrelsens utskott för …": a committee, read below
        name, field = name[:at], name[at + 5:].strip()
    words = name.split(" ")
    word = words[-1].removesuffix(":s")
    match = _HEAD_WORD.fullmatch(word)
    if match is None:
        return None
    definite = HEADS[match["head"].lower()]
    first = match["first"] or ""
    before = " ".join(words[:-1])
    if first:
        if len(first.rstrip("-")) < 2 or first.lower() in NOT_ORGAN_FIRSTS:
            return None
        if definite == "styrelsen" and first.lower() in NOT_BOARD_FIRSTS:
            return None
        if before and before.lower() not in ADJECTIVES and not _JOINED_FIRST_PARTS.fullmatch(before + " "):
            return None
        if definite == "fullmäktige" and first.lower() not in FULLMAKTIGE_FIRSTS:
            return None
    elif before.lower() not in ADJECTIVES and (before or field is None):
        return None  # "nämnden", "styrelsen" alone name no organ
    text = (before + " " if before else "") + first + definite
    if field is not None:
        if not field or field.split()[0].lower() in NOT_FIELDS:
            return None
        text = f"{text} för {field}"
    result = _capital(text)
    return _KNOWN.get(result.casefold(), result)


# The councils (fullmäktige) there are.
FULLMAKTIGE_FIRSTS = frozenset({"kommun", "region", "landstings", "förbunds", "stads", "kyrko"})


# Finding organs in a text: codes as whole words in capitals, and words
# with a head, extended over their first parts and their field.
_CODE_WORD = re.compile(r"(?<![\w/.:-])(?P<code>[A-ZÅÄÖ]{2,7})(?::s)?(?:\s?(?::s\s)?AU)?(?![\w/-])")
_NEAR_DIARY = re.compile(r"\s?[-/.:]?\s?(?:19|20)\d\d[/.:-]?\d")
_DATE_AFTER = re.compile(r"\s?(?:19|20)\d\d-\d{1,2}-\d{1,2}(?!\d)")
_YEAR_BEFORE = re.compile(r"(?:19|20)\d\d[./]\d{1,7}\s?$")
_HEAD_IN_TEXT = re.compile(r"(?<![\w-])[^\W\d_]*(?:" + _HEAD_FORMS + r")(?::s)?(?![\w-])", re.IGNORECASE)
_FIRST_PARTS_BEFORE = re.compile(r"(?:(?<=\s)|^)(?:[^\W\d_]+-,?\s+){1,4}(?:och|samt|eller)\s+$")
_ADJECTIVE_BEFORE = re.compile(r"(?i:(?<![\w-])(?:" + "|".join(ADJECTIVES) + r"))\s+$")
_GENITIVE_THEN_COMMITTEE = re.compile(r"\s+(?:[a-zåäö-]*utskott(?:et|s)?|presidi(?:um|et|ums)|"
                                      r"[a-zåäö]*beredning(?:en|s)?)(?![\w-])")
# A district board and its district: "Stadsdelsnämnden Majorna-Linné", "stadsdelsnämnden i Angered".
_DISTRICT_AFTER = re.compile(r"(?:\s+i)?\s+[A-ZÅÄÖ][^\W\d_]+(?:-[A-ZÅÄÖ][^\W\d_]+)?(?![\w-])")
_FIELD_AFTER = re.compile(r"\s+för\s+[^\W\d_][\w-]*(?:(?:,\s+|\s+och\s+|\s+samt\s+)[^\W\d_][\w-]*){0,3}")


def find_organs(text: str) -> list[Found]:
    """Every organ named in the text, in order: its span and its full name."""
    if not text:
        return []
    found: list[Found] = []
    for match in _CODE_WORD.finditer(text):
        code = match["code"]
        name = code_name(code + ("AU" if match.group().endswith("AU") and not code.endswith("AU") else ""))
        if name is None:
            continue
        if _NEAR_DIARY.match(text, match.end()) and not _DATE_AFTER.match(text, match.end()) \
                or _YEAR_BEFORE.search(text, max(0, match.start() - 14),
                                                                         match.start()):
            continue  # "KS 2018/12", "2017.676 KS": the code of a diary number
        found.append(Found(match.start(), match.end(), name, match.group(), 0.8))
    for match in _HEAD_IN_TEXT.finditer(text):
        start, end = match.start(), match.end()
        window = text[max(0, start - 80):start]
        first_parts = _FIRST_PARTS_BEFORE.search(window)
        if first_parts:
            start -= len(first_parts.group())
        else:
            adjective = _ADJECTIVE_BEFORE.search(window)
            if adjective:
                start -= len(adjective.group())
        word = match.group().lower().removesuffix(":s")
        if word.endswith("s"):
            committee = _GENITIVE_THEN_COMMITTEE.match(text, end)
            if committee:
                end = committee.end()
        if word in ("nämnden", "nämnd", "utskottet", "utskott", "beredningen") or \
                (start < match.start() and word.endswith(("nämnden", "nämnd"))):
            field = _FIELD_AFTER.match(text, end)
            if field:
                end = _field_end(text, field)
        if word.startswith("stadsdelsnämnd"):
            district = _DISTRICT_AFTER.match(text, end)
            if district:
                end = district.end()
        name = organ_name(text[start:end])
        if name is None and end != match.end():
            end = match.end()
            name = organ_name(text[start:end])
        if name is None:
            continue
        found.append(Found(start, end, name, text[start:end], 0.9))
    return leftmost_longest(found)


def _field_end(text: str, field: re.Match) -> int:
    """Where "för …" after a bare head ends: before a word that is no field."""
    words = list(re.finditer(r"[^\W\d_][\w-]*", field.group()))
    if not words or words[1 if words[0].group() == "för" else 0].group().lower() in NOT_FIELDS:
        return field.start()
    end = field.start() + words[0].end()
    for word in words[1:]:
        if word.group().lower() in NOT_FIELDS:
            break
        end = field.start() + word.end()
    # Do not end on a joining word: "… och" belongs to what follows.
    tail = text[field.start():end]
    cut = re.search(r"(?:,|\s+och|\s+samt)$", tail)
    if cut:
        end = field.start() + cut.start()
    return end
