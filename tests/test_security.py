"""Security settings a municipality's IT department would check."""

import pytest
from django.contrib.auth.hashers import check_password, make_password

from config import settings as project_settings


def test_passwords_are_hashed_with_argon2(settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    encoded = make_password("Korrekt-Häst-Batteri-9")
    assert encoded.startswith("argon2$")
    assert check_password("Korrekt-Häst-Batteri-9", encoded)


@pytest.mark.django_db
def test_pages_send_security_headers(client):
    response = client.get("/arenden/")
    assert response.status_code == 200
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_forms_need_a_csrf_token(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/konto/logga-in/", {"username": "x", "password": "y"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_a_browser_language_without_a_translation_gets_swedish(client):
    # English follows Accept-Language (tests/test_i18n.py); any other language is Swedish.
    response = client.get("/arenden/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,fr;q=0.8")
    assert '<html lang="sv"' in response.content.decode()
    assert "Ärenden" in response.content.decode()
