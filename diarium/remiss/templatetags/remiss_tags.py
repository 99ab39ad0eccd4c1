"""Template filters of the remiss pages and documents."""

from django import template

from .. import access

register = template.Library()


@register.filter
def recipient_name(recipient, read_internal=False):
    """A remiss body as this reader is shown it ("Privatperson" for a private
    person, unless `read_internal`): access.recipient_shown_name."""
    return access.recipient_shown_name(recipient, read_internal=bool(read_internal))


@register.filter
def recipient_names(recipients, read_internal=False):
    """Remiss bodies as a list in words, each as recipient_name shows it."""
    return ", ".join(access.recipient_shown_name(r, read_internal=bool(read_internal)) for r in recipients)
