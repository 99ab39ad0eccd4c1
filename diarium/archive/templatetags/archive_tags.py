"""What a records plan's rule says, in Swedish, for the archive's pages."""

from django import template

from .. import retention

register = template.Library()


@register.simple_tag
def rule_action(rule) -> str:
    """"Bevaras" or "Gallras 2 år efter att ärendet avslutades"."""
    return retention.rule_action_text(rule)
