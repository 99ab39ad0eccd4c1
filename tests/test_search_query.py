"""The search box's parser, and a property test that no text (or filter value)
a visitor can send makes search fail: there is always a result or a Swedish
message, on each engine, for the public and for staff."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from diarium.accounts.models import Role
from diarium.registry import services as registry
from diarium.search import selectors
from diarium.search.query import MAX_QUERY_CHARS, Clause, parse

from . import factories as f
from .search_support import search_engine_fixture  # noqa: F401

EMPTY = "Skriv minst ett sökord."


# --- the parser ------------------------------------------------------------------------------------
def words(parsed) -> list[list[tuple[str, ...]]]:
    return [[c.words for c in group] for group in parsed.groups]


@pytest.mark.parametrize("text", ["", "   ", None, "OR", "ELLER", "-", "*", '"', '""', "AND", "+", "| ||", "\x00\x07",
                                  "😀🎉", "--", "-*", "…", "_ _"])
def test_nothing_to_search_for_gives_a_message(text):
    parsed = parse(text)
    assert parsed.is_empty and parsed.message == EMPTY


def test_only_exclusions_ask_for_a_word_to_find():
    parsed = parse("-skola -förskola")
    assert parsed.is_empty and [c.words for c in parsed.excluded] == [("skola",), ("förskola",)]
    assert parsed.message == "Skriv minst ett sökord som ska finnas med, inte bara ord som ska uteslutas."


def test_words_phrases_prefixes_exclusions_and_alternatives():
    parsed = parse('Digital "öppen och smart" handlings* -skola budget OR ekonomi')
    assert words(parsed) == [[("digital",)], [("öppen", "och", "smart")], [("handlings",)],
                             [("budget",), ("ekonomi",)]]
    assert parsed.groups[1][0].quoted and parsed.groups[2][0].prefix
    assert [c.words for c in parsed.excluded] == [("skola",)]
    assert parsed.message is None and parsed.notices == ()


def test_punctuation_splits_words_into_a_phrase_and_keeps_the_typed_text():
    [[clause]] = parse("2017.676").groups
    assert clause == Clause(words=("2017", "676"), text="2017.676")
    [[clause]] = parse("e-tjänst*").groups
    assert (clause.words, clause.prefix) == (("e", "tjänst"), True)
    assert words(parse('"unclosed phrase')) == [[("unclosed", "phrase")]]
    assert words(parse("a* b")) == [[("a",)], [("b",)]]  # a one-letter prefix is a word


def test_sql_and_markup_are_only_words():
    assert words(parse("'; DROP TABLE search_searchrecord; --")) == [[("drop",)], [("table",)],
                                                                     [("search", "searchrecord")]]
    assert words(parse("<script>alert(1)</script>")) == [[("script", "alert", "1", "script")]]
    assert words(parse("title:secret AND NOT x")) == [[("title", "secret")], [("not",)], [("x",)]]


def test_control_characters_and_emoji_separate_words():
    # Control and format characters are blanks; an emoji inside a word splits it like punctuation.
    assert words(parse("plan\x00budget\u200bår😀mål\x1b[31m")) == [[("plan",)], [("budget",)], [("år", "mål")],
                                                                     [("31m",)]]


def test_a_very_long_query_is_cut_with_a_notice():
    parsed = parse("plan " * 2000)
    assert parsed.notices[0] == f"Sökfrågan var för lång. Bara de första {MAX_QUERY_CHARS} tecknen användes."
    assert words(parsed) == [[("plan",)]]
    assert len(parsed.text) <= MAX_QUERY_CHARS
    many = parse(" ".join(f"ord{n}" for n in range(50)))
    assert len(many.groups) == 20 and "Sökfrågan hade för många ord. Bara de första användes." in many.notices
    long_word = parse("x" * 10_000)
    assert long_word.message == EMPTY and "Ord längre än 64 tecken räknas inte." in long_word.notices


# --- whatever is typed, search answers --------------------------------------------------------------
HOSTILE = [
    "", " ", '"', '"""', "-", "*", "**", "OR", "OR OR", "-OR", '-"', "(", ")", "[", "]", "{", "}", "\\", "\x00",
    "\u202e", "\ud7ff", "'; DROP TABLE search_searchrecord; --", "1' OR '1'='1", "title:*", "field:(a OR b)",
    "a~2", "a^5", "/.*/", "<script>alert(1)</script>", "&amp;", "%s %d %%", "{0} {x}", "🧨" * 200,
    "plan " * 3000, "x" * 10_000, "\n\r\t\x0b\x0c", "ﬁ ﬂ Ⅻ ①", "ÅÄÖ åäö", "\u0301\u0301", "null", "NaN",
    "handlings* -\"digital\" OR", '"-a" -"b"', "-a -b -c",
]
FILTER_VALUES = st.one_of(st.none(), st.text(max_size=20), st.integers(), st.sampled_from(
    ["case", "document", "2019", "2019-02-30", "0", "-1", "case:open", "x:y", "9" * 30]))


@pytest.fixture
def searchable(search_engine, org, ks, registrar):
    case = f.case(registrar, ks, title="Handlingsplanen för digital målbild")
    f.document(registrar, case, description="<b>Remissvar</b> & synpunkter")
    secret = f.document(registrar, case, description="Hemligt underlag")
    registry.document_mark_secret(actor=registrar, document=secret, ground="OSL 18 kap. 8 §",
                                  masked_fields=["description"])
    return [None, f.user(org, Role.READER), registrar]


def _check(result) -> None:
    assert isinstance(result, selectors.SearchResult)
    assert not result.fallback  # the engine answered itself: no error was swallowed
    assert (result.message is not None) or result.total >= len(result.hits)
    if result.message is not None:
        assert result.hits == [] and result.total == 0
    for hit in result.hits:
        for html in (hit.snippet_html, hit.title_html):
            assert html.replace("<mark>", "").replace("</mark>", "").count("<") == 0


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.text(), st.text(alphabet='"*-()|:^~ORAND ', max_size=40), st.sampled_from(HOSTILE)),
       page=st.one_of(st.integers(min_value=-5, max_value=10**6), st.text(max_size=5)),
       kind=FILTER_VALUES, year=FILTER_VALUES, date_from=FILTER_VALUES, status=FILTER_VALUES)
def test_any_text_gives_a_result_or_a_message(searchable, text, page, kind, year, date_from, status):
    for user in searchable:
        _check(selectors.search(user=user, q=text, page=page, kind=kind, year=year, date_from=date_from,
                                status=status, organ=kind))


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_texts_on_each_engine(searchable, text):
    for user in searchable:
        _check(selectors.search(user=user, q=text))
    assert selectors.search(user=None, q="hemligt").total == 0
