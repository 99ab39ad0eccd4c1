"""Who may read old documents into an organisation's register and review
what the reader proposes, and what of the citations read from them a reader
is shown: decided here, and only here.

Reading in is the registrar's work for the whole organisation (like the
archive's import and the inbox): the organisation's registrars and
administrators (registry.access.follows_organisation), and superusers. A
proposal holds a file not yet registered and everything read from it, so no
one else sees it: another organisation's proposal is not found.

A citation read from a document is part of that document's register entry
on its case: shown to whoever sees the case, unless the document is secret
and the reader may not read secret documents. Where it resolves to a
decision, the link to the decision is shown as the decisions app shows the
decision (decisions.access.decisions_visible): to the public once its
minutes are adjusted."""

from __future__ import annotations

from django.utils.translation import gettext as _

from diarium.accounts import access as roles
from diarium.accounts.models import Organisation
from diarium.core.errors import NotFound, PermissionDenied
from diarium.decisions import access as decisions_access
from diarium.registry import access as registry_access
from diarium.registry.models import Case

from .events import ReadingEvent
from .models import CitedDecision, ImportProposal


def can_import(user, organisation: Organisation | int) -> bool:
    """Read files into the organisation and review, accept and reject its
    proposals. No user is the command line, which has the installation's rights."""
    if user is None:
        return True
    organisation_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    return roles.grants_for(user).superuser or registry_access.follows_organisation(user, organisation_id)


def require_import(user, organisation: Organisation | int) -> None:
    if not can_import(user, organisation):
        raise PermissionDenied(_("Inläsning av handlingar sköts av organisationens registratorer."))


def organisations_importing(user) -> list[Organisation]:
    """The organisations the user reads documents into, by name."""
    if roles.grants_for(user).superuser:
        return list(Organisation.objects.order_by("name"))
    return list(Organisation.objects.filter(pk__in=registry_access.organisations_followed(user)).order_by("name"))


def organisation_get(*, user, pk: int | None) -> tuple[Organisation, list[Organisation]]:
    """The organisation the user reads into, named by id (else the first of
    theirs), and all of theirs. A user who reads into none is refused; one
    not theirs is not found."""
    mine = organisations_importing(user)
    if not mine:
        raise PermissionDenied(_("Inläsning av handlingar sköts av organisationens registratorer."))
    if pk is None:
        return mine[0], mine
    chosen = next((o for o in mine if o.pk == pk), None)
    if chosen is None:
        raise NotFound(_("Organisationen finns inte."))
    return chosen, mine


def proposal_get(*, user, pk: int) -> ImportProposal:
    """A proposal the user may review; another organisation's is not found
    (and a user who reads into no organisation is refused)."""
    if user is not None and not organisations_importing(user):
        raise PermissionDenied(_("Inläsning av handlingar sköts av organisationens registratorer."))
    proposal = ImportProposal.objects.select_related("organisation", "blob", "case", "meeting", "meeting__organ",
                                                     "document").filter(pk=pk).first()
    if proposal is None or not can_import(user, proposal.organisation_id):
        raise NotFound(_("Den inlästa handlingen finns inte."))
    return proposal


# --- citations on a case --------------------------------------------------------------------
def citation_shown(user, citation: CitedDecision, *, read_secret: bool) -> bool:
    """Whether this reader is shown a citation on its case (the case itself
    is visible to them: the registry decided that)."""
    document = citation.document
    return document is None or not document.is_secret or read_secret


def citation_decision_shown(user, citation: CitedDecision) -> bool:
    """Whether the reader is shown the decision a citation resolved to (a link to it)."""
    return citation.decision_id is not None and decisions_access.decisions_visible(user, citation.decision.meeting)


def case_citations_read_secret(user, case: Case) -> bool:
    return registry_access.can_read_secret(user, case)


# --- the history ------------------------------------------------------------------------------
def internal_event_kinds() -> tuple[str, ...]:
    """The kinds of event this app writes that only staff who read internal
    data are shown. All of them: a proposal queued or rejected names a file
    (whose name may name a private person) that is not a registered document;
    an acceptance says which file a document was read from and who read it
    in (the document's own registration, and the case's, are the public
    record); a citation resolved names the decision before its minutes may be
    public."""
    return (ReadingEvent.PROPOSAL_QUEUED, ReadingEvent.PROPOSAL_REJECTED, ReadingEvent.PROPOSAL_ACCEPTED,
            ReadingEvent.CITATION_RESOLVED)
