"""Text out of markup: the text nodes of HTML (or XML), one piece per block,
with scripts and styles dropped. Used by the search index (file contents) and
the intake (the HTML body of an e-mail)."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser

HTML_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt",
    "figcaption", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
    "main", "nav", "ol", "option", "p", "pre", "section", "table", "td", "th", "title", "tr",
    "ul",
})
HTML_HIDDEN = frozenset({"script", "style", "template"})


class MarkupText(HTMLParser):
    """Hands `add` the text of each block (every element, for XML) as it is read."""

    def __init__(self, add: Callable[[str], object], *, xml: bool = False):
        super().__init__(convert_charrefs=True)
        self.add, self.xml = add, xml
        self.buffer: list[str] = []
        self.buffered = 0
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in HTML_HIDDEN:
            self.hidden += 1
        elif self.xml or tag in HTML_BLOCKS:
            self.flush()

    def handle_endtag(self, tag):
        if tag in HTML_HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif self.xml or tag in HTML_BLOCKS:
            self.flush()

    def handle_data(self, data):
        if not self.hidden:
            self.buffer.append(data)
            self.buffered += len(data)
            if self.buffered > 64 * 1024:
                self.flush()

    def flush(self):
        if self.buffer:
            text, self.buffer, self.buffered = "".join(self.buffer), [], 0
            self.add(text)


def html_text(html: str) -> str:
    """The text of an HTML document, a line per block, blank lines dropped."""
    pieces: list[str] = []
    parser = MarkupText(pieces.append)
    parser.feed(html)
    parser.close()
    parser.flush()
    lines = (" ".join(line.split()) for piece in pieces for line in piece.splitlines())
    return "\n".join(line for line in lines if line)
