"""Each organisation's own public site (issue 25, part 3; diarium/accounts/sites.py).

Two municipalities on one install: Alingsås on alingsas.localhost, Vårgårda on
vargarda.localhost, each with an executive board "KS" and a case of its own. A
visitor on one site meets nothing of the other; the shared host (testserver)
shows both, and /o/<slug>/ there is one organisation's site by path.
"""

import datetime as dt
import io
import logging
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from diarium.accounts import services as accounts
from diarium.accounts import sites
from diarium.accounts.models import Organisation
from diarium.core import public_cache
from diarium.decisions import services as decisions

from . import factories as f
from .search_support import tantivy_engine_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

A_HOST, V_HOST = "alingsas.localhost", "vargarda.localhost"
A_TITLE, V_TITLE = "Parkering vid Alingsås resecentrum", "Parkering vid Vårgårda station"
A_DOC, V_DOC = "Synpunkt på parkeringen i Alingsås", "Synpunkt på parkeringen i Vårgårda"


class Two:
    """The two organisations, their boards, registrars, cases and documents."""

    def __init__(self):
        self.a = f.organisation()
        self.v = f.organisation(name="Vårgårda kommun", slug="vargarda")
        Organisation.objects.filter(pk=self.a.pk).update(host=A_HOST)
        Organisation.objects.filter(pk=self.v.pk).update(
            host=V_HOST, site_title="Vårgårda kommuns diarium", brand_colour="#00573f", contact_email="kommun@vargarda.example",
            contact_phone="0322-60 00 00", postal_address="Vårgårda kommun\n447 80 Vårgårda")
        self.a.refresh_from_db()
        self.v.refresh_from_db()
        self.a_ks, self.v_ks = f.organ(self.a), f.organ(self.v)
        self.a_reg, self.v_reg = f.registrar(self.a), f.user(self.v, "registrar", username="vreg")
        self.a_case = f.case(self.a_reg, self.a_ks, title=A_TITLE)
        self.v_case = f.case(self.v_reg, self.v_ks, title=V_TITLE)
        self.a_doc = f.document(self.a_reg, self.a_case, description=A_DOC)
        self.v_doc = f.document(self.v_reg, self.v_case, description=V_DOC)


@pytest.fixture
def two():
    return Two()


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 87, 63)).save(out, format="PNG")
    return out.getvalue()


def get(client, url, host, **kw):
    return client.get(url, HTTP_HOST=host, **kw)


def text(response) -> str:
    return response.content.decode()


# --- which site ---------------------------------------------------------------------------------
def test_the_host_picks_the_organisation_whatever_its_port_and_case(client, two):
    assert sites.host_name("Vargarda.LOCALHOST:8000") == V_HOST
    assert sites.host_name("[::1]:8000") == "[::1]"
    assert sites.organisation_for_host("VARGARDA.localhost:8000") == two.v
    assert sites.organisation_for_host("okand.localhost") is None
    page = text(get(client, "/arenden/", "Vargarda.Localhost:8000"))
    assert V_TITLE in page and A_TITLE not in page
    page = text(get(client, "/arenden/", A_HOST))
    assert A_TITLE in page and V_TITLE not in page


def test_an_unknown_host_is_a_404_and_is_logged(client, two, caplog):
    with caplog.at_level(logging.WARNING, logger="diarium.sites"):
        response = get(client, "/arenden/", "okand.localhost:8000")
    assert response.status_code == 404
    assert A_TITLE not in text(response) and V_TITLE not in text(response)
    assert any("okand.localhost" in r.getMessage() for r in caplog.records if r.name == "diarium.sites")
    assert get(client, "/api/cases", "okand.localhost").status_code == 404


def test_until_an_organisation_has_a_host_every_allowed_host_is_the_shared_service(client, two):
    """An installation upgraded in place keeps answering on its own address: sites by
    host name begin when the first organisation is given one."""
    Organisation.objects.update(host="")
    page = text(get(client, "/arenden/", "diarium.example.localhost"))
    assert A_TITLE in page and V_TITLE in page
    Organisation.objects.filter(pk=two.v.pk).update(host="vargarda.localhost")
    assert get(client, "/arenden/", "diarium.example.localhost").status_code == 404


def test_the_shared_host_lists_every_organisation_and_its_register_keeps_them_all(client, two):
    f.organisation(name="Herrljunga kommun", slug="herrljunga")  # no host of its own: /o/herrljunga/
    page = text(client.get("/arenden/"))
    assert A_TITLE in page and V_TITLE in page
    landing = client.get(reverse("sites:site_list"))
    assert landing.status_code == 200
    html = text(landing)
    assert "Vårgårda kommuns diarium" in html and "Alingsås kommun" in html and "Herrljunga kommun" in html
    assert 'href="http://vargarda.localhost/"' in html and 'href="/o/herrljunga/"' in html
    assert reverse("sites:site_list") in page  # the footer links to it on the shared service
    # An organisation's site has no list of the others.
    assert get(client, reverse("sites:site_list"), V_HOST).status_code == 404


def test_o_slug_is_the_organisations_site_and_every_link_keeps_the_prefix(client, two):
    response = client.get("/o/vargarda/arenden/")
    assert response.status_code == 200
    page = text(response)
    assert V_TITLE in page and A_TITLE not in page
    assert f'href="/o/vargarda/arenden/{two.v_case.pk}/"' in page
    assert 'href="/o/vargarda/sammantraden/"' in page and 'action="/o/vargarda/sok/"' in page
    assert f'href="/arenden/{two.v_case.pk}/"' not in page
    assert client.get(f"/o/vargarda/arenden/{two.v_case.pk}/").status_code == 200
    assert client.get(f"/o/vargarda/arenden/{two.a_case.pk}/").status_code == 404
    # Redirects stay under the prefix: the missing slash, the login, the bare prefix.
    assert client.get("/o/vargarda/arenden")["Location"] == "/o/vargarda/arenden/"
    login = client.get("/o/vargarda/skrivbord/")
    assert login.status_code == 302 and login["Location"].startswith("/o/vargarda/konto/logga-in/?next=/o/vargarda/")
    bare = client.get("/o/vargarda")
    assert bare.status_code == 301 and bare["Location"] == "/o/vargarda/"
    assert client.get("/o/okand/arenden/").status_code == 404
    # The API answers under the prefix for the organisation alone.
    ids = {c["id"] for c in client.get("/o/vargarda/api/cases").json()["items"]}
    assert ids == {two.v_case.pk}
    # The next request without the prefix has none in its links.
    page = text(client.get("/arenden/"))
    assert f'href="/arenden/{two.a_case.pk}/"' in page and "/o/vargarda/" not in page


# --- what each output shows -------------------------------------------------------------------------
def test_the_register_and_case_pages_are_the_organisations_own(client, two):
    documents = text(get(client, "/handlingar/", V_HOST))
    assert V_DOC in documents and A_DOC not in documents
    assert 'name="organisation"' not in documents  # no choice of organisation on its own site
    assert get(client, f"/arenden/{two.v_case.pk}/", V_HOST).status_code == 200
    assert get(client, f"/arenden/{two.a_case.pk}/", V_HOST).status_code == 404
    assert get(client, f"/arenden/{two.a_case.pk}/historik/", V_HOST).status_code == 404
    assert get(client, reverse("registry:document_detail", args=[two.a_doc.pk]), V_HOST).status_code == 404
    assert get(client, reverse("registry:document_detail", args=[two.v_doc.pk]), V_HOST).status_code == 200
    # Staff of the other organisation are not shown its case on this site either.
    client.force_login(two.a_reg)
    assert get(client, f"/arenden/{two.a_case.pk}/", V_HOST).status_code == 404
    page = text(get(client, "/arenden/", V_HOST))
    assert V_TITLE in page and A_TITLE not in page


def test_the_public_api_answers_for_the_sites_organisation(client, two):
    cases = get(client, "/api/cases", V_HOST).json()["items"]
    assert [c["id"] for c in cases] == [two.v_case.pk]
    # ?organisation= of another organisation does not widen it
    cases = get(client, f"/api/cases?organisation={two.a.pk}", V_HOST).json()["items"]
    assert [c["id"] for c in cases] == [two.v_case.pk]
    documents = get(client, "/api/documents", V_HOST).json()["items"]
    assert [d["id"] for d in documents] == [two.v_doc.pk]
    assert get(client, f"/api/cases/{two.a_case.pk}", V_HOST).status_code == 404
    assert get(client, f"/api/documents/{two.a_doc.pk}", V_HOST).status_code == 404
    assert get(client, f"/api/cases/{two.a_case.pk}/documents", V_HOST).status_code == 404
    assert get(client, f"/api/cases/{two.v_case.pk}", V_HOST).status_code == 200
    organs = get(client, "/api/organs", V_HOST).json()
    assert [o["id"] for o in organs] == [two.v_ks.pk]
    assert {c["id"] for c in client.get("/api/cases").json()["items"]} == {two.a_case.pk, two.v_case.pk}


def _published_meeting(registrar, organ, case, day):
    chair = f.person(organ.organisation, f"Ordförande i {organ.organisation.name}")
    meeting = f.meeting(registrar, organ, date=day, members=[(chair, "chair")],
                        place=f"Sessionssalen {organ.organisation.name}")
    decisions.agenda_item_add(actor=registrar, meeting=meeting, case=case, title=case.title)
    decisions.meeting_publish_notice(actor=registrar, meeting=meeting)
    return meeting


def test_meetings_the_notice_board_and_feeds_are_the_organisations_own(client, two):
    day = dt.date.today() + dt.timedelta(days=14)
    a_meeting = _published_meeting(two.a_reg, two.a_ks, two.a_case, day)
    v_meeting = _published_meeting(two.v_reg, two.v_ks, two.v_case, day)
    page = text(get(client, "/sammantraden/", V_HOST))
    assert f"/sammantraden/{v_meeting.pk}/" in page and f"/sammantraden/{a_meeting.pk}/" not in page
    assert get(client, f"/sammantraden/{a_meeting.pk}/", V_HOST).status_code == 404
    assert get(client, f"/sammantraden/{v_meeting.pk}/", V_HOST).status_code == 200
    # The organs' members, on the organ's own site only.
    assert get(client, reverse("decisions:organ_members", args=[two.a_ks.pk]), V_HOST).status_code == 404
    assert get(client, reverse("decisions:organ_members", args=[two.v_ks.pk]), V_HOST).status_code == 200
    assert get(client, "/anslagstavla/", V_HOST).status_code == 200
    meetings = get(client, "/api/meetings", V_HOST).json()
    assert [m["id"] for m in meetings] == [v_meeting.pk]
    assert get(client, f"/api/meetings/{a_meeting.pk}", V_HOST).status_code == 404
    # Both have a "KS": on the shared host the code is ambiguous, on a site it is the site's own.
    calendar = get(client, "/kalender/organ/KS.ics", V_HOST)
    assert calendar.status_code == 200
    assert "Sessionssalen Vårgårda kommun" in text(calendar) and "Sessionssalen Alingsås" not in text(calendar)
    assert client.get("/kalender/organ/KS.ics").status_code == 404
    feed = text(get(client, "/floden/diariet.atom", V_HOST))
    assert V_DOC in feed and A_DOC not in feed
    both = text(client.get("/floden/diariet.atom"))
    assert V_DOC in both and A_DOC in both
    index = text(get(client, "/floden/", V_HOST))
    assert "Vårgårda kommun" in index and "Alingsås kommun" not in index


def test_oparl_lists_only_the_sites_body_and_dcat_only_its_datasets(client, two):
    bodies = get(client, "/oparl/v1.1/body/", V_HOST).json()["data"]
    assert [b["name"] for b in bodies] == ["Vårgårda kommun"]
    assert all(b["id"].startswith("http://vargarda.localhost/") for b in bodies)
    assert get(client, f"/oparl/v1.1/body/{two.a.pk}/", V_HOST).status_code == 404
    assert get(client, f"/oparl/v1.1/body/{two.v.pk}/", V_HOST).status_code == 200
    assert get(client, f"/oparl/v1.1/organization/{two.a_ks.pk}/", V_HOST).status_code == 404
    assert get(client, f"/oparl/v1.1/organization/{two.v_ks.pk}/", V_HOST).status_code == 200
    assert len(client.get("/oparl/v1.1/body/").json()["data"]) == 2
    dcat = get(client, "/datasets/dcat", V_HOST)
    assert dcat.status_code == 200 and "Vårgårda kommun" in text(dcat) and "Alingsås kommun" not in text(dcat)
    assert get(client, "/datasets/dcat?organisation=alingsas", V_HOST).status_code == 404
    dump = b"".join(get(client, "/datasets/register.csv", V_HOST).streaming_content).decode()
    assert V_TITLE in dump and A_TITLE not in dump


def test_search_finds_only_the_sites_records(client, two, tantivy_engine):
    v_link, a_link = f'href="/arenden/{two.v_case.pk}/"', f'href="/arenden/{two.a_case.pk}/"'
    page = text(get(client, "/sok/?q=parkering", V_HOST))
    assert v_link in page and a_link not in page
    hits = get(client, "/api/search?q=parkering", V_HOST).json()["hits"]
    assert {h["title"] for h in hits} >= {V_TITLE, V_DOC} and not any("Alingsås" in h["title"] for h in hits)
    assert all(h["url"].startswith("http://vargarda.localhost/") for h in hits)
    shared = text(client.get("/sok/?q=parkering"))
    assert v_link in shared and a_link in shared


# --- branding -------------------------------------------------------------------------------------
def test_the_site_shows_its_name_colour_and_contact_details(client, two):
    page = text(get(client, "/arenden/", V_HOST))
    assert "Vårgårda kommuns diarium" in page
    assert '<link rel="stylesheet" href="/o-stil/vargarda.css">' in page
    assert "kommun@vargarda.example" in page and "0322-60 00 00" in page and "447 80 Vårgårda" in page
    assert "style=" not in page.split("<main", 1)[0]  # the colour comes from the stylesheet, not inline
    css = get(client, "/o-stil/vargarda.css", V_HOST)
    assert css["Content-Type"].startswith("text/css") and "#00573f" in text(css)
    # A colour white text cannot be read on falls back to the default header colour.
    Organisation.objects.filter(pk=two.v.pk).update(brand_colour="#ffee00")
    assert "#ffee00" not in text(client.get("/o-stil/vargarda.css")) and sites.DEFAULT_BRAND_COLOUR in text(
        client.get("/o-stil/vargarda.css"))
    assert client.get("/o-stil/okand.css").status_code == 404
    # The logo beside the name, served from its own address.
    admin = f.user(superuser=True)
    accounts.organisation_settings_update(actor=admin, organisation=two.v,
                                          logo=SimpleUploadedFile("logga.png", _png()))
    page = text(get(client, "/arenden/", V_HOST))
    src = re.search(r'<img class="site-logo" src="([^"]+)"', page).group(1)
    assert src.startswith("/o-logo/vargarda/")
    logo = client.get(src)
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png"
    assert b"".join(logo.streaming_content) == _png()
    assert client.get("/o-logo/vargarda/annan.png").status_code == 404
    shared = text(client.get("/arenden/"))
    assert "/o-stil/" not in shared and "kommun@vargarda.example" not in shared


def test_the_public_cache_never_gives_one_sites_page_to_another(client, two, settings):
    settings.DIARIUM_PUBLIC_CACHE_SECONDS = 60
    public_cache._bump_pending = False
    try:
        first = get(client, "/arenden/", V_HOST)
        assert first["X-Public-Cache"] == "miss" and V_TITLE in text(first)
        other = get(client, "/arenden/", A_HOST)
        assert other["X-Public-Cache"] == "miss" and A_TITLE in text(other) and V_TITLE not in text(other)
        again = get(client, "/arenden/", V_HOST)
        assert again["X-Public-Cache"] == "hit" and V_TITLE in text(again) and A_TITLE not in text(again)
        by_path = client.get("/o/alingsas/arenden/")
        assert by_path["X-Public-Cache"] == "miss" and V_TITLE not in text(by_path)
        shared = client.get("/arenden/")
        assert shared["X-Public-Cache"] == "miss" and V_TITLE in text(shared) and A_TITLE in text(shared)
        assert get(client, "/api/cases", V_HOST)["X-Public-Cache"] == "miss"
        assert get(client, "/api/cases", A_HOST).json()["items"][0]["id"] == two.a_case.pk
    finally:
        public_cache._bump_pending = False
