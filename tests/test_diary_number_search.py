"""Issue 20, item 5: a diary number is found however people type it. "2017.676
KS", "2017/676", "KS 2017.676", "KS 2017/676" and other registers' formats
("KS-2014/742.912", "KS/2018:298 - 001", "2015/KS 0246 11") name the case: the
case list finds it, and search (the page and the API, on both engines) has
the case itself as the first hit, as its reader may see it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from diarium.registry import diary_numbers
from diarium.registry.diary_numbers import DiaryNumber

from . import factories as f
from .search_support import find, search_engine_fixture, tantivy_engine_fixture  # noqa: F401

FORMATS = [
    "{y}.{n} {c}", "{y}/{n}", "{c} {y}.{n}", "{c} {y}/{n}", "{c}-{y}/{n}.912", "{c}/{y}:{n} - 001",
    "{y}/{c} {n:04d} 11", "Dnr {y}{c}{n}.042", "dnr {c} {y}/{n}",
]


@settings(max_examples=200, deadline=None)
@given(year=st.integers(1900, 2099), seq=st.integers(1, 999_999),
       code=st.text(alphabet="ABCDEFGHIJKLMNOPRSTUVÅÄÖ", min_size=2, max_size=5), form=st.sampled_from(FORMATS))
def test_every_way_of_writing_a_number_reads_back_as_the_number(year, seq, code, form):
    text = form.format(y=year, n=seq, c=code)
    expected = DiaryNumber(year=year, seq=seq, code="" if "{c}" not in form else code)
    assert diary_numbers.parse(text) == expected, text


@pytest.mark.parametrize("text", ["budget 2017", "2017", "676", "hemtjänst 2017 12", "2018-09-24",
                                  "Ärende om bygglov 2017.676 KS", "", "   ", "KS", "0000.12 KS"])
def test_words_dates_and_lone_numbers_are_not_diary_numbers(text):
    assert diary_numbers.parse(text) is None


@pytest.fixture
def register(search_engine, registrar, ks, org):
    """Fifteen KS cases of this year; the tenth is the one looked for. Other
    cases' documents are full of its number's parts, so words alone rank them first."""
    cases = [f.case(registrar, ks, title=f"Ärende nummer {i} om vägar") for i in range(1, 16)]
    target = cases[9]
    for other in cases[:9]:
        f.document(registrar, other, description=f"KS {target.year} {target.seq} KS {target.year} {target.seq} "
                                                 f"yttrande {target.seq} från KS {target.year}")
    return {"target": target, "ks": ks}


def _forms(case) -> list[str]:
    return [form.format(y=case.year, n=case.seq, c="KS") for form in FORMATS]


def test_search_has_the_case_first_however_its_number_is_typed(client, register):
    target = register["target"]
    assert target.diary_number == f"{target.year}.{target.seq} KS"
    for text in _forms(target):
        result = find(None, text)
        assert result.hits and result.hits[0].key == f"case:{target.pk}", (text, [h.title for h in result.hits])
        assert [h.key for h in result.hits].count(f"case:{target.pk}") == 1
        api = client.get("/api/search", {"q": text}).json()
        assert api["hits"][0]["diary_number"] == target.diary_number, text
    page = client.get(reverse("search:search"), {"q": f"KS {target.year}/{target.seq}"}).content.decode()
    first_document = page.find("yttrande")  # the documents that merely hold the number's parts, if found at all
    assert target.title in page and (first_document == -1 or page.index(target.title) < first_document)
    # A filter that leaves the case out leaves it out.
    assert all(h.key != f"case:{target.pk}" for h in find(None, f"{target.year}/{target.seq}", kind="document").hits)
    # Another organ's code names no case of KS.
    assert all(h.key != f"case:{target.pk}" for h in find(None, f"BUN {target.year}/{target.seq}").hits)


def test_the_case_list_finds_the_case_by_any_form_of_its_number(client, register, registrar):
    target = register["target"]
    client.force_login(registrar)
    for text in _forms(target):
        page = client.get(reverse("registry:case_list"), {"q": text}).content.decode()
        assert target.title in page, text
        assert "Ärende nummer 1 om vägar" not in page, text
    api = client.get("/api/cases", {"q": f"KS {target.year}/{target.seq}"}).json()
    items = api["items"] if isinstance(api, dict) else api
    assert [c["diary_number"] for c in items] == [target.diary_number]


@pytest.mark.django_db
def test_in_the_demo_the_alingsas_case_is_the_first_hit_for_its_number(demo, tantivy_engine, client):
    from diarium.registry.models import Case

    case = Case.objects.get(diary_number="2017.676 KS")
    for text in ("2017.676 KS", "2017/676", "KS 2017.676", "KS 2017/676"):
        result = find(None, text)
        assert result.hits[0].key == f"case:{case.pk}", (text, [h.title for h in result.hits[:3]])
