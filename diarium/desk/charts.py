"""The statistics' charts, drawn on the server as SVG the way the plans' are
(diarium/plans/charts.py: its frame with a title and a description for screen
readers, its colours and type): readable without JavaScript, every value
written beside its bar so colour never carries it alone, and a data table
beside each chart on the page. Shares of a whole use the plans' own 0–100 %
bars (progress_bars)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from diarium.plans.charts import AXIS, BAR, FONT, progress_bars
from diarium.plans.charts import svg_frame

__all__ = ["count_bars", "progress_bars"]


def _number(value: float | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def count_bars(rows: list[tuple[str, float | int | None]], *, title: str, chart_id: str,
               unit: str = "") -> SafeString:
    """Horizontal bars for counts or days, one per label, scaled to the largest value."""
    label_w, bar_w, row_h = 220, 380, 26
    height = 30 + row_h * max(len(rows), 1)
    width = label_w + bar_w + 90
    top = max([float(v) for _label, v in rows if v is not None] + [1.0])
    body = [f'<g style="{FONT}" fill="{AXIS}">']
    for i, (label, value) in enumerate(rows):
        y = 20 + i * row_h
        short = label if len(label) <= 32 else label[:30] + "…"
        body.append(f'<text x="{label_w - 8}" y="{y + 13}" text-anchor="end">{escape(short)}</text>')
        length = 0.0 if value is None else bar_w * float(value) / top
        if length:
            body.append(f'<rect x="{label_w}" y="{y}" width="{length:.1f}" height="16" fill="{BAR}"/>')
        body.append(f'<text x="{label_w + length + 6:.1f}" y="{y + 13}">{escape(_number(value))}</text>')
    body.append(f'<line x1="{label_w}" y1="16" x2="{label_w}" y2="{height - 8}" stroke="{AXIS}"/>')
    body.append("</g>")
    suffix = f" {unit}" if unit else ""
    desc = "; ".join(f"{label}: {_number(value)}{suffix if value is not None else ''}" for label, value in rows)
    return svg_frame(chart_id, title, desc or _("Inga värden."), width, height, body)
