"""People: the names in a line of an attendance list or a signature block,
with their parties, the roles written beside them and whom a substitute
serves for."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import organs, people
from .layout import _I, _rx

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
