"""Workbooks with openpyxl: one sheet per section (each of the nine tables on its own sheet),
figures as numbers with a display format, merged header cells."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from synth.layout.blocks import Fig, Grid, Para, Section, text
from synth.render.zipfix import normalise

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_PLAIN_NUMBER = re.compile(r"^-?[\d,]+(\.\d+)?$")
RIGHT = Alignment(horizontal="right")
HEADER = Alignment(wrap_text=True, vertical="center", horizontal="center")
WRAP = Alignment(wrap_text=True, vertical="center")
BOLD = Font(bold=True)


def _number_format(raw: str) -> str:
    return ("#,##0" if "," in raw else "0") + ("." + "0" * len(raw.split(".")[1])
                                               if "." in raw else "")


def _grid(ws: Worksheet, grid: Grid, top: int) -> int:
    covered = grid.covered()
    for r, row in enumerate(grid.rows):
        for c, value in enumerate(row):
            if (r, c) in covered:
                continue
            target = ws.cell(top + r, c + 1)
            if isinstance(value, Fig) and value.value is not None and _PLAIN_NUMBER.match(
                    value.raw):
                target.value = value.value
                target.number_format = _number_format(value.raw)
                target.alignment = RIGHT
            elif text(value):
                target.value = text(value)
                target.alignment = HEADER if r < grid.header_rows else WRAP
    for r0, c0, r1, c1 in grid.merges:
        ws.merge_cells(start_row=top + r0, start_column=c0 + 1,
                       end_row=top + r1, end_column=c1 + 1)
    return top + len(grid.rows)


def write(sections: list[Section], path: Path, title: str) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    names: set[str] = set()
    for section in sections:
        name = _BAD_SHEET_CHARS.sub("", section.name)[:31] or "Sheet"
        while name in names:
            name = name[:29] + f"_{len(names)}"
        names.add(name)
        ws = wb.create_sheet(name)
        row = 1
        widths: list[float] = []
        for block in section.blocks:
            if isinstance(block, Para):
                if block.style != "blank":
                    cell = ws.cell(row, 1, block.text)
                    if block.style in ("cover", "part", "title", "h2"):
                        cell.font = BOLD
                row += 1
            else:
                row = _grid(ws, block, row) + 1
                widths = max(widths, block.widths, key=len)
        for i, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = max(6.0, width * 4.2)
    wb.properties.title = title
    wb.properties.creator = ""
    wb.properties.created = wb.properties.modified = datetime(2025, 1, 1)
    wb.save(str(path))
    normalise(path)
