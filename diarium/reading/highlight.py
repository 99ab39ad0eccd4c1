"""The document's text with each recognised field marked where it was read
(the reading's spans), for the review screen: every <mark> carries its
field's name as text, read out and shown beside it, so a field is never told
by its colour alone (WCAG 1.4.1). Spans that cross another field's span are
left unmarked rather than nested wrongly; the legend still counts them."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import FIELD_LABELS

STYLES = 8  # the mark styles (colour and border) the stylesheet has, hl-0 … hl-7
TEXT_SHOWN = 400_000  # characters of a document shown; a 500-page report is cut with a note


@dataclass
class Legend:
    name: str
    label: str
    style: int
    count: int
    first_id: str


@dataclass
class _Mark:
    start: int
    end: int
    name: str
    children: list[_Mark] = field(default_factory=list)


def anchor(name: str, n: int) -> str:
    return f"markering-{name.replace('_', '-')}-{n}"


def style_of(name: str) -> int:
    names = list(FIELD_LABELS)
    return (names.index(name) if name in names else len(names)) % STYLES


def marked(text: str, spans: dict) -> tuple[SafeString, list[Legend], bool]:
    """The text as HTML with the spans marked, the legend of the fields
    marked (in the review form's order), and whether the text was cut."""
    text = text or ""
    cut = len(text) > TEXT_SHOWN
    shown = text[:TEXT_SHOWN]
    intervals = []
    for name, places in (spans or {}).items():
        if not isinstance(places, list):
            continue
        for place in places:
            if (isinstance(place, list | tuple) and len(place) == 2 and all(isinstance(n, int) for n in place)
                    and 0 <= place[0] < place[1] <= len(shown)):
                intervals.append((place[0], place[1], str(name)))
    order = {name: i for i, name in enumerate(FIELD_LABELS)}
    intervals = sorted(set(intervals), key=lambda m: (m[0], -m[1], order.get(m[2], 99)))
    root = _Mark(0, len(shown), "")
    stack = [root]
    for start, end, name in intervals:
        while stack[-1] is not root and stack[-1].end <= start:
            stack.pop()
        if end > stack[-1].end:
            continue  # crosses the span it starts in
        mark = _Mark(start, end, name)
        stack[-1].children.append(mark)
        stack.append(mark)
    counts: dict[str, int] = {}
    html = _render(shown, root, counts, top=True)
    legend = [Legend(name=name, label=str(FIELD_LABELS.get(name, name)), style=style_of(name), count=counts[name],
                     first_id=anchor(name, 1))
              for name in sorted(counts, key=lambda n: order.get(n, 99))]
    return mark_safe(html), legend, cut


def _render(text: str, node: _Mark, counts: dict[str, int], *, top: bool = False) -> str:
    out, at = [], node.start
    for child in node.children:
        out.append(escape(text[at:child.start]))
        out.append(_render(text, child, counts))
        at = child.end
    out.append(escape(text[at:node.end]))
    inner = "".join(out)
    if top:
        return inner
    counts[node.name] = counts.get(node.name, 0) + 1
    label = escape(str(FIELD_LABELS.get(node.name, node.name)))
    return (f'<mark class="hl hl-{style_of(node.name)}" id="{anchor(node.name, counts[node.name])}">'
            f'<span class="visually-hidden">{label}: </span>{inner}'
            f'<span class="hl-tag" aria-hidden="true">{label}</span></mark>')
