"""A page's words (of a PDF's text layer or of OCR) laid out in lines."""

from __future__ import annotations

from dataclasses import dataclass

# A gap between words of at least this many ems is a column's (a table's
# cells, a tab stop), when it is also twice the line's usual gap: a justified
# line stretches every gap alike, a column gap stands out.
_COLUMN_EMS = 0.6


@dataclass
class _Piece:
    """Text on one line of a page, with its box (y grows downwards) and font size."""

    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    text: str

    @property
    def height(self) -> float:
        return max(self.y1 - self.y0, 0.1)


@dataclass
class _Rows:
    """A page's pieces in rows, before they are written as text."""

    rows: list[list[_Piece]]
    gaps: list[float]  # between each row and the one before it, in ems of the row
    extra: list[str]  # text set at an angle


def _rows(pieces: list[_Piece], extra: list[str] = ()) -> _Rows:
    """Pieces in reading order: rows top to bottom (pieces whose heights
    overlap by half share a row, unless they overlap side to side), each row
    left to right."""
    rows: list[list[_Piece]] = []
    for piece in sorted(pieces, key=lambda p: ((p.y0 + p.y1) / 2, p.x0)):
        if rows:
            anchor = rows[-1][0]
            overlap = min(anchor.y1, piece.y1) - max(anchor.y0, piece.y0)
            if overlap >= 0.5 * min(anchor.height, piece.height) and not any(
                    _beside(other, piece) for other in rows[-1]):
                rows[-1].append(piece)
                continue
        rows.append([piece])
    bounds = [(min(p.y0 for p in row), max(p.y1 for p in row), max(p.size for p in row) or 1.0) for row in rows]
    gaps = [(bounds[i][0] - bounds[i - 1][1]) / bounds[i][2] for i in range(1, len(bounds))]
    return _Rows(rows, gaps, list(extra))


def _usual_gap(pages: list[_Rows]) -> float:
    """The usual space between lines (in ems): the median of the gaps
    between rows, over all the pages (a page of few lines does not say)."""
    gaps = sorted(gap for page in pages for gap in page.gaps)
    return max(gaps[len(gaps) // 2], 0.0) if gaps else 0.0


def _rows_text(page: _Rows, usual: float) -> str:
    """The rows as lines, pieces far apart (a table's cells, a tab stop)
    joined by a tab; an empty line where rows are clearly further apart than
    the usual line spacing (half an em more: between paragraphs)."""
    lines: list[str] = []
    for index, row in enumerate(page.rows):
        if index and page.gaps[index - 1] > usual + 0.5:
            lines.append("")
        lines.append(_row_text(row))
    if page.extra:
        lines.extend(["", *page.extra])
    return "\n".join(lines)


def _layout(pieces: list[_Piece], extra: list[str] = ()) -> str:
    """One page's pieces as text (_rows, _rows_text), its own line spacing the usual."""
    page = _rows(pieces, extra)
    return _rows_text(page, _usual_gap([page]))


def _beside(one: _Piece, other: _Piece) -> bool:
    """Whether two pieces overlap side to side, so cannot be on one row (a
    short heading above a long line slanted by a skewed scan), unless they
    are the same text drawn twice."""
    across = min(one.x1, other.x1) - max(one.x0, other.x0)
    if across <= 0.25 * min(one.size, other.size):
        return False
    return not (one.text.strip() == other.text.strip() and abs(one.x0 - other.x0) < 0.5 * one.size)


def _row_text(row: list[_Piece]) -> str:
    row.sort(key=lambda p: p.x0)
    parts: list[str] = []
    previous = None
    for piece in row:
        text = piece.text.strip()
        if not text:
            continue
        if previous is not None:
            if text == previous.text.strip() and abs(piece.x0 - previous.x0) < 0.5 * piece.size:
                continue  # the same text drawn twice, a hair apart: "bold" by overprinting
            gap = piece.x0 - previous.x1
            parts.append("\t" if gap >= _COLUMN_EMS * max(piece.size, previous.size) else " ")
        parts.append(text)
        previous = piece
    return "".join(parts)
