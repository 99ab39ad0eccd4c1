"""Issue 24: the masking assistant's index of an organisation's names is cheap
to build (registration builds one for each case), and finds exactly what the
index built phrase by phrase found, for any names and any text.

The reference below is the index as it was: each phrase cut into words and
keyed on its own, indexed by the key of its first word. The index under test
looks the phrases up for each word of the text (a title) or, for a text with
many words, builds the whole index; both are compared with the reference, and
so is a Scanner given the names with one given the reference indexes."""

from __future__ import annotations

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from diarium.core.privacy import Scanner
from diarium.core.privacy import words as words_module
from diarium.core.privacy.words import WORD, PhraseIndex, Words, _match, key, phrase_index


class ReferenceIndex:
    """The phrase index built phrase by phrase (before issue 24)."""

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
        found = []
        keys = words.keys
        index = 0
        while index < len(keys):
            end_word = None
            for phrase in self._index.get(keys[index], ()):
                end_word = _match(words, index, phrase)
                if end_word is not None:
                    break
            if end_word is None:
                index += 1
                continue
            found.append((words.starts[index], words.ends[end_word]))
            index = end_word + 1
        return found


# Words that fold in unusual ways (ß, the Turkish i's, a combining dot, a
# Greek ypogegrammeni), share first words, carry the genitive s or a hyphen.
NAME_WORDS = ["Anna", "anna", "ANNA", "Annas", "Karin", "Åberg-Lind", "Åberg", "Lind", "Linds", "Svensson",
              "Yıldız", "YILDIZ", "İlhan", "ilhan", "Straße", "STRASSE", "al-Hassan", "O'Brien", "Ek", "Eks",
              "von", "de", "la", "Mats", "Mat", "Ma", "s", "Ali", "Öberg"]
SEPARATORS = [" ", "  ", " - ", ", ", "\n", "\n\n", "-", "\u0307", "\u0345", "\0", "3", "_", " & ", ""]


@st.composite
def phrase(draw) -> str:
    parts = draw(st.lists(st.sampled_from(NAME_WORDS), min_size=0, max_size=4))
    out = draw(st.sampled_from(["", "", " ", "1 ", "\0"]))
    for index, part in enumerate(parts):
        if index:
            out += draw(st.sampled_from([" ", " ", " ", *SEPARATORS]))
        out += part
    return out + draw(st.sampled_from(["", "", " ", "s", "\0"]))


noise = st.text(alphabet=st.sampled_from([*"abcåäö ABCÅÄÖ,.-'0123456789\n", "\u0307", "\u0131", "İ", "ß"]),
                max_size=20)


@st.composite
def text_with(draw, phrases: list[str]) -> str:
    pieces = draw(st.lists(st.one_of(noise, st.sampled_from(phrases or [""]), st.sampled_from(NAME_WORDS)),
                           max_size=12))
    return "".join(piece + draw(st.sampled_from(SEPARATORS)) for piece in pieces)


@hsettings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_phrase_index_finds_what_the_reference_finds(data):
    known = data.draw(st.lists(phrase(), max_size=12))
    reference = ReferenceIndex(known)
    looked_up = PhraseIndex(known)  # phrases looked up word by word
    built = PhraseIndex(known)
    built._build()  # the whole index at once
    assert bool(looked_up) == bool(built) == bool(reference)
    for _ in range(3):  # one index over several texts, as public_text and the audit use it
        words = Words(data.draw(text_with(known)))
        expected = reference.find(words)
        assert looked_up.find(words) == expected
        assert built.find(words) == expected


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_scanner_finds_what_it_found_with_the_reference_index(data):
    known = data.draw(st.lists(phrase(), max_size=10))
    allowed = data.draw(st.lists(phrase(), max_size=5))
    scanner = Scanner(known_names=known, allowed=allowed)
    reference = Scanner()
    reference._known, reference._allowed = ReferenceIndex(known), ReferenceIndex(allowed)
    for _ in range(3):
        text = data.draw(text_with(known + allowed))
        assert scanner.scan(text) == reference.scan(text)


def test_a_text_with_many_words_builds_the_whole_index_once():
    names = [f"Anna {surname}" for surname in ("Ek", "Lind", "Berg")] + ["Karin Åberg-Lind", "Mats"]
    index = PhraseIndex(names)
    title = Words("Ansökan från Karin Åberg-Linds ombud, Anna Ek")
    assert index.find(title) == ReferenceIndex(names).find(title) == [(13, 30), (38, 45)]
    assert not index._complete
    long_text = Words(" ".join(["ord"] * words_module.LOOKUPS_BEFORE_INDEX + ["anna berg", "MATS"]))
    assert index.find(long_text) == ReferenceIndex(names).find(long_text)
    assert index._complete and len(index.find(long_text)) == 2


def test_phrases_that_are_not_text_and_phrases_without_words():
    class Name:
        def __str__(self) -> str:
            return "Anna Ek"

    assert not PhraseIndex([]) and not PhraseIndex(["", " - ", "123"])
    index = PhraseIndex([Name(), "", "Karin\0Lind"])
    assert index
    words = Words("anna ek och Karin Lind")
    assert index.find(words) == [(0, 7), (12, 22)]


def test_the_same_names_reuse_their_index_and_other_names_get_another():
    names = [f"Anna {n}" for n in range(40)] + ["Karin Lind"]
    first = phrase_index(names)
    assert phrase_index(list(names)) is first
    title = Words("Yttrande från Karin Lind och Maja Ek")
    assert first.find(title) == [(14, 24)]
    added = phrase_index([*names, "Maja Ek"])  # a name registered since: found at once
    assert added is not first and added.find(title) == [(14, 24), (29, 36)]
    for n in range(words_module.BUILT_KEPT):  # only the last ones built are kept
        phrase_index([f"Person {n}"])
    assert phrase_index(names) is not first
