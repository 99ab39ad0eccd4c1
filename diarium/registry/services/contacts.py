"""Writes for the contact register: persons and organisations the organisation
corresponds with. A person is a private person unless the registrar says
otherwise. Kept by those who register documents."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.core.errors import DomainError, PermissionDenied
from diarium.core.limits import is_email, length_errors

from .. import access
from ..models import Contact


def contact_errors(*, kind: str, name: str, email: str, org_number: str, phone: str, address: str) -> dict:
    """What is wrong with a contact, every problem at once."""
    errors: dict[str, list[str]] = {}
    if kind not in Contact.Kind.values:
        errors["kind"] = [_("Välj person eller organisation.")]
    if not name:
        errors["name"] = [_("Ange namnet.")]
    if email and not is_email(email):
        errors["email"] = [_("Ange en giltig e-postadress, t.ex. namn@exempel.se.")]
    for field, messages in length_errors({"name": (name, 300), "org_number": (org_number, 20), "phone": (phone, 40),
                                          "address": (address, 300)}).items():
        errors.setdefault(field, messages)
    return errors


@transaction.atomic
def contact_save(*, actor, organisation_id: int, kind: str, name: str, email: str = "", org_number: str = "",
                 phone: str = "", address: str = "", is_private: bool = True, contact: Contact | None = None,
                 now: dt.datetime | None = None) -> Contact:
    """Add a contact, or change one (`contact`)."""
    if not access.can_keep_contacts(actor, organisation_id):
        raise PermissionDenied(_("Du har inte behörighet att ändra kontaktregistret."))
    if contact is not None and contact.organisation_id != organisation_id:
        raise DomainError(_("Kontakten hör till en annan organisation."))
    values = {"name": " ".join((name or "").split()), "email": (email or "").strip(),
              "org_number": (org_number or "").strip(), "phone": (phone or "").strip(),
              "address": " ".join((address or "").split())}
    errors = contact_errors(kind=kind, **values)
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    now = now or timezone.now()
    contact = contact or Contact(organisation_id=organisation_id, created_at=now)
    for field, value in values.items():
        setattr(contact, field, value)
    contact.kind = kind
    # An organisation is never a private person; a person is unless the registrar says otherwise.
    contact.is_private = bool(is_private) if kind == Contact.Kind.PERSON else False
    contact.updated_at = now
    contact.save()
    return contact
