"""Kronor as Swedes write them: whole kronor grouped by thousands (1 250 000)."""

from decimal import Decimal

NARROW_NBSP = "\u202f"  # in running text and charts
NBSP = "\u00a0"  # in page tables


def kr(value, *, sep: str = NARROW_NBSP) -> str:
    """Whole kronor with a non-breaking space between thousands; "–" when there is no figure."""
    if value is None or value == "":
        return "–"
    whole = int(Decimal(str(value)).quantize(Decimal("1")))
    return f"{whole:,}".replace(",", sep)
