from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def kr(value):
    """Kronor with Swedish grouping (1 250 000); "–" when there is no figure."""
    if value in (None, ""):
        return "–"
    whole = int(Decimal(value).quantize(Decimal("1")))
    return f"{whole:,}".replace(",", "\u202f")
