"""The case page's section on meetings and decisions."""

from django import template

from .. import selectors, services

register = template.Library()


@register.inclusion_tag("decisions/_case_section.html", takes_context=True)
def case_decisions(context, case):
    """The case's way through the organs (proposals, agenda items, decisions),
    the assignments it answers and, for staff, its officer's reports with their
    proposals, each to be put on a meeting's agenda. One query for a case that
    has none of these."""
    user = context["request"].user
    section = {
        "case": case, "chain": [], "answers": [], "reports": [], "forwarded": [],
        "can_write": case.status == case.Status.OPEN and services.can_write_reports(user, case),
    }
    if not selectors.case_in_chain(case):
        return section
    section["chain"] = selectors.case_chain(user=user, case=case)
    section["answers"] = [a for a in selectors.assignments_answered_by(case)
                          if selectors.decisions_visible(user, a.decision.meeting)]
    if services.can_read_internal(user, case.organ):
        reports: dict[int, tuple] = {}
        for p in selectors.case_proposals(case):
            row = (p, services.can_manage_meetings(user, p.organ), list(p.items.all()))
            if p.report_id:
                reports.setdefault(p.report_id, (p.report, []))[1].append(row)
            else:
                section["forwarded"].append(row)
        section["reports"] = list(reports.values())
    return section


@register.filter
def decision_links(text, organisation_id):
    """Decision references in a text ("KSAU 2018-02-28 § 8") as links to the
    decisions, where those are public; the rest of the text escaped."""
    return selectors.linked_text(str(text or ""), organisation_id=organisation_id)
