"""Making a register extract, and its audit trail (models.RegisterExtract).

Every extract made, shown on the page or downloaded, is logged in the same
transaction: who made it, when, in which organisation's register, for whom and
in which form. Not as an event: events belong to a case's history, which many
more people read, and an extract concerns no case. The log holds the name and
address searched for, so it is read only by those who may make extracts."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.accounts.models import Organisation
from diarium.core.errors import PermissionDenied
from diarium.registry.history import actor_name

from . import access
from .extract import Extract, register_extract
from .models import RegisterExtract

LATEST_SHOWN = 20


@transaction.atomic
def register_extract_make(*, actor, organisation: Organisation, name: str = "", email: str = "",
                          form: str = RegisterExtract.Form.PAGE) -> Extract:
    """Make the extract of every record of `organisation` in which `name` or
    `email` appears (extract.register_extract), for a registrar or
    administrator of the organisation, and log that it was made."""
    if not access.can_make_register_extract(actor, organisation.pk):
        raise PermissionDenied(_("Du har inte behörighet att göra registerutdrag. De görs av organisationens "
                                 "registratorer och administratörer."))
    if form not in RegisterExtract.Form.values:
        form = RegisterExtract.Form.PAGE
    extract = register_extract(organisation=organisation, name=name, email=email)
    RegisterExtract.objects.create(
        organisation=organisation, made_by=actor, made_by_name=actor_name(actor), made_at=timezone.now(),
        subject_name=extract.name, subject_email=extract.email, form=form, records=len(extract.findings),
        incomplete=bool(extract.incomplete),
    )
    return extract


def register_extracts_latest(*, user, organisation: Organisation) -> QuerySet[RegisterExtract]:
    """The latest extracts made in the organisation's register, for those who may make them."""
    if not access.can_make_register_extract(user, organisation.pk):
        raise PermissionDenied(_("Du har inte behörighet att se registerutdragen."))
    return RegisterExtract.objects.filter(organisation=organisation)[:LATEST_SHOWN]
