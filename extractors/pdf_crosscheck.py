"""Figures read from the ruled tables, confirmed against a second reader's text of the page.

The tables are read through pdfplumber's cell geometry; pdfium's own text of the page is an
independent reading of the same glyphs. Each printed figure must be a whole token of that
text, as often as the tables use it; anything else (a figure split, merged or misread by the
cell assignment) is reported. Figures read by OCR from a scan have no second reader.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from extractors.ir import Table
from extractors.pdf_text import compact, is_amount


def unconfirmed_figures(tables: list[Table], page_texts: Mapping[int, str]) -> list[str]:
    """One warning per figure missing from the text of the page it was read on."""
    tokens: dict[int, Counter[str]] = {}
    problems: list[str] = []
    for table in tables:
        for row in table.rows:
            for cell in row.cells:
                figure = compact(cell.raw)
                if cell.page is None or cell.reader == "ocr" or not is_amount(figure):
                    continue
                if cell.page not in tokens:
                    tokens[cell.page] = Counter(page_texts.get(cell.page, "").split())
                if tokens[cell.page][figure] > 0:
                    tokens[cell.page][figure] -= 1
                    continue
                where = row.code or row.line_key or row.label
                problems.append(
                    f"{table.key} p{cell.page}: figure {cell.raw!r} ({where}, {cell.column_key}) "
                    "is missing from pdfium's text of the page"
                )
    return problems
