"""Extractor for the text dump of a Word disclosure (Henan template).

The dump prints a table as a run of rows: each row is a run of lines `\\t<cell>`, one cell per
line, and a blank line ends the row. A plain line right after a cell continues that cell (a
cell with several paragraphs). Every other line is running text: headings, table titles,
notes and the narrative. The lines become `flow` items; text dumps have no pages and record
no merges (a merged cell is printed once, blanks after it).
"""

from __future__ import annotations

import codecs
from pathlib import Path

from extractors.flow import GridRow, Item, Text, build_document, starts_text
from extractors.ir import Document, ExtractionError

# A byte-order mark names its encoding (UTF-32's before UTF-16's: it starts with it); text
# without one is UTF-8 or, failing that, GB18030 (a superset of GBK and GB2312).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


def _read_lines(path: Path) -> list[str]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExtractionError(str(path), f"cannot be read: {exc}") from exc
    marked = [encoding for bom, encoding in _BOMS if data.startswith(bom)]
    for encoding in marked[:1] or ["utf-8", "gb18030"]:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\0" in text:
            break
        return text.splitlines()
    raise ExtractionError(str(path), "not text in UTF-8, GB18030/GBK or UTF-16/32 with a BOM")


def _items(lines: list[str]) -> list[Item]:
    """Lines grouped into grid rows and text lines."""
    items: list[Item] = []
    row: GridRow | None = None
    for number, line in enumerate(lines, 1):
        if line.startswith("\t"):
            if row is None:
                row = GridRow([], f"line {number}")
                items.append(row)
            row.cells.append(line[1:].strip())
        elif not line.strip():
            row = None
        elif row is not None and not starts_text(line):
            row.cells[-1] += line.strip()  # a further paragraph of the same cell
        else:
            row = None
            items.append(Text(line.strip(), f"line {number}"))
    return items


def extract_text_dump(path: str | Path, sha256: str) -> Document:
    """Read a Word disclosure's text dump into the typed IR."""
    path = Path(path)
    items = _items(_read_lines(path))
    return build_document(items, source_path=str(path), sha256=sha256, fmt="txt", pages=None)
