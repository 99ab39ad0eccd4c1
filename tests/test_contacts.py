"""Issue 20, item 3: the contact register. Persons and organisations the
organisation corresponds with, kept by those who register documents and read
by its staff only; a person is a private person unless the registrar says
otherwise, so a document from them never shows their name to the public."""

from __future__ import annotations

import pytest
from django.urls import reverse

from diarium.core.errors import DomainError, PermissionDenied
from diarium.registry import selectors
from diarium.registry import services as registry
from diarium.registry.models import Contact

from . import factories as f
from .api_support import bearer, post_json, token_for
from .public_outputs import dumped_files, found_in

pytestmark = pytest.mark.django_db

PRIVATE = "Gunnel Åkesson"
PRIVATE_PHONE = "0322-61 61 61"


def test_a_private_contact_keeps_a_document_senders_name_from_the_public(client, org, ks, registrar):
    contact = registry.contact_save(actor=registrar, organisation_id=org.pk, kind="person", name=PRIVATE,
                                    phone=PRIVATE_PHONE, email="gunnel@example.se")
    firm = registry.contact_save(actor=registrar, organisation_id=org.pk, kind="organisation",
                                 name="Gunnels Bygg", is_private=True)
    assert contact.is_private and not firm.is_private  # an organisation is never private
    case = f.case(registrar, ks)
    client.force_login(registrar)
    form = client.get(reverse("registry:document_register", args=[case.pk])).content.decode()
    assert f'<option value="{PRIVATE}" data-kind="private">' in form and 'list="kontakter"' in form
    # Left to "auto", the register's private contact is private; the firm is not.
    mine = registry.document_register(actor=registrar, case=case, direction="incoming", counterpart=PRIVATE,
                                      document_date=case.registered_at.date(), description="Synpunkt")
    theirs = registry.document_register(actor=registrar, case=case, direction="incoming", counterpart="Gunnels Bygg",
                                        document_date=case.registered_at.date(), description="Offert")
    assert mine.counterpart_is_private and not theirs.counterpart_is_private
    client.logout()
    page = client.get(reverse("registry:case_detail", args=[case.pk])).content.decode()
    assert PRIVATE not in page and "Gunnels Bygg" in page
    assert client.get(reverse("registry:contact_list")).status_code == 302  # the public has no register
    assert not found_in(dumped_files(), [PRIVATE, PRIVATE_PHONE])


def test_the_register_page_adds_changes_and_says_every_error(client, org, ks, registrar):
    client.force_login(registrar)
    url = reverse("registry:contact_list")
    response = client.post(url, {"kind": "person", "name": " ", "email": "inte-en-adress"})
    page = response.content.decode()
    assert response.status_code == 400 and "Ange namnet." in page and "Ange en giltig e-postadress" in page
    client.post(url, {"kind": "person", "name": PRIVATE, "is_private": "on", "phone": PRIVATE_PHONE})
    contact = Contact.objects.get()
    page = client.get(url, {"q": "gunnel"}).content.decode()
    assert PRIVATE in page and "privatperson" in page
    client.post(f"{url}?kontakt={contact.pk}", {"kind": "person", "name": PRIVATE, "phone": "0322-1"})
    contact.refresh_from_db()
    assert contact.phone == "0322-1" and contact.is_private is False  # unticked: acting for a firm


def test_only_the_organisations_staff_read_and_keep_it(client, org, registrar):
    registry.contact_save(actor=registrar, organisation_id=org.pk, kind="person", name=PRIVATE)
    reader = f.user(org, "reader")
    assert [c.name for c in selectors.contacts(user=reader, organisation_id=org.pk)] == [PRIVATE]
    with pytest.raises(PermissionDenied):
        registry.contact_save(actor=reader, organisation_id=org.pk, kind="person", name="Ny")
    other = f.registrar(f.organisation(name="Lerums kommun", slug="lerum"))
    with pytest.raises(PermissionDenied):
        selectors.contacts(user=other, organisation_id=org.pk)
    with pytest.raises(DomainError) as refused:
        registry.contact_save(actor=registrar, organisation_id=org.pk, kind="robot", name="", email="x")
    assert set(refused.value.errors) == {"kind", "name", "email"}


def test_the_api_for_staff(client, org, registrar):
    auth = bearer(token_for(registrar))
    url = f"/api/organisations/{org.pk}/contacts"
    created = post_json(client, url, {"kind": "organisation", "name": "Bostads AB Lärkan", "org_number": "556000-0000"},
                        **auth)
    assert created.status_code == 201 and created.json()["is_private"] is False
    listed = client.get(url, {"q": "556000"}, **auth).json()
    assert [c["name"] for c in listed] == ["Bostads AB Lärkan"]
    assert client.get(url).status_code in (401, 403)
