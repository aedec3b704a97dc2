"""The fast paths of the PDF extractor give pdfplumber's own results, page by page.

`pdf_finder.find_tables` indexes pdfplumber's cell search; `pdf_grid.cell_texts` reads a cell
of one line without pdfplumber's line clustering; `pdf_words.page_words` groups upright chars
into words without pdfplumber's word objects. Each is compared with pdfplumber on every page
of the real sample and the template, with objects from pdfminer and from pdfium, and on
chars laid out for the edge cases.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
import pytest
from pdfplumber.page import Page
from pdfplumber.table import TableFinder
from pdfplumber.table import intersections_to_cells as plumber_cells
from pdfplumber.utils.text import extract_text

from extractors.pdf import PdfSettings
from extractors.pdf_finder import find_tables, intersections_to_cells
from extractors.pdf_grid import _line_text, cell_texts
from extractors.pdf_objects import PdfiumObjectsPage
from extractors.pdf_pdfium import read_page
from extractors.pdf_words import _plumber_words, page_words

ROOT = Path(__file__).resolve().parent.parent
PDFS = [
    ROOT / "samples" / "inbox" / "shanghai-putuo-finance-2024.pdf",
    ROOT / "tests" / "fixtures" / "shanghai-template-2024.pdf",
]
SETTINGS = PdfSettings().table_settings()


def _pages(path: Path) -> Iterator[Page]:
    """Every page twice: objects read by pdfminer, then by pdfium."""
    with pdfplumber.open(path) as pdf, closing(pdfium.PdfDocument(path)) as doc:
        for number, page in enumerate(pdf.pages):
            yield page
            with closing(doc[number]) as pdfium_page:
                yield PdfiumObjectsPage(page, read_page(pdfium_page, shapes=True))


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_the_same_cells_and_tables_as_pdfplumber(path: Path) -> None:
    tables = 0
    for page in _pages(path):
        finder = TableFinder(page, SETTINGS)
        assert intersections_to_cells(finder.intersections) == plumber_cells(finder.intersections)
        ours, theirs = find_tables(page, SETTINGS), page.find_tables(SETTINGS)
        assert [t.cells for t in ours] == [t.cells for t in theirs], page.page_number
        assert all(cell_texts(t) == t.extract() for t in ours), page.page_number
        tables += len(ours)
    assert tables >= 20  # the pages hold tables: the comparison is not empty


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_the_same_words_as_pdfplumber(path: Path) -> None:
    words = 0
    for page in _pages(path):
        ours = page_words(page)
        assert ours == _plumber_words(page), page.page_number
        words += len(ours)
    assert words > 1000


def _char(text: str, x0: float, top: float, upright: bool = True) -> dict[str, Any]:
    return {"text": text, "x0": x0, "x1": x0 + 5, "top": top, "bottom": top + 10,
            "doctop": top, "upright": upright}


@pytest.mark.parametrize(
    "chars",
    [
        [_char("2", 10, 0), _char("0", 15, 0.4), _char("1", 20, 0)],  # one word
        [_char("收", 10, 0), _char(" ", 15, 0), _char("入", 20, 0)],  # a blank splits it
        [_char("a", 30, 0), _char("b", 10, 0), _char("c", 15, 0)],  # printed out of order
        [_char("1", 10, 0), _char("2", 18.5, 0), _char("3", 23.5, 2.9)],  # a gap over 3 pt
        [_char("ﬁ", 10, 0), _char("x", 15, 0)],  # a ligature
        [_char(" ", 10, 0)],  # blank only
    ],
)
def test_a_line_of_chars_reads_as_pdfplumber_reads_it(chars: list[dict[str, Any]]) -> None:
    assert _line_text(chars) == extract_text(chars)


@pytest.mark.parametrize(
    "chars",
    [
        [_char("上", 10, 0), _char("下", 10, 12)],  # two lines
        [_char("U", 10, 0, upright=False)],  # rotated
    ],
)
def test_other_chars_are_left_to_pdfplumber(chars: list[dict[str, Any]]) -> None:
    assert _line_text(chars) is None
