"""The remiss app's section of the case page (registered in RemissConfig.ready)."""

from django.utils import timezone

from . import access, selectors


def case_section(request, case) -> dict:
    """The case page's remiss rounds: each round's letter, recipients, deadlines
    (with extensions) and answers, as the reader may see them."""
    user = request.user
    rounds = selectors.rounds_for_case(user=user, case=case)
    return {
        "case": case,
        "rounds": selectors.case_round_views(user=user, case=case, rounds=rounds, today=timezone.localdate()),
        "can_start": case.status == case.Status.OPEN and access.can_manage(user, case),
    }
