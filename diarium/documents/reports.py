"""The officer's report in the browser: the preview PDF of what is being
written (rendered, never registered) and the report to edit. Drawing it up is
the decisions app's officer_report_create (the first time: the document is
registered) and officer_report_update (after that: a new version of its file)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.core.errors import DomainError, PermissionDenied
from diarium.decisions import access as decisions_access
from diarium.decisions import selectors as decisions_selectors
from diarium.decisions import services as decisions
from diarium.decisions.models import OfficerReport, Proposal
from diarium.registry import screening
from diarium.registry import selectors as registry_selectors

from . import markup
from .services import RenderedDocument, officer_report_render


def officer_report_for_edit(*, user, pk: int) -> OfficerReport:
    """A report its case's officer (or registrar) may change."""
    report = decisions_selectors.officer_report_for_write(pk=pk)
    registry_selectors.case_get(user=user, pk=report.case_id)  # may the user see the case at all?
    if not decisions_access.can_write_reports(user, report.case):
        raise PermissionDenied(_("Du har inte behörighet att skriva tjänsteskrivelser i ärendet."))
    return report


def case_for_reports(*, user, pk: int):
    """A case the user may write officer's reports in (the new report's preview)."""
    case = registry_selectors.case_get(user=user, pk=pk)
    if not decisions_access.can_write_reports(user, case):
        raise PermissionDenied(_("Du har inte behörighet att skriva tjänsteskrivelser i ärendet."))
    return case


def officer_report_preview(
    *, actor, case, title: str, addressed_to, background: str, opinion: str = "",
    proposals: Sequence[decisions.ProposalInput] = (), dispatch_to: Sequence[str] = (),
    signatories: Sequence[decisions.Signatory] = (), office: str = "", report_date: dt.date | None = None,
) -> RenderedDocument:
    """The PDF the report would be drawn up as, from what is in the form. Nothing
    is saved or registered."""
    if not decisions_access.can_write_reports(actor, case):
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


# --- the report's sections, for the API and the edit form ------------------------------------
# Organs that hold no meetings (as decisions.views.NO_MEETINGS): a report is not addressed to them.
NO_MEETINGS = ("company", "external")
SECTIONS = ("title", "addressed_to", "office", "report_date", "background", "opinion", "proposals",
            "dispatch_to", "signatories")


def report_organs(*, organisation_id: int) -> list:
    """The organs a report of this organisation may be addressed to, or propose decisions to."""
    return [o for o in registry_selectors.organs_for_filter(organisation=organisation_id)
            if o.kind not in NO_MEETINGS]


def report_organ(*, organisation_id: int, pk: int, field: str):
    """One of those organs, named by id; any other is the client's error on `field`."""
    found = next((o for o in report_organs(organisation_id=organisation_id) if o.pk == pk), None)
    if found is None:
        raise DomainError(_("Välj ett organ i organisationen."), field=field)
    return found


def officer_report_sections(report: OfficerReport) -> dict:
    """The report as it stands, as the services take it: as written (the
    columns of screened fields hold what the public sees)."""
    proposals = [decisions.ProposalInput(organ=p.organ, text=screening.original(p, "text"),
                                         condition_organ=p.condition_organ,
                                         condition_text=p.condition_text)
                 for p in report.proposals.select_related("organ", "condition_organ").order_by("position", "id")]
    return {
        "title": screening.original(report, "title"), "addressed_to": report.addressed_to, "office": report.office,
        "report_date": report.report_date, "background": screening.original(report, "background"),
        "opinion": screening.original(report, "opinion"),
        "proposals": proposals, "dispatch_to": [line for line in report.dispatch_to.splitlines() if line.strip()],
        "signatories": [decisions.Signatory(name=s.get("name", ""), title=s.get("title", ""))
                        for s in report.signatories or []],
    }


def _merged(report: OfficerReport, changes: dict) -> dict:
    unknown = set(changes) - set(SECTIONS)
    if unknown:
        raise TypeError(f"Unknown report sections: {sorted(unknown)}")
    sections = {**officer_report_sections(report), **changes}
    sections["background"] = markup.clean_text(sections["background"])
    sections["opinion"] = markup.clean_text(sections["opinion"])
    for p in sections["proposals"]:
        p.text = markup.clean_text(p.text)
    return sections


def officer_report_change(*, actor, report: OfficerReport, **changes):
    """Change some of the report's sections (the others stay as they are) and
    draw it up again as a new version of its file (decisions.officer_report_update).
    Returns the new file version."""
    return decisions.officer_report_update(actor=actor, report=report, **_merged(report, changes))


def officer_report_preview_changed(*, actor, report: OfficerReport, **changes) -> RenderedDocument:
    """The PDF the report would be drawn up as with these changes. Nothing is saved."""
    return officer_report_preview(actor=actor, case=report.case, **_merged(report, changes))
