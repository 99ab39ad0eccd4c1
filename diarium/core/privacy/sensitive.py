"""Words that reveal health, social-services or criminal matters.

The list (data/sensitive_words.txt, and settings.DIARIUM_PRIVACY_SENSITIVE_WORDS)
has one entry a line: a word, found with its common inflections ("diagnos",
"diagnosen", "diagnoserna"); a stem ending in `*`, found as the beginning of any
word ("missbruk*": "missbruket", "missbruksvård"); or a phrase of several
words, whose last word is inflected or starred ("ekonomiskt bistånd"). Whole
words only, case ignored; a word joined by a hyphen counts on its own
("LVU-ärende").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .words import WORD, Words, key

# Endings of Swedish nouns, adjectives and participles: enough to find the
# word in a title ("orosanmälan" - "orosanmälningar" is listed apart), few
# enough not to make other words of it.
INFLECTIONS = ("", "s", "n", "ns", "t", "ts", "en", "ens", "et", "ets", "er", "ers", "erna", "ernas", "ar",
               "arna", "arnas", "or", "orna", "na", "r", "rna", "e", "a", "ad", "ade", "at", "as", "ades")


class SensitiveWords:
    def __init__(self, entries: Iterable[str]) -> None:
        exact: set[str] = set()
        prefixes: set[str] = set()
        phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for entry in entries:
            entry = str(entry).strip()
            if not entry or entry.startswith("#"):
                continue
            starred = entry.endswith("*")
            words = [key(word) for word in WORD.findall(entry.rstrip("*"))]
            if not words:
                continue
            if len(words) == 1:
                if starred:
                    prefixes.add(words[0])
                else:
                    exact.update(words[0] + ending for ending in INFLECTIONS)
                continue
            *head, last = words
            phrases.setdefault(head[0], []).append((tuple(head[1:]), last + ("*" if starred else "")))
        self._exact = frozenset(exact)
        # Stems by their first two letters, so a word is compared with a few
        # stems only.
        buckets: dict[str, list[str]] = {}
        for prefix in prefixes:
            buckets.setdefault(prefix[:2], []).append(prefix)
        self._prefixes = {head: tuple(stems) for head, stems in buckets.items()}
        self._phrases = phrases

    def _word(self, word_key: str) -> bool:
        if word_key in self._exact:
            return True
        stems = self._prefixes.get(word_key[:2])
        if stems is not None and word_key.startswith(stems):
            return True
        if "-" in word_key:
            return any(self._word(part) for part in word_key.split("-") if part)
        return False

    def _last(self, word_key: str, wanted: str) -> bool:
        if "-" in word_key:  # "Lex Maria-anmälan"
            word_key = word_key.split("-", 1)[0]
        if wanted.endswith("*"):
            return word_key.startswith(wanted[:-1])
        return any(word_key == wanted + ending for ending in INFLECTIONS)

    def find(self, words: Words) -> Iterator[tuple[int, int]]:
        exact, stems_by_head, phrases = self._exact, self._prefixes, self._phrases
        keys = words.keys
        skip_to = 0
        for index, word_key in enumerate(keys):
            if index < skip_to:
                continue
            if word_key in phrases:
                end = self._phrase_end(words, index, phrases[word_key])
                if end is not None:
                    yield words.starts[index], words.ends[end]
                    skip_to = end + 1
                    continue
            stems = stems_by_head.get(word_key[:2])
            if word_key in exact or (stems is not None and word_key.startswith(stems)) \
                    or ("-" in word_key and self._word(word_key)):
                yield words.starts[index], words.ends[index]

    def _phrase_end(self, words: Words, index: int, variants) -> int | None:
        keys = words.keys
        for middle, last in variants:
            end = index + len(middle) + 1
            if end >= len(keys):
                continue
            if all(keys[index + 1 + offset] == wanted for offset, wanted in enumerate(middle)) \
                    and self._last(keys[end], last) \
                    and all(words.joined(position, position + 1) for position in range(index, end)):
                return end
        return None
