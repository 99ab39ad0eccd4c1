"""Reads of the intake, for the organisation's registrars only (access.py):
the inbox, one message with its attachments, the mailboxes and how their
reading goes."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from diarium.accounts.models import Organisation
from diarium.core.errors import NotFound, PermissionDenied
from diarium.registry import files as file_store

from . import access, parsing
from .models import IntakeItem, Mailbox

INBOX_PAGE = 50


def _require(user, organisation_id: int) -> None:
    if not access.can_handle_intake(user, organisation_id):
        raise PermissionDenied(_("Du har inte behörighet att läsa organisationens inkorg."))


def intake_organisations(user) -> list[Organisation]:
    """The organisations whose inbox the user handles (a registrar's own, or every one for a superuser)."""
    from diarium.accounts import access as roles

    grants = roles.grants_for(user)
    candidates = Organisation.objects.order_by("name")
    if not grants.superuser:
        candidates = candidates.filter(pk__in=grants.organisation_ids)
    return [o for o in candidates if access.can_handle_intake(user, o.pk)]


def inbox(*, user, organisation_id: int, state: str = IntakeItem.State.NEW) -> QuerySet[IntakeItem]:
    """The organisation's messages in `state`, the newest first (the INBOX_PAGE newest: a
    registrar works through the new ones; the handled ones are found by the register)."""
    _require(user, organisation_id)
    return (IntakeItem.objects.filter(organisation_id=organisation_id, state=state)
            .select_related("mailbox", "handled_by", "document__case")
            .defer("body").order_by("-received_at", "-id")[:INBOX_PAGE])


def inbox_counts(*, user, organisation_id: int) -> dict[str, int]:
    _require(user, organisation_id)
    counts = dict(IntakeItem.objects.filter(organisation_id=organisation_id).values_list("state")
                  .annotate(n=Count("pk")).order_by())
    return {state: counts.get(state, 0) for state in IntakeItem.State.values}


def item_get(*, user, pk: int) -> IntakeItem:
    item = (IntakeItem.objects.select_related("mailbox__organ", "handled_by", "document__case", "duplicate_of",
                                              "eml", "original", "organisation").filter(pk=pk).first())
    if item is None:
        raise NotFound(_("Meddelandet finns inte i inkorgen."))
    _require(user, item.organisation_id)
    return item


def item_attachment(*, item: IntakeItem, index: int) -> parsing.Attachment:
    """One attachment of a message the caller has fetched with item_get (read again from the message)."""
    if item.eml_id is not None:
        with file_store.blob_open(item.eml) as fh:
            for attachment in parsing.parse(fh.read()).attachments:
                if attachment.index == index:
                    return attachment
    raise NotFound(_("Bilagan finns inte i meddelandet."))


def eml_filename(item: IntakeItem) -> str:
    """The name of the message as it came (.eml): the uploaded file's, else its
    subject's; for an uploaded .msg, whose name is the original's, its subject's."""
    return item.filename if item.original_id is None else parsing.message_filename(item.subject)


def mailbox_get(*, user, pk: int) -> Mailbox:
    mailbox = Mailbox.objects.filter(pk=pk).first()
    if mailbox is None:
        raise NotFound(_("Brevlådan finns inte."))
    _require(user, mailbox.organisation_id)
    return mailbox


def mailboxes(*, user, organisation_id: int) -> QuerySet[Mailbox]:
    _require(user, organisation_id)
    return Mailbox.objects.filter(organisation_id=organisation_id).select_related("organ").order_by("name")


def mailboxes_of(*, organisation) -> QuerySet[Mailbox]:
    """The organisation's function mailboxes, for its administrators (whose
    right the caller has checked: administration.views.organisation_for)."""
    return Mailbox.objects.filter(organisation=organisation).select_related("organ").order_by("name", "id")


def mailbox_of(*, organisation, pk: int) -> Mailbox:
    """One of the organisation's mailboxes; another organisation's is not found."""
    mailbox = mailboxes_of(organisation=organisation).filter(pk=pk).first()
    if mailbox is None:
        raise NotFound(_("Brevlådan finns inte."))
    return mailbox


@dataclass(frozen=True)
class Note:
    text: str
    serious: bool = False


def problem_notes(item: IntakeItem) -> list[Note]:
    """What the registrar should know about the message, in Swedish."""
    notes = []
    for problem in item.problems or ():
        code = problem.get("code")
        if code == parsing.NO_SUBJECT:
            notes.append(Note(_("Meddelandet har inget ämne: skriv vad handlingen gäller.")))
        elif code == parsing.NO_SENDER:
            notes.append(Note(_("Meddelandet saknar avsändare: ange vem det kom från.")))
        elif code == parsing.NO_DATE:
            notes.append(Note(_("Meddelandet saknar datum; dagen det kom till brevlådan används.")))
        elif code == parsing.CHARSET:
            notes.append(Note(_("Texten var skriven i en teckenkodning som inte angavs eller inte är känd; den har "
                                "tolkats så gott det går. Originalet sparas oförändrat.")))
        elif code == parsing.DEFECTS:
            notes.append(Note(_("Meddelandets uppbyggnad är delvis trasig; det som gick att läsa visas. Originalet "
                                "sparas oförändrat.")))
        elif code == parsing.ENCRYPTED:
            notes.append(Note(_("Meddelandet är krypterat och kan inte läsas här. Originalet sparas oförändrat."),
                              serious=True))
        elif code == parsing.TOO_LARGE:
            notes.append(Note(_("Meddelandet är för stort för att tas in (%(size)s, gränsen är %(limit)s). Det "
                                "ligger kvar i brevlådan: spara det och registrera det som en vanlig handling, och "
                                "markera det sedan här som hanterat.")
                              % {"size": filesizeformat(problem.get("size") or 0),
                                 "limit": filesizeformat(problem.get("limit") or 0)}, serious=True))
    if item.duplicate_of_id:
        notes.append(Note(_("Ett meddelande med samma meddelande-id kom in tidigare (%(when)s): det kan vara en "
                            "dubblett.") % {"when": item.duplicate_of.received_at.strftime("%Y-%m-%d %H:%M")}
                          if item.duplicate_of else _("Det kan vara en dubblett.")))
    return notes


def forwarded_sender(item: IntakeItem) -> dict | None:
    """The sender of the one message forwarded inside this one, when it holds one:
    the document's sender is then usually that message's, not the colleague's who forwarded it."""
    forwarded = [row["forwarded"] for row in item.attachments if row.get("forwarded")]
    return forwarded[0] if len(forwarded) == 1 else None
