"""Single sign-on in the browser (issue 25): the login page offers the organisation's
identity provider, its button leads to the provider (a real OpenID Connect provider on
loopback, tests/oidc_provider.py) and its sign-in page, and back to Diarium, signed
in, on the desk. axe-core scans the login page and the landing page."""

from __future__ import annotations

import pytest

from diarium.accounts.models import GroupRoleMapping, IdentityProvider, Role, User
from tests import factories as f
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, LoopbackProvider

from .conftest import axe_scan, follow, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def op(live_server):
    provider = LoopbackProvider().start()
    provider.allow_redirect(f"{live_server.url}/konto/sso/alingsas-ad/oidc/callback/")
    provider.add_user("karin", sub="k-2041", email="karin.holm@alingsas.se", given_name="Karin",
                      family_name="Holm", groups=["diarium-registratorer"])
    provider.current_user = "karin"
    provider.interactive = True  # its own sign-in page, as a real provider shows
    yield provider
    provider.stop()


def test_staff_sign_in_through_the_organisations_identity_provider(browser, live_server, op):
    org = f.organisation()
    f.organ(org)
    provider = IdentityProvider.objects.create(
        organisation=org, slug="alingsas-ad", name="Alingsås AD", protocol=IdentityProvider.Protocol.OIDC,
        issuer=op.issuer, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
    )
    GroupRoleMapping.objects.create(organisation=org, provider=provider, group="diarium-registratorer",
                                    role=Role.REGISTRAR)
    # The provider's certificate is its own (loopback): the browser is told to accept it.
    context = browser.new_context(base_url=live_server.url, locale="sv-SE", ignore_https_errors=True,
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto("/konto/logga-in/")
        axe_scan(page)
        follow(page.get_by_role("link", name="Logga in med Alingsås AD"))
        assert page.url.startswith(op.issuer + "/authorize")
        assert page.get_by_role("heading", name="Testleverantören").is_visible()

        follow(page.get_by_role("button", name="Fortsätt till Diarium"))
        assert page.url == f"{live_server.url}/skrivbord/"
        assert page.title().startswith("Mitt skrivbord")
        axe_scan(page)
        screenshot(page, "sso-desk")
        user = User.objects.get(external_identities__subject="k-2041")
        assert (user.first_name, user.last_name) == ("Karin", "Holm")
        assert user.roles.filter(organisation=org, role=Role.REGISTRAR).exists()
    finally:
        context.close()
