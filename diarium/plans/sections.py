"""The plans app's section of the case page (registered in PlansConfig.ready)."""

from diarium.accounts import access as roles

from . import selectors


def case_section(request, case) -> dict:
    """The case's steering documents the user may read, and "Nytt styrdokument"
    for those who register documents in the case."""
    user = request.user
    plans = selectors.case_plans(user=user, case=case)
    can_create = user.is_authenticated and roles.can(user, roles.REGISTER_DOCUMENT,
                                                     organisation_id=case.organisation_id, organ_id=case.organ_id)
    return {"case": case, "plans": plans, "can_create": can_create}
