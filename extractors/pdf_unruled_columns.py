"""Where the columns of a table printed without rules are, and which column a word is in.

Columns are the header's leaf cells, centred over their column; a header cell printed over
several columns spans the columns centred under it. Data words are grouped per kind by
horizontal overlap and each group placed by its alignment (see docs/pdf-unruled.md).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

from extractors.numbers import ZERO_MARKS
from extractors.pdf_text import compact, is_amount, is_code
from extractors.pdf_words import Word

TOLERANCE = 3.0  # points: centres this close are one centre
ALIGNED = 1.0  # points: edges this close are one alignment


@dataclass(frozen=True)
class Columns:
    """Where a table's columns are: the centre of each column's leaf header cells."""

    centers: tuple[float, ...]
    left: float
    right: float

    def bounds(self, col: int) -> tuple[float, float]:
        """Half-way to the neighbouring centres (the table's edges outside)."""
        low = self.left if col == 0 else (self.centers[col - 1] + self.centers[col]) / 2
        last = col + 1 == len(self.centers)
        high = self.right if last else (self.centers[col] + self.centers[col + 1]) / 2
        return low, high


def below(lower: Word, upper: Word) -> bool:
    """`lower` printed on a later header row than `upper` (not a cell centred beside it)."""
    return lower.top - upper.bottom >= upper.height / 4


def same_level(a: Word, b: Word) -> bool:
    return not below(a, b) and not below(b, a)


def _is_parent(cell: Word, cells: list[Word]) -> bool:
    """A cell with cells printed under it on both sides of its centre, none of its own level
    in between: a heading over several columns."""
    for side in (-1, 1):
        under = [
            c for c in cells if below(c, cell) and side * (c.center - cell.center) > TOLERANCE
        ]
        if not under:
            return False
        nearest = min(under, key=lambda c: abs(c.center - cell.center))
        low, high = sorted((cell.center, nearest.center))
        if any(
            c is not cell and same_level(c, cell) and low < c.center < high for c in cells
        ):
            return False
    return True


def _leaves(cells: list[Word]) -> list[list[Word]]:
    """Leaf cells grouped by column (cells of one centre stacked), left to right."""
    leaves = sorted((c for c in cells if not _is_parent(c, cells)), key=lambda c: c.center)
    groups: list[list[Word]] = []
    for cell in leaves:
        if groups and abs(groups[-1][0].center - cell.center) <= TOLERANCE:
            groups[-1].append(cell)
        else:
            groups.append([cell])
    return groups


def span(cell: Word, cells: list[Word], columns: Columns) -> tuple[int, int]:
    """Columns a header cell covers: a leaf its own; a heading the columns centred under it,
    widened while still centred, headed under it and not reaching a cell of its level."""
    centers = columns.centers
    n = len(centers)
    ranges = [
        (a, b) for a in range(n) for b in range(a, n)
        if abs((centers[a] + centers[b]) / 2 - cell.center) <= TOLERANCE
    ]
    if not ranges:
        inside = [j for j in range(n) if cell.x0 <= centers[j] <= cell.x1]
        if inside:
            return inside[0], inside[-1]
        nearest = min(range(n), key=lambda j: abs(centers[j] - cell.center))
        return nearest, nearest
    a, b = min(ranges, key=lambda r: r[1] - r[0])
    level = [c for c in cells if c is not cell and same_level(c, cell)]
    while a > 0 and b + 1 < n and (a - 1, b + 1) in ranges:
        edges = (columns.bounds(a - 1), columns.bounds(b + 1))
        if any(lo - TOLERANCE <= c.center <= hi + TOLERANCE for c in level for lo, hi in edges):
            break  # a heading of its own level
        if not all(any(below(c, cell) and lo <= c.center <= hi for c in cells)
                   for lo, hi in edges):
            break  # nothing headed there
        a, b = a - 1, b + 1
    return a, b


def columns_of(cells: list[Word], data: list[Word]) -> Columns:
    leaves = _leaves(cells)
    centers = tuple(group[0].center for group in leaves)
    everything = [*cells, *data]
    return Columns(centers, min(w.x0 for w in everything), max(w.x1 for w in everything))


def kind(word: Word) -> str:
    """`number` (a figure, a zero mark, a code, a row number) or `text`."""
    return _kind(word.text)


@lru_cache(maxsize=4096)  # asked for each word many times while columns are placed
def _kind(printed: str) -> str:
    text = compact(printed)
    return "number" if is_code(text) or is_amount(text) or text in ZERO_MARKS else "text"


def groups_of(words: list[Word]) -> list[list[Word]]:
    """Data words of one kind (numbers, text) that overlap horizontally."""
    groups: list[list[Word]] = []
    for wanted in ("number", "text"):
        ordered = sorted((w for w in words if kind(w) == wanted), key=lambda w: w.x0)
        right = None
        for word in ordered:
            if right is not None and word.x0 < right:
                groups[-1].append(word)
                right = max(right, word.x1)
            else:
                groups.append([word])
                right = word.x1
    return groups


def column_of(group: list[Word], columns: Columns) -> int:
    """Where a group is aligned decides: left-aligned text starts left of its column's centre,
    right-aligned figures end right of it. A group aligned both ways (one word, words of one
    width): text is taken as left-aligned; numbers (a zero, a code, a row number, a lone
    figure) belong to the column both readings give, else to the nearest centre."""
    centers = columns.centers
    left, left_share = _shared_edge([w.x0 for w in group], 1)
    right, right_share = _shared_edge([w.x1 for w in group], -1)
    text = all(kind(w) == "text" for w in group)
    left_column = next((j for j, c in enumerate(centers) if c > left), None)
    right_column = next((j for j in reversed(range(len(centers))) if centers[j] < right), None)
    chosen = None
    if left_share > right_share or (left_share == right_share and text):
        chosen = left_column
    elif right_share > left_share or left_column == right_column:
        chosen = right_column
    if chosen is not None:
        return chosen
    middle = (min(w.x0 for w in group) + max(w.x1 for w in group)) / 2
    return min(range(len(centers)), key=lambda j: abs(centers[j] - middle))


def _shared_edge(edges: list[float], inner: float) -> tuple[float, int]:
    """The edge most words share (within `ALIGNED` points) and how many share it; of edges
    shared alike, the innermost (`inner` 1: rightmost left edge, -1: leftmost right edge), so a
    label merged over the column before does not pull its column's words there."""

    ordered = sorted(edges)

    def shared(edge: float) -> int:
        return bisect_right(ordered, edge + ALIGNED) - bisect_left(ordered, edge - ALIGNED)

    best = max(set(ordered), key=lambda e: (shared(e), inner * e))
    return best, shared(best)
