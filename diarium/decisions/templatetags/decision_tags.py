"""Template filters of the decisions pages."""

from django import template

from .. import selectors

register = template.Library()


@register.filter
def decision_links(text, organisation_id):
    """Decision references in a text ("KSAU 2018-02-28 § 8") as links to the
    decisions, where those are public; the rest of the text escaped."""
    return selectors.linked_text(str(text or ""), organisation_id=organisation_id)
