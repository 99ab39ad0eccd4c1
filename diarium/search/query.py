"""Our own parser for the search box: any string becomes a ParsedQuery or a
clear Swedish message, never an exception.

Supported syntax (a small, forgiving subset of what people type into search boxes):

- words: all must match (``digital målbild``);
- ``"a phrase"``: the words next to each other, in that order; an unclosed quote
  runs to the end of the text;
- ``handlings*``: words beginning with "handlings" (at least two letters before the star);
- ``-word`` or ``-"a phrase"``: records with it are left out;
- ``a OR b`` (also ``ELLER``, ``|``): either will do.

Words are the runs of letters and digits, lower-cased: "2017.676" is the two
words 2017 and 676 side by side (matched as a phrase), punctuation, control
characters and emoji separate words or vanish. Nothing the user typed reaches
an engine's own query language: the engines build their queries from these
words (tantivy term/phrase/regex objects, PostgreSQL bound parameters).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

MAX_QUERY_CHARS = 500
MAX_CLAUSES = 20
MAX_WORDS_PER_CLAUSE = 16
MAX_WORD_CHARS = 64
MIN_PREFIX_CHARS = 2

_QUOTES = str.maketrans({c: '"' for c in "“”„‟«»″＂〝〞"})
_MINUS = "-−‐"  # hyphen-minus, minus sign, hyphen
_OR = {"OR", "ELLER", "|", "||"}
_AND = {"AND", "OCH", "&", "&&", "+"}
# A phrase (possibly unclosed, possibly excluded) or a run of anything but blanks and quotes.
_TOKEN = re.compile(r'(?P<neg>[-−‐]?)"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+)')
_WORD = re.compile(r"[^\W_]+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Clause:
    """A word or a run of words that must stand next to each other."""

    words: tuple[str, ...]
    text: str  # as typed (cleaned), for engines whose own parser splits words (PostgreSQL)
    prefix: bool = False  # the last word is a prefix
    quoted: bool = False

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


@dataclass(frozen=True)
class ParsedQuery:
    """All groups must match; in a group any clause will do; no excluded clause may match."""

    groups: tuple[tuple[Clause, ...], ...] = ()
    excluded: tuple[Clause, ...] = ()
    notices: tuple[str, ...] = ()
    message: str | None = None
    text: str = ""  # the cleaned text that was searched for

    @property
    def is_empty(self) -> bool:
        return not self.groups

    @property
    def clauses(self) -> list[Clause]:
        return [c for group in self.groups for c in group]

    @property
    def words(self) -> list[str]:
        """Every positive word, for highlighting."""
        seen: dict[str, None] = {}
        for clause in self.clauses:
            for word in clause.words:
                seen.setdefault(word, None)
        return list(seen)


def clean(text) -> str:
    """The text with control and format characters, lone surrogates and
    unassigned code points turned into blanks, compatibility forms folded
    (NFKC) and runs of blanks collapsed."""
    text = "" if text is None else str(text)
    text = text[: MAX_QUERY_CHARS * 4]  # enough to know it was too long; never scan megabytes
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    text = unicodedata.normalize("NFKC", text)
    return _SPACES.sub(" ", text).strip()


@dataclass
class _State:
    groups: list[list[Clause]] = field(default_factory=list)
    excluded: list[Clause] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    or_pending: bool = False
    last_positive: bool = False
    too_long_word: bool = False
    too_many: bool = False

    def add(self, clause: Clause, *, negative: bool) -> None:
        if negative:
            if clause not in self.excluded:
                if len(self.excluded) >= MAX_CLAUSES:
                    self.too_many = True
                else:
                    self.excluded.append(clause)
            self.or_pending = self.last_positive = False
            return
        if self.or_pending and self.last_positive and self.groups:
            group = self.groups[-1]
            if clause not in group:
                group.append(clause)
        elif not any(group == [clause] for group in self.groups):
            if len(self.groups) >= MAX_CLAUSES:
                self.too_many = True
            else:
                self.groups.append([clause])
        self.or_pending = False
        self.last_positive = True


def _clause(raw: str, *, quoted: bool, state: _State) -> Clause | None:
    text = raw.strip()
    prefix = text.endswith("*")
    words = []
    for word in _WORD.findall(text.lower()):
        if len(word) > MAX_WORD_CHARS:
            state.too_long_word = True
        else:
            words.append(word)
    if not words:
        return None
    if len(words) > MAX_WORDS_PER_CLAUSE:
        words = words[:MAX_WORDS_PER_CLAUSE]
        state.too_many = True
        prefix = False
    if prefix and len(words[-1]) < MIN_PREFIX_CHARS:
        prefix = False
    return Clause(words=tuple(words), text=text.rstrip("*").strip(), prefix=prefix, quoted=quoted)


def parse(text) -> ParsedQuery:
    """The query in `text`. Never raises: what cannot be used is dropped, with a
    notice when the user should know, or a message when nothing is left."""
    notices: list[str] = []
    cleaned = clean(text).translate(_QUOTES)
    if len(cleaned) > MAX_QUERY_CHARS:
        cleaned = cleaned[:MAX_QUERY_CHARS].rstrip()
        notices.append(_("Sökfrågan var för lång. Bara de första %(n)s tecknen användes.") % {"n": MAX_QUERY_CHARS})
    state = _State(notices=notices)
    for match in _TOKEN.finditer(cleaned):
        if match.group("phrase") is not None:
            clause = _clause(match.group("phrase"), quoted=True, state=state)
            if clause is not None:
                state.add(clause, negative=bool(match.group("neg")))
            continue
        word = match.group("word")
        if word in _OR:
            state.or_pending = True
            continue
        if word in _AND:
            continue
        negative = word[0] in _MINUS and len(word) > 1
        word = word.lstrip("+" + _MINUS) if negative else word.lstrip("+")
        clause = _clause(word, quoted=False, state=state)
        if clause is not None:
            state.add(clause, negative=negative)
    if state.too_long_word:
        notices.append(_("Ord längre än %(n)s tecken räknas inte.") % {"n": MAX_WORD_CHARS})
    if state.too_many:
        notices.append(_("Sökfrågan hade för många ord. Bara de första användes."))
    message = None
    if not state.groups:
        message = (_("Skriv minst ett sökord som ska finnas med, inte bara ord som ska uteslutas.")
                   if state.excluded else _("Skriv minst ett sökord."))
    return ParsedQuery(groups=tuple(tuple(g) for g in state.groups), excluded=tuple(state.excluded),
                       notices=tuple(notices), message=message, text=cleaned)
