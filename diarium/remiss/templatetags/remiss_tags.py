from django import template
from django.utils import timezone

from .. import selectors, services

register = template.Library()


@register.inclusion_tag("remiss/_case_section.html", takes_context=True)
def case_remiss(context, case):
    """The case page's list of remiss rounds, with counts of answers."""
    user = context["request"].user
    rounds = selectors.rounds_for_case(user=user, case=case)
    summaries = selectors.round_summaries(rounds, today=timezone.localdate())
    return {
        "case": case, "rounds": summaries,
        "can_start": case.status == case.Status.OPEN and services.can_manage(user, case),
    }
