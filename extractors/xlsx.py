"""Extractor for an Excel disclosure (.xlsx), read from its own structure with openpyxl.

Each visible sheet is read top to bottom. A row holding one text in the sheet's first used
column is a paragraph (`flow.Text`: title, unit line, notes, narrative) unless it belongs
to a grid: a line directly under a grid row (a label with blank figures), or a merged cell
over several columns above a row of several cells (a column group such as 财政拨款“三公”经费).
Every other non-blank row is a `flow.GridRow`; a blank row ends a grid. Figures are printed
as their number format shows them (decimals, thousands separators, percent). Merged ranges
are recorded in `GridRow.merged`, so the workbook is opened in normal mode: read-only mode has no
merged ranges, and disclosure-sized workbooks load as fast either way. XLSX has no pages.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from extractors.catalogue import normalise
from extractors.flow import TOTAL_WORDS, GridRow, Item, Text, build_document, starts_text
from extractors.ir import Document, ExtractionError
from extractors.numbers import parse_number
from extractors.ooxml import check_package

MAX_CELLS = 2_000_000  # per sheet: rows × columns of the used range, blanks included
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|[_*].')  # quoted, escaped, [Red], _)
_DECIMALS = re.compile(r"\.([0#?]+)")


def _number_text(value: int | float | Decimal, number_format: str) -> str:
    """A number as its format prints it: `4583.06` with `#,##0.00` is `4,583.06`."""
    fmt = _FORMAT_LITERALS.sub("", number_format.split(";")[0])
    percent = "%" in fmt
    stored = f"{value:.15g}" if isinstance(value, float) else str(value)  # Excel's 15 digits
    number = Decimal(stored) * (100 if percent else 1)
    if not re.search(r"[0#?]", fmt):  # General, @: the number as stored, without float noise
        return format(number.normalize(), "f") + ("%" if percent else "")
    decimals = _DECIMALS.search(fmt)
    places = len(decimals.group(1)) if decimals else 0
    number = number.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return format(number, ",f" if "," in fmt else "f") + ("%" if percent else "")


def _text(cell: Any) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, int | float | Decimal):
        return _number_text(value, cell.number_format)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    lines = str(value).splitlines()
    return "".join(line.strip() for line in lines)  # a wrapped cell, as a text dump joins it


def _covering(sheet: Worksheet, texts: list[list[str]]) -> dict[tuple[int, int], str]:
    """(row, column), 0-based -> the text of the merged range covering it."""
    covered: dict[tuple[int, int], str] = {}
    for merged in sheet.merged_cells.ranges:
        top, left = merged.min_row - 1, merged.min_col - 1
        if top >= len(texts) or left >= len(texts[top]):
            continue  # a merge over blank cells beyond the used range
        for r in range(top, min(merged.max_row, len(texts))):
            for c in range(left, min(merged.max_col, len(texts[top]))):
                covered[(r, c)] = texts[top][left]
    return covered


def _is_paragraph(
    r: int, texts: list[list[str]], first: int, covered: dict[tuple[int, int], str], in_grid: bool
) -> bool:
    """A row holding one text in the first used column that is not part of a grid."""
    if [c for c, text in enumerate(texts[r]) if text] != [first]:
        return False
    text = texts[r][first]
    if parse_number(text) is not None or normalise(text) in TOTAL_WORDS:
        return False  # a data row with one figure, or a 合计 line with none
    if starts_text(text) or "。" in text:
        return True  # a title, note or sentence
    if in_grid:
        return False  # a line printed with its figures blank
    below = texts[r + 1] if r + 1 < len(texts) else []
    heads_grid = (r, first + 1) in covered and sum(1 for text in below if text) >= 2
    return not heads_grid


def _sheet_items(sheet: Worksheet) -> Iterator[Item]:
    texts = [[_text(cell) for cell in row] for row in sheet.iter_rows(min_row=1, min_col=1)]
    covered = _covering(sheet, texts)
    used = [next(c for c, text in enumerate(cells) if text) for cells in texts if any(cells)]
    first = min(used, default=0)
    in_grid = False  # the row above is a grid row
    for r, cells in enumerate(texts):
        if not any(cells):
            in_grid = False
            continue
        at = f"sheet {sheet.title} row {r + 1}"
        if _is_paragraph(r, texts, first, covered, in_grid):
            in_grid = False
            yield Text(cells[first], at)
        else:
            in_grid = True
            merged = {c: covered[(r, c)] for c in range(len(cells)) if (r, c) in covered}
            yield GridRow(cells, at, merged=merged)


def extract_xlsx(path: str | Path, sha256: str) -> Document:
    """Read an Excel disclosure into the typed IR."""
    path = Path(path)
    check_package(path, "XLSX", "xl/workbook.xml")
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except (KeyError, ValueError, SyntaxError, zipfile.BadZipFile, InvalidFileException) as exc:
        raise ExtractionError(str(path), f"not a readable XLSX: {exc}") from exc
    sheets = [s for s in book.worksheets if s.sheet_state == "visible"]
    for sheet in sheets:
        if sheet.max_row * sheet.max_column > MAX_CELLS:
            raise ExtractionError(
                str(path),
                f"sheet {sheet.title} spans {sheet.max_row} rows by {sheet.max_column} columns, "
                f"over the limit of {MAX_CELLS} cells",
            )
    items = [item for sheet in sheets for item in _sheet_items(sheet)]
    return build_document(items, source_path=str(path), sha256=sha256, fmt="xlsx", pages=None)
