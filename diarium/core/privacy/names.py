"""Names of private persons in free text.

A name is a first name from the shipped list (data/first_names.txt), possibly
more first names ("Karl Erik", "Anna-Karin"), possibly particles ("von", "af",
"de la", "al-"), and then one or more surnames (data/surnames.txt, double names
"Åberg-Lind"); every name word capitalised ("Anna Svensson", "ANNA
SVENSSON"), the particles in any case. After a particle any capitalised word is
taken as the surname ("Ebba von Lancken"). A first name or a surname alone is
not a name: many surnames are ordinary words (Berg, Ek, Lund, Holm).

Not a private person: a name in the genitive before a place or an institution
("Anna Lindhs plats", "Astrid Lindgrens värld", "Stina Svenssons minnesfond"),
a name joined to one ("Nils Ericson-terminalen"), a property or foundation
("kvarteret Sten Sture", "Stiftelsen Anna Ahlström"), a firm ("Lars Nilsson
Bygg AB"); and the phrases the Scanner is told are allowed (staff, organs).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from .words import Words, capitalised, key, shipped

PARTICLES = frozenset({
    "af", "von", "van", "der", "den", "de", "la", "le", "da", "di", "du", "del", "della", "dos", "das",
    "al", "el", "bin", "ibn", "ben", "ter", "ten", "zu", "mc",
})
# Joined to the surname by a hyphen: "al-Hassan", "El-Sayed", "Abu-Bakr".
HYPHEN_PARTICLES = frozenset({"al", "el", "ul", "bin", "ibn", "abu", "ben", "ad", "as", "ash", "at", "az"})
# After a name in the genitive: the name is part of a place's or an
# institution's name (matched as the end of the next word: "minnesfond",
# "barnsjukhus", "kulturhuset").
PLACE_ENDINGS = (
    "plats", "platsen", "väg", "vägen", "gata", "gatan", "gränd", "torg", "torget", "park", "parken", "allé",
    "backe", "backen", "bro", "bron", "kaj", "kajen", "stig", "stigen", "värld", "skola", "skolan", "gymnasium",
    "gymnasiet", "fond", "fonden", "stiftelse", "stiftelsen", "pris", "priset", "stipendium", "stipendiet",
    "museum", "museet", "sjukhus", "sjukhuset", "kyrka", "kyrkan", "kapell", "kapellet", "institut",
    "institutet", "center", "centret", "centrum", "hall", "hallen", "arena", "arenan", "bibliotek",
    "biblioteket", "teater", "teatern", "sal", "salen", "akademi", "akademin", "kulturhus", "kulturhuset",
    "minne", "minnessten", "staty", "statyn", "gård", "gården", "hamn", "hamnen", "förening", "föreningen",
    "sällskap", "sällskapet", "orden", "stadion", "ö", "ön", "udde", "udden",
)
# Before a name: the name is a property, a block or a foundation's.
BLOCKED_AFTER = frozenset({
    "kvarteret", "kv", "fastigheten", "fastighet", "stiftelsen", "fonden", "föreningen", "sällskapet",
    "riddarhuset", "ätten", "släkten", "hotell", "hotel", "restaurang", "fartyget", "m/s", "ms",
})
COMPANY = re.compile(
    r"(?:[ \u00a0]+[^\W\d_][\w&.-]*){0,3}?[ \u00a0]+(?:AB|HB|KB|Aktiebolag|Handelsbolag|Kommanditbolag|"
    r"Ekonomisk förening|Ltd|Inc|Oy|GmbH|A/S|AS)(?![\w])|[ \u00a0]*&[ \u00a0]*(?:Co|Söner|Son|Partners)\b"
)


@cache
def first_names() -> frozenset[str]:
    return frozenset(key(name) for name in shipped("first_names.txt"))


@cache
def surnames() -> frozenset[str]:
    return frozenset(key(name) for name in shipped("surnames.txt"))


def _first_name(word: str, word_key: str, firsts: frozenset[str]) -> bool:
    if not capitalised(word):
        return False
    if word_key in firsts:
        return True
    if "-" in word_key:
        parts = word.split("-")
        return all(part and capitalised(part) and key(part) in firsts for part in parts)
    return False


def _surname_form(word: str, word_key: str, lasts: frozenset[str]) -> str | None:
    """"plain" when the word is a surname, "genitive" when it is one with the
    genitive s ("Svenssons"), else None."""
    if _surname(word, word_key, lasts):
        return "plain"
    if word_key.endswith("s") and len(word_key) > 2 and _surname(word[:-1], word_key[:-1], lasts):
        return "genitive"
    return None


def _surname(word: str, word_key: str, lasts: frozenset[str]) -> bool:
    if "-" not in word_key and "'" not in word_key and "’" not in word_key:
        return capitalised(word) and word_key in lasts
    parts = re.split(r"[-'’]", word)
    while len(parts) > 1 and key(parts[0]) in HYPHEN_PARTICLES:
        parts = parts[1:]
    if not all(part and capitalised(part) for part in parts):
        return False  # "Ericson-terminalen", "Larsson-gården"
    keys = [key(part) for part in parts]
    if len(keys) == 1:
        return True  # al-Hassan: after a particle, any capitalised name
    return any(part in lasts for part in keys)


def find(words: Words, *, firsts: frozenset[str] | None = None, lasts: frozenset[str] | None = None
         ) -> Iterator[tuple[int, int]]:
    """(start, end) of each name of a private person found through the
    shipped lists."""
    firsts = first_names() if firsts is None else firsts
    lasts = surnames() if lasts is None else lasts
    text = words.text
    word_list, keys = words.words, words.keys
    count = len(keys)
    skip_to = 0
    for index, word in enumerate(word_list):
        if index < skip_to or not word[0].isupper():
            continue
        word_key = keys[index]
        if word_key in firsts or ("-" in word_key and _first_name(word, word_key, firsts)):
            if _blocked(words, index):
                continue
        else:
            # "Svensson, Anna": a surname, a comma and a first name.
            if index + 1 < count and (word_key in lasts or "-" in word_key) \
                    and text.startswith(", ", words.ends[index]):
                inverted = _inverted_end(words, index, firsts, lasts)
                if inverted is not None and not _blocked(words, index):
                    yield words.starts[index], words.ends[inverted]
                    skip_to = inverted + 1
            continue
        end_word = _name_end(words, index, firsts, lasts)
        if end_word is None:
            continue
        skip_to = end_word + 1
        # A genitive before a place word: "Anna Lindhs plats", "Carl von Linnés väg".
        if keys[end_word].endswith("s") and end_word + 1 < count and words.joined(end_word, end_word + 1) \
                and keys[end_word + 1].endswith(PLACE_ENDINGS):
            skip_to = end_word + 2
            continue
        end = words.ends[end_word]
        if COMPANY.match(text, end, min(len(text), end + 80)):
            continue
        yield words.starts[index], end


def _blocked(words: Words, index: int) -> bool:
    if index == 0:
        return False
    gap = words.text[words.ends[index - 1]:words.starts[index]]
    return len(gap) <= 3 and gap.strip() in ("", ".") and words.keys[index - 1] in BLOCKED_AFTER


def _name_end(words: Words, index: int, firsts: frozenset[str], lasts: frozenset[str]) -> int | None:
    """The index of the last word of the name that starts with the first name
    at `index` (a name in the genitive ends there), or None when no surname
    follows."""
    word_list, keys = words.words, words.keys
    count = len(keys)
    best: int | None = None
    position = index + 1
    after_particle = False
    seen_surname = False
    # At most eight words: "Maria Ana de la Cruz", "Carl Johan von der Lancken-Åberg".
    while position < count and position - index < 8 and words.joined(position - 1, position):
        word, word_key = word_list[position], keys[position]
        if word_key in PARTICLES:
            after_particle = True
            position += 1
            continue
        if after_particle:
            if not capitalised(word):
                break
            if "-" in word_key and not _surname(word, word_key, lasts):
                break
            form = "genitive" if word_key.endswith("s") else "plain"
        else:
            form = _surname_form(word, word_key, lasts)
        if form is not None:
            best, seen_surname = position, True
            if form == "genitive":
                break
            after_particle = False
            position += 1
            continue
        if not seen_surname and _first_name(word, word_key, firsts):
            position += 1  # a second first name
            continue
        break
    return best


def _inverted_end(words: Words, index: int, firsts: frozenset[str], lasts: frozenset[str]) -> int | None:
    """A name written surname first, as in a list of persons ("Svensson, Anna",
    "LINDQVIST, KARL-ERIK"): the index of the first name after the comma, or
    None. Not when a surname follows the first name ("Lund, Anna Berg" is a
    place and a name)."""
    word, word_key = words.words[index], words.keys[index]
    if index + 1 >= len(words.keys) or not _surname(word, word_key, lasts):
        return None
    if words.text[words.ends[index]:words.starts[index + 1]] != ", ":
        return None
    after = index + 1
    if not _first_name(words.words[after], words.keys[after], firsts):
        return None
    if after + 1 < len(words.keys) and words.joined(after, after + 1) \
            and capitalised(words.words[after + 1]):
        return None
    return after
