from django import template
from django.utils import timezone

from .. import selectors, services

register = template.Library()


@register.inclusion_tag("remiss/_case_section.html", takes_context=True)
def case_remiss(context, case):
    """The case page's remiss rounds: each round's letter, recipients, deadlines
    (with extensions) and answers, as the reader may see them."""
    user = context["request"].user
    rounds = selectors.rounds_for_case(user=user, case=case)
    return {
        "case": case,
        "rounds": selectors.case_round_views(user=user, case=case, rounds=rounds, today=timezone.localdate()),
        "can_start": case.status == case.Status.OPEN and services.can_manage(user, case),
    }
