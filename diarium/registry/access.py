"""What a user may see of a case and its documents: decided here, and only here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Value
from django.utils.translation import gettext as _

from diarium.accounts import access as roles
from diarium.accounts.models import Organ, Organisation, Person
from diarium.core.errors import PermissionDenied
from diarium.core.privacy.parties import looks_like_organisation

from . import extensions
from .models import Case, Contact, Document, DocumentFile, Event, PartyKind


def can_read_secret(user, case: Case) -> bool:
    return roles.can(user, roles.READ_SECRET, organisation_id=case.organisation_id, organ_id=case.organ_id)


def can_read_internal(user, case: Case) -> bool:
    return roles.can(user, roles.READ_INTERNAL, organisation_id=case.organisation_id, organ_id=case.organ_id)


def require_role(user, allowed: set[str], organ: Organ, message: str) -> None:
    """Refuse (PermissionDenied with `message`) unless the user holds one of the
    `allowed` roles on the organ (or its whole organisation)."""
    if not roles.can(user, allowed, organisation_id=organ.organisation_id, organ_id=organ.pk):
        raise PermissionDenied(message)


def case_permissions(user, case: Case) -> dict[str, bool]:
    """Flags for the UI and API: which actions to offer on this case."""
    g = roles.grants_for(user)
    o, organ = case.organisation_id, case.organ_id
    return {
        "read_secret": g.allows(roles.READ_SECRET, o, organ),
        "read_internal": g.allows(roles.READ_INTERNAL, o, organ),
        "register_document": g.allows(roles.REGISTER_DOCUMENT, o, organ),
        "mark_secret": g.allows(roles.MARK_SECRET, o, organ),
        "close": g.allows(roles.CLOSE_CASE, o, organ),
        "edit": g.allows(roles.REGISTER_CASE | roles.CLOSE_CASE, o, organ),
        "link": g.allows(roles.REGISTER_CASE, o, organ),
    }


def _anywhere_in(user, allowed: set[str], organisation_id: int) -> bool:
    """The user holds one of `allowed` on the organisation or on any of its organs."""
    g = roles.grants_for(user)
    if g.superuser:
        return True
    orgs, organs = g.organ_ids_with(allowed)
    return organisation_id in orgs or Organ.objects.filter(pk__in=organs, organisation_id=organisation_id).exists()


def registers_cases_in(user, organisation_id: int) -> bool:
    """The user registers cases for the organisation (all its organs, or one):
    a registrar, who also handles what comes in to its function mailboxes."""
    return _anywhere_in(user, roles.REGISTER_CASE, organisation_id)


def can_keep_contacts(user, organisation_id: int) -> bool:
    """The contact register is kept by those who register documents."""
    return _anywhere_in(user, roles.REGISTER_DOCUMENT, organisation_id)


def can_read_contacts(user, organisation_id: int) -> bool:
    """The contact register (private persons' names and details among them) is
    read by the organisation's staff who read its internal register; never by
    the public, in no output."""
    return _anywhere_in(user, roles.READ_INTERNAL, organisation_id)


MASKED_SECRET = "secret"
MASKED_PRIVATE = "private"


# --- private persons ------------------------------------------------------------------------
def party_is_private(name: str, *, organisation: Organisation | int, declared: str) -> bool:
    """Whether a party outside the organisation (a document's sender or
    recipient, a dispatch or remiss recipient) is a private person, whose name
    the public never sees. `declared` is what the registrar said (PartyKind):
    "private" and "legal" decide; "auto" makes every name private unless it is
    empty, an organisation's name, an organ of `organisation` (name or code), a
    person of `organisation` (its staff and elected members), reads as an
    organisation (core.privacy.parties), was declared a legal person on a
    document of `organisation` before, or is in its contact register as an
    organisation or a person who is not private; a name in the contact register
    as a private person is one, whatever else it looks like. One query."""
    if declared == PartyKind.PRIVATE:
        return True
    if declared == PartyKind.LEGAL:
        return False
    name = (name or "").strip()
    if not name:
        return False
    organisation_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    private_contact = Exists(Contact.objects.filter(organisation_id=organisation_id, name__iexact=name,
                                                    is_private=True))
    if looks_like_organisation(name):
        known = Value(True)
    else:
        known = (Exists(Organisation.objects.filter(name__iexact=name))
                 | Exists(Organ.objects.filter(Q(name__iexact=name) | Q(code__iexact=name),
                                               organisation_id=organisation_id))
                 | Exists(Person.objects.filter(organisation_id=organisation_id, name__iexact=name))
                 | Exists(Document.objects.filter(case__organisation_id=organisation_id,
                                                  counterpart_kind=PartyKind.LEGAL, counterpart__iexact=name))
                 | Exists(Contact.objects.filter(organisation_id=organisation_id, name__iexact=name,
                                                 is_private=False)))
    # One query: a name in the contact register as a private person is one, whatever else it looks like.
    row = Organisation.objects.filter(pk=organisation_id).annotate(
        private=private_contact, known=ExpressionWrapper(known, output_field=BooleanField())
    ).values_list("private", "known").first()
    if row is None:
        return not looks_like_organisation(name)
    private, known_as_legal = row
    return bool(private) or not known_as_legal


def party_mask_reason(*, is_private: bool, read_internal: bool) -> str | None:
    """Why a party's name is hidden from this reader: MASKED_PRIVATE for a
    private person's name to a reader without the right to read internal data
    (the public), else None. The one rule for counterparts and recipients."""
    return MASKED_PRIVATE if is_private and not read_internal else None


def mask_reason(document: Document, field: str, *, read_secret: bool, read_internal: bool) -> str | None:
    """Why a register field of a document is hidden from this reader: secrecy,
    a private person's name, or None when it is shown."""
    if document.is_secret and field in document.masked_fields and not read_secret:
        return MASKED_SECRET
    if field == "counterpart":
        return party_mask_reason(is_private=document.counterpart_is_private, read_internal=read_internal)
    return None


def masked(document: Document, field: str, *, read_secret: bool, read_internal: bool) -> bool:
    """Whether a register field of a document is hidden from this reader."""
    return mask_reason(document, field, read_secret=read_secret, read_internal=read_internal) is not None


def content_hidden(document: Document, *, read_secret: bool) -> bool:
    """Files of a secret document are never handed out without the right (for
    the public as a condition on rows: public_content_q)."""
    return document.is_secret and not read_secret


# --- documents leaving the organisation -----------------------------------------------------
RELEASE_PRIVACY = "personal_data"
RELEASE_SECRET = "secret"


@dataclass(frozen=True)
class Concern:
    """Why a document needs a secrecy review ("sekretessprövning") before it
    leaves the organisation: on a remiss, as supporting document of an agenda,
    or dispatched to outside recipients. `reason` is a code, `message` Swedish."""

    document: Document
    reason: str
    message: str


def _secret_concern(document: Document) -> Concern | None:
    if not document.is_secret:
        return None
    if document.secrecy_ground:
        message = _("Handlingen är sekretessmarkerad (%(ground)s).") % {"ground": document.secrecy_ground}
    else:
        message = _("Handlingen är sekretessmarkerad.")
    return Concern(document=document, reason=RELEASE_SECRET, message=message)


def _privacy_concern(document: Document) -> Concern | None:
    """What the masking assistant found in the document's description or files
    and a registrar has not released (issue 18)."""
    from . import screening

    findings = ((document.privacy or {}).get("description") or {}).get("findings", [])
    withheld = any(screening.withheld(f) for f in findings)
    if not withheld and not document.files.filter(privacy_withheld=True).exclude(privacy__isnull=True).exists():
        return None
    return Concern(document=document, reason=RELEASE_PRIVACY, message=_(
        "Maskeringsassistenten har hittat uppgifter som kan vara personuppgifter i handlingen (beskrivningen "
        "eller filerna), och de är inte frisläppta av registrator."))


# Each rule says whether, and why, one document needs a secrecy review before it goes out.
RELEASE_RULES = (_secret_concern, _privacy_concern)


def release_concerns(documents: Iterable[Document]) -> list[Concern]:
    """Why each of `documents` needs a secrecy review before it leaves the
    organisation, in the order given (each document once); empty when all may go."""
    concerns: list[Concern] = []
    seen: set[int] = set()
    for document in documents:
        if document.pk in seen:
            continue
        seen.add(document.pk)
        concerns.extend(c for rule in RELEASE_RULES if (c := rule(document)) is not None)
    return concerns


# --- the same rules as a query ------------------------------------------------------------
def _scope(user, allowed: set[str]) -> Q | bool:
    """Documents whose case lies where the user holds one of the `allowed` roles:
    True for all, False for none, else a condition on the case (as roles.can)."""
    grants = roles.grants_for(user)
    if grants.superuser:
        return True
    organisations, organs = grants.organ_ids_with(allowed)
    parts = []
    if organisations:
        parts.append(Q(case__organisation_id__in=sorted(organisations)))
    if organs:
        parts.append(Q(case__organ_id__in=sorted(organs)))
    return reduce(or_, parts) if parts else False


def _unless(hidden: Q, scope: Q | bool) -> Q | None:
    """Rows where `hidden` does not apply or the reader's scope lifts it; None
    when nothing is hidden from this reader."""
    if scope is True:
        return None
    shown = ~hidden
    return shown | scope if isinstance(scope, Q) else shown


def readable(user, field: str) -> Q | None:
    """A condition on Document rows: where this reader may read the register
    `field` ("counterpart" or "description"), exactly as mask_reason decides
    row by row; None when the reader may read it everywhere. For searches,
    which must never match a value the reader is not shown."""
    secret_mask = Q(is_secret=True) & Q(masked_fields__icontains=f'"{field}"')
    conditions = [_unless(secret_mask, _scope(user, roles.READ_SECRET))]
    if field == "counterpart":
        conditions.append(_unless(Q(counterpart_is_private=True), _scope(user, roles.READ_INTERNAL)))
    conditions = [c for c in conditions if c is not None]
    return reduce(lambda a, b: a & b, conditions) if conditions else None


def internal_scope(user) -> Q | bool:
    """A condition on rows with a `case` (documents, history events): where this
    user may read internal data, as can_read_internal decides case by case.
    True for everywhere, False for nowhere."""
    return _scope(user, roles.READ_INTERNAL)


# --- what the public reads: the rows ----------------------------------------------------------
# Every output that the public reads (pages, the anonymous API, OParl, DCAT, dumps,
# feeds, the search projection, published PDFs) takes its cases, documents, files
# and history from these functions, and shows a document's register fields only
# as mask_reason leaves them (selectors.register_entry / document_entries, or
# masking.shown_text with mask_reason). An output may narrow and order these rows
# (by organisation, organ, date, the request's parameters), never widen them.
def public_cases() -> QuerySet[Case]:
    """Every case: a case's register entry (diary number, title, organ, status) is
    a public record (OSL 5 kap.); what is secret lives on its documents."""
    return Case.objects.all()


def public_documents() -> QuerySet[Document]:
    """Every document: its register entry is a public record, but only in the form
    mask_reason leaves it to the public (secret fields and private persons' names
    replaced by the neutral texts of registry.masking); its files only where
    content_hidden allows (public_files)."""
    return Document.objects.all()


def public_content_q(document: str = "") -> Q:
    """content_hidden for a reader without read_secret, as a condition: rows of
    (or reaching, through the path `document`, e.g. "document__") a document
    whose content the public may have, i.e. one not marked secret."""
    return Q(**{f"{document}is_secret": False})


def document_files(*, latest: bool = False) -> QuerySet[DocumentFile]:
    """Every file version that still has content, for an output that serves
    every reader at once and hides content per reader with content_hidden (the
    search projection's tiers). Files disposed of (gallrade, registry.disposal)
    are left out: their content is gone. `latest`: only the newest version at
    each position of a document."""
    from .disposal import disposed_files_q

    files = DocumentFile.objects.exclude(disposed_files_q())
    if latest:
        newer = DocumentFile.objects.filter(document=OuterRef("document"), position=OuterRef("position"),
                                            version__gt=OuterRef("version"))
        files = files.exclude(Exists(newer))
    return files


def public_files(*, latest: bool = False) -> QuerySet[DocumentFile]:
    """The file versions the public may have: every version of a file of a
    document not marked secret (content_hidden; selectors.file_for_download hands
    them out). `latest`: the current version only (what OParl publishes as a File)."""
    return document_files(latest=latest).filter(public_content_q("document__"), privacy_withheld=False)


def hidden_event_kinds(*, read_secret: bool, read_internal: bool) -> list[str]:
    """Entries of a case's history a reader is not shown: who read a secret
    document, to those who may not read it; requests for copies (the
    requester's name and contact details) and how they were assigned and
    decided, to all but staff who read internal data (requesting anonymously
    is a right, TF 2 kap. 18 §); and the kinds the apps above registered as
    internal (extensions.event_kinds_register, each with its reason in that
    app's access.py), to all but staff who read internal data."""
    hidden = []
    if not read_secret:
        hidden.append(Event.Kind.SECRET_READ)
    if not read_internal:
        hidden.extend(COPY_REQUEST_EVENT_KINDS)
        hidden.extend(DUE_DATE_EVENT_KINDS)
        hidden.extend(extensions.internal_event_kinds())
    return hidden


# A request for a public document, from its arrival to its decision: who asked
# (anonymity is a right) and how it was handled are read only by staff.
COPY_REQUEST_EVENT_KINDS = (Event.Kind.COPY_REQUESTED, Event.Kind.COPY_REQUEST_ASSIGNED,
                            Event.Kind.COPY_REQUEST_DECIDED)


# Due dates (bevakningar) are the staff's working notes: their reasons are not the public's.
DUE_DATE_EVENT_KINDS = (Event.Kind.DUE_DATE_SET, Event.Kind.DUE_DATE_DONE)


def public_events() -> QuerySet[Event]:
    """The history entries the public reads (hidden_event_kinds for a reader
    without rights)."""
    return Event.objects.exclude(kind__in=hidden_event_kinds(read_secret=False, read_internal=False))


def may_register_cases_somewhere(user) -> bool:
    """Whether the user registers cases in some organ (to offer "Registrera ärende")."""
    grants = roles.grants_for(user)
    organisations, organs = grants.organ_ids_with(roles.REGISTER_CASE)
    return grants.superuser or bool(organisations or organs)


def can_register_cases(user, organ: Organ) -> bool:
    return roles.can(user, roles.REGISTER_CASE, organisation_id=organ.organisation_id, organ_id=organ.pk)


# Changing a case (its officer, its classification) or closing it: case_permissions' "edit" and "close".
CHANGE_CASE = roles.REGISTER_CASE | roles.CLOSE_CASE


def may_change_case(user, case: Case, *, close: bool = False) -> bool:
    """Whether the user may change the case (or, with `close`, close it): the
    rule of case_permissions' "edit" and "close", for one case."""
    allowed = roles.CLOSE_CASE if close else CHANGE_CASE
    return roles.can(user, allowed, organisation_id=case.organisation_id, organ_id=case.organ_id)


def organisations_changing_cases(user) -> set[int] | None:
    """The organisations in some of whose organs the user may change or close
    cases (the case list's bulk actions): None for all of them (a superuser),
    an empty set for none. At most one query (for roles on single organs)."""
    grants = roles.grants_for(user)
    if grants.superuser:
        return None
    organisations, organs = grants.organ_ids_with(CHANGE_CASE)
    if organs:
        organisations |= set(Organ.objects.filter(pk__in=organs).values_list("organisation_id", flat=True))
    return organisations


# --- screened free text (issue 18): what the masking assistant withholds ------------------
def original_visible(entry: dict | None, *, read_secret: bool, read_internal: bool) -> bool:
    """Whether a reader sees a screened field as written rather than as the
    public sees it: the real title of a protected case needs the right to read
    secret data, what the assistant found in free text the right to read
    internal data (as private persons' names)."""
    if not entry:
        return True
    if entry.get("protected"):
        return read_secret
    return read_internal


def shown_value(obj, field: str, *, read_secret: bool, read_internal: bool) -> str:
    """A screened field (registry.screening) as this reader may see it: the
    original for a reader with the right, else the column, which holds what
    the public sees."""
    entry = (obj.privacy or {}).get(field)
    if entry and original_visible(entry, read_secret=read_secret, read_internal=read_internal):
        return entry["original"]
    return getattr(obj, field)


def case_value(user, case: Case, field: str) -> str:
    """A case's screened title or description as `user` may see it."""
    return row_value(user, case, case, field)


def row_value(user, case: Case, row, field: str) -> str:
    """A screened field of a row on `case` (the case itself, an officer's
    report, a proposal) as `user` may see it: the original for staff who may
    read the case's internal data, else what the public sees."""
    if not (row.privacy or {}).get(field):
        return getattr(row, field)
    return shown_value(row, field, read_secret=can_read_secret(user, case),
                       read_internal=can_read_internal(user, case))


def free_text_shown(text: str, *, read_internal: bool, organisation_id: int | None,
                    scanners: dict | None = None) -> str:
    """Free text not screened when it was written (a line of a case's history,
    the reason a remiss deadline was extended, an assessment of an answer) as
    this reader sees it. Staff who may read internal data see it as written;
    for everyone else, what the masking assistant finds in it (a name or a
    personal identity number typed into a reason) is withheld, as in every
    screened field."""
    from . import screening

    if read_internal or not text:
        return text
    return screening.public_text(text, organisation_id, scanners)


def can_review_privacy(user, case: Case) -> bool:
    """Who reviews the assistant's findings and protects a case's title: the registrar."""
    return roles.can(user, roles.MARK_SECRET, organisation_id=case.organisation_id, organ_id=case.organ_id)


# --- files the masking assistant has read (issue 18) --------------------------------------------
def file_withheld(document_file, *, read_internal: bool) -> bool:
    """A file the public does not have: until the assistant has read it, and
    while anything it found there is not released by a registrar (a file is
    handed out whole or not at all). Staff who read internal data have it."""
    return document_file.privacy_withheld and not read_internal


def file_withheld_message(document_file) -> str:
    from django.utils.translation import gettext as _

    if document_file.privacy is None:
        return _("Filen granskas innan den lämnas ut. Försök igen om en stund.")
    return _("Filen kan innehålla personuppgifter och lämnas bara ut efter prövning. Begär ut handlingen, så "
             "prövar registrator den.")


# --- the registrar's overviews of a whole organisation ---------------------------------------
# What is overdue (due dates, requests for public documents) across an organisation
# is followed by its registrars and administrators, with a role for every organ.
FOLLOW_ORGANISATION = {roles.Role.REGISTRAR, roles.Role.ADMIN}


def follows_organisation(user, organisation_id: int) -> bool:
    return roles.can(user, FOLLOW_ORGANISATION, organisation_id=organisation_id, organ_id=None)


def organisations_followed(user) -> list[int]:
    """Organisations whose overviews the user follows (follows_organisation)."""
    return sorted(roles.grants_for(user).organ_ids_with(FOLLOW_ORGANISATION)[0])


# --- the classification scheme (issue 22) -------------------------------------------------------
def can_read_scheme(user, organisation_id: int) -> bool:
    """An organisation's classification scheme with its counts of cases: its
    registrars and administrators (follows_organisation)."""
    return follows_organisation(user, organisation_id)


def can_keep_scheme(user, organisation_id: int) -> bool:
    """Adding, changing, retiring and importing the nodes of the scheme: the
    organisation's administrators, who keep its other reference data
    (accounts.access.can_administer)."""
    return roles.can_administer(user, organisation_id)


def can_classify_cases(user, organisation_id: int) -> bool:
    """The list of the organisation's unclassified cases, to classify them:
    its registrars and administrators (each case is still changed only where
    may_change_case allows)."""
    return follows_organisation(user, organisation_id)


# --- requests for public documents (TF 2 kap., issue 21) ----------------------------------------
def can_read_copy_requests(user, case: Case) -> bool:
    """The requests for a case's documents, with the requester's details: staff
    who read the case's internal data (as its history shows them)."""
    return can_read_internal(user, case)


def can_handle_copy_requests(user, case: Case) -> bool:
    """Register a request that came by phone, e-mail, visit or letter, decide
    one, mark its answer sent: the registrar, an administrator or a case
    officer of the case's organ."""
    return roles.can(user, roles.REGISTER_DOCUMENT, organisation_id=case.organisation_id, organ_id=case.organ_id)


def can_assign_copy_requests(user, case: Case) -> bool:
    """Give a request to an officer: the registrar or an administrator."""
    return roles.can(user, roles.REGISTER_CASE, organisation_id=case.organisation_id, organ_id=case.organ_id)


def can_read_copy(user, case: Case) -> bool:
    """The copy made for the requester (the document's file, or the redacted
    one) before it is sent: staff who may read the case's secret documents."""
    return can_read_secret(user, case)


def copy_requests_scope(user) -> Q | bool:
    """A condition on CopyRequest rows: those this user may read
    (can_read_copy_requests); True for all, False for none."""
    return internal_scope(user)
