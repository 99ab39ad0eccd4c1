"""Words of a text, and the word lists shipped with the masking assistant.

The detectors of names, addresses and sensitive words work on words, not on
the text: the text is cut into words once (one regular expression, linear in
the text's length), and each word is looked up, by its key, in sets.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from functools import cache
from importlib import resources

# A word: letters, possibly joined by hyphens or apostrophes ("Åberg-Lind",
# "al-Hassan", "O'Brien", "LVU-ärende"). Digits and underscores end a word.
WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


def key(word: str) -> str:
    """The form a word is looked up by: case folded, with the Turkish dotless
    and dotted i read as i (so "YILDIZ" finds "Yıldız")."""
    return word.casefold().replace("\u0131", "i").replace("i\u0307", "i")


class Words:
    """The words of one text, as written and by key; and, computed when first
    asked for (most titles never need them), where each starts and ends."""

    __slots__ = ("text", "words", "keys", "_starts", "_ends")

    def __init__(self, text: str) -> None:
        self.text = text
        self.words: list[str] = WORD.findall(text)
        # One call for every key: words hold no NUL, and folding keeps it.
        self.keys: list[str] = key("\0".join(self.words)).split("\0") if self.words else []
        self._starts: list[int] | None = None
        self._ends: list[int] = []

    @classmethod
    def of(cls, text: str) -> Words:
        return cls(text)

    def _offsets(self) -> list[int]:
        starts: list[int] = []
        ends: list[int] = []
        position = 0
        find = self.text.find
        for word in self.words:
            # Between two words stand no letters, and a word begins with one,
            # so the next occurrence of the word is where the regex found it.
            position = find(word, position)
            starts.append(position)
            position += len(word)
            ends.append(position)
        self._starts, self._ends = starts, ends
        return starts

    @property
    def starts(self) -> list[int]:
        return self._starts if self._starts is not None else self._offsets()

    @property
    def ends(self) -> list[int]:
        if self._starts is None:
            self._offsets()
        return self._ends

    def __len__(self) -> int:
        return len(self.words)

    def joined(self, first: int, second: int, *, most: int = 2) -> bool:
        """Whether words `first` and `second` (= first + 1) stand apart only by
        whitespace of at most `most` characters (a space, a line break)."""
        gap = self.text[self.ends[first]:self.starts[second]]
        return 0 < len(gap) <= most and gap.isspace()


def capitalised(word: str) -> bool:
    return word[0].isupper()


@cache
def shipped(name: str) -> tuple[str, ...]:
    """The entries of a shipped list in data/ (comments and blank lines left
    out), read once per process: the lists are the same for every organisation."""
    text = resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))


def _joined(phrases) -> str:
    """The phrases as one string, each from the next apart by a NUL."""
    phrases = list(phrases)
    try:
        joined = "\0".join(phrases)
    except TypeError:
        phrases = [str(phrase) for phrase in phrases]
        joined = "\0".join(phrases)
    if joined.count("\0") != max(len(phrases) - 1, 0):
        # A NUL in a phrase separates words, as any other character that is not a letter.
        joined = "\0".join(phrase.replace("\0", " ") for phrase in phrases)
    return joined


# A word or the separator "\0" between two phrases: one pass over all phrases at once.
_TOKEN = re.compile("\0|" + WORD.pattern)
# Words looked up one by one before the whole index is built (a title has a
# dozen; a file's text, thousands).
LOOKUPS_BEFORE_INDEX = 256


class PhraseIndex:
    """Phrases of one or more words (a registered person's name, an allowed
    organ's name), found as whole words whatever their case.

    A phrase matches words that stand apart by at most a few characters of
    spacing or punctuation ("Anna Andersson", "Åberg - Lind" is not), and its
    last word may carry the genitive s ("Karin Åberg-Linds ansökan").

    Built for one organisation's thousands of names and often asked about one
    title: the phrases are cut into words and keyed in one pass (one regular
    expression and one key() over all of them), kept as one string, and the
    phrases beginning with a word of the text are looked up in it when first
    asked for. A text with many distinct words (a file) builds the index by the
    key of the first word at once, so a text is then searched in one pass over
    its words however many phrases there are."""

    __slots__ = ("_keyed", "_any", "_index", "_complete")

    def __init__(self, phrases=(), *, joined: str | None = None) -> None:
        joined = _joined(phrases) if joined is None else joined
        tokens = _TOKEN.findall(joined)
        # Every word between separators "\1"; a phrase begins after "\0\1" and ends before "\1\0".
        # Words hold neither, and key() folds each character alone.
        self._keyed = "\0\1" + key("\1".join(tokens)) + "\1\0"
        self._any = len(tokens) > joined.count("\0")  # any word, not only separators
        self._index: dict[str, list[tuple[str, ...]]] = {}
        self._complete = False

    def __bool__(self) -> bool:
        return self._any

    def _variants(self, word_key: str) -> list[tuple[str, ...]]:
        """The phrases that begin with the word, the longest first."""
        variants = self._index.get(word_key)
        if variants is None and not self._complete:
            variants = []
            keyed, needle = self._keyed, "\0\1" + word_key + "\1"
            position = keyed.find(needle)
            while position >= 0:
                end = keyed.index("\1\0", position + 1)
                variants.append(tuple(keyed[position + 2:end].split("\1")))
                position = keyed.find(needle, end + 1)
            variants.sort(key=len, reverse=True)
            self._index[word_key] = variants
        return variants or []

    def _build(self) -> None:
        index: dict[str, list[tuple[str, ...]]] = {}
        for phrase in self._keyed.split("\0"):
            phrase = phrase.strip("\1")
            if phrase:
                keys = tuple(phrase.split("\1"))
                variants = index.get(keys[0])
                if variants is None:
                    index[keys[0]] = [keys]
                else:
                    variants.append(keys)
        for variants in index.values():
            if len(variants) > 1:
                variants.sort(key=len, reverse=True)
        self._index, self._complete = index, True

    def find(self, words: Words) -> list[tuple[int, int]]:
        """The spans (start, end) of every phrase in the text, longest first
        where two begin at the same word; non-overlapping."""
        found: list[tuple[int, int]] = []
        if not self._any:
            return found
        keys = words.keys
        if not self._complete and len(self._index) + len(keys) > LOOKUPS_BEFORE_INDEX:
            self._build()
        variants_of = self._index.get if self._complete else self._variants
        count = len(keys)
        index = 0
        while index < count:
            variants = variants_of(keys[index])
            end_word = None
            if variants:
                for phrase in variants:
                    end_word = _match(words, index, phrase)
                    if end_word is not None:
                        break
            if end_word is None:
                index += 1
                continue
            found.append((words.starts[index], words.ends[end_word]))
            index = end_word + 1
        return found


def _match(words: Words, index: int, phrase: tuple[str, ...]) -> int | None:
    last = index + len(phrase) - 1
    if last >= len(words.keys):
        return None
    for offset, wanted in enumerate(phrase):
        position = index + offset
        got = words.keys[position]
        if got != wanted and not (position == last and got == wanted + "s"):
            return None
        if offset and not _near(words, position - 1, position):
            return None
    return last


def _near(words: Words, first: int, second: int) -> bool:
    gap = words.text[words.ends[first]:words.starts[second]]
    return 0 < len(gap) <= 3 and not any(char.isalnum() for char in gap) and "\n\n" not in gap


# Indexes built lately, by the phrases they were built of: an organisation's
# names are read on each registration and are mostly the names of the last one.
# Keyed by the phrases themselves, never by whose they are, so an index is never
# out of date: a name added or changed is other phrases, and another index.
_BUILT: OrderedDict[str, PhraseIndex] = OrderedDict()
# A county's twenty organisations, each with its names and its allowed names; an
# index of 10,000 names holds a few MB once built whole.
BUILT_KEPT = 48
_BUILT_LOCK = threading.Lock()


def phrase_index(phrases) -> PhraseIndex:
    """A PhraseIndex of the phrases: the one built before of the same phrases in
    the same order, if it is among the last BUILT_KEPT built (it finds what a new
    one would: an index is never changed by what it is asked)."""
    joined = _joined(phrases)
    with _BUILT_LOCK:
        index = _BUILT.get(joined)
        if index is not None:
            _BUILT.move_to_end(joined)
            return index
    index = PhraseIndex(joined=joined)
    with _BUILT_LOCK:
        _BUILT[joined] = index
        while len(_BUILT) > BUILT_KEPT:
            _BUILT.popitem(last=False)
    return index
