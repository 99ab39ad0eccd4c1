"""Names of people, with party, role and title taken off.

Minutes and reports write a person with what they are: "Anna Svensson (S),
ordförande", "Per Berg (M) tjg ers", "Karin Ek, kommundirektör", "Ordf. Lars
Holm". `clean_name` keeps the name. `is_name` tells whether a text is a
person's name: two to four capitalised words, hyphenated and double names
included ("Anna-Karin Åberg Lind", "Ebba von Lancken"), and not a heading, an
organ, a place or a company. The shipped lists of first names and surnames
(core.privacy) make it surer; a name they do not know is still a name when
its shape is one and no word in it is a word of the language of documents.

`split_name_title` reads a signature block: a name line followed by a title
line ("Anneli Schwartz" / "Tf. Kommundirektör"), or "Name, title" on one line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

import diarium.core

from .organs import organ_name
from .text import collapse, heading_key, is_known_heading

# Parties, in parentheses after a name: "(S)", "(KD)", "(MP)", "(-)", and a
# local party's name ("(Alingsåspartiet)").
_PARTY = re.compile(r"\s*\((?:[A-ZÅÄÖ][A-ZÅÄÖa-zåäö]{0,3}|[A-ZÅÄÖ][\wåäö-]*parti(?:et)?|-|–|[A-ZÅÄÖ]{1,6}[a-zåäö]{0,3})\)")
# Roles and titles that stand before a name ("Ordf. Lars Holm", "Tjg ers Per Berg").
ROLES_BEFORE = (
    "ordförande", "ordf", "vice ordförande", "vice ordf", "1:e vice ordförande", "2:e vice ordförande",
    "förste vice ordförande", "andre vice ordförande", "v ordf", "v. ordf", "sekreterare", "sekr",
    "justerare", "justerande", "ledamot", "ersättare", "tjänstgörande ersättare", "tjg ers", "tjg. ers",
    "tj ers", "tj. ers", "ers", "föredragande", "handläggare", "kontaktperson", "ansvarig tjänsteman",
    "kommundirektör", "kommunchef", "stadsdirektör", "regiondirektör", "förvaltningschef",
)
_ROLE_BEFORE = re.compile(
    r"^(?:" + "|".join(re.escape(role).replace(r"\ ", r"\.?\s+") for role in
                      sorted(ROLES_BEFORE, key=len, reverse=True)) + r")\.?:?\s+", re.IGNORECASE)
# Roles after a name, with or without a comma: "…, ordförande", "… tjg ers",
# "… ersättare för Per Berg", "… §§ 12-14" (present for some paragraphs).
_ROLE_AFTER = re.compile(
    r"(?:\s*[,;–-]\s*|\s+)(?:(?:1:e\s+|2:e\s+|förste\s+|andre\s+)?vice\s+ordf|ordf|ordförande|sekreterare|"
    r"sekr|justerare|justerande|ledamot|ersättare|tjänstgörande|tjg|tj\.|ers\b|ej\s+tjänstgörande|"
    r"närvarande|deltar|föredragande|§).*$", re.IGNORECASE)
# Titles after a comma: "Karin Ek, kommundirektör", "Per Berg, Tf. Kommundirektör".
_AFTER_COMMA = re.compile(r",\s*[^,]*$")

# Words that end a person's title: a title line is surer with one of them.
TITLE_WORDS = (
    "direktör", "chef", "ansvarig", "handläggare", "sekreterare", "ordförande", "strateg", "samordnare",
    "controller", "utredare", "jurist", "ekonom", "administratör", "registrator", "assistent", "rådgivare",
    "specialist", "koordinator", "planerare", "arkitekt", "ingenjör", "inspektör", "sakkunnig", "utvecklare",
    "handläggare", "projektledare", "ledare", "konsult", "kommunikatör", "analytiker", "justerare",
    "ledamot", "ersättare", "rektor", "skolchef", "nämndsekreterare", "kommunsekreterare", "notarie",
    "biträdande", "tf", "t.f", "bitr", "avdelningschef", "enhetschef", "kanslichef", "stabschef",
    "direktor", "kommunalråd", "regionråd", "oppositionsråd", "råd", "officer", "tjänsteman", "intendent",
    "arkivarie", "bibliotekarie", "lärare", "sjuksköterska", "läkare", "socionom", "revisor", "expert",
)
_TITLE_WORD = re.compile(r"(?i:" + "|".join(sorted({re.escape(w) for w in TITLE_WORDS}, key=len, reverse=True))
                         + r")(?:en|n)?\.?$")
_TITLE_ANYWHERE = re.compile(r"(?i)(?:" + "|".join(sorted({re.escape(w) for w in TITLE_WORDS}, key=len,
                                                          reverse=True)) + r")")

# Words that are no part of a person's name: the words of headings,
# documents and places that stand capitalised on a line of their own.
NOT_NAME_WORDS = frozenset({
    "förslag", "beslut", "beslutet", "beslutsunderlag", "ärendebeskrivning", "ärendet", "bakgrund",
    "sammanfattning", "yttrande", "bedömning", "bilaga", "bilagor", "handlingar", "datum", "dnr", "sida",
    "kommun", "kommunen", "stad", "staden", "region", "regionen", "län", "länet", "landsting", "kommunledningskontoret",
    "förvaltning", "förvaltningen", "kontor", "kontoret", "avdelning", "avdelningen", "enhet", "enheten",
    "protokoll", "protokollet", "kallelse", "tjänsteskrivelse", "tjänsteutlåtande", "remiss", "remissvar",
    "ordförande", "sekreterare", "justerare", "justerande", "ledamöter", "ersättare", "närvarande", "övriga",
    "plats", "tid", "paragrafer", "underskrifter", "utdragsbestyrkande", "anslag", "bevis", "organ",
    "sammanträdesdatum", "sammanträde", "mötet", "kommundirektör", "digitaliseringsansvarig", "telefon",
    "e-post", "epost", "mobil", "postadress", "besöksadress", "webb", "hemsida", "org.nr", "bankgiro",
    "ja", "nej", "avstår", "summa", "totalt", "ab", "hb", "kb", "för", "och", "samt", "till", "av",
    "med", "om", "i", "på", "att", "det", "den", "de", "en", "ett", "sverige", "svenska", "digital",
    "nämnd", "nämnden", "styrelse", "styrelsen", "gatan", "vägen", "torget", "box", "tf", "tf.",
    "kommunstyrelsen", "kommunfullmäktige", "handläggare", "kontaktperson", "expedieras", "skickas",
    "godkänns", "antas", "delges", "underskrift", "namnförtydligande", "verksamhet", "verksamheten",
    # places: "Västra Götaland", "Lilla Edet", "Nya Lödöse"
    "västra", "östra", "norra", "södra", "mellersta", "lilla", "stora", "nya", "gamla", "övre", "nedre",
    "götaland", "svealand", "norrland", "götalandsregionen", "skåne", "halland", "dalarna",
    # labels: "Ärendenr KS", "Vår referens"
    "ärendenr", "diarienr", "diarienummer", "referens", "beteckning", "sektor", "sektorn",
})
# Particles in names: "Ebba von Lancken", "Carl de Geer", "Ahmed al-Hassan".
PARTICLES = frozenset({"af", "von", "van", "der", "den", "de", "la", "le", "da", "di", "du", "del", "al", "el",
                       "bin", "ibn", "ben", "ter", "ten", "zu"})
# A name word: a capital and small letters, hyphenated parts each capitalised
# ("Anna-Karin", "Åberg-Lind"), an apostrophe ("O'Brien"); or all capitals
# ("ANNA SVENSSON").
_NAME_WORD = re.compile(r"(?:[A-ZÅÄÖÆØÜÉÈ][a-zåäöæøüéèáíóúçñ']+|[A-ZÅÄÖ][A-ZÅÄÖ']+)"
                        r"(?:-(?:[A-ZÅÄÖÜÉ][a-zåäöæøüéèáíóúçñ']+|[A-ZÅÄÖ]+))*"
                        r"|[A-ZÅÄÖ][a-zåäö]*'[A-Z][a-z]+|Mc[A-Z][a-z]+|Mac[A-Z][a-z]+")
# Common endings of Swedish nouns: a capitalised word with one is a heading's
# word, not a surname ("Ärendebeskrivning", "Målbild", "Handlingsplan").
_NOUN_ENDINGS = ("ning", "ningen", "het", "heten", "tion", "tionen", "plan", "planen", "skrivelse", "skap",
                 "else", "ande", "ende", "bild", "arbete", "konsekvenser", "perspektiv", "kontor",
                 "kontoret", "förvaltning", "kommun", "region", "nämnd", "nämnden", "styrelsen", "ansvarig",
                 "policy", "program", "strategi", "frågor", "ärende", "ärenden", "beslut", "rapport",
                 "underlag", "yttrande", "utlåtande", "protokoll", "datum", "sida", "bilaga", "gata", "gatan",
                 "vägen", "torg", "torget", "platsen", "huset", "skolan", "förskola", "förskolan", "ekonomi",
                 "verksamhet", "organisation", "förening", "föreningen", "bolaget", "stiftelsen", "ab")


# The name lists the masking assistant ships (diarium/core/privacy/data), read
# from their files so that the grammar reads without Django's settings.
_NAME_LISTS = Path(diarium.core.__file__).parent / "privacy" / "data"


@cache
def _shipped(name: str) -> frozenset[str]:
    try:
        text = (_NAME_LISTS / name).read_text(encoding="utf-8")
    except OSError:
        return frozenset()
    return frozenset(line.strip().casefold() for line in text.splitlines()
                     if line.strip() and not line.lstrip().startswith("#"))


def first_names() -> frozenset[str]:
    return _shipped("first_names.txt")


def surnames() -> frozenset[str]:
    return _shipped("surnames.txt")


def clean_name(text: str) -> str:
    """The name alone: without party, role, title and the words around it.
    "Anna Svensson (S), ordförande" → "Anna Svensson"; "Tjg ers Per Berg (M)"
    → "Per Berg"; "Karin Ek, kommundirektör" → "Karin Ek"."""
    name = collapse(text)
    name = _PARTY.sub("", name)
    name = _ROLE_BEFORE.sub("", name)
    name = _ROLE_AFTER.sub("", name)
    if "," in name:
        head, _, tail = name.partition(",")
        # "Svensson, Anna": a surname first in a list of persons.
        if _looks_inverted(head.strip(), tail.strip()):
            name = f"{tail.strip()} {head.strip()}"
        else:
            name = head
    name = re.sub(r"\s*\(.*?\)\s*", " ", name)  # a parenthesis left: "(ersättare för …)"
    return collapse(name).strip(" .,:;-–")


def _looks_inverted(head: str, tail: str) -> bool:
    words = tail.split()
    return len(head.split()) == 1 and len(words) == 1 and words[0].casefold() in first_names() \
        and head.casefold() in surnames()


def name_score(text: str) -> float:
    """How much `text` reads as a person's name, from 0 (not at all) to 1."""
    name = collapse(text)
    if not name or len(name) > 60 or any(char.isdigit() for char in name):
        return 0.0
    words = name.split(" ")
    if not 2 <= len(words) <= 5:
        return 0.0
    if is_known_heading(name) or heading_key(name) in NOT_NAME_WORDS:
        return 0.0
    name_words = [w for w in words if w.casefold() not in PARTICLES]
    if len(name_words) < 2 or words[0].casefold() in PARTICLES:
        return 0.0
    for word in name_words:
        if not _NAME_WORD.fullmatch(word):
            return 0.0
        if word.casefold() in NOT_NAME_WORDS:
            return 0.0
    upper = name.isupper()
    if organ_name(name) is not None:
        return 0.0
    firsts, lasts = first_names(), surnames()
    first = name_words[0].casefold()
    first_known = first in firsts or all(part in firsts for part in first.split("-"))
    last_known = any(w.casefold() in lasts or all(p in lasts for p in w.casefold().split("-"))
                     for w in name_words[1:])
    nouns = sum(1 for w in name_words if w.casefold().endswith(_NOUN_ENDINGS) and w.casefold() not in lasts
                and w.casefold() not in firsts)
    if nouns:
        return 0.1 if first_known else 0.0
    score = 0.55
    if first_known:
        score += 0.3
    if last_known:
        score += 0.1
    if upper and not first_known:
        score -= 0.3  # "DIGITAL MÅLBILD": capitals are headings' as often as names'
    if not upper and any(w.isupper() and len(w) <= 4 for w in name_words):
        return 0.0  # a code among the words ("Ärendenr KS"): no name
    if len(name_words) > 3 and not first_known:
        score -= 0.2
    return max(0.0, min(1.0, score))


def is_name(text: str) -> bool:
    """Whether `text` is a person's name (first and last name, hyphenated and
    double names included); never a heading, an organ, a place or a firm."""
    return name_score(text) >= 0.5


def is_title(text: str) -> bool:
    """Whether a line reads as a person's title ("Tf. Kommundirektör",
    "Digitaliseringsansvarig", "Nämndsekreterare"): short, without a full
    stop at its end, not a name, not a heading."""
    line = collapse(text)
    if not line or len(line) > 70 or line.endswith((".", ":")) and not line.endswith(("Tf.", "tf.")):
        return False
    if is_known_heading(line) or any(char.isdigit() for char in line) or "@" in line:
        return False
    words = line.split(" ")
    if len(words) > 7 or not line[0].isalpha():
        return False
    if is_name(line):
        return False
    return bool(_TITLE_WORD.search(words[-1]) or _TITLE_ANYWHERE.search(line) or len(words) <= 3)


def title_score(text: str) -> float:
    line = collapse(text)
    if not is_title(line):
        return 0.0
    return 0.9 if _TITLE_ANYWHERE.search(line) else 0.6


_COLUMN_GAP = re.compile(r"\t|\s{3,}")


def _line_text(line) -> str:
    return line if isinstance(line, str) else line[-1]


def signature_lines(lines: Sequence) -> list[tuple[int, int | None]]:
    """The signatures in a block of lines: (index of the name's line, index of
    the title's line or None). A line may be "Name, title" (then both
    indices are the same), a name followed by a title, or a name alone.
    Two names on one line split by a tab or many blanks are two signatures
    only through their lines' own pairs; they are left out here."""
    texts = [_line_text(line) for line in lines]
    out: list[tuple[int, int | None]] = []
    index = 0
    while index < len(texts):
        line = collapse(texts[index])
        if not line:
            index += 1
            continue
        if "," in line:
            head, _, tail = line.partition(",")
            if is_name(head) and tail.strip() and is_title(tail):
                out.append((index, index))
                index += 1
                continue
        if _COLUMN_GAP.search(texts[index].strip()):
            index += 1  # names side by side: read as columns (common.signatures._columns)
            continue
        if is_name(clean_name(line)):
            following = index + 1
            if following < len(texts) and collapse(texts[following]) and is_title(texts[following]):
                out.append((index, following))
                index += 2
                continue
            out.append((index, None))
        index += 1
    return out


def split_name_title(lines: Iterable) -> list[tuple[str, str | None]]:
    """The (name, title) pairs of a signature block: its lines as strings
    or as (start, end, line). The title as written (blanks collapsed), or
    None when the name stands alone."""
    lines = list(lines)
    texts = [_line_text(line) for line in lines]
    out: list[tuple[str, str | None]] = []
    for name_at, title_at in signature_lines(lines):
        text = collapse(texts[name_at])
        if title_at == name_at:
            head, _, tail = text.partition(",")
            out.append((clean_name(head), collapse(tail)))
        elif title_at is not None:
            out.append((clean_name(text), collapse(texts[title_at])))
        else:
            out.append((clean_name(text), None))
    return out
