"""Charts and number formats of the plan pages."""

from django import template


from .. import charts, formatting, selectors

register = template.Library()


@register.simple_tag
def progress_chart(rollup, chart_id, title):
    rows = [(g.goal["title"], g.progress) for g in rollup.goals]
    return charts.progress_bars(rows, title=title, chart_id=chart_id)


@register.simple_tag
def money_chart(money_rows, chart_id, title):
    return charts.budget_bars(money_rows, title=title, chart_id=chart_id)


@register.simple_tag
def indicator_chart(row, chart_id, title):
    return charts.indicator_lines(row, title=title, chart_id=chart_id)


@register.filter
def kr(value):
    """Kronor for page tables: 1 250 000 (1,250,000 in English)."""
    return formatting.kr(value, sep=None)


@register.filter
def number(value):
    """A measured value or target: no trailing zeros, the language's decimal sign (comma in Swedish)."""
    return formatting.decimal_text(value)


@register.filter
def pct(value):
    if value is None:
        return "–"
    from django.utils.translation import get_language

    # 40 % in Swedish (a space before the sign, as Språkrådet writes it), 40% in English.
    space = "" if (get_language() or "").startswith("en") else "\u00a0"
    return f"{float(value):.0f}{space}%"


@register.filter
def get_item(mapping, key):
    if not mapping:
        return None
    return mapping.get(key, mapping.get(str(key)) if isinstance(key, int) else None)


@register.filter
def budget_total(action):
    return selectors.budget_total(action)


@register.filter
def year_budget(action, year):
    """An action's (drift, investering) for a year from the structure data."""
    b = action["budgets"].get(str(year), {})
    return (b.get("operating"), b.get("investment"))
