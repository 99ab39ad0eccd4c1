"""The search page /sok/ as a visitor and a registrar use it: what each finds,
filters and facet links, errors next to the fields, the help on an empty
query, pages of hits, and titles shown as text, never as markup."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from diarium.accounts.models import Organ
from diarium.registry import services as registry

from . import factories as f
from .search_support import tantivy_engine_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

SECRET_WORD = "hemligordet"
URL = "/sok/"


@pytest.fixture
def world(tantivy_engine, org, ks, registrar):
    bun = f.organ(org, code="BUN", name="Barn- och ungdomsnämnden", kind=Organ.Kind.BOARD)
    case = f.case(registrar, ks)  # "Digital målbild för Alingsås kommun – öppen och smart"
    answer = f.document(registrar, case, counterpart="Sambruk", description="Remissvar om digital målbild")
    f.document(registrar, case, direction="drawn_up", counterpart="", description="Tjänsteskrivelse om målbilden",
               document_date=dt.date(2019, 3, 4))
    secret = f.document(registrar, case, counterpart="Kalle Ankasson",
                        description=f"Uppgifter om {SECRET_WORD} hälsa")
    registry.document_mark_secret(actor=registrar, document=secret, ground="OSL 26 kap. 1 §",
                                  masked_fields=["counterpart", "description"])
    school = f.case(registrar, bun, title="Skolskjuts till Sollebrunn och digital målbild för skolan")
    return SimpleNamespace(bun=bun, case=case, answer=answer, secret=secret, school=school)


def html(response) -> str:
    return response.content.decode()


def results(response) -> str:
    """The part of the page below the form: status, facets and hits (without
    the links that carry the query on to saving or following it)."""
    page = html(response)
    part = page[page.index('<div class="search-status"'):page.index("</main>")]
    return re.sub(r'<p class="search-actions">.*?</p>', "", part, flags=re.DOTALL)


def hit_links(response) -> list[str]:
    return re.findall(r'<li class="search-hit">\s*<h3><a href="([^"]+)"', html(response))


def facet_links(response) -> dict[str, str]:
    """Facet link text (without the hidden words) → its URL."""
    page = html(response)
    if '<aside class="facets"' not in page:
        return {}
    aside = page[page.index('<aside class="facets"'):page.index("</aside>")]
    links = {}
    for url, text in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', aside, flags=re.DOTALL):
        text = re.sub(r'<span class="visually-hidden">.*?</span>', "", text)
        text = re.sub(r"<[^>]+>", "", text).replace("✓ ", "").strip()
        links[" ".join(text.split())] = url.replace("&amp;", "&")
    return links


def status_region(response) -> str:
    page = html(response)
    start = page.index('<div class="search-status" role="status">')
    return page[start:page.index("</div>", start)]


# --- the page -------------------------------------------------------------------------------
def test_an_empty_query_shows_the_form_and_how_to_search(client, world):
    response = client.get(URL)
    assert response.status_code == 200
    page = html(response)
    assert '<label for="sok-q">Sök</label>' in page
    assert 'role="search"' in page and 'aria-label="Sökformulär"' in page
    assert "Så söker du" in page
    for example in ('<kbd>"öppen och smart"</kbd>', "<kbd>handlingspl*</kbd>", "<kbd>-remiss</kbd>"):
        assert example in page
    assert "träffar" not in status_region(response) and hit_links(response) == []
    assert "<title>Sök – Diarium</title>" in page


def test_every_page_has_a_search_box_in_the_header(client, world, registrar):
    for user in (None, registrar):
        if user:
            client.force_login(user)
        page = html(client.get("/arenden/"))
        header = page[page.index("<header"):page.index("</header>")]
        assert 'action="/sok/"' in header and 'role="search"' in header
        assert '<label for="sidhuvud-sok" class="visually-hidden">Sök i diariet</label>' in header
        assert 'name="q"' in header


def test_the_header_box_leads_to_the_results(client, world):
    response = client.get(URL, {"q": "målbild"})
    assert response.status_code == 200
    assert '<p class="hits" id="traffar">4 träffar</p>' in status_region(response)
    assert "<title>Sökresultat för ”målbild” (4 träffar) – Sök – Diarium</title>" in html(response)


def test_a_hit_shows_kind_linked_title_diary_number_organ_date_and_snippet(client, world):
    response = client.get(URL, {"q": "remissvar"})
    assert hit_links(response) == [f"/handlingar/{world.answer.pk}/"]
    part = results(response)
    hit = part[part.index('<li class="search-hit">'):part.index("</li>", part.index('<li class="search-hit">'))]
    assert '<span class="tag">Handling</span>' in hit
    assert f'<span class="dnr">{world.case.diary_number}-1</span>' in hit
    assert "Kommunstyrelsen" in hit
    assert '<time datetime="2018-06-12">2018-06-12</time>' in hit
    assert "Inkommande" in hit
    assert f'<h3><a href="/handlingar/{world.answer.pk}/"><mark>Remissvar</mark> om digital målbild</a></h3>' in hit
    assert '<p class="snippet">' in hit


def test_the_public_never_finds_a_secret_documents_masked_description(client, world, registrar):
    anonymous = client.get(URL, {"q": SECRET_WORD})
    assert anonymous.status_code == 200
    assert '<p class="hits" id="traffar">0 träffar</p>' in status_region(anonymous)
    assert hit_links(anonymous) == []
    assert facet_links(anonymous) == {}
    below = results(anonymous)
    assert SECRET_WORD not in below and "ankasson" not in below.lower() and "<mark>" not in below
    # The masked entry is still in the public register, as the register shows it.
    masked = client.get(URL, {"q": "sekretessmarkerad"})
    assert hit_links(masked) == [f"/handlingar/{world.secret.pk}/"]
    assert SECRET_WORD not in html(masked) and "Ankasson" not in html(masked)

    client.force_login(registrar)
    staff = client.get(URL, {"q": SECRET_WORD})
    assert '<p class="hits" id="traffar">1 träff</p>' in status_region(staff)
    assert hit_links(staff) == [f"/handlingar/{world.secret.pk}/"]
    assert f"<mark>{SECRET_WORD}</mark>" in results(staff)
    assert facet_links(staff)["Handling (1)"]


def test_facet_counts_are_links_that_add_and_remove_a_filter(client, world):
    response = client.get(URL, {"q": "målbild"})
    links = facet_links(response)
    assert links["Handling (2)"] == "?q=m%C3%A5lbild&kind=document"
    assert links["Ärende (2)"] == "?q=m%C3%A5lbild&kind=case"
    assert "Barn- och ungdomsnämnden (1)" in links and "Kommunstyrelsen (3)" in links

    documents = client.get(URL + links["Handling (2)"])
    assert '<p class="hits" id="traffar">2 träffar</p>' in status_region(documents)
    assert all(link.startswith("/handlingar/") for link in hit_links(documents))
    assert re.search(r'<option value="document" selected>Handling</option>', html(documents))
    selected = facet_links(documents)
    assert selected["Handling (2) – ta bort filtret"] == "?q=m%C3%A5lbild"
    assert 'class="facet-selected" aria-current="true"' in html(documents)

    # Filters combine: the documents of KS dated 2019.
    both = client.get(URL, {"q": "målbild", "kind": "document", "organ": world.case.organ_id, "year": "2019"})
    assert hit_links(both) == [link for link in hit_links(documents) if link != f"/handlingar/{world.answer.pk}/"]
    assert '<p class="hits" id="traffar">1 träff</p>' in status_region(both)
    assert "Rensa filtren" in html(both)


def test_sorting_by_date_puts_the_newest_first(client, world):
    response = client.get(URL, {"q": "målbild", "kind": "document", "sort": "date"})
    dates = re.findall(r'<time datetime="([\d-]+)"', results(response))
    assert dates == sorted(dates, reverse=True) and len(dates) == 2
    assert '<option value="date" selected>Datum, nyast först</option>' in html(response)
    # facet links keep the sort order
    assert all("sort=date" in url for url in facet_links(response).values())


def test_a_reversed_date_range_is_shown_next_to_the_field(client, world):
    response = client.get(URL, {"q": "målbild", "date_from": "2019-06-30", "date_to": "2019-06-01"})
    assert response.status_code == 400
    page = html(response)
    message = "Slutdatumet kan inte vara före startdatumet."
    assert "<title>Fel: Sökresultat för ”målbild” – Sök – Diarium</title>" in page
    summary = page[page.index('<div class="error-summary"'):page.index("</div>", page.index('class="error-summary"'))]
    assert 'role="alert"' in summary
    assert f'<a href="#sok-date-to">Till och med datum: {message}</a>' in summary
    assert f'<ul class="errorlist" id="sok-date-to-fel"><li>{message}</li></ul>' in page
    field = re.search(r'<input type="date" name="date_to" id="sok-date-to"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field and 'aria-describedby="sok-date-to-hjalp sok-date-to-fel"' in field
    assert 'value="2019-06-01"' in field  # what the visitor typed stays
    assert hit_links(response) == [] and facet_links(response) == {}
    assert message in status_region(response)


@pytest.mark.parametrize(("params", "field", "message"), [
    ({"kind": "hemligt"}, "kind", "Okänd typ av träff."),
    ({"year": "tjugoarton"}, "year", "Ogiltigt år."),
    ({"date_from": "30/6/2019"}, "date_from", "Ogiltigt datum. Skriv det som ÅÅÅÅ-MM-DD."),
    ({"organ": "KS"}, "organ", "Okänt organ."),
    ({"sort": "slump"}, "sort", "Okänd sortering."),
])
def test_a_filter_the_search_cannot_use_is_an_error_on_its_field(client, world, params, field, message):
    response = client.get(URL, {"q": "målbild", **params})
    assert response.status_code == 400
    field_id = "sok-" + field.replace("_", "-")
    assert f'<ul class="errorlist" id="{field_id}-fel"><li>{message}</li></ul>' in html(response)
    assert re.search(rf'id="{field_id}"[^>]*aria-invalid="true"', html(response))


def test_a_query_with_nothing_to_search_for_says_so(client, world):
    for q, message in (("-remiss", "Skriv minst ett sökord som ska finnas med"),
                       ("!!! ???", "Skriv minst ett sökord.")):
        response = client.get(URL, {"q": q})
        assert response.status_code == 200
        assert message in status_region(response)
        assert hit_links(response) == []
    # Filters alone are no search either.
    response = client.get(URL, {"kind": "case"})
    assert "Skriv minst ett sökord." in status_region(response)


def test_a_very_long_query_is_cut_with_a_notice_not_an_error(client, world):
    response = client.get(URL, {"q": "målbild " + "x" * 10_000})
    assert response.status_code == 200
    assert "Sökfrågan var för lång. Bara de första 500 tecknen användes." in status_region(response)
    assert "<title>Sökresultat för ”målbild xxxxx" in html(response)


def test_phrases_prefixes_and_exclusions_work_from_the_box(client, world):
    assert len(hit_links(client.get(URL, {"q": '"digital målbild"'}))) == 3
    assert hit_links(client.get(URL, {"q": "skolskj*"})) == [f"/arenden/{world.school.pk}/"]
    assert f"/arenden/{world.school.pk}/" not in hit_links(client.get(URL, {"q": "målbild -skolan"}))


def test_hits_come_in_pages_with_links_to_the_next_and_previous(client, registrar, ks, tantivy_engine):
    case = f.case(registrar, ks, title="Vindkraft i Ödenäs")
    for n in range(23):
        f.document(registrar, case, counterpart="Länsstyrelsen", description=f"Yttrande nummer {n} om vindkraft")
    first = client.get(URL, {"q": "yttrande"})
    assert '<p class="hits" id="traffar">23 träffar</p>' in status_region(first)
    assert len(hit_links(first)) == 20
    page = html(first)
    assert '<li aria-current="page">Sida 1 av 2</li>' in page
    assert '<a href="?q=yttrande&amp;page=2" rel="next">Nästa sida</a>' in page and 'rel="prev"' not in page
    assert '<ol class="search-hits" start="1">' in page

    second = client.get(URL, {"q": "yttrande", "page": "2"})
    page = html(second)
    assert len(hit_links(second)) == 3
    assert '<li aria-current="page">Sida 2 av 2</li>' in page
    assert '<a href="?q=yttrande&amp;page=1" rel="prev">Föregående sida</a>' in page and 'rel="next"' not in page
    assert '<ol class="search-hits" start="21">' in page
    assert "<title>Sökresultat för ”yttrande” (23 träffar), sida 2 – Sök – Diarium</title>" in page
    assert not set(hit_links(first)) & set(hit_links(second))

    beyond = client.get(URL, {"q": "yttrande", "page": "9"})
    assert beyond.status_code == 200 and hit_links(beyond) == []
    assert "Det finns inga fler träffar." in html(beyond)


def test_markup_in_a_title_is_shown_as_text(client, registrar, ks, tantivy_engine):
    f.case(registrar, ks, title='<script>alert("x")</script> Vindkraftsparken <b>Tuvan</b>')
    response = client.get(URL, {"q": "vindkraftsparken"})
    assert len(hit_links(response)) == 1
    part = results(response)
    assert "<script>" not in part and "<b>" not in part
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in part
    assert "&lt;b&gt;Tuvan&lt;/b&gt;" in part
    # ... and so is markup typed into the box.
    typed = client.get(URL, {"q": '"><script>alert(1)</script>'})
    assert "<script>alert(1)</script>" not in html(typed)


def test_saving_and_following_are_offered_for_a_usable_search(client, world, registrar):
    anonymous = html(client.get(URL, {"q": "målbild", "kind": "case"}))
    assert f'href="{reverse("search:subscribe")}?q=m%C3%A5lbild&amp;kind=case">Bevaka sökningen</a>' in anonymous
    assert "Spara sökningen" not in anonymous
    assert "Bevaka sökningen" not in html(client.get(URL, {"q": "-remiss"}))
    client.force_login(registrar)
    staff = html(client.get(URL, {"q": "målbild"}))
    assert f'href="{reverse("search:save")}?q=m%C3%A5lbild">Spara sökningen</a>' in staff
    assert reverse("search:saved_list") in staff


def test_a_fallback_while_the_index_is_missing_is_told_in_the_status_region(client, registrar, ks, settings, db):
    settings.DIARIUM_SEARCH_ENGINE = "tantivy"  # no index was built in this test
    f.case(registrar, ks, title="Vindkraft i Ödenäs")
    response = client.get(URL, {"q": "vindkraft"})
    assert response.status_code == 200
    region = status_region(response)
    assert "Sökindexet byggs om." in region
    assert '<p class="hits" id="traffar">1 träff</p>' in region


def test_changes_not_yet_searchable_are_told_in_the_status_region(client, world):
    from django.utils import timezone

    from diarium.search.models import PendingChange

    PendingChange.objects.create(kind="case", object_id=world.case.pk,
                                 queued_at=timezone.now() - dt.timedelta(minutes=5))
    region = status_region(client.get(URL, {"q": "målbild"}))
    assert "Sökningen ligger något efter: ändringar från de senaste 5 minuterna kan saknas i träffarna." in region
