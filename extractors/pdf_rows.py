"""Rows of a table printed without rules: which printed lines make one row.

Lines that overlap vertically are one row (a two-line name beside figures centred on it). A
taller row (a name wrapped over four lines) leaves lines that hold only a piece of the name,
above and below the line with its code and figures (its anchor). In a code table every row has
an anchor, so those pieces are shared out: cells are centred vertically (as Word prints them
unless told otherwise), so a row has as many pieces above its anchor as below. Counted from
the top of the first page, or from the end of a continued page (whose first pieces may finish
the row the page before cut: the carry); when the counts do not fit, pieces belong to the
anchor above them (cells aligned at the top).
"""

from __future__ import annotations

from collections.abc import Callable

from extractors.pdf_words import TextLine, Word

Rows = list[list[Word]]


def overlapping(lines: list[TextLine]) -> Rows:
    """Lines joined while they overlap vertically."""
    rows: Rows = []
    bottom = None
    for line in lines:
        if rows and bottom is not None and line.top < bottom:
            rows[-1].extend(line.words)
            bottom = max(bottom, line.bottom)
        else:
            rows.append(list(line.words))
            bottom = line.bottom
    return rows


def shared_out(groups: Rows, is_piece: Callable[[list[Word]], bool], continued: bool) -> Rows:
    """Pieces of wrapped names joined to their anchors; a carry comes first as its own row."""
    anchors = [n for n, group in enumerate(groups) if not is_piece(group)]
    if not anchors or len(anchors) == len(groups):
        return groups
    bounds = [-1, *anchors, len(groups)]
    gaps = [bounds[k + 1] - bounds[k] - 1 for k in range(len(bounds) - 1)]
    solved = _centred(gaps, continued) or _centred(gaps, not continued)
    above = solved[1] if solved else [0] * len(anchors)
    carry = solved[0] if solved else gaps[0]
    rows: Rows = [[w for g in groups[:carry] for w in g]] if carry else []
    for k, anchor in enumerate(anchors):
        start = anchor - above[k]
        end = anchors[k + 1] - above[k + 1] if k + 1 < len(anchors) else len(groups)
        rows.append([w for g in groups[start:end] for w in g])
    return rows


def _centred(gaps: list[int], from_end: bool) -> tuple[int, list[int]] | None:
    """Pieces above each anchor when every row is centred on its anchor, and the carry: from
    the end of the page (the last row complete) or from its top (no carry); None if the
    counts do not fit."""
    count = len(gaps) - 1
    above = [0] * count
    if from_end:
        above[-1] = gaps[-1]
        for k in range(count - 1, 0, -1):
            above[k - 1] = gaps[k] - above[k]
        carry = gaps[0] - above[0]
    else:
        above[0], carry = gaps[0], 0
        for k in range(1, count):
            above[k] = gaps[k] - above[k - 1]
        if gaps[-1] > above[-1]:
            return None
    return (carry, above) if carry >= 0 and min(above) >= 0 else None
