"""API authentication: bearer tokens, the session with CSRF, token management,
and what the reference lists show to whom."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from diarium.accounts.models import ApiToken, Role
from diarium.registry.models import Case

from . import factories as f
from .api_support import (
    SECRET_DESCRIPTION,
    bearer,
    post_json,
    token_for,
    world,  # noqa: F401  (fixture)
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def test_bearer_token_writes_without_csrf(csrf_client, world):
    response = post_json(csrf_client, "/api/cases", {"organ": world.ks.pk, "title": "Via API"},
                         **bearer(token_for(world.registrar)))
    assert response.status_code == 201, response.content
    assert Case.objects.get(pk=response.json()["id"]).registered_by == world.registrar


def test_bearer_token_reads_as_its_user(client, world):
    response = client.get(f"/api/documents/{world.secret.pk}", **bearer(token_for(world.registrar)))
    assert response.json()["description"] == SECRET_DESCRIPTION


def test_revoked_or_unknown_token_gives_401(client, world):
    raw = token_for(world.registrar)
    token = ApiToken.objects.get(user=world.registrar)
    client.force_login(world.registrar)
    assert client.delete(f"/api/tokens/{token.pk}").status_code == 204
    client.logout()
    for headers in (bearer(raw), bearer("dia_finns-inte")):
        read = client.get("/api/cases", **headers)
        assert read.status_code == 401
        assert read.json()["detail"].startswith("Du måste logga in")
        write = post_json(client, "/api/cases", {"organ": world.ks.pk, "title": "X"}, **headers)
        assert write.status_code == 401
    assert Case.objects.count() == 1


def test_anonymous_reads_need_no_csrf_or_credentials(csrf_client, world):
    assert csrf_client.get("/api/cases").status_code == 200
    assert csrf_client.get(f"/api/cases/{world.case.pk}/documents").status_code == 200


def test_session_writes_need_the_csrf_token(csrf_client, world):
    csrf_client.force_login(world.registrar)
    refused = post_json(csrf_client, "/api/cases", {"organ": world.ks.pk, "title": "Utan CSRF"})
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("CSRF-kontrollen misslyckades")
    secret = ("Diarium2018" * 3)[:32]  # a 32-character CSRF secret, as the cookie holds it
    csrf_client.cookies[settings.CSRF_COOKIE_NAME] = secret
    accepted = post_json(csrf_client, "/api/cases", {"organ": world.ks.pk, "title": "Med CSRF"},
                         HTTP_X_CSRFTOKEN=secret)
    assert accepted.status_code == 201, accepted.content
    assert list(Case.objects.values_list("title", flat=True).order_by("id"))[-1] == "Med CSRF"


def test_create_list_and_revoke_tokens(client, world):
    client.force_login(world.registrar)
    created = post_json(client, "/api/tokens", {"name": "Ärendeintegration"})
    assert created.status_code == 201
    raw = created.json()["token"]
    assert raw.startswith(created.json()["prefix"])
    listed = client.get("/api/tokens")
    assert [t["name"] for t in listed.json()] == ["Ärendeintegration"]
    assert raw not in listed.content.decode() and "token_hash" not in listed.content.decode()
    client.logout()
    assert client.get("/api/tokens", **bearer(raw)).status_code == 200
    # a token cannot mint more tokens: that needs a real login
    assert post_json(client, "/api/tokens", {"name": "x"}, **bearer(raw)).status_code == 401
    other = token_for(world.reader)
    other_id = ApiToken.objects.get(user=world.reader).pk
    assert client.delete(f"/api/tokens/{other_id}", **bearer(raw)).status_code == 404
    assert client.get("/api/tokens", **bearer(other)).status_code == 200
    token_id = created.json()["id"]
    assert client.delete(f"/api/tokens/{token_id}", **bearer(raw)).status_code == 204
    assert client.get("/api/tokens", **bearer(raw)).status_code == 401


def test_token_endpoints_need_login(client, world):
    assert client.get("/api/tokens").status_code == 401
    assert post_json(client, "/api/tokens", {"name": "x"}).status_code == 401


def test_people_show_contact_details_only_to_staff(client, world):
    anonymous = client.get("/api/people")
    assert anonymous.status_code == 200
    [person] = anonymous.json()
    assert person["name"] == "Göran Westerlund" and person["title"] == "Digitaliseringsansvarig"
    assert person["organ_id"] == world.ks.pk
    assert person["email"] is None and person["phone"] is None
    assert "goran.westerlund@example.se" not in anonymous.content.decode()
    client.force_login(world.reader)
    [person] = client.get("/api/people").json()
    assert person["email"] == "goran.westerlund@example.se"


def test_people_contact_details_stay_within_the_organisation(client, world):
    """E-mail and phone go to the person themself and to staff of the person's own
    organisation; the public and staff of another organisation see name and title only."""
    other_org = f.organisation(name="Lerums kommun", slug="lerum")
    other_ks = f.organ(other_org)
    other_staff = f.user(other_org, Role.REGISTRAR, other_ks, username="lerum-registrator")
    own = f.user(username="linnea")  # no role anywhere: the person's own login
    f.person(other_org, "Linnea Ek", title="Registrator", organ=other_ks, email="linnea.ek@lerum.se",
             phone="0302-52 10 00", user=own)

    def contact(response):
        assert response.status_code == 200
        return {p["name"]: (p["email"], p["phone"]) for p in response.json()}

    hidden = (None, None)
    goran = ("goran.westerlund@example.se", "0322-61 60 00")
    linnea = ("linnea.ek@lerum.se", "0302-52 10 00")
    anonymous = client.get("/api/people")
    assert contact(anonymous) == {"Göran Westerlund": hidden, "Linnea Ek": hidden}
    assert "@" not in anonymous.content.decode()
    client.force_login(other_staff)  # staff of Lerum: Lerum's people yes, Alingsås's no
    response = client.get("/api/people")
    assert contact(response) == {"Göran Westerlund": hidden, "Linnea Ek": linnea}
    assert "goran.westerlund@example.se" not in response.content.decode()
    assert contact(client.get("/api/people", {"organisation": world.org.pk})) == {"Göran Westerlund": hidden}
    client.force_login(world.other)  # a case officer on another organ of Alingsås: same organisation
    assert contact(client.get("/api/people")) == {"Göran Westerlund": goran, "Linnea Ek": hidden}
    client.force_login(own)  # the person themself, without any role
    assert contact(client.get("/api/people")) == {"Göran Westerlund": hidden, "Linnea Ek": linnea}
    client.logout()
    assert contact(client.get("/api/people", **bearer(token_for(other_staff)))) == {
        "Göran Westerlund": hidden, "Linnea Ek": linnea}


def test_organs_list(client, world):
    response = client.get("/api/organs", {"organisation": world.org.pk})
    assert response.status_code == 200
    assert [(o["code"], o["kind_label"]) for o in response.json()] == [
        ("BUN", "Nämnd"), ("KS", "Kommunstyrelse"),
    ]
