"""Column meaning from a table's header rows, and the printed lines under it.

Headers are read by meaning, never by position: each column's header texts (all header rows,
merged cells included, wrapped text joined) are matched from the most specific (lowest) one
up. A column is a code column (科目编码, 类/款/项), a name column (科目名称, 项目) or a value
column whose key comes from `catalogue.match_column`. Side-by-side layouts (收入 | 支出, the
paired columns of the basic-expenditure table) become blocks of columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from extractors import catalogue
from extractors.ir import Side
from extractors.pdf_grid import Grid
from extractors.pdf_text import clean_text, compact, is_amount, is_code, is_placeholder

Role = Literal["code", "name", "value"]

SIDE_WORDS: dict[str, Side] = {"收入": "income", "支出": "expenditure"}
CODE_WORDS = ("编码", "代码")
CODE_LEVELS = frozenset({"类", "款", "项"})
NAME_WORDS = ("名称",)
LABEL_WORDS = frozenset({"项目"})
TOTAL_LABELS = frozenset({"合计", "总计"})  # a table's total line; also a column header word
SKIP_LABELS = frozenset({"栏次"})  # a row of column numbers, not a line
# three_public: 预算数 / 决算数; procurement: 采购计划金额 / 实际采购金额 (summary_line_aliases)
MEASURES = frozenset({"budget", "actual", "contract"})
MEASURE_TABLES = frozenset({"three_public", "procurement"})


@dataclass(frozen=True)
class Column:
    index: int
    role: Role | None
    key: str | None = None  # value columns: canonical column key
    side: Side | None = None  # two-sided tables: the 收入 or 支出 half
    measure: str | None = None  # three_public: budget / actual
    measure_label: str | None = None  # the printed measure header (预算数)
    header: str = ""  # header texts joined, for messages


@dataclass(frozen=True)
class Layout:
    table_key: str
    header_rows: int
    blocks: tuple[tuple[Column, ...], ...]
    problems: tuple[str, ...] = ()  # unrecognised or repeated column headers


@dataclass
class Line:
    """One block of one printed row."""

    page: int
    row: int  # row index in the page's grid
    block: int
    code: str | None
    label: str
    values: list[tuple[Column, str]]  # value column and its printed text

    @property
    def has_figures(self) -> bool:
        return any(is_amount(text) for _, text in self.values)


def measure_of(text: str, table_key: str = "three_public") -> str | None:
    key = catalogue.match_summary_line(table_key, "expenditure", text)
    return key if key in MEASURES else None


@lru_cache(maxsize=4096)  # asked for each word of a page that may hold an unruled table
def is_header_word(table_key: str, text: str) -> bool:
    norm = catalogue.normalise(text)
    if norm in TOTAL_LABELS or catalogue.strip_ordinal(norm) != norm:
        return False  # a total or numbered line (一、…) is a line label, not a header
    return (
        norm in SIDE_WORDS
        or norm in CODE_LEVELS
        or norm in LABEL_WORDS
        or any(word in norm for word in CODE_WORDS + NAME_WORDS)
        or catalogue.match_column(table_key, norm) is not None
        or measure_of(norm, table_key) is not None
    )


def is_data_row(grid: Grid, row: int, table_key: str) -> bool:
    """A row with a figure or a code, or with blank cells and no header word."""
    texts = [grid.origin_text(row, col) for col in range(grid.n_cols)]
    present = [compact(text) for text in texts if text is not None]
    if any(is_amount(text) or is_code(text) for text in present):
        return True
    if "" not in present:
        return False
    return not any(is_header_word(table_key, text) for text in present if text)


def header_row_count(grid: Grid, table_key: str) -> int:
    """Rows above the first data row; a three_public header ends at its 预算数/决算数 row."""
    first = next(
        (row for row in range(len(grid.slots)) if is_data_row(grid, row, table_key)),
        len(grid.slots),
    )
    if table_key == "three_public":
        measure_rows = [row for row in range(len(grid.slots)) if _has_measure(grid, row)]
        if measure_rows:
            first = max(first, measure_rows[-1] + 1)
    return first


def _has_measure(grid: Grid, row: int) -> bool:
    return any(slot is not None and measure_of(slot.text) for slot in grid.slots[row])


def analyse_header(grid: Grid, table_key: str) -> Layout:
    header_rows = header_row_count(grid, table_key)
    parts = [_header_parts(grid, col, header_rows) for col in range(grid.n_cols)]
    if header_rows < len(grid.slots):
        _promote_subheaders(grid, header_rows, table_key, parts)
    columns = [_column(table_key, col, texts) for col, texts in enumerate(parts)]
    blocks = _blocks(columns)
    problems = [f"unrecognised column {c.header!r}" for c in columns if not c.role and c.header]
    for block in blocks:
        keys = [(c.key, c.measure) for c in block if c.role == "value"]
        problems += [f"column {k!r} printed twice" for k, _ in set(keys) if keys.count((k, _)) > 1]
    return Layout(table_key, header_rows, blocks, tuple(problems))


def _header_parts(grid: Grid, col: int, header_rows: int) -> list[str]:
    parts: list[str] = []
    seen: set[int] = set()
    for row in range(header_rows):
        slot = grid.slots[row][col]
        if slot is None or slot.cell in seen:
            continue
        seen.add(slot.cell)
        text = catalogue.normalise(slot.text)
        if text:
            parts.append(text)
    return parts


def _promote_subheaders(
    grid: Grid, header_rows: int, table_key: str, parts: list[list[str]]
) -> None:
    """Sub-headers printed in the first data row (合计 | 基本支出 | 项目支出 beside a 合计 line)."""
    for col, texts in enumerate(parts):
        if _column(table_key, col, texts).role in ("code", "name"):
            continue
        text = grid.origin_text(header_rows, col)
        if text and not is_amount(text) and is_header_word(table_key, text):
            texts.append(catalogue.normalise(text))


def _column(table_key: str, index: int, parts: list[str]) -> Column:
    """Side and measure from any header level; a code/name word anywhere makes the column
    structural; otherwise the lowest header text naming a value decides its key."""
    side = measure = measure_label = None
    meaning: list[str] = []
    for part in reversed(parts):
        if side is None and part in SIDE_WORDS:
            side = SIDE_WORDS[part]
        elif table_key in MEASURE_TABLES and measure is None and measure_of(part, table_key):
            measure, measure_label = measure_of(part, table_key), part
        else:
            meaning.append(part)
    role: Role | None = next((r for r in map(_structural_role, meaning) if r), None)
    key = None
    if role is None:
        key = next((k for k in (catalogue.match_column(table_key, p) for p in meaning) if k), None)
        role = "value" if key else None
    return Column(index, role, key, side, measure, measure_label, "/".join(parts))


def _structural_role(part: str) -> Role | None:
    if part in CODE_LEVELS or any(word in part for word in CODE_WORDS):
        return "code"
    if part in LABEL_WORDS or any(word in part for word in NAME_WORDS):
        return "name"
    return None


def _blocks(columns: list[Column]) -> tuple[tuple[Column, ...], ...]:
    """Split at each code/name column that follows a value column (side-by-side halves)."""
    blocks: list[list[Column]] = [[]]
    for column in columns:
        if column.role is None:
            continue
        after_value = bool(blocks[-1]) and blocks[-1][-1].role == "value"
        if column.role != "value" and after_value:
            blocks.append([])
        blocks[-1].append(column)
    return tuple(tuple(block) for block in blocks if block)


def read_lines(grid: Grid, layout: Layout, first_row: int) -> list[Line]:
    """The printed lines of a grid from `first_row` on, one per block.

    Blank lines are dropped, except in three_public, whose one data line may be all blank.
    """
    keep_blank = layout.table_key == "three_public"
    lines: list[Line] = []
    for row in range(first_row, len(grid.slots)):
        found = [_read_line(grid, row, number, block, keep_blank)
                 for number, block in enumerate(layout.blocks)]
        lines.extend(line for line in _merge_spans(found) if line is not None)
    return lines


def _merge_spans(found: list[Line | None]) -> list[Line | None]:
    """A label merged over its block's value columns (人员经费合计 printed across a half)
    takes the figures of the next block's line when that line has no label of its own (its
    own value cells covered, or blank where no rules show the merge)."""
    for n in range(len(found) - 1):
        this, following = found[n], found[n + 1]
        if (
            this is not None and following is not None
            and (this.label or this.code) and not this.has_figures
            and not (following.label or following.code) and following.has_figures
        ):
            this.values, found[n + 1] = following.values, None
    return found


def _read_line(
    grid: Grid, row: int, number: int, block: tuple[Column, ...], keep_blank: bool
) -> Line | None:
    codes: list[str] = []
    names: list[str] = []
    others: list[str] = []
    values: list[tuple[Column, str]] = []
    for column in block:
        text = grid.origin_text(row, column.index)
        if text is None:
            continue
        if column.role == "value":
            values.append((column, text))
        elif column.role == "code" and is_code(text):
            codes.append(compact(text))
        elif column.role == "name":
            names.append(clean_text(text))
        elif text.strip():
            others.append(clean_text(text))  # a label merged over the code columns (合计)
    label = "".join(n for n in names if n) or "".join(others)
    line = Line(grid.page, row, number, "".join(codes) or None, label, values)
    if catalogue.normalise(label) in SKIP_LABELS or _column_numbers(line):
        return None
    blank = not line.code and (not label or is_placeholder(label))
    return None if blank and not line.has_figures and not keep_blank else line


def _column_numbers(line: Line) -> bool:
    """A 栏次 row printed without its label: 1, 2, 3, … under the value columns."""
    numbers = [compact(text) for _, text in line.values]
    if line.code or line.label or len(numbers) < 2 or not numbers[0].isdigit():
        return False
    first = int(numbers[0])
    return numbers == [str(first + step) for step in range(len(numbers))]
