"""Kronor as Swedes write them: whole kronor grouped by thousands (1 250 000)."""

from decimal import Decimal

NARROW_NBSP = "\u202f"  # in running text and charts
NBSP = "\u00a0"  # in page tables


def kr(value, *, sep: str | None = NARROW_NBSP) -> str:
    """Whole kronor with a non-breaking space between thousands; "–" when there is no figure.
    With sep=None, the active language's thousands separator (1 250 000, or 1,250,000 in English)."""
    if value is None or value == "":
        return "–"
    whole = int(Decimal(str(value)).quantize(Decimal("1")))
    if sep is None:
        from django.utils.formats import get_format

        sep = get_format("THOUSAND_SEPARATOR")
    return f"{whole:,}".replace(",", sep)


def decimal_text(value) -> str:
    """A measured value or target without trailing zeros, with the active language's decimal sign."""
    from django.utils.formats import get_format

    if value is None or value == "":
        return "–"
    text = f"{Decimal(str(value)).normalize():f}"
    return text.replace(".", get_format("DECIMAL_SEPARATOR"))
