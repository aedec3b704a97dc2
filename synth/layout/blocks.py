"""A format-neutral page description: sections of paragraphs and grids.

The DOCX, XLSX and text-dump writers all render this one description, so the three formats
(and the PDF converted from the DOCX) print the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

# How a table is ruled when printed: every cell border, only horizontal rules (top, bottom and
# between rows), or none at all (a Word table with its borders removed).
Rules = Literal["grid", "horizontal", "none"]
RULES: tuple[Rules, ...] = ("grid", "horizontal", "none")


@dataclass(frozen=True)
class Fig:
    """A printed amount: XLSX writes it as a number, the other formats as its text."""

    raw: str
    value: Decimal | None


Text = str | Fig
Cells = list[list[Text]]


def text(cell: Text) -> str:
    return cell.raw if isinstance(cell, Fig) else cell


@dataclass
class Para:
    text: str
    style: str = "body"  # cover, part, title, h2, h3, body, item, note, unit, right, blank


@dataclass
class Grid:
    rows: Cells
    widths: list[float]  # relative column widths
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1
    header_rows: int = 0
    repeat_header: bool = False
    rules: Rules = "grid"
    numeric_from: int = 0  # columns from here on are right-aligned figures

    def covered(self) -> set[tuple[int, int]]:
        """Cells hidden under a merge (all but each merge's top-left cell)."""
        out = set()
        for r0, c0, r1, c1 in self.merges:
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    if (r, c) != (r0, c0):
                        out.add((r, c))
        return out


Block = Para | Grid


@dataclass
class Section:
    name: str  # XLSX sheet name
    blocks: list[Block]
    landscape: bool = False
