from django import template

from diarium.documents import markup

register = template.Library()


@register.filter
def light_markup(value):
    """Free text with light formatting as HTML (see diarium.documents.markup)."""
    return markup.to_html(value)
