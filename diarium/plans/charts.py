"""Server-rendered SVG charts: readable without JavaScript, each with a title
and a description (its numbers in words) for screen readers, values written
on the bars and points so colour is never the only carrier. Pages put a data
table beside each chart."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .formatting import kr

# Colours with at least 3:1 contrast against white (WCAG 1.4.11) and each other by lightness.
BAR = "#1f5c99"
BAR_LIGHT = "#6b9fd1"
USED = "#8a4b08"
USED_LIGHT = "#d19a5c"
TARGET = "#555555"
AXIS = "#333333"
FONT = "font-family:sans-serif;font-size:12px"


def svg_frame(chart_id: str, title: str, desc: str, width: int, height: int, body: list[str]) -> SafeString:
    """An accessible chart's frame: an SVG image named by its title and described
    for screen readers (the desk's statistics draw in the same frame)."""
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>'
        + "".join(body) + "</svg>"
    )


def progress_bars(rows: list[tuple[str, float | None]], *, title: str, chart_id: str) -> SafeString:
    """Horizontal bars 0–100 % for each label (a goal's progress)."""
    label_w, bar_w, row_h = 300, 360, 28
    height = 30 + row_h * max(len(rows), 1)
    width = label_w + bar_w + 70
    body = [f'<g style="{FONT}" fill="{AXIS}">']
    for i, (label, value) in enumerate(rows):
        y = 20 + i * row_h
        short = label if len(label) <= 44 else label[:42] + "…"
        body.append(f'<text x="{label_w - 8}" y="{y + 14}" text-anchor="end">{escape(short)}</text>')
        body.append(f'<rect x="{label_w}" y="{y}" width="{bar_w}" height="18" fill="#ffffff" stroke="{AXIS}"/>')
        if value is not None:
            body.append(f'<rect x="{label_w}" y="{y}" width="{bar_w * max(0.0, min(float(value), 100.0)) / 100:.1f}" '
                        f'height="18" fill="{BAR}"/>')
        body.append(f'<text x="{label_w + bar_w + 6}" y="{y + 14}">'
                    f'{"–" if value is None else f"{float(value):.0f} %"}</text>')
    body.append("</g>")
    desc = "; ".join(f"{label}: {'ingen uppgift' if v is None else f'{float(v):.0f} procent'}" for label, v in rows)
    return svg_frame(chart_id, title, desc, width, height, body)


def budget_bars(money_rows, *, title: str, chart_id: str) -> SafeString:
    """Per year: budget and outcome for operating (drift) and investment money."""
    series = [(_("Budget drift"), BAR, "budget_operating"), (_("Utfall drift"), USED, "used_operating"),
              (_("Budget investering"), BAR_LIGHT, "budget_investment"),
              (_("Utfall investering"), USED_LIGHT, "used_investment")]
    values = [getattr(r, key) or 0 for r in money_rows for _l, _c, key in series]
    top = max([Decimal(v) for v in values] + [Decimal(1)])
    plot_h, group_w, bar_w, left = 220, 4 * 34 + 30, 30, 90
    width = left + group_w * max(len(money_rows), 1) + 20
    height = plot_h + 110
    body = [f'<g style="{FONT}" fill="{AXIS}">',
            f'<line x1="{left}" y1="{20 + plot_h}" x2="{width - 10}" y2="{20 + plot_h}" stroke="{AXIS}"/>',
            f'<text x="{left - 6}" y="24" text-anchor="end">{kr(top)}</text>',
            f'<text x="{left - 6}" y="{24 + plot_h}" text-anchor="end">0</text>']
    for i, row in enumerate(money_rows):
        x0 = left + 10 + i * group_w
        for j, (label, colour, key) in enumerate(series):
            value = getattr(row, key)
            h = 0 if value is None else float(Decimal(value) / top) * plot_h
            x = x0 + j * 34
            if value is not None:
                body.append(f'<rect x="{x}" y="{20 + plot_h - h:.1f}" width="{bar_w}" height="{h:.1f}" '
                            f'fill="{colour}" stroke="{AXIS}" stroke-width="0.5"/>')
            body.append(f'<text x="{x + bar_w / 2}" y="{14 + plot_h - h:.1f}" text-anchor="middle" '
                        f'style="font-size:9px">{"–" if value is None else kr(Decimal(value) / 1000) + " t"}</text>')
        body.append(f'<text x="{x0 + 2 * 34}" y="{40 + plot_h}" text-anchor="middle">{row.year}</text>')
    for j, (label, colour, _key) in enumerate(series):
        lx = left + (j % 2) * 200
        ly = plot_h + 62 + (j // 2) * 20
        body.append(f'<rect x="{lx}" y="{ly - 10}" width="12" height="12" fill="{colour}" stroke="{AXIS}"/>')
        body.append(f'<text x="{lx + 18}" y="{ly}">{escape(label)}</text>')
    body.append("</g>")
    desc = "; ".join(
        f"{r.year}: " + _("budget drift %(bo)s kr, utfall drift %(uo)s kr, budget investering %(bi)s kr, "
                          "utfall investering %(ui)s kr") % {
            "bo": kr(r.budget_operating), "uo": kr(r.used_operating), "bi": kr(r.budget_investment),
            "ui": kr(r.used_investment)}
        for r in money_rows)
    return svg_frame(chart_id, title, desc, width, height, body)


def indicator_lines(row, *, title: str, chart_id: str) -> SafeString:
    """Measured values per year as a solid line, targets as a dashed one."""
    points = row.points
    numbers = [Decimal(v) for _y, m, t in points for v in (m, t) if v is not None]
    if row.indicator.get("baseline") not in (None, ""):
        numbers.append(Decimal(row.indicator["baseline"]))
    top = max(numbers + [Decimal(1)])
    bottom = min(numbers + [Decimal(0)])
    span = (top - bottom) or Decimal(1)
    left, plot_w, plot_h = 70, 80 * max(len(points) - 1, 1), 160
    width, height = left + plot_w + 60, plot_h + 80

    def xy(i, value):
        return left + i * (plot_w / max(len(points) - 1, 1)), 20 + plot_h - float((Decimal(value) - bottom) / span) * plot_h

    body = [f'<g style="{FONT}" fill="{AXIS}">',
            f'<line x1="{left}" y1="{20 + plot_h}" x2="{left + plot_w}" y2="{20 + plot_h}" stroke="{AXIS}"/>',
            f'<text x="{left - 6}" y="24" text-anchor="end">{top.normalize():f}</text>',
            f'<text x="{left - 6}" y="{24 + plot_h}" text-anchor="end">{bottom.normalize():f}</text>']
    for kind, index, colour, dash in (("target", 2, TARGET, ' stroke-dasharray="6 4"'), ("measured", 1, BAR, "")):
        coords = [xy(i, p[index]) for i, p in enumerate(points) if p[index] is not None]
        if len(coords) > 1:
            body.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} points="'
                        + " ".join(f"{x:.1f},{y:.1f}" for x, y in coords) + '"/>')
        for i, p in enumerate(points):
            if p[index] is None:
                continue
            x, y = xy(i, p[index])
            shape = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>' if kind == "measured"
                     else f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="#ffffff" '
                          f'stroke="{colour}" stroke-width="2"/>')
            body.append(shape)
            body.append(f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle" style="font-size:10px">'
                        f'{Decimal(p[index]).normalize():f}</text>')
    for i, (year, _m, _t) in enumerate(points):
        x, _y = xy(i, bottom)
        body.append(f'<text x="{x:.1f}" y="{40 + plot_h}" text-anchor="middle">{year}</text>')
    body.append(f'<circle cx="{left + 6}" cy="{plot_h + 64}" r="4" fill="{BAR}"/>'
                f'<text x="{left + 16}" y="{plot_h + 68}">{escape(_("Uppmätt"))}</text>'
                f'<rect x="{left + 96}" y="{plot_h + 60}" width="8" height="8" fill="#ffffff" stroke="{TARGET}" '
                f'stroke-width="2"/><text x="{left + 110}" y="{plot_h + 68}">{escape(_("Mål"))}</text>')
    body.append("</g>")
    unit = row.indicator.get("unit", "")
    desc = "; ".join(
        f"{year}: " + (_("uppmätt %(m)s %(u)s") % {"m": f"{Decimal(m).normalize():f}", "u": unit} if m is not None
                       else _("inget uppmätt värde"))
        + (", " + _("mål %(t)s %(u)s") % {"t": f"{Decimal(t).normalize():f}", "u": unit} if t is not None else "")
        for year, m, t in points)
    return svg_frame(chart_id, title, desc, width, height, body)
