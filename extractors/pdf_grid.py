"""A ruled table on one page as a regular grid of slots, merged cells resolved.

pdfplumber reports a merged cell once, at its top-left position, and `None` at the other
positions it covers. Headers need the covering text at every position (a header spanning
three columns names all three); data rows need only the cells that start there.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from pdfplumber.table import Table as PlumberTable
from pdfplumber.utils.text import (
    DEFAULT_X_TOLERANCE,
    DEFAULT_Y_TOLERANCE,
    LIGATURES,
    extract_text,
)

BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class Slot:
    text: str  # text of the covering cell, lines separated by "\n"; "" when blank
    origin: bool  # the covering cell starts at this position
    cell: int  # identity of the covering cell within the grid


@dataclass
class Grid:
    page: int
    bbox: BBox  # x0, top, x1, bottom
    col_x: list[float]  # left edge of each column
    slots: list[list[Slot | None]]  # [row][column]; None where no cell covers the position

    @property
    def n_cols(self) -> int:
        return len(self.col_x)

    @property
    def top(self) -> float:
        return self.bbox[1]

    @property
    def bottom(self) -> float:
        return self.bbox[3]

    def origin_text(self, row: int, col: int) -> str | None:
        """Text of the cell starting at this position, or None if it is covered or absent."""
        slot = self.slots[row][col]
        return slot.text if slot is not None and slot.origin else None


def cell_texts(table: PlumberTable) -> list[list[str | None]]:
    """`table.extract()`, with the page's chars looked up by their vertical middle.

    pdfplumber's rule is kept: a char belongs to a cell when its middle lies inside, and the
    cell's text is pdfplumber's `extract_text` of its chars in page order (`_line_text` for
    the usual cell of one line). pdfplumber itself filters every char of the page once per row.
    """
    chars = table.page.chars
    middles = sorted(((c["top"] + c["bottom"]) / 2, n) for n, c in enumerate(chars))
    keys = [middle for middle, _ in middles]
    centres = [(c["x0"] + c["x1"]) / 2 for c in chars]
    texts: list[list[str | None]] = []
    for row in table.rows:
        line: list[str | None] = []
        for cell in row.cells:
            if cell is None:
                line.append(None)
                continue
            x0, top, x1, bottom = cell
            found = middles[bisect_left(keys, top) : bisect_left(keys, bottom)]
            inside = sorted(n for _, n in found if x0 <= centres[n] < x1)
            line.append(_text([chars[n] for n in inside]) if inside else "")
        texts.append(line)
    return texts


def _text(chars: list[dict[str, Any]]) -> str:
    line = _line_text(chars)
    return extract_text(chars) if line is None else line


def _line_text(chars: list[dict[str, Any]]) -> str | None:
    """pdfplumber's `extract_text` of upright chars whose tops are all within its line
    tolerance (one line), without its line clustering; None for any other chars. Its words:
    chars left to right, split at a blank and before a char starting left of the one before it
    or more than its x tolerance right of its end."""
    tops = [c["top"] for c in chars]
    if max(tops) > min(tops) + DEFAULT_Y_TOLERANCE or not all(c["upright"] for c in chars):
        return None
    words: list[str] = []
    word = ""
    last: dict[str, Any] | None = None
    for char in sorted(chars, key=itemgetter("x0")):
        text = char["text"] or ""
        if text.isspace():
            words.append(word)
            word, last = "", None
            continue
        if last is not None and (
            char["x0"] < last["x0"]
            or char["x0"] > last["x1"] + DEFAULT_X_TOLERANCE
            or abs(char["top"] - last["top"]) > DEFAULT_Y_TOLERANCE
        ):
            words.append(word)
            word = ""
        word += LIGATURES.get(text, text)
        last = char
    words.append(word)
    return " ".join(w for w in words if w)


def grid_from_table(table: PlumberTable, page: int) -> Grid:
    texts = cell_texts(table)
    rows = table.rows
    col_x = sorted({cell[0] for cell in table.cells})  # pdfplumber's column order
    row_tops = [row.bbox[1] for row in rows] + [table.bbox[3]]
    cells: list[tuple[BBox, str]] = []
    origins: dict[tuple[int, int], int] = {}
    for r, row in enumerate(rows):
        for c, bbox in enumerate(row.cells):
            if bbox is not None:
                origins[(r, c)] = len(cells)
                cells.append((bbox, texts[r][c] or ""))
    slots: list[list[Slot | None]] = []
    for r in range(len(rows)):
        y = (row_tops[r] + row_tops[r + 1]) / 2
        line: list[Slot | None] = []
        for c in range(len(col_x)):
            if (r, c) in origins:
                index = origins[(r, c)]
                line.append(Slot(cells[index][1], True, index))
                continue
            x = _column_middle(col_x, c, table.bbox[2])
            cover = _covering(cells, x, y)
            line.append(None if cover is None else Slot(cells[cover][1], False, cover))
        slots.append(line)
    return Grid(page, table.bbox, col_x, slots)


def _column_middle(col_x: list[float], col: int, right: float) -> float:
    end = col_x[col + 1] if col + 1 < len(col_x) else right
    return (col_x[col] + end) / 2


def _covering(cells: list[tuple[BBox, str]], x: float, y: float) -> int | None:
    for index, (bbox, _) in enumerate(cells):
        if bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]:
            return index
    return None


def same_structure(first: Grid, then: Grid, tolerance: float) -> bool:
    """Same columns at the same places: a table continued from one page to the next."""
    return first.n_cols == then.n_cols and all(
        abs(a - b) <= tolerance for a, b in zip(first.col_x, then.col_x, strict=True)
    )


def fitted_to(first: Grid, then: Grid, tolerance: float) -> Grid | None:
    """`then` on the columns of `first`, when its column edges are a subset of first's and
    both span the same width: a table continued with some columns merged (a totals line
    printed as its own ruled table). None if the columns do not fit."""
    bounds = (first.bbox[0] - then.bbox[0], first.bbox[2] - then.bbox[2])
    if any(abs(delta) > tolerance for delta in bounds):
        return None
    matches = []
    for x in then.col_x:
        near = [j for j, edge in enumerate(first.col_x) if abs(edge - x) <= tolerance]
        if not near:
            return None
        matches.append(near[0])
    if matches != sorted(set(matches)) or matches[0] != 0:
        return None
    slots: list[list[Slot | None]] = []
    for row in then.slots:
        line: list[Slot | None] = []
        for j in range(first.n_cols):
            i = max(n for n, start in enumerate(matches) if start <= j)
            slot = row[i]
            origin = slot is not None and slot.origin and matches[i] == j
            line.append(None if slot is None else Slot(slot.text, origin, slot.cell))
        slots.append(line)
    return Grid(then.page, then.bbox, list(first.col_x), slots)
