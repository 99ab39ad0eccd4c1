"""The decisions app's section of the case page (registered in DecisionsConfig.ready)."""

from . import access, selectors


def case_section(request, case) -> dict:
    """The case's way through the organs (proposals, agenda items, decisions),
    the assignments it answers, the decisions taken in it under delegation and,
    for staff, its officer's reports with their proposals, each to be put on a
    meeting's agenda. One query for a case that has none of these."""
    user = request.user
    section = {
        "case": case, "chain": [], "answers": [], "reports": [], "forwarded": [], "delegations": [],
        "can_write": case.status == case.Status.OPEN and access.can_write_reports(user, case),
        "can_register_delegation": access.can_register_delegation_decisions(user, case),
    }
    if not selectors.case_in_chain(case):
        return section
    section["chain"] = selectors.case_chain(user=user, case=case)
    section["delegations"] = selectors.case_delegation_decisions(user=user, case=case)
    section["answers"] = [a for a in selectors.assignments_answered_by(case)
                          if access.decisions_visible(user, a.decision.meeting)]
    if access.can_read_internal(user, case.organ):
        reports: dict[int, tuple] = {}
        for p in selectors.case_proposals(user=user, case=case):
            row = (p, access.can_manage_meetings(user, p.organ), list(p.items.all()))
            if p.report_id:
                reports.setdefault(p.report_id, (p.report, []))[1].append(row)
            else:
                section["forwarded"].append(row)
        section["reports"] = list(reports.values())
    return section
