"""Words of a text, and the word lists shipped with the masking assistant.

The detectors of names, addresses and sensitive words work on words, not on
the text: the text is cut into words once (one regular expression, linear in
the text's length), and each word is looked up, by its key, in sets.
"""

from __future__ import annotations

import re
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


class PhraseIndex:
    """Phrases of one or more words (a registered person's name, an allowed
    organ's name), found as whole words whatever their case.

    Indexed by the key of the first word, so a text is searched in one pass over
    its words however many phrases there are. A phrase matches words that stand
    apart by at most a few characters of spacing or punctuation ("Anna
    Andersson", "Åberg - Lind" is not), and its last word may carry the
    genitive s ("Karin Åberg-Linds ansökan")."""

    def __init__(self, phrases) -> None:
        self._index: dict[str, list[tuple[str, ...]]] = {}
        for phrase in phrases:
            keys = tuple(key(word) for word in WORD.findall(str(phrase)))
            if keys:
                self._index.setdefault(keys[0], []).append(keys)
        for variants in self._index.values():
            variants.sort(key=len, reverse=True)

    def __bool__(self) -> bool:
        return bool(self._index)

    def find(self, words: Words) -> list[tuple[int, int]]:
        """The spans (start, end) of every phrase in the text, longest first
        where two begin at the same word; non-overlapping."""
        found: list[tuple[int, int]] = []
        keys = words.keys
        count = len(keys)
        index = 0
        while index < count:
            variants = self._index.get(keys[index])
            end_word = None
            if variants is not None:
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
