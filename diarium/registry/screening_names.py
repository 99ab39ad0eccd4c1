"""The names the masking assistant knows for an organisation (registry.screening):
the private persons it has registered, always found in free text, and the
names that are never a private person's (its staff and members, its organs,
the organisations), never flagged."""

from __future__ import annotations

from diarium.accounts.models import Organ, Organisation, Person

from .models import Contact, Document

KNOWN_NAMES_MAX = 5000  # the most recent private counterparts


def private_counterparts(organisation_id: int) -> list[str]:
    """The private persons among the documents' counterparts (newest first) and in
    the contact register. Read on every registration: the documents' filter and
    order are those of the partial index document_private_counterparts, so this
    reads the newest rows of one index range and joins nothing."""
    rows = (Document.objects.filter(organisation_id=organisation_id, counterpart_is_private=True)
            .exclude(counterpart="").order_by("-registered_at").values_list("counterpart", flat=True))
    contacts = Contact.objects.filter(organisation_id=organisation_id, is_private=True).order_by(
        "-updated_at").values_list("name", flat=True)
    return list(dict.fromkeys([*rows[:KNOWN_NAMES_MAX], *contacts[:KNOWN_NAMES_MAX]]))


def organisation_names(organisation_id: int) -> list[str]:
    """Names, work e-mail addresses and direct numbers the organisation publishes itself."""
    names = []
    for name, email, phone in Person.objects.filter(organisation_id=organisation_id).values_list(
            "name", "email", "phone"):
        names += [name, email, phone]
    for name, email in Organ.objects.filter(organisation_id=organisation_id).values_list("name", "email"):
        names += [name, email]
    names += Organisation.objects.values_list("name", flat=True)
    return [n for n in names if n]
