"""Writes for officer's reports ("tjänsteskrivelser") and their proposals: a
report is drawn up as a document on its case, changed into a new version of
its file, and its proposals are put on the agenda of the organ they address."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.accounts.models import Organ
from diarium.core.errors import DomainError
from diarium.core.limits import past_date_errors
from diarium.registry import screening
from diarium.registry import services as registry
from diarium.registry.models import Case, Document, DocumentFile

from .. import access
from ..models import (
    CONDITION_TEXT_MAX,
    DECISION_TEXT_MAX,
    DISPATCH_LINE_MAX,
    DISPATCH_LINES_MAX,
    OFFICE_MAX,
    REPORT_TEXT_MAX,
    SIGNATORY_MAX,
    TITLE_MAX,
    AgendaItem,
    Meeting,
    OfficerReport,
    Proposal,
)
from .meetings import agenda_item_add
from .shared import drawn_up_file, errors_raise, length_errors_add, user_or_none


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
    length_errors_add(errors, {"title": (title, TITLE_MAX), "office": ((office or "").strip(), OFFICE_MAX),
                       "background": (background, REPORT_TEXT_MAX),
                       "opinion": ((opinion or "").strip(), REPORT_TEXT_MAX)})
    for p in proposals:
        length_errors_add(errors, {"proposals": ((p.text or "").strip(), DECISION_TEXT_MAX)})
        length_errors_add(errors, {"proposals": ((p.condition_text or "").strip(), CONDITION_TEXT_MAX)})
    lines = [line.strip() for line in dispatch_to if line and line.strip()]
    if len(lines) > DISPATCH_LINES_MAX:
        errors.setdefault("dispatch_to", [_("Högst %(n)s mottagare.") % {"n": DISPATCH_LINES_MAX}])
    for line in lines:
        length_errors_add(errors, {"dispatch_to": (line, DISPATCH_LINE_MAX)})
    for signatory in signatories:
        length_errors_add(errors, {"signatories": ((signatory.name or "").strip(), SIGNATORY_MAX)})
        length_errors_add(errors, {"signatories": ((signatory.title or "").strip(), SIGNATORY_MAX)})
    wrong_date = past_date_errors(report_date)
    if wrong_date:
        errors.setdefault("report_date", wrong_date)


def _report_required(case: Case, title: str, background: str, proposals: Sequence[ProposalInput],
                     addressed_to: Organ) -> tuple[str, str, list[ProposalInput], dict[str, list[str]]]:
    """What every officer's report must have: a heading, the background and at
    least one proposal, all to organs of the case's organisation. Returns the
    cleaned heading, background and proposals, and the errors found."""
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
    return title, background, proposals, errors


def _report_context(report: OfficerReport, case: Case) -> dict:
    """What the report is drawn up from; its recipients as the public sees them."""
    lines = [line for line in report.dispatch_to.splitlines() if line.strip()]
    return {
        "report": report, "case": case, "organisation": case.organisation,
        "proposals": list(report.proposals.select_related("organ", "condition_organ")),
        "recipients": access.dispatch_lines_shown(lines, organisation_id=case.organisation_id),
    }


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
    title, background, proposals, errors = _report_required(case, title, background, proposals, addressed_to)
    _report_errors(errors, title=title, office=office, background=background, opinion=opinion, proposals=proposals,
                   dispatch_to=dispatch_to, signatories=signatories, report_date=report_date)
    errors_raise(errors)
    recipients = [line.strip() for line in dispatch_to if line and line.strip()]

    def write(_written):
        report = OfficerReport.objects.create(
            case=case, title=title, addressed_to=addressed_to, office=(office or "").strip(), background=background,
            opinion=(opinion or "").strip(), dispatch_to="\n".join(recipients),
            signatories=[{"name": s.name, "title": s.title} for s in signatories if s.name],
            report_date=report_date, created_at=now, created_by=user_or_none(actor),
        )
        for position, p in enumerate(proposals, start=1):
            Proposal.objects.create(organ=p.organ, case=case, text=p.text.strip(), report=report, position=position,
                                    condition_organ=p.condition_organ, condition_text=(p.condition_text or "")[:500])
        upload = drawn_up_file("officer_report", _report_context(report, case),
                               template="decisions/officer_report_document.html", stem="tjansteskrivelse")
        document = registry.document_create(
            actor=actor, case=case, direction=Document.Direction.DRAWN_UP, document_date=report_date,
            description=(_("Tjänsteskrivelse: %(title)s") % {"title": title})[:480], registered_at=now,
            files=[upload],
        )
        report.document = document
        report.save(update_fields=["document"])
        return report

    return registry.with_file_cleanup(write)


def _report_snapshot(report: OfficerReport) -> tuple:
    # The values as written: the columns of screened fields hold what the public sees.
    proposals = tuple((p.organ_id, screening.original(p, "text"), p.condition_organ_id, p.condition_text)
                      for p in report.proposals.order_by("position", "id"))
    return (screening.original(report, "title"), report.addressed_to_id, report.office,
            screening.original(report, "background"), screening.original(report, "opinion"),
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
    title, background, proposals, errors = _report_required(case, title, background, proposals, addressed_to)
    existing = list(report.proposals.order_by("position", "id").prefetch_related("items"))
    for position, old in enumerate(existing, start=1):
        new = proposals[position - 1] if position <= len(proposals) else None
        unchanged = new is not None and (new.organ.pk, new.text.strip(), getattr(new.condition_organ, "pk", None),
                                         (new.condition_text or "")[:500]) == (
            old.organ_id, screening.original(old, "text"), old.condition_organ_id, old.condition_text)
        if old.items.all() and not unchanged:
            errors["proposals"] = [_("Förslag %(n)s står redan på ett sammanträdes föredragningslista och kan "
                                     "inte ändras eller tas bort.") % {"n": position}]
    _report_errors(errors, title=title, office=office, background=background, opinion=opinion, proposals=proposals,
                   dispatch_to=dispatch_to, signatories=signatories, report_date=report_date)
    errors_raise(errors)
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
        upload = drawn_up_file("officer_report", _report_context(report, case),
                               template="decisions/officer_report_document.html", stem="tjansteskrivelse")
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

    return registry.with_file_cleanup(write)


def proposal_to_agenda(*, actor, proposal: Proposal, meeting: Meeting,
                       documents: Sequence[Document] | None = None, secrecy_review_reason: str = "",
                       now: dt.datetime | None = None) -> AgendaItem:
    """Send a proposal to an organ's agenda. The officer's report goes with it
    as supporting document unless others are chosen (agenda_item_add)."""
    if documents is None:
        documents = [proposal.report.document] if proposal.report_id and proposal.report.document_id else []
    return agenda_item_add(actor=actor, meeting=meeting, proposal=proposal, documents=documents,
                           title=proposal.report.title if proposal.report_id else proposal.case.title,
                           secrecy_review_reason=secrecy_review_reason, now=now)
