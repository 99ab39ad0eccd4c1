"""Logging in and out through the real forms, with django-axes counting failures."""

import pytest
from django.urls import reverse

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return f.user(username="registrator")


def test_login_page_is_swedish_and_labelled(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert '<label for="id_username">Användarnamn:</label>' in html
    assert '<label for="id_password">Lösenord:</label>' in html
    assert "Hoppa till innehållet" in html


def test_login_and_logout(client, user):
    response = client.post(reverse("accounts:login"), {"username": "registrator", "password": f.PASSWORD},
                           follow=True)
    # A user without a role and nothing on their desk goes on to their meetings (staff: tests/test_desk.py).
    assert response.redirect_chain[-1][0] == reverse("decisions:my_meetings")
    assert "Inloggad som registrator" in response.content.decode()
    response = client.post(reverse("accounts:logout"), follow=True)
    assert "Logga in" in response.content.decode()
    assert "Inloggad som" not in response.content.decode()


def test_wrong_password_shows_a_clear_swedish_error(client, user):
    response = client.post(reverse("accounts:login"), {"username": "registrator", "password": "fel"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Fel användarnamn eller lösenord." in html
    assert 'role="alert"' in html


def test_login_is_locked_after_five_failures(client, user, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _attempt in range(4):
        response = client.post(reverse("accounts:login"), {"username": "registrator", "password": "fel"})
        assert response.status_code == 400
    response = client.post(reverse("accounts:login"), {"username": "registrator", "password": "fel"})
    assert response.status_code == 429
    # even the right password is refused while locked
    response = client.post(reverse("accounts:login"), {"username": "registrator", "password": f.PASSWORD})
    assert response.status_code == 429
    assert "För många misslyckade inloggningsförsök. Försök igen om 15 minuter." in response.content.decode()
    assert "_auth_user_id" not in client.session
