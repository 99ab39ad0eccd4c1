"""The officer's report in the browser: the preview PDF of what is being
written (rendered, never registered) and the report to edit. Drawing it up is
the decisions app's officer_report_create (the first time: the document is
registered) and officer_report_update (after that: a new version of its file)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.core.errors import DomainError, NotFound, PermissionDenied
from diarium.decisions import services as decisions
from diarium.decisions.models import OfficerReport, Proposal
from diarium.registry import selectors as registry_selectors

from . import markup
from .services import RenderedDocument, officer_report_render


def officer_report_for_edit(*, user, pk: int) -> OfficerReport:
    """A report its case's officer (or registrar) may change."""
    report = (OfficerReport.objects.select_related("case", "addressed_to", "document").filter(pk=pk).first())
    if report is None:
        raise NotFound(_("Tjänsteskrivelsen finns inte."))
    registry_selectors.case_get(user=user, pk=report.case_id)  # may the user see the case at all?
    if not decisions.can_write_reports(user, report.case):
        raise PermissionDenied(_("Du har inte behörighet att skriva tjänsteskrivelser i ärendet."))
    return report


def officer_report_preview(
    *, actor, case, title: str, addressed_to, background: str, opinion: str = "",
    proposals: Sequence[decisions.ProposalInput] = (), dispatch_to: Sequence[str] = (),
    signatories: Sequence[decisions.Signatory] = (), office: str = "", report_date: dt.date | None = None,
) -> RenderedDocument:
    """The PDF the report would be drawn up as, from what is in the form. Nothing
    is saved or registered."""
    if not decisions.can_write_reports(actor, case):
        raise PermissionDenied(_("Du har inte behörighet att skriva tjänsteskrivelser i ärendet."))
    title = " ".join((title or "").split())
    if not title:
        raise DomainError(_("Ange en rubrik."), field="title")
    report = OfficerReport(
        case=case, title=title[:500], addressed_to=addressed_to, office=(office or "")[:200],
        background=markup.clean_text(background), opinion=markup.clean_text(opinion),
        dispatch_to="\n".join(line.strip() for line in dispatch_to if line and line.strip()),
        signatories=[{"name": s.name, "title": s.title} for s in signatories if s.name],
        report_date=report_date or timezone.localdate(),
    )
    rows = [Proposal(organ=p.organ, case=case, text=markup.clean_text(p.text), position=n,
                     condition_organ=p.condition_organ, condition_text=(p.condition_text or "")[:500])
            for n, p in enumerate((p for p in proposals if (p.text or "").strip()), start=1)]
    return officer_report_render(report=report, proposals=rows)
