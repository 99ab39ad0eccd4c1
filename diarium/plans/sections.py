"""The plans app's section of the case page (registered in PlansConfig.ready)."""

from . import access, selectors


def case_section(request, case) -> dict:
    """The case's steering documents the user may read, and "Nytt styrdokument"
    for those who register documents in the case."""
    user = request.user
    plans = selectors.case_plans(user=user, case=case)
    can_create = user.is_authenticated and access.can_create(user, case)
    return {"case": case, "plans": plans, "can_create": can_create}
