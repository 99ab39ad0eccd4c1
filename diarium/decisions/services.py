"""Writes for meetings and decisions. Every write is one transaction that also
appends its event to the case history where there is a case."""

from __future__ import annotations

import datetime as dt
import logging
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.accounts.models import Organ, Person
from diarium.core import drawing
from diarium.core.errors import DomainError, PermissionDenied
from diarium.core.limits import check_lengths, length_errors, past_date_errors
from diarium.core.tasks import enqueue_by_name
from diarium.registry import files as file_store
from diarium.registry import services as registry
from diarium.registry.models import Case, Document, DocumentFile

from . import access
from .events import DecisionEvent
from .models import (
    ASSIGNMENT_TEXT_MAX, CONDITION_TEXT_MAX, CORRECTION_REASON_MAX, DECISION_TEXT_MAX, DISPATCH_LINE_MAX,
    DISPATCH_LINES_MAX, NOTE_TEXT_MAX, OFFICE_MAX, PLACE_MAX, REPORT_TEXT_MAX, SIGNATORY_MAX, TITLE_MAX,
    AgendaItem, Assignment, Attendance, Correction, Decision, DecisionNote, DecisionRecipient, Meeting, Membership,
    Minutes, OfficerReport, ParagraphCounter, Proposal, Signature,
)
from .references import REFERENCE

logger = logging.getLogger("diarium.decisions")

APPEAL_DAYS = 21  # kommunallagen 13 kap. 5 §: three weeks from the posting of the adjusted minutes


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _too_long(errors: dict[str, list[str]], values: dict[str, tuple[object, int]]) -> None:
    """Add "Högst N tecken." for each over-long value to `errors` (a field's
    first error stays first)."""
    for name, messages in length_errors(values).items():
        errors.setdefault(name, messages)


def _errors(errors: dict[str, list[str]]) -> None:
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)


# --- memberships and meetings --------------------------------------------------------------
@transaction.atomic
def membership_add(*, actor, organ: Organ, person: Person, role: str, start: dt.date,
                   end: dt.date | None = None, party: str = "") -> Membership:
    access.require_manage_meetings(actor, organ)
    errors = {}
    if role not in Membership.Role.values:
        errors["role"] = [_("Välj ordförande, vice ordförande, ledamot eller ersättare.")]
    if person.organisation_id != organ.organisation_id:
        errors["person"] = [_("Personen hör till en annan organisation.")]
    if end is not None and end < start:
        errors["end"] = [_("Slutdatum kan inte ligga före startdatum.")]
    _errors(errors)
    return Membership.objects.create(organ=organ, person=person, role=role, start=start, end=end, party=party[:40])


def members_on(organ: Organ, day: dt.date) -> list[Membership]:
    return list(
        Membership.objects.filter(organ=organ, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day)).select_related("person").order_by("role", "person__name")
    )


@transaction.atomic
def meeting_create(
    *, actor, organ: Organ, date: dt.date, start_time: dt.time | None = None, end_time: dt.time | None = None,
    place: str = "", chair: Person | None = None, secretary: Person | None = None,
    adjusters: Sequence[Person] = (), now: dt.datetime | None = None,
) -> Meeting:
    """Plan a meeting. Its members and substitutes come from the organ's
    memberships on the day; the chair defaults to the organ's chair."""
    access.require_manage_meetings(actor, organ)
    if not isinstance(date, dt.date):
        raise DomainError(_("Ange datum för sammanträdet (ÅÅÅÅ-MM-DD)."), field="date")
    if organ.kind in (Organ.Kind.COMPANY, Organ.Kind.EXTERNAL):
        raise DomainError(_("%(organ)s håller inte sammanträden i Diarium.") % {"organ": organ.name}, field="organ")
    check_lengths({"place": ((place or "").strip(), PLACE_MAX)})
    members = members_on(organ, date)
    if chair is None:
        chair = next((m.person for m in members if m.role == Membership.Role.CHAIR), None)
    meeting = Meeting.objects.create(
        organisation_id=organ.organisation_id, organ=organ, date=date, start_time=start_time, end_time=end_time,
        place=(place or "").strip(), chair=chair, secretary=secretary, created_at=now or timezone.now(),
    )
    meeting.adjusters.set(list(adjusters))
    Attendance.objects.bulk_create([Attendance(meeting=meeting, person=m.person, role=m.role) for m in members])
    return meeting


def _locked_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("organ").get(pk=meeting.pk)


def _editable_agenda(meeting: Meeting) -> None:
    if meeting.status in (Meeting.Status.CLOSED, Meeting.Status.ADJUSTED):
        raise DomainError(_("Sammanträdet är avslutat; föredragningslistan kan inte ändras."))


@transaction.atomic
def agenda_item_add(
    *, actor, meeting: Meeting, title: str = "", case: Case | None = None, proposal: Proposal | None = None,
    documents: Sequence[Document] = (), now: dt.datetime | None = None,
) -> AgendaItem:
    """Put a matter on the agenda with the documents it rests on ("beslutsunderlag").
    `now`: when (default now; loaders of historic data pass the date)."""
    access.require_manage_meetings(actor, meeting.organ)
    meeting = _locked_meeting(meeting)
    _editable_agenda(meeting)
    if proposal is not None:
        if proposal.organ_id != meeting.organ_id:
            raise DomainError(_("Förslaget är ställt till %(organ)s.") % {"organ": proposal.organ.name}, field="proposal")
        case = case or proposal.case
    title = (title or (case.title if case else "")).strip()
    if not title:
        raise DomainError(_("Ange en rubrik för punkten."), field="title")
    check_lengths({"title": (title, TITLE_MAX)})
    if case is not None and case.organisation_id != meeting.organisation_id:
        raise DomainError(_("Ärendet hör till en annan organisation."), field="case")
    documents = list(documents)
    if any(case is None or d.case_id != case.pk for d in documents):
        raise DomainError(_("Beslutsunderlaget måste höra till ärendet."), field="documents")
    position = (meeting.items.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    item = AgendaItem.objects.create(meeting=meeting, position=position, title=title, case=case,
                                     proposal=proposal)
    item.supporting_documents.set(documents)
    if case is not None:
        registry.event_append(case=case, kind=DecisionEvent.AGENDA_ITEM_ADDED, actor=actor, at=now, data={
            "meeting": meeting.pk, "details": f"{meeting.organ.code} {meeting.date:%Y-%m-%d}, punkt {position}",
        })
    return item


@transaction.atomic
def agenda_item_move(*, actor, item: AgendaItem, up: bool) -> AgendaItem:
    access.require_manage_meetings(actor, item.meeting.organ)
    meeting = _locked_meeting(item.meeting)
    _editable_agenda(meeting)
    items = list(meeting.items.order_by("position"))
    index = next(i for i, it in enumerate(items) if it.pk == item.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(items):
        return item
    items[index], items[other] = items[other], items[index]
    # Renumber through a free range so the unique (meeting, position) holds at every step.
    offset = len(items) + 1000
    for it in items:
        AgendaItem.objects.filter(pk=it.pk).update(position=it.position + offset)
    for position, it in enumerate(items, start=1):
        AgendaItem.objects.filter(pk=it.pk).update(position=position)
    item.refresh_from_db()
    return item


def _status_change(actor, meeting: Meeting, *, allowed_from: Sequence[str], to: str, stamp: str, message: str,
                   now: dt.datetime | None) -> Meeting:
    access.require_manage_meetings(actor, meeting.organ)
    meeting = _locked_meeting(meeting)
    if meeting.status not in allowed_from:
        raise DomainError(message)
    meeting.status = to
    setattr(meeting, stamp, now or timezone.now())
    meeting.save(update_fields=["status", stamp])
    return meeting


@transaction.atomic
def meeting_publish_notice(*, actor, meeting: Meeting, now: dt.datetime | None = None) -> Meeting:
    """Publish the notice ("kallelse") with the agenda: e-mail to members and
    substitutes, and the agenda with its public documents to the public view."""
    access.require_manage_meetings(actor, meeting.organ)
    if not meeting.items.exists():
        raise DomainError(_("Föredragningslistan är tom."))
    meeting = _status_change(actor, meeting, allowed_from=[Meeting.Status.PLANNED], to=Meeting.Status.NOTICE_PUBLISHED,
                             stamp="notice_published_at", message=_("Kallelsen är redan utskickad."), now=now)
    _notice_store(meeting, published_on=timezone.localtime(now or meeting.notice_published_at).date())
    for attendance in meeting.attendance.select_related("person"):
        if attendance.person.email:
            enqueue_by_name("diarium.decisions.tasks.send_notice", meeting.pk, attendance.person_id)
    return meeting


def _notice_store(meeting: Meeting, *, published_on: dt.date) -> None:
    """Draw up the notice with the (public) agenda and keep it with the meeting,
    as the minutes are: a record of the organ's meeting series, not of a case."""
    from . import selectors

    upload = _drawn_up_file("notice", {
        "meeting": meeting, "items": selectors.agenda(meeting=meeting, user=None),
        "organisation": meeting.organisation, "published_on": published_on,
    }, template="decisions/notice_document.html", stem="kallelse")
    checked = file_store.check_upload(upload)
    written: list[str] = []
    try:
        meeting.notice_blob = file_store.blob_store(checked, written=written)
        meeting.save(update_fields=["notice_blob"])
    except BaseException:
        file_store.remove_unreferenced(written)
        raise


def notice_deliver(meeting_id: int, person_id: int, *, connection=None) -> bool:
    """Mail the notice to one member or substitute: the agenda in the message and
    the drawn-up notice (PDF/A) attached, as it was published."""
    meeting = Meeting.objects.select_related("organ", "organisation", "notice_blob").filter(pk=meeting_id).first()
    person = Person.objects.filter(pk=person_id).first()
    if meeting is None or person is None or not person.email:
        return False
    if meeting.status not in (Meeting.Status.NOTICE_PUBLISHED, Meeting.Status.OPENED) or \
            meeting.date < timezone.localdate():
        return False  # a notice for a meeting already held is never sent late
    from . import selectors
    from django.conf import settings

    body = render_to_string("decisions/email/notice.txt", {
        "meeting": meeting, "person": person, "items": selectors.agenda(meeting=meeting, user=None),
        "url": settings.SITE_URL + meeting.get_absolute_url(),
    })
    subject = _("Kallelse: %(organ)s %(date)s") % {"organ": meeting.organ.name, "date": meeting.date.isoformat()}
    message = EmailMessage(subject=subject, body=body, to=[person.email], connection=connection)
    if meeting.notice_blob is not None:
        blob = meeting.notice_blob
        with file_store.blob_open(blob) as fh:
            content = fh.read()
        extension = mimetypes.guess_extension(blob.content_type.split(";")[0].strip()) or ""
        message.attach(f"kallelse-{meeting.organ.code}-{meeting.date:%Y-%m-%d}{extension}".lower(), content,
                       blob.content_type)
    try:
        message.send()
    except Exception as exc:  # the mail server; a notice can be sent again
        logger.warning("Notice to %s failed: %s", person.email, exc)
        return False
    return True


@transaction.atomic
def meeting_open(*, actor, meeting: Meeting, now: dt.datetime | None = None) -> Meeting:
    return _status_change(actor, meeting, allowed_from=[Meeting.Status.PLANNED, Meeting.Status.NOTICE_PUBLISHED],
                          to=Meeting.Status.OPENED, stamp="opened_at",
                          message=_("Sammanträdet kan inte öppnas: det är redan öppnat eller avslutat."), now=now)


@transaction.atomic
def meeting_close(*, actor, meeting: Meeting, now: dt.datetime | None = None) -> Meeting:
    meeting = _status_change(actor, meeting, allowed_from=[Meeting.Status.OPENED], to=Meeting.Status.CLOSED,
                             stamp="closed_at", message=_("Bara ett pågående sammanträde kan avslutas."), now=now)
    Minutes.objects.get_or_create(meeting=meeting)
    return meeting


@transaction.atomic
def attendance_set(*, actor, meeting: Meeting, present_ids: Sequence[int]) -> None:
    access.require_manage_meetings(actor, meeting.organ)
    if meeting.status == Meeting.Status.ADJUSTED:
        raise DomainError(_("Protokollet är justerat; närvaron kan inte ändras."))
    meeting.attendance.update(present=False)
    meeting.attendance.filter(person_id__in=list(present_ids)).update(present=True)


# --- drawn-up files -----------------------------------------------------------------------
# The officer's report ("officer_report"), the minutes ("minutes"), the minutes
# excerpt ("excerpt") and the notice ("notice") are drawn up through the hook in
# diarium.core.drawing, which the documents app (above this one, never imported)
# fills with its PDF/A renderers. Without it they are the plain HTML of the
# templates here.
def _drawn_up_file(kind: str, context: dict, *, template: str, stem: str) -> SimpleUploadedFile:
    return drawing.draw(kind, context, template=template, stem=stem).upload()


# --- officer's reports and proposals -----------------------------------------------------
@dataclass
class ProposalInput:
    organ: Organ
    text: str
    condition_organ: Organ | None = None
    condition_text: str = ""


@dataclass
class Signatory:
    name: str
    title: str = ""


def _report_errors(errors: dict[str, list[str]], *, title: str, office: str, background: str, opinion: str,
                   proposals: Sequence[ProposalInput], dispatch_to: Sequence[str], signatories: Sequence[Signatory],
                   report_date: dt.date | None) -> None:
    """The limits of an officer's report's texts and its date, into `errors`."""
    _too_long(errors, {"title": (title, TITLE_MAX), "office": ((office or "").strip(), OFFICE_MAX),
                       "background": (background, REPORT_TEXT_MAX),
                       "opinion": ((opinion or "").strip(), REPORT_TEXT_MAX)})
    for p in proposals:
        _too_long(errors, {"proposals": ((p.text or "").strip(), DECISION_TEXT_MAX)})
        _too_long(errors, {"proposals": ((p.condition_text or "").strip(), CONDITION_TEXT_MAX)})
    lines = [line.strip() for line in dispatch_to if line and line.strip()]
    if len(lines) > DISPATCH_LINES_MAX:
        errors.setdefault("dispatch_to", [_("Högst %(n)s mottagare.") % {"n": DISPATCH_LINES_MAX}])
    for line in lines:
        _too_long(errors, {"dispatch_to": (line, DISPATCH_LINE_MAX)})
    for signatory in signatories:
        _too_long(errors, {"signatories": ((signatory.name or "").strip(), SIGNATORY_MAX)})
        _too_long(errors, {"signatories": ((signatory.title or "").strip(), SIGNATORY_MAX)})
    wrong_date = past_date_errors(report_date)
    if wrong_date:
        errors.setdefault("report_date", wrong_date)


def officer_report_create(
    *, actor, case: Case, title: str, addressed_to: Organ, background: str, opinion: str = "",
    proposals: Sequence[ProposalInput] = (), dispatch_to: Sequence[str] = (), signatories: Sequence[Signatory] = (),
    office: str = "", report_date: dt.date | None = None, now: dt.datetime | None = None,
) -> OfficerReport:
    """Write the officer's report ("tjänsteskrivelse") on a case: background, the
    office's opinion, proposed decisions per organ, who the decision goes to and
    who signs. It is registered on the case as a drawn-up document."""
    access.require_write_reports(actor, case, _("Du har inte behörighet att skriva tjänsteskrivelser i ärendet."))
    now = now or timezone.now()
    report_date = report_date or timezone.localtime(now).date()
    title, background = (title or "").strip(), (background or "").strip()
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = [_("Ange en rubrik.")]
    if not background:
        errors["background"] = [_("Beskriv ärendet (ärendebeskrivning).")]
    proposals = [p for p in proposals if (p.text or "").strip()]
    if not proposals:
        errors["proposals"] = [_("Skriv minst ett förslag till beslut.")]
    if any(p.organ.organisation_id != case.organisation_id for p in proposals) or \
            addressed_to.organisation_id != case.organisation_id:
        errors["proposals"] = [_("Förslagen måste ställas till organ i samma organisation.")]
    _report_errors(errors, title=title, office=office, background=background, opinion=opinion, proposals=proposals,
                   dispatch_to=dispatch_to, signatories=signatories, report_date=report_date)
    _errors(errors)
    recipients = [line.strip() for line in dispatch_to if line and line.strip()]

    def write(_written):
        report = OfficerReport.objects.create(
            case=case, title=title, addressed_to=addressed_to, office=(office or "").strip(), background=background,
            opinion=(opinion or "").strip(), dispatch_to="\n".join(recipients),
            signatories=[{"name": s.name, "title": s.title} for s in signatories if s.name],
            report_date=report_date, created_at=now, created_by=_user(actor),
        )
        for position, p in enumerate(proposals, start=1):
            Proposal.objects.create(organ=p.organ, case=case, text=p.text.strip(), report=report, position=position,
                                    condition_organ=p.condition_organ, condition_text=(p.condition_text or "")[:500])
        upload = _drawn_up_file("officer_report", {
            "report": report, "case": case, "organisation": case.organisation,
            "proposals": list(report.proposals.select_related("organ", "condition_organ")),
        }, template="decisions/officer_report_document.html", stem="tjansteskrivelse")
        document = registry.document_create(
            actor=actor, case=case, direction=Document.Direction.DRAWN_UP, document_date=report_date,
            description=(_("Tjänsteskrivelse: %(title)s") % {"title": title})[:480], registered_at=now,
            files=[upload],
        )
        report.document = document
        report.save(update_fields=["document"])
        return report

    return registry._with_file_cleanup(write)


def _report_snapshot(report: OfficerReport) -> tuple:
    proposals = tuple((p.organ_id, p.text, p.condition_organ_id, p.condition_text)
                      for p in report.proposals.order_by("position", "id"))
    return (report.title, report.addressed_to_id, report.office, report.background, report.opinion,
            report.dispatch_to, report.signatories, report.report_date, proposals)


def officer_report_update(
    *, actor, report: OfficerReport, title: str, addressed_to: Organ, background: str, opinion: str = "",
    proposals: Sequence[ProposalInput] = (), dispatch_to: Sequence[str] = (), signatories: Sequence[Signatory] = (),
    office: str = "", report_date: dt.date | None = None, now: dt.datetime | None = None,
) -> DocumentFile:
    """Change a drawn-up officer's report and draw it up again. The registered
    document is never overwritten: its file gets a new version (the earlier ones,
    signed or not, stay as they were), with its event in the history. A proposal
    already on an agenda cannot change. Returns the new file version."""
    case = report.case
    access.require_write_reports(actor, case, _("Du har inte behörighet att skriva tjänsteskrivelser i ärendet."))
    now = now or timezone.now()
    report_date = report_date or report.report_date
    title, background = (title or "").strip(), (background or "").strip()
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = [_("Ange en rubrik.")]
    if not background:
        errors["background"] = [_("Beskriv ärendet (ärendebeskrivning).")]
    proposals = [p for p in proposals if (p.text or "").strip()]
    if not proposals:
        errors["proposals"] = [_("Skriv minst ett förslag till beslut.")]
    if any(p.organ.organisation_id != case.organisation_id for p in proposals) or \
            addressed_to.organisation_id != case.organisation_id:
        errors["proposals"] = [_("Förslagen måste ställas till organ i samma organisation.")]
    existing = list(report.proposals.order_by("position", "id").prefetch_related("items"))
    for position, old in enumerate(existing, start=1):
        new = proposals[position - 1] if position <= len(proposals) else None
        unchanged = new is not None and (new.organ.pk, new.text.strip(), getattr(new.condition_organ, "pk", None),
                                         (new.condition_text or "")[:500]) == (
            old.organ_id, old.text, old.condition_organ_id, old.condition_text)
        if old.items.all() and not unchanged:
            errors["proposals"] = [_("Förslag %(n)s står redan på ett sammanträdes föredragningslista och kan "
                                     "inte ändras eller tas bort.") % {"n": position}]
    _report_errors(errors, title=title, office=office, background=background, opinion=opinion, proposals=proposals,
                   dispatch_to=dispatch_to, signatories=signatories, report_date=report_date)
    _errors(errors)
    recipients = [line.strip() for line in dispatch_to if line and line.strip()]
    before = _report_snapshot(report)

    def write(_written):
        report.title, report.addressed_to, report.office = title, addressed_to, (office or "").strip()
        report.background, report.opinion = background, (opinion or "").strip()
        report.dispatch_to = "\n".join(recipients)
        report.signatories = [{"name": s.name, "title": s.title} for s in signatories if s.name]
        report.report_date = report_date
        report.save(update_fields=["title", "addressed_to", "office", "background", "opinion", "dispatch_to",
                                   "signatories", "report_date"])
        for position, p in enumerate(proposals, start=1):
            values = {"organ": p.organ, "case": case, "text": p.text.strip(), "condition_organ": p.condition_organ,
                      "condition_text": (p.condition_text or "")[:500]}
            if position <= len(existing):
                old = existing[position - 1]
                for field, value in values.items():
                    setattr(old, field, value)
                old.save(update_fields=list(values))
            else:
                Proposal.objects.create(report=report, position=position, **values)
        Proposal.objects.filter(pk__in=[p.pk for p in existing[len(proposals):]]).delete()
        if _report_snapshot(report) == before:
            raise DomainError(_("Inget har ändrats i tjänsteskrivelsen."))
        upload = _drawn_up_file("officer_report", {
            "report": report, "case": case, "organisation": case.organisation,
            "proposals": list(report.proposals.select_related("organ", "condition_organ")),
        }, template="decisions/officer_report_document.html", stem="tjansteskrivelse")
        if report.document_id is None:  # a report from before reports were drawn up
            report.document = registry.document_create(
                actor=actor, case=case, direction=Document.Direction.DRAWN_UP, document_date=report_date,
                description=(_("Tjänsteskrivelse: %(title)s") % {"title": title})[:480], registered_at=now,
                files=[upload])
            report.save(update_fields=["document"])
            return report.document.files.get()
        current = report.document.files.order_by("position", "-version").first()
        return registry.document_file_add(actor=actor, document=report.document, upload=upload, replaces=current,
                                          at=now)

    return registry._with_file_cleanup(write)


def proposal_to_agenda(*, actor, proposal: Proposal, meeting: Meeting,
                       documents: Sequence[Document] | None = None, now: dt.datetime | None = None) -> AgendaItem:
    """Send a proposal to an organ's agenda. The officer's report goes with it
    as supporting document unless others are chosen."""
    if documents is None:
        documents = [proposal.report.document] if proposal.report_id and proposal.report.document_id else []
    return agenda_item_add(actor=actor, meeting=meeting, proposal=proposal, documents=documents,
                           title=proposal.report.title if proposal.report_id else proposal.case.title, now=now)


# --- decisions -------------------------------------------------------------------------------
def references_in(text: str, *, organisation_id: int) -> list[Decision]:
    """Decisions named in a text as "KF 2017-12-13 § 251" that exist."""
    found = []
    for code, day, paragraph in REFERENCE.findall(text or ""):
        try:
            date = dt.date.fromisoformat(day)
        except ValueError:
            continue
        decision = Decision.objects.filter(organisation_id=organisation_id, organ__code=code, meeting__date=date,
                                           paragraph=int(paragraph)).first()
        if decision is not None and decision not in found:
            found.append(decision)
    return found


def _next_paragraph(organ: Organ, year: int) -> int:
    table = ParagraphCounter._meta.db_table
    sql = f"UPDATE {table} SET last = last + 1 WHERE organ_id = %s AND year = %s RETURNING last"
    number = registry._increment(sql, [organ.pk, year])
    if number is None:
        ParagraphCounter.objects.get_or_create(organ=organ, year=year)
        number = registry._increment(sql, [organ.pk, year])
    return number


@transaction.atomic
def paragraph_counter_set(*, actor, organ: Organ, year: int, last: int) -> ParagraphCounter:
    """Move an organ's paragraph numbering forward, e.g. when the register takes
    over from minutes kept elsewhere: the next decision of `year` gets `last` + 1.
    Paragraphs are never reused, so the counter only moves forward. When the
    organisation numbers on without a yearly restart, `year` is ignored."""
    if not access.can_set_paragraphs(actor, organ):
        raise PermissionDenied(_("Bara en administratör kan ändra paragrafnumreringen."))
    if not isinstance(last, int) or last < 0:
        raise DomainError(_("Ange ett paragrafnummer (0 eller mer)."), field="last")
    key = year if organ.organisation.paragraphs_restart_yearly else 0
    counter, _created = ParagraphCounter.objects.select_for_update().get_or_create(organ=organ, year=key)
    if last < counter.last:
        raise DomainError(
            _("%(organ)s har redan nått § %(last)s; paragrafnummer kan inte återanvändas.")
            % {"organ": organ.code, "last": counter.last},
            field="last",
        )
    counter.last = last
    counter.save(update_fields=["last"])
    return counter


@dataclass
class NoteInput:
    kind: str
    text: str


@dataclass
class RecipientInput:
    organ: Organ | None = None
    person: Person | None = None
    name: str = ""
    email: str = ""


@dataclass
class AssignmentInput:
    organ: Organ
    description: str
    deadline: dt.date | None = None


@dataclass
class ForwardInput:
    """The decision proposes that another organ decide (KS föreslår KF …)."""

    organ: Organ
    text: str
    condition_organ: Organ | None = None
    condition_text: str = ""


def _recipients_checked(organisation_id: int, items: Sequence[RecipientInput]) -> list[RecipientInput]:
    checked, problems = [], []
    for item in items:
        name = (item.name or (item.organ.name if item.organ else "") or (item.person.name if item.person else ""))
        email = (item.email or (item.organ.email if item.organ else "") or (item.person.email if item.person else ""))
        name, email = name.strip(), email.strip()
        if not name:
            problems.append(_("En mottagare saknar namn."))
            continue
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(_("%(name)s har en ogiltig e-postadress.") % {"name": name})
                continue
        checked.append(RecipientInput(organ=item.organ, person=item.person, name=name[:300], email=email))
    if problems:
        raise DomainError(problems[0], errors={"recipients": problems})
    return checked


def decision_record(
    *, actor, meeting: Meeting, text: str, title: str = "", agenda_item: AgendaItem | None = None,
    case: Case | None = None, outcome: str = Decision.Outcome.ADOPTED, proposal: Proposal | None = None,
    condition_organ: Organ | None = None, condition_text: str = "", participants: Sequence[Person] | None = None,
    notes: Sequence[NoteInput] = (), recipients: Sequence[RecipientInput] = (),
    forward: ForwardInput | None = None, assignments: Sequence[AssignmentInput] = (),
    now: dt.datetime | None = None,
) -> Decision:
    """Record a decision at an open meeting. It gets the organ's next paragraph
    number for the year; a conditional decision waits for its condition; a
    decision that meets or fails another's condition makes it effective or void."""
    access.require_manage_meetings(actor, meeting.organ)
    now = now or timezone.now()
    if agenda_item is not None:
        if agenda_item.meeting_id != meeting.pk:
            raise DomainError(_("Punkten hör till ett annat sammanträde."), field="agenda_item")
        case = case or agenda_item.case
        proposal = proposal or agenda_item.proposal
    title, text = (title or (agenda_item.title if agenda_item else "")).strip(), (text or "").strip()
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = [_("Ange en rubrik för paragrafen.")]
    if not text:
        errors["text"] = [_("Skriv beslutet.")]
    if outcome not in Decision.Outcome.values:
        errors["outcome"] = [_("Välj bifall, bifall med ändring, avslag, återremiss, bordläggning eller noteras.")]
    if condition_organ is not None and case is None:
        errors["condition_organ"] = [_("Ett villkorat beslut måste höra till ett ärende.")]
    if case is not None and case.organisation_id != meeting.organisation_id:
        errors["case"] = [_("Ärendet hör till en annan organisation.")]
    for note in notes:
        if note.kind not in DecisionNote.Kind.values:
            errors["notes"] = [_("Okänd anteckningstyp.")]
    for a in assignments:
        if not (a.description or "").strip():
            errors["assignments"] = [_("Beskriv uppdraget.")]
        _too_long(errors, {"assignments": ((a.description or "").strip(), ASSIGNMENT_TEXT_MAX)})
    _too_long(errors, {"title": (title, TITLE_MAX), "text": (text, DECISION_TEXT_MAX),
                       "condition_text": ((condition_text or "").strip(), CONDITION_TEXT_MAX)})
    for note in notes:
        _too_long(errors, {"notes": ((note.text or "").strip(), NOTE_TEXT_MAX)})
    if forward is not None:
        _too_long(errors, {"forward": ((forward.text or "").strip(), DECISION_TEXT_MAX)})
        _too_long(errors, {"forward": ((forward.condition_text or "").strip(), CONDITION_TEXT_MAX)})
    named_organs = [condition_organ, *(r.organ for r in recipients), *(a.organ for a in assignments),
                    forward.organ if forward else None, forward.condition_organ if forward else None]
    named_people = [*(participants or ()), *(r.person for r in recipients)]
    if any(o is not None and o.organisation_id != meeting.organisation_id for o in named_organs) or \
            any(p is not None and p.organisation_id != meeting.organisation_id for p in named_people):
        errors["organisation"] = [_("Organ och personer i beslutet måste höra till samma organisation.")]
    _errors(errors)
    checked = _recipients_checked(meeting.organisation_id, recipients)

    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        if meeting.status != Meeting.Status.OPENED:
            if meeting.status == Meeting.Status.ADJUSTED:
                raise DomainError(_("Protokollet är justerat. Beslut kan inte läggas till."))
            raise DomainError(_("Sammanträdet är inte öppnat. Öppna det innan beslut protokollförs."))
        restart = meeting.organisation.paragraphs_restart_yearly
        year = meeting.date.year
        paragraph = _next_paragraph(meeting.organ, year if restart else 0)
        decision = Decision.objects.create(
            organisation_id=meeting.organisation_id, organ=meeting.organ, meeting=meeting, agenda_item=agenda_item,
            case=case, year=year if restart else 0, paragraph=paragraph, title=title, text=text,
            outcome=outcome, proposal=proposal,
            status=Decision.Status.PENDING if condition_organ else Decision.Status.EFFECTIVE,
            condition_organ=condition_organ, condition_text=(condition_text or "")[:500], recorded_at=now,
            recorded_by=_user(actor),
        )
        if participants is None:
            participants = [a.person for a in meeting.attendance.filter(present=True).select_related("person")]
        decision.participants.set(list(participants))
        decision.references.set(references_in(text, organisation_id=meeting.organisation_id))
        DecisionNote.objects.bulk_create([
            DecisionNote(decision=decision, position=i, kind=n.kind, text=n.text.strip())
            for i, n in enumerate(notes, start=1) if (n.text or "").strip()
        ])
        DecisionRecipient.objects.bulk_create([
            DecisionRecipient(decision=decision, position=i, organ=r.organ, person=r.person, name=r.name,
                              email=r.email) for i, r in enumerate(checked, start=1)
        ])
        for a in assignments:
            Assignment.objects.create(decision=decision, organ=a.organ, description=a.description.strip(),
                                      deadline=a.deadline)
        if forward is not None and (forward.text or "").strip() and case is not None:
            Proposal.objects.create(organ=forward.organ, case=case, text=forward.text.strip(), from_decision=decision,
                                    condition_organ=forward.condition_organ,
                                    condition_text=(forward.condition_text or "")[:500])
        if case is not None:
            registry.event_append(case=case, kind=DecisionEvent.DECISION_RECORDED, actor=actor, at=now, data={
                "decision": decision.pk, "details": f"{decision.reference} {title}"[:300],
            })
            _resolve_conditions(decision, now)
        return decision


def _resolve_conditions(decision: Decision, now: dt.datetime) -> None:
    """A decision of organ X on a case settles the pending decisions on the same
    case that wait for X: adopted makes them effective, rejected makes them void.
    Referral back or postponement leaves them pending."""
    if decision.outcome in (Decision.Outcome.ADOPTED, Decision.Outcome.AMENDED):
        status = Decision.Status.EFFECTIVE
    elif decision.outcome == Decision.Outcome.REJECTED:
        status = Decision.Status.VOID
    else:
        return
    waiting = Decision.objects.select_for_update().filter(
        case=decision.case, condition_organ=decision.organ, status=Decision.Status.PENDING,
    ).exclude(pk=decision.pk).select_related("organ", "meeting")
    for pending in waiting:
        pending.status = status
        pending.condition_decision = decision
        pending.status_changed_at = now
        pending.save(update_fields=["status", "condition_decision", "status_changed_at"])
        registry.event_append(
            case=decision.case,
            kind=DecisionEvent.DECISION_EFFECTIVE if status == Decision.Status.EFFECTIVE else DecisionEvent.DECISION_VOID,
            actor=None, at=now, data={"decision": pending.pk, "details": _("%(pending)s genom %(by)s") % {
                "pending": pending.reference, "by": decision.reference}},
        )


def _adjusted(decision: Decision) -> bool:
    return Minutes.objects.filter(meeting_id=decision.meeting_id, adjusted_at__isnull=False).exists()


@transaction.atomic
def decision_update(*, actor, decision: Decision, title: str | None = None, text: str | None = None,
                    outcome: str | None = None) -> Decision:
    """Edit a decision before the minutes are adjusted; afterwards only a correction."""
    access.require_manage_meetings(actor, decision.organ)
    decision = Decision.objects.select_for_update(of=("self",)).select_related("organ", "meeting").get(pk=decision.pk)
    if _adjusted(decision):
        raise DomainError(_("Protokollet är justerat. Beslutet kan inte ändras, bara rättas med en protokollförd rättelse."))
    check_lengths({"title": ((title or "").strip(), TITLE_MAX), "text": ((text or "").strip(), DECISION_TEXT_MAX)})
    if title is not None:
        decision.title = title.strip() or decision.title
    if text is not None:
        if not text.strip():
            raise DomainError(_("Skriv beslutet."), field="text")
        decision.text = text.strip()
        decision.references.set(references_in(decision.text, organisation_id=decision.organisation_id))
    if outcome is not None:
        if outcome not in Decision.Outcome.values:
            raise DomainError(_("Okänt utfall."), field="outcome")
        decision.outcome = outcome
    decision.save(update_fields=["title", "text", "outcome"])
    return decision


@transaction.atomic
def decision_correct(*, actor, decision: Decision, text: str, reason: str, now: dt.datetime | None = None) -> Correction:
    """Correct an adjusted decision ("rättelse"): recorded beside it, never in place."""
    access.require_manage_meetings(actor, decision.organ)
    text, reason = (text or "").strip(), (reason or "").strip()
    errors = {}
    if not text:
        errors["text"] = [_("Skriv rättelsen.")]
    if not reason:
        errors["reason"] = [_("Ange skälet till rättelsen.")]
    _too_long(errors, {"text": (text, DECISION_TEXT_MAX), "reason": (reason, CORRECTION_REASON_MAX)})
    _errors(errors)
    if not _adjusted(decision):
        raise DomainError(_("Protokollet är inte justerat; ändra beslutet i stället."))
    now = now or timezone.now()
    correction = Correction.objects.create(decision=decision, text=text, reason=reason, at=now,
                                           by_name=registry.actor_name(actor))
    if decision.case_id:
        registry.event_append(case=decision.case, kind=DecisionEvent.DECISION_CORRECTED, actor=actor, at=now,
                              data={"decision": decision.pk, "details": f"{decision.reference}: {reason}"[:300]})
    return correction


# --- minutes ------------------------------------------------------------------------------
def minutes_sign(*, actor, meeting: Meeting, person: Person, role: str, posted_on: dt.date | None = None,
                 now: dt.datetime | None = None) -> Minutes:
    """Record that the chair or an adjuster approved the minutes. When the chair
    and every adjuster have, the minutes are adjusted: the decisions become final,
    the minutes are stored, and the posting on the notice board starts the
    three-week appeal period."""
    access.require_manage_meetings(actor, meeting.organ)
    now = now or timezone.now()
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        if meeting.status != Meeting.Status.CLOSED:
            if meeting.status == Meeting.Status.ADJUSTED:
                raise DomainError(_("Protokollet är redan justerat."))
            raise DomainError(_("Sammanträdet måste avslutas innan protokollet justeras."))
        adjusters = set(meeting.adjusters.values_list("pk", flat=True))
        if role == Signature.Role.CHAIR and meeting.chair_id != person.pk:
            raise DomainError(_("%(name)s är inte ordförande vid sammanträdet.") % {"name": person.name}, field="person")
        if role == Signature.Role.ADJUSTER and person.pk not in adjusters:
            raise DomainError(_("%(name)s är inte justerare vid sammanträdet.") % {"name": person.name}, field="person")
        if role not in Signature.Role.values:
            raise DomainError(_("Okänd roll."), field="role")
        minutes, _created = Minutes.objects.get_or_create(meeting=meeting)
        Signature.objects.get_or_create(minutes=minutes, person=person, role=role,
                                        defaults={"signed_at": now, "recorded_by": _user(actor)})
        signed = set(minutes.signatures.values_list("person_id", "role"))
        needed = {(pk, Signature.Role.ADJUSTER) for pk in adjusters}
        if meeting.chair_id:
            needed.add((meeting.chair_id, Signature.Role.CHAIR))
        if needed and needed <= signed:
            _adjust(actor, meeting, minutes, posted_on=posted_on or timezone.localtime(now).date(), now=now)
        return minutes


def _adjust(actor, meeting: Meeting, minutes: Minutes, *, posted_on: dt.date, now: dt.datetime) -> None:
    from . import selectors

    minutes.adjusted_at = now
    minutes.posted_on = posted_on
    minutes.appeal_ends_on = posted_on + dt.timedelta(days=APPEAL_DAYS)
    minutes.take_down_on = minutes.appeal_ends_on
    upload = _drawn_up_file("minutes", {
        "meeting": meeting, "minutes": minutes, "decisions": selectors.minutes_decisions(meeting),
        "attendance": list(meeting.attendance.select_related("person")),
        "signatures": list(minutes.signatures.select_related("person")), "organisation": meeting.organisation,
    }, template="decisions/minutes_document.html", stem="protokoll")
    checked = file_store.check_upload(upload)
    written: list[str] = []
    try:
        minutes.blob = file_store.blob_store(checked, written=written)
        minutes.save()
    except BaseException:
        file_store.remove_unreferenced(written)
        raise
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.ADJUSTED)
    for decision in meeting.decisions.exclude(case=None).select_related("case", "organ"):
        registry.event_append(case=decision.case, kind=DecisionEvent.MINUTES_ADJUSTED, actor=actor, at=now, data={
            "decision": decision.pk, "details": _("%(ref)s, anslaget %(posted)s, överklagandetiden går ut %(ends)s")
            % {"ref": decision.reference, "posted": posted_on.isoformat(),
               "ends": minutes.appeal_ends_on.isoformat()},
        })


# --- dispatch -----------------------------------------------------------------------------
def decision_dispatch(*, actor, decision: Decision, now: dt.datetime | None = None) -> Document:
    """Send the adjusted decision to its recipients: the minutes excerpt is
    registered as an outgoing document on the case, and each recipient with an
    e-mail address gets it by mail. What fails stays unsent and retryable."""
    access.require_manage_meetings(actor, decision.organ)
    now = now or timezone.now()
    if decision.case_id is None:
        raise DomainError(_("Beslutet hör inte till något ärende; det kan inte expedieras härifrån."))
    if not _adjusted(decision):
        raise DomainError(_("Protokollet är inte justerat. Beslutet expedieras efter justeringen."))
    recipients = list(decision.recipients.filter(state=DecisionRecipient.State.PENDING))
    if not recipients:
        raise DomainError(_("Beslutet har inga mottagare som väntar på expediering."))
    with transaction.atomic():
        # The excerpt's certification ("utdragsbestyrkande"): who dispatches it, that day.
        upload = _drawn_up_file("excerpt", {
            "decision": decision, "meeting": decision.meeting, "minutes": decision.meeting.minutes,
            "organisation": decision.meeting.organisation, "recipients": list(decision.recipients.all()),
            "notes": list(decision.notes.all()), "corrections": list(decision.corrections.all()),
            "certified_by": registry.actor_name(actor), "certified_on": timezone.localtime(now).date(),
        }, template="decisions/excerpt_document.html", stem="protokollsutdrag")
        document = registry.document_create(
            actor=actor, case=decision.case, direction=Document.Direction.OUTGOING,
            document_date=timezone.localtime(now).date(),
            description=_("Protokollsutdrag %(ref)s: %(title)s") % {"ref": decision.reference, "title": decision.title},
            counterpart=", ".join(r.name for r in recipients)[:300], registered_at=now,
            files=[upload],
        )
        for r in recipients:
            r.excerpt_document = document
            if r.email:
                r.state = DecisionRecipient.State.QUEUED
                r.save(update_fields=["excerpt_document", "state"])
                enqueue_by_name("diarium.decisions.tasks.deliver_excerpt", r.pk)
            else:  # delivered by hand or internal mail: dispatched when registered
                r.state, r.sent_at = DecisionRecipient.State.SENT, now
                r.save(update_fields=["excerpt_document", "state", "sent_at"])
        registry.event_append(case=decision.case, document=document, kind=DecisionEvent.DECISION_DISPATCHED,
                              actor=actor, at=now, data={
                                  "decision": decision.pk, "number": document.number,
                                  "details": f"{decision.reference} till {len(recipients)} mottagare",
                              })
        return document


def excerpt_deliver(recipient_id: int, *, now: dt.datetime | None = None, connection=None) -> bool:
    now = now or timezone.now()
    r = DecisionRecipient.objects.select_related(
        "decision", "decision__organ", "decision__meeting", "decision__case", "excerpt_document").filter(
        pk=recipient_id).first()
    if r is None or r.state != DecisionRecipient.State.QUEUED or r.excerpt_document_id is None:
        return False
    file = r.excerpt_document.files.order_by("position", "-version").select_related("blob").first()
    with file_store.blob_open(file.blob) as fh:
        content = fh.read()
    message = EmailMessage(
        subject=_("Protokollsutdrag %(ref)s: %(title)s") % {"ref": r.decision.reference, "title": r.decision.title},
        body=render_to_string("decisions/email/excerpt.txt", {"decision": r.decision, "recipient": r}),
        to=[r.email], connection=connection,
    )
    message.attach(file.filename, content, file.blob.content_type)
    try:
        message.send()
    except Exception as exc:
        logger.warning("Excerpt to %s failed: %s", r.email, exc)
        DecisionRecipient.objects.filter(pk=r.pk).update(state=DecisionRecipient.State.FAILED,
                                                         error=(str(exc) or exc.__class__.__name__)[:500])
        return False
    DecisionRecipient.objects.filter(pk=r.pk).update(state=DecisionRecipient.State.SENT, sent_at=now, error="")
    return True


@transaction.atomic
def dispatch_retry(*, actor, decision: Decision) -> int:
    access.require_manage_meetings(actor, decision.organ)
    failed = list(decision.recipients.filter(state=DecisionRecipient.State.FAILED).values_list("pk", flat=True))
    if not failed:
        raise DomainError(_("Det finns inga misslyckade utskick att skicka igen."))
    DecisionRecipient.objects.filter(pk__in=failed).update(state=DecisionRecipient.State.QUEUED, error="")
    for pk in failed:
        enqueue_by_name("diarium.decisions.tasks.deliver_excerpt", pk)
    return len(failed)


# --- assignments ----------------------------------------------------------------------
@transaction.atomic
def assignment_link_case(*, actor, assignment: Assignment, case: Case,
                         now: dt.datetime | None = None) -> Assignment:
    """Record that a case answers an assignment (KS's case 2017.676 answers KF § 251)."""
    access.require_write_reports(actor, case, _("Du har inte behörighet att ändra ärendet."))
    Assignment.objects.filter(pk=assignment.pk).update(answering_case=case)
    registry.event_append(case=case, kind=DecisionEvent.ASSIGNMENT_LINKED, actor=actor, at=now, data={
        "assignment": assignment.pk, "details": assignment.decision.reference,
    })
    assignment.refresh_from_db()
    return assignment


@transaction.atomic
def assignment_complete(*, actor, assignment: Assignment, decision: Decision | None = None,
                        now: dt.datetime | None = None) -> Assignment:
    access.require_manage_meetings(actor, assignment.organ)
    if assignment.status == Assignment.Status.DONE:
        raise DomainError(_("Uppdraget är redan slutfört."))
    Assignment.objects.filter(pk=assignment.pk).update(status=Assignment.Status.DONE, done_at=now or timezone.now(),
                                                        done_by_decision=decision)
    assignment.refresh_from_db()
    return assignment


