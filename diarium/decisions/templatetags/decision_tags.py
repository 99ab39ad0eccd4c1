"""Template filters of the decisions pages."""

from django import template

from .. import access, selectors

register = template.Library()


@register.filter
def decision_links(text, organisation_id):
    """Decision references in a text ("KSAU 2018-02-28 § 8") as links to the
    decisions, where those are public; the rest of the text escaped."""
    return selectors.linked_text(str(text or ""), organisation_id=organisation_id)


@register.filter
def recipient_name(recipient, read_internal=False):
    """A decision's recipient as this reader is shown it ("Privatperson" for a
    private person, unless `read_internal`): access.recipient_shown_name."""
    return access.recipient_shown_name(recipient, read_internal=bool(read_internal))


@register.filter
def recipient_names(recipients, read_internal=False):
    """Recipients as a list in words, each as recipient_name shows it."""
    return ", ".join(access.recipient_shown_name(r, read_internal=bool(read_internal)) for r in recipients)
