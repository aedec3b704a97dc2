"""Tables printed without ruling lines (or with horizontal rules only), read from word positions.

A Word table with its borders removed still prints its title, a header and rows of figures. It
is recognised by its title (`catalogue.match_table_title`) followed, within a few lines, by a
header whose words name columns (`pdf_columns.is_header_word`); a contents line or a sentence
has no such header under it. Then:

- header cells: words of the header lines, lines of one wrapped cell joined (same centre, next
  line, one part alone not a header word: `一般公共预算财` / `政拨款`);
- columns: the header's leaf cells (those with no cells under them on both sides), centred
  over their column; a cell over several columns spans the columns centred under it
  (预算数 over six), stopping at a cell of its own level;
- data: words under the header grouped by horizontal overlap into column groups; a group is
  placed by its alignment: right-aligned figures end right of their column's centre,
  left-aligned text starts left of it;
- rows: printed lines, lines that overlap vertically joined (a wrapped name beside figures
  centred on it); the table ends at a note (注：…), the next title or a sentence.

The result is a `pdf_grid.Grid`, read by the same column and row code as a ruled table. A
table continued on the next page is read with the columns of its first page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extractors import catalogue
from extractors.pdf_columns import TOTAL_LABELS, is_header_word
from extractors.pdf_grid import Grid, Slot
from extractors.pdf_rows import overlapping, shared_out
from extractors.pdf_tables import SUBJECT_TABLES
from extractors.pdf_text import compact, is_amount, is_code
from extractors.pdf_unruled_columns import (
    TOLERANCE,
    Columns,
    column_of,
    columns_of,
    groups_of,
    kind,
    span,
)
from extractors.pdf_words import TextLine, Word, joined

MAX_HEADING_LINES = 4  # lines between a title and its header (表号, 部门, 单位)
MAX_HEADER_LINES = 10
MAX_HEADER_WORD = 16  # characters; a longer text is a sentence, not a column header
NOTE_STARTS = ("注", "说明", "备注")
SENTENCE_MARKS = ("。", "，", "；")


@dataclass
class UnruledTable:
    key: str | None  # None: the table continued from the page before
    title: str
    heading: list[str]  # lines between the title and the header
    grid: Grid | None  # None: no rows on this page
    columns: Columns
    notes: list[str] = field(default_factory=list)  # lines after the table


def is_title(line: TextLine, max_chars: int) -> str | None:
    flat = compact(line.text)
    if len(flat) > max_chars or flat.endswith("说明"):
        return None
    return catalogue.match_table_title(flat)


def read_page(
    lines: list[TextLine],
    page: int,
    max_title_chars: int,
    open_table: tuple[str, Columns] | None,
) -> list[UnruledTable]:
    """The tables on a page: first the open table's continuation (key None), if any."""
    found: list[UnruledTable] = []
    index = 0
    if open_table is not None:
        continued, index = _continuation(lines, page, max_title_chars, *open_table)
        if continued is not None:
            found.append(continued)
    while index < len(lines):
        title = _title_at(lines, index, max_title_chars)
        table = _table_at(lines, index, *title, page, max_title_chars) if title else None
        if table is None:
            if found:
                found[-1].notes.append(lines[index].text)
            index += 1
            continue
        found.append(table[0])
        index = table[1]
    return found


def _title_at(lines: list[TextLine], index: int, max_chars: int) -> tuple[str, str] | None:
    """The table key and title printed on a line, or on it and the line before (a wrapped
    title: `一般公共预算财政拨款` / `支出决算表`) when together they name another table."""
    key = is_title(lines[index], max_chars)
    if key is None:
        return None
    if index > 0:
        both = TextLine([*lines[index - 1].words, *lines[index].words])
        wrapped = is_title(both, max_chars)
        if wrapped is not None and wrapped != key:
            return wrapped, compact(both.text)
    return key, lines[index].text


def _continuation(
    lines: list[TextLine], page: int, max_title_chars: int, key: str, columns: Columns
) -> tuple[UnruledTable | None, int]:
    """The open table's rows at the top of the page (its title and header repeated or not),
    or its note alone; and the index of the first line after them."""
    start = 0
    title = is_title(lines[0], max_title_chars) if lines else None
    if title is not None and title != key:  # another table begins
        return None, 0
    if title == key:  # 续表
        header = _header_start(lines, 1, key)
        start = 1 if header is None else header
    start = _header_end(lines, start, key)
    end = _data_end(lines, start, max_title_chars)
    if end == start and not (start < len(lines) and _is_note(lines[start])):
        return None, 0
    grid = _grid(page, [], lines[start:end], columns, key, True) if end > start else None
    return UnruledTable(None, "", [], grid, columns), end


def _table_at(
    lines: list[TextLine], index: int, key: str, title: str, page: int, max_title_chars: int
) -> tuple[UnruledTable, int] | None:
    start = _header_start(lines, index + 1, key)
    if start is None:
        return None
    end_header = _header_end(lines, start, key)
    header = lines[start:end_header]
    words = [w for line in header for w in line.words]
    named = [w for w in words if _names_column(key, w.text)]
    valued = [w for w in named if catalogue.match_column(key, catalogue.normalise(w.text))]
    if len(named) < 2 or not valued:
        return None
    end = _data_end(lines, end_header, max_title_chars)
    data = lines[end_header:end]
    if not any(_has_data(line) for line in data) and len(named) < 3:
        return None
    cells = header_cells(words, key)
    columns = columns_of(cells, [w for line in data for w in line.words])
    grid = _grid(page, cells, data, columns, key)
    heading = [line.text for line in lines[index + 1 : start]]
    return UnruledTable(key, title, heading, grid, columns), end


# Lines


def _names_column(key: str, text: str) -> bool:
    """A column header: short, no label (`单位：元`, `部门：…` are headings), a known word."""
    flat = compact(text)
    labelled = "：" in flat or ":" in flat
    return len(flat) <= MAX_HEADER_WORD and not labelled and is_header_word(key, flat)


def _has_data(line: TextLine) -> bool:
    return any(is_amount(w.text) or is_code(w.text) for w in line.words)


def _is_note(line: TextLine) -> bool:
    return compact(line.text).startswith(NOTE_STARTS)


def _header_start(lines: list[TextLine], index: int, key: str) -> int | None:
    """The first header line: the first with a header word, or a line printed just above it
    (a heading over columns, a wrapped cell's first line) that is not a label (`单位：元`)."""
    for n in range(index, min(index + MAX_HEADING_LINES + 1, len(lines))):
        line = lines[n]
        if _has_data(line) or _is_note(line):
            return None
        if any(_names_column(key, w.text) for w in line.words):
            while n > index and _just_above(lines[n - 1], lines[n]):
                n -= 1
            return n
    return None


def _just_above(line: TextLine, below: TextLine) -> bool:
    height = max(w.height for w in below.words)
    labelled = any("：" in w.text or ":" in w.text for w in line.words)
    return not labelled and below.top - line.bottom <= height


def _header_end(lines: list[TextLine], index: int, key: str) -> int:
    """Past the header: up to the last line before the first figure or code that holds a
    header word or the wrapped rest of cells above (every word centred under a word of the
    header so far, on the next line); lines between them (`行` of a wrapped `行次`) belong to it."""
    end = index
    n = index
    while n < len(lines) and n < index + MAX_HEADER_LINES and not _ends_header(lines[n]):
        line = lines[n]
        named = any(_names_column(key, w.text) for w in line.words)
        above = [w for earlier in lines[index:end] for w in earlier.words]
        wrapped = bool(above) and all(any(_wraps(a, w) for a in above) for w in line.words)
        if named or wrapped:
            end = n + 1
        n += 1
    return end


def _wraps(upper: Word, lower: Word) -> bool:
    """`lower` may be the next line of `upper`'s cell: same centre, the line just below."""
    next_line = -upper.height / 4 <= lower.top - upper.bottom <= upper.height
    return next_line and abs(upper.center - lower.center) <= TOLERANCE


def _ends_header(line: TextLine) -> bool:
    """A figure, a code, a total line alone (合计 of an empty table), a note or a sentence."""
    total = catalogue.normalise(line.words[0].text) in TOTAL_LABELS and len(line.words) == 1
    return _has_data(line) or total or _is_note(line) or _is_sentence(line)


def _data_end(lines: list[TextLine], index: int, max_title_chars: int) -> int:
    """The first line after the rows: a note, a title, a sentence, or one far below."""
    pitch = None
    for n in range(index, len(lines)):
        line = lines[n]
        if _is_note(line) or is_title(line, max_title_chars) or _is_sentence(line):
            return n
        if n > index:
            gap = line.top - lines[n - 1].top
            if pitch is not None and gap > 3 * pitch:
                return n
            pitch = gap if pitch is None else min(pitch, gap)
    return len(lines)


def _is_sentence(line: TextLine) -> bool:
    return any(len(compact(w.text)) > MAX_HEADER_WORD and any(m in w.text for m in SENTENCE_MARKS)
               for w in line.words)


# Header


def header_cells(words: list[Word], key: str) -> list[Word]:
    """Header words, the lines of one wrapped cell joined: a first line that is no header word
    alone (`因公出国` / `（境）费`), or two that are one header word together."""
    cells: list[Word] = []
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        for n, cell in enumerate(cells):
            fragment = not _names_column(key, cell.text) or catalogue.is_column_alias(
                key, cell.text + word.text
            )
            if _wraps(cell, word) and fragment:
                cells[n] = joined([cell, word])
                break
        else:
            cells.append(word)
    return cells


# Rows


def _grid(
    page: int, cells: list[Word], data: list[TextLine], columns: Columns, key: str,
    continued: bool = False,
) -> Grid:
    n = len(columns.centers)
    slots: list[list[Slot | None]] = []
    ids = iter(range(1_000_000))
    header_rows: list[list[Word]] = []
    for cell in sorted(cells, key=lambda c: c.top):
        if header_rows and abs(header_rows[-1][0].top - cell.top) <= TOLERANCE:
            header_rows[-1].append(cell)
        else:
            header_rows.append([cell])
    for row in header_rows:
        line: list[Slot | None] = [None] * n
        for cell in row:
            a, b = span(cell, cells, columns)
            slot_id = next(ids)
            for j in range(a, b + 1):
                if line[j] is None:
                    line[j] = Slot(cell.text, j == a, slot_id)
        slots.append(line)
    where: dict[int, int] = {}
    for group in groups_of([w for line in data for w in line.words]):
        column = column_of(group, columns)
        where.update((id(w), column) for w in group)
    rows = overlapping(data)
    if key in SUBJECT_TABLES:  # every row has a code: wrapped names' pieces go to one

        def is_piece(group: list[Word]) -> bool:
            texts = [compact(w.text) for w in group]
            return len({where[id(w)] for w in group}) == 1 and not any(
                kind(w) == "number" or t in TOTAL_LABELS
                for w, t in zip(group, texts, strict=True)
            )

        rows = shared_out(rows, is_piece, continued)
    for words in rows:
        by_column: dict[int, list[Word]] = {}
        for word in words:
            by_column.setdefault(where[id(word)], []).append(word)
        slots.append([
            Slot(joined(by_column[j]).text if j in by_column else "", True, next(ids))
            for j in range(n)
        ])
    tops = [c.top for c in cells] + [line.top for line in data]
    bottoms = [c.bottom for c in cells] + [line.bottom for line in data]
    col_x = [columns.bounds(j)[0] for j in range(n)]
    return Grid(page, (columns.left, min(tops), columns.right, max(bottoms)), col_x, slots)


def first_row_continues(grid: Grid, name_columns: set[int]) -> str | None:
    """The text of a grid's first row when it is only a name's wrapped rest: nothing but text
    in the name columns (a row split by a page break)."""
    if not grid.slots:
        return None
    texts = {j: compact(slot.text) for j, slot in enumerate(grid.slots[0]) if slot and slot.text}
    if not texts or not set(texts) <= name_columns:
        return None
    if any(is_amount(t) or is_code(t) for t in texts.values()):
        return None
    return "".join(texts.values())
