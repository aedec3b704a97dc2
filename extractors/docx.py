"""Extractor for a Word disclosure (.docx), read from its own structure with python-docx.

The body is walked in order: paragraphs become `flow.Text` items, each Word table row a
`flow.GridRow` with one text per grid column. A merged cell's text sits in its first grid
column (blanks after it, as a text dump prints it), and the merge is recorded in `merged`
so headers are spread by the real spans: horizontal spans from `w:gridSpan` on the single
`w:tc`, vertical ones from `w:vMerge` (restart above, continue below). DOCX has no pages.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn

from extractors.flow import GridRow, Item, Text, build_document
from extractors.ir import Document, ExtractionError
from extractors.ooxml import check_package

_P, _TBL, _R, _TC = qn("w:p"), qn("w:tbl"), qn("w:r"), qn("w:tc")
# Elements that only wrap block content (paragraphs, tables) or run content.
_BLOCK_WRAPPERS = frozenset(qn(f"w:{t}") for t in ("sdt", "sdtContent", "customXml"))
_RUN_WRAPPERS = _BLOCK_WRAPPERS | {
    qn(f"w:{t}") for t in ("hyperlink", "ins", "smartTag", "fldSimple")
}


def _runs_text(element: Any) -> str:
    """Text of a paragraph's runs, tracked insertions included and deletions left out."""
    parts = []
    for child in element:
        if child.tag == _R:
            parts.append(child.text)  # python-docx's CT_R: w:t, w:tab, w:br as text
        elif child.tag in _RUN_WRAPPERS:
            parts.append(_runs_text(child))
    return "".join(parts)


def _cell_text(tc: Any) -> str:
    """A cell's paragraphs and lines joined, as a text dump joins a cell's lines."""
    lines = (line.strip() for p in tc.iterchildren(_P) for line in _runs_text(p).splitlines())
    return "".join(lines)


def _table_rows(tbl: Any, number: int) -> Iterator[GridRow]:
    started: dict[int, str] = {}  # grid column -> text of the vertical merge started there
    for r, tr in enumerate(tbl.tr_lst, 1):
        cells = [""] * tr.grid_before
        merged: dict[int, str] = {}
        for tc in tr.iterchildren(_TC):
            column, span, merge = len(cells), tc.grid_span, tc.vMerge
            text = "" if merge == "continue" else _cell_text(tc)
            columns = range(column, column + span)
            if merge == "restart":
                started.update(dict.fromkeys(columns, text))
            elif merge is None:
                for c in columns:
                    started.pop(c, None)
            if merge is not None or span > 1:
                merged.update(dict.fromkeys(columns, started.get(column, text)))
            cells += [text] + [""] * (span - 1)
        yield GridRow(cells, f"table {number} row {r}", merged=merged)


def _blocks(parent: Any) -> Iterator[Any]:
    """Paragraphs and tables in reading order, content controls unwrapped."""
    for child in parent:
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag in _BLOCK_WRAPPERS:
            yield from _blocks(child)


def _items(body: Any) -> list[Item]:
    items: list[Item] = []
    paragraphs = tables = 0
    for block in _blocks(body):
        if block.tag == _TBL:
            tables += 1
            items.extend(_table_rows(block, tables))
            continue
        paragraphs += 1
        lines = (line.strip() for line in _runs_text(block).splitlines())
        items.extend(Text(line, f"paragraph {paragraphs}") for line in lines if line)
    return items


def extract_docx(path: str | Path, sha256: str) -> Document:
    """Read a Word disclosure into the typed IR."""
    path = Path(path)
    check_package(path, "DOCX", "word/document.xml")
    try:
        word = docx.Document(str(path))
    except (KeyError, ValueError, SyntaxError, zipfile.BadZipFile, PackageNotFoundError) as exc:
        raise ExtractionError(str(path), f"not a readable DOCX: {exc}") from exc
    items = _items(word.element.body)
    return build_document(items, source_path=str(path), sha256=sha256, fmt="docx", pages=None)
