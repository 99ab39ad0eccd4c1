"""Phone numbers, e-mail addresses and street addresses in free text.

Every pattern here runs in time linear in the text: each regular expression has
bounded repetitions only, and e-mail addresses are grown outwards from each `@`
with bounded steps, so a 5 MB description with no structure at all costs no
more than one with some.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator

from .words import Words, capitalised

_SPACE = "[ \u00a0]"
_DASH = "[-\u2010\u2011\u2012\u2013\u2212]"
_UPPER = "A-ZÅÄÖÆØÉÈÜÁÀÍÓÚÑÇŠŽ"

# Swedish numbers: 0 and an area code (08 for Stockholm, else two or three more
# digits; mobiles are 07x), then the subscriber's number in groups of two to
# four digits; or +46 / 0046 and the same without the 0 ("+46 (0)70-..."), or
# nine or ten digits in one run (0701234567). Dates, diary numbers and amounts
# do not start with 0 after a non-digit, and a time range such as 08-17 is too
# short, so they are left alone.
PHONE = re.compile(
    rf"""
    (?<![\w+])(?<![^\W_][-\u2013./:,])
    (?:
        (?P<intl>(?:\+|00)46){_SPACE}?{_DASH}?{_SPACE}?(?:\(0\){_SPACE}?)?
        (?P<irest>[1-9](?:{_SPACE}?{_DASH}?{_SPACE}?\d){{6,10}})
      | \(?(?P<area>08|0[1-9]\d{{1,2}})\)?
        (?:{_SPACE}?{_DASH}{_SPACE}?|{_SPACE})
        (?P<rest>\d{{2,4}}(?:{_SPACE}\d{{2,4}}){{0,3}})
      | (?P<bare>0[1-9]\d{{7,8}})
    )
    (?!\w)(?![-\u2013./:,]\d)
    """,
    re.VERBOSE,
)
_DIGIT = re.compile(r"\d")


def _digits(text: str) -> str:
    return "".join(_DIGIT.findall(text))


def _national_length_ok(national: str) -> bool:
    """Whether a number written with its leading 0 has a Swedish length: ten
    digits for a mobile (07x), seven to ten in Stockholm (08), eight to ten
    elsewhere."""
    if national.startswith("07"):
        return len(national) == 10
    if national.startswith("08"):
        return 7 <= len(national) <= 10
    return 8 <= len(national) <= 10


def phones(text: str) -> Iterator[tuple[int, int]]:
    for match in PHONE.finditer(text):
        start = match.start()
        if match.group("bare"):
            if _national_length_ok(match.group("bare")):
                yield start, match.end()
            continue
        if match.group("intl"):
            end = _trim_groups(text, match.start("irest"), match.end("irest"), "0")
        else:
            end = _trim_groups(text, match.start("rest"), match.end("rest"), match.group("area"))
        if end is not None:
            yield start, end


def _trim_groups(text: str, rest_start: int, rest_end: int, prefix: str) -> int | None:
    """The end of the longest run of the subscriber's digit groups (dropping
    trailing groups: "031-123 45 67 2017" ends before 2017) that gives a number
    of a Swedish length, or None."""
    rest = text[rest_start:rest_end]
    cut = len(rest)
    while cut > 0:
        if _national_length_ok(prefix + _digits(rest[:cut])):
            return rest_start + cut
        gap = max(rest.rfind(" ", 0, cut), rest.rfind("\u00a0", 0, cut))
        if gap <= 0:
            return None
        cut = gap
        while cut > 0 and not rest[cut - 1].isdigit():
            cut -= 1
    return None


# --- e-mail -----------------------------------------------------------------

# The characters people's addresses use; the rarer ones RFC 5322 allows (`{|}~...)
# are left out, so "`@transaction.atomic`" in a text is not taken for an address.
_LOCAL_CHARS = frozenset("0123456789._%+-'")
_DOMAIN = re.compile(r"[^\W_](?:[\w-]{0,62})(?:\.[^\W_][\w-]{0,62}){1,8}")
_TLD = re.compile(r"[^\W\d_]{2,24}")
# An @ between something that may end a local part and something that may begin a domain.
_AT = re.compile(r"(?<=[\w.%+'-])@(?=[^\W_])")


def emails(text: str) -> Iterator[tuple[int, int]]:
    """Addresses local@domain.tld, grown outwards from each @ (at most 64
    characters before it, 255 after)."""
    resume = 0
    for candidate in _AT.finditer(text):
        at = candidate.start()
        if at < resume:
            continue
        start = at
        while start > resume and at - start < 64 and (text[start - 1] in _LOCAL_CHARS or text[start - 1].isalpha()):
            start -= 1
        while start < at and not text[start].isalnum():
            start += 1
        match = _DOMAIN.match(text, at + 1, min(len(text), at + 256))
        end = None
        if start < at and match:
            domain = match.group().rstrip("-")
            while domain and not _TLD.fullmatch(domain.rsplit(".", 1)[-1]):
                if "." not in domain:
                    domain = ""
                    break
                domain = domain.rsplit(".", 1)[0]
            if domain.count(".") >= 1:
                end = at + 1 + len(domain)
        if end is not None:
            yield start, end
            resume = end


# --- street addresses -------------------------------------------------------

# Words a street name ends in ("Storgatan", "Björkstigen", "Järntorget") ...
# Left out as they end common nouns too: -platsen (lekplatsen), -gången
# (ingången), -ringen (planeringen), -allen (idrottshallen).
STREET_ENDINGS = (
    "gatan", "gata", "vägen", "väg", "gränd", "gränden", "stigen", "backen", "backe", "torget", "torg",
    "allén", "allé", "leden", "slingan", "kroken", "kajen", "esplanaden", "promenaden", "stråket", "liden", "plan",
)
# ... or that stand alone after a genitive or an adjective ("Carl Malmstens
# väg", "Anna Lindhs plats", "Stora torget", "Lilla plan").
STREET_WORDS = frozenset({
    "väg", "vägen", "gata", "gatan", "gränd", "torg", "torget", "plats", "platsen", "plan", "allé", "backe",
    "backen", "stig", "stigen", "gång", "led", "leden", "park", "kaj", "kajen",
})
# Roads, not addresses ("Riksväg 40"). Words in -plan are plans, not squares,
# unless _named_plan() says otherwise ("Detaljplan 3", "Handlingsplan 2024").
NOT_STREETS = frozenset({
    "riksväg", "riksvägen", "länsväg", "länsvägen", "motorväg", "motorvägen", "europaväg", "europavägen",
    "cykelväg", "cykelvägen", "gångväg", "gångvägen", "landsväg", "landsvägen", "genväg", "omväg", "huvudgata",
    "huvudgatan", "infartsväg", "tillfartsväg", "skolväg", "skolvägen",
})
# A body's genitive before a street word is its road or its plan, not a street
# named after someone ("Trafikverkets väg 40", "Kommunens plan 2").
BODIES = ("verkets", "kommunens", "regionens", "statens", "nämndens", "styrelsens", "bolagets", "föreningens",
          "förvaltningens", "myndighetens")
DIRECTIONS = frozenset({
    "norra", "södra", "östra", "västra", "stora", "lilla", "gamla", "nya", "övre", "nedre", "yttre", "inre",
    "långa", "breda", "korta", "höga", "sankt", "s:t", "drottning", "kung", "konung", "prins", "prinsessan",
})
_HOUSE = re.compile(
    rf"""
    {_SPACE}{{1,2}}\d{{1,3}}(?:{_DASH}\d{{1,3}})?(?:{_SPACE}?[A-H](?!\w)|[a-h](?!\w))?
    (?!\d)(?![-\u2013:./,]\d)
    (?:,?{_SPACE}(?:lgh|lägenhet|lägenhetsnummer)\.?{_SPACE}?\d{{4}}(?!\d)
      |,?{_SPACE}\d{{1,2}}{_SPACE}?(?:tr|trappor|trappa)\b\.?
      |,?{_SPACE}(?:tr|vån|våning)\.?{_SPACE}?\d{{1,2}}(?!\d))?
    (?P<post>,?{_SPACE}{{1,2}}(?:(?:SE|S){_DASH}?{_SPACE}?)?[1-9]\d{{2}}{_SPACE}?\d{{2}}{_SPACE}{{1,2}}
        [{_UPPER}][^\W\d_]+(?:-[^\W\d_]+)?)?
    """,
    re.VERBOSE,
)
_STREET_TAILS = tuple(sorted(set(STREET_ENDINGS) | STREET_WORDS))
# Spacing before a number: a street address's word ends just before it.
_SPACE_BEFORE_NUMBER = re.compile(rf"{_SPACE}{{1,2}}(?=\d)")
# A postcode and town on their own ("441 81 Alingsås", "SE-441 81 Alingsås",
# "SE-44181 Alingsås"). The pattern begins with a digit, so the regex engine
# can skip to the digits of a text; the country prefix and what may not stand
# before it are checked in postcodes().
POSTCODE = re.compile(rf"[1-9]\d{{2}}(?P<gap>{_SPACE}?)\d{{2}}{_SPACE}{{1,2}}[{_UPPER}][^\W\d_]+(?:-[^\W\d_]+)?")
_COUNTRY_BEFORE = re.compile(rf"(?:SE|S){_DASH}?{_SPACE}?\Z")


def postcodes(text: str) -> Iterator[tuple[int, int]]:
    for match in POSTCODE.finditer(text):
        start = match.start()
        country = _COUNTRY_BEFORE.search(text, max(0, start - 4), start)
        if country is not None:
            start = country.start()
        elif not match.group("gap"):
            continue  # five digits in a row are a postcode only after SE-
        if start and (text[start - 1].isalnum() or text[start - 1] in "-_"
                      or (start > 1 and text[start - 1] in " \u00a0" and text[start - 2].isdigit())):
            continue
        yield start, match.end()


def addresses(words: Words, first_names: frozenset[str]) -> Iterator[tuple[int, int]]:
    """A street name followed by a house number (with a letter, a flat or a
    floor, and a postcode and town if they follow), and a postcode and town on
    their own. A street name with no number is a place ("Carl Malmstens väg")."""
    text = words.text
    # Only a word followed by a number can end a street address: find those
    # first, then the word's index among the text's words.
    candidates = [start for start in (match.start() for match in _SPACE_BEFORE_NUMBER.finditer(text))
                  if start and text[start - 1].isalpha()
                  and text[max(0, start - 12):start].casefold().endswith(_STREET_TAILS)]
    if candidates:
        ends = words.ends
        for word_end in candidates:
            index = bisect_left(ends, word_end)
            if index == len(ends) or ends[index] != word_end:
                continue
            first = _street_start(words, index, words.keys[index], first_names)
            if first is None:
                continue
            match = _HOUSE.match(text, word_end)
            if match is not None:
                yield words.starts[first], match.end()
    # A postcode inside a street address found above is dropped when the hits
    # are resolved (the longer hit of a kind wins).
    yield from postcodes(text)


def _street_start(words: Words, index: int, word_key: str, first_names: frozenset[str]) -> int | None:
    """The index of the first word of the street name ending at word `index`,
    or None when that word does not end a street name."""
    word = words.words[index]
    if word_key in STREET_WORDS and index > 0 and words.joined(index - 1, index, most=1):
        previous = words.words[index - 1]
        previous_key = words.keys[index - 1]
        if not capitalised(previous):
            return None
        if previous_key in DIRECTIONS:
            return index - 1
        if previous_key.endswith("s") and len(previous_key) > 2 and not previous_key.endswith(BODIES):
            return _with_leading_name(words, index - 1, first_names)
        return None
    if not capitalised(word) or word_key in NOT_STREETS or word_key in STREET_WORDS:
        return None
    if not word_key.endswith(STREET_ENDINGS) or word_key.endswith("plan") and not _named_plan(word_key):
        return None
    if index > 0 and words.joined(index - 1, index, most=1):
        previous_key = words.keys[index - 1]
        if capitalised(words.words[index - 1]) and previous_key in DIRECTIONS:
            return index - 1
    return _with_leading_name(words, index, first_names)


def _named_plan(word_key: str) -> bool:
    # "Järntorgsplan", "Rådhusplan": a square; "Detaljplan 3", "Handlingsplan
    # 2024": a plan. Squares named "-plan" are rare; take only those whose
    # first part is a place ("-torgs", "-hus", "-kyrko", "-slotts").
    return word_key.endswith(("torgsplan", "husplan", "kyrkoplan", "slottsplan", "stationsplan"))


def _with_leading_name(words: Words, index: int, first_names: frozenset[str]) -> int:
    """Take in the first names or title before a street named after a person
    ("Carl Malmstens väg", "Per Albin Hanssons väg", "Erik Dahlbergsgatan",
    "Drottning Kristinas väg")."""
    for _ in range(2):
        if index == 0 or not words.joined(index - 1, index, most=1):
            break
        previous = words.words[index - 1]
        previous_key = words.keys[index - 1]
        if not (previous[0].isupper() and (previous_key in first_names or previous_key in DIRECTIONS)):
            break
        index -= 1
    return index
