"""The light formatting a case officer may use in the free text of a document:
paragraphs separated by a blank line, bullet lists ("- " or "* " at the start
of a line), **bold** and *italic* (or _italic_). Nothing else.

Sanitising is by construction rather than by filtering: the text is escaped
first, so any HTML the writer types ("<script>", "<img onerror=…>") comes out
as visible text, and the only tags in the result are the five this module
writes itself (p, br, ul, li, strong, em). That is why no HTML sanitiser
(nh3, bleach) is needed: there is no foreign HTML left to clean.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![\w*])[*_](?=\S)(.+?)(?<=\S)[*_](?![\w*])")
# C0 controls except tab and newline, DEL, and the C1 block: never meaningful in a report.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(text: str | None) -> str:
    """The text as it is stored: line endings as "\\n", no control characters,
    no trailing spaces, at most one blank line between paragraphs."""
    text = _CONTROL.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _inline(text: str) -> str:
    html = escape(text)
    html = _BOLD.sub(r"<strong>\1</strong>", html)
    return _ITALIC.sub(r"<em>\1</em>", html)


def _block_html(block: str) -> list[str]:
    """One block (between blank lines) as paragraphs and lists, in order."""
    out: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    for line in [*block.split("\n"), None]:  # None: the end, flush what is open
        bullet = _BULLET.match(line) if line is not None else None
        if bullet is None and items and line is not None and line.startswith((" ", "\t")):
            items[-1] += " " + line.strip()  # a bullet's continuation line
            continue
        if (bullet is not None or line is None) and paragraph:
            out.append("<p>" + "<br>".join(_inline(p.strip()) for p in paragraph) + "</p>")
            paragraph = []
        if (bullet is None or line is None) and items:
            out.append("<ul>" + "".join(f"<li>{_inline(item)}</li>" for item in items) + "</ul>")
            items = []
        if bullet is not None:
            items.append(bullet.group(1).strip())
        elif line is not None:
            paragraph.append(line)
    return out


def to_html(text: str | None) -> SafeString:
    """The text as HTML paragraphs and lists (see the module docstring)."""
    blocks = [b for b in re.split(r"\n\s*\n", clean_text(text)) if b.strip()]
    html = [part for block in blocks for part in _block_html(block)]
    return mark_safe("\n".join(html))  # escaped above; only our own tags are added
