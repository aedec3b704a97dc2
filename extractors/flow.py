"""From a stream of paragraphs and table rows to the typed IR, whatever the file format.

A reader (text dump, DOCX, XLSX) turns its file into `Item`s in reading order: `Text` for a
paragraph, `GridRow` for a table row (one text per grid column). `build_document` splits
the stream into sections by table title, reads each section's header by column meaning and
its rows into IR rows, and finds the document facts (department, year, unit, member units,
and every place the department name and year are printed).
The performance self-evaluation tables go to `extractors.performance`, the text lines to
`extractors.narrative` (the figures stated in the narrative).

Tables are recognised by their title (catalogue title aliases), never by printed numbers
such as 公开01表, and read by column meaning (catalogue column aliases), never by position.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from extractors.catalogue import (
    function_class_code,
    match_column,
    match_summary_line,
    match_table_title,
    normalise,
)
from extractors.ir import (
    Cell,
    Document,
    NameMention,
    PerfEvaluation,
    PerfScope,
    Row,
    Side,
    Table,
    Unit,
)
from extractors.narrative import add_narrative
from extractors.numbers import is_amount_text, parse_amount, parse_count, parse_number
from extractors.performance import performance_from_grid

Format = Literal["txt", "docx", "xlsx"]

MAX_TITLE_CHARS = 60  # a longer line is prose, not a title
TITLE_GAP_LINES = 3  # short lines (公开01表, 单位：万元) allowed between a title and its grid
MAX_NOTE_LINES = 6  # text lines after a grid that still belong to its table

_PART_HEADING = re.compile(r"^第[一二三四五六七八九十\d]+部分")
_TOC_ENTRY = re.compile(r"(\.{2,}|…|·{2,}|\s)\s*\d+$")  # title followed by a page number
_SENTENCE_MARK = re.compile(r"[。；;，,]")
_NOTE = re.compile(r"^(注|说明|备注)")
_META = re.compile(
    r"公开\d+表|^表[\d一二三四五六七八九十]+$|部门:|单位:|^\d{4}年度?$|编制单位|^续表$"
)
_UNIT = re.compile(r"单位[:：]\s*(万元|元)")
_DEPARTMENT = re.compile(r"^(?:部门|部门名称|单位名称|编制单位|预算单位)[:：]\s*(\S+)")
_HEADING_DEPARTMENT = re.compile(r"^(\S+?)(?:\d{4}年度?)?(?:部门决算|单位决算|决算|概况)$")
_YEAR = re.compile(r"(\d{4})\s*年度")
_BARE_YEAR = re.compile(r"\d{4}年度?")
_PART_NAME = re.compile(
    r"^(第[一二三四五六七八九十\d]+部分)(.*?)(?:(\d{4})年度?)?(?:部门决算|单位决算|决算|概况)"
)
_COVER_TITLE = re.compile(r"^(.*?)(\d{4})年度?(?:部门决算|单位决算)$")
_TRAILING_YEAR = re.compile(r"\d{4}年度?$")
_UNIT_LABEL = re.compile(r"(?:金额)?单位[:：]")
_STATED_COUNT = re.compile(r"单位共\s*([\d一二三四五六七八九十两]+)\s*个")
_UNIT_LIST_ANCHOR = re.compile(r"二级预算单位|所属单位|决算单位构成|单位共\s*\S{1,3}\s*个")
_NUMBERED = re.compile(r"^(?:\d{1,3}\s*[.．、]|[（(]\d{1,3}[)）])\s*(\S.*)$")
_LABEL_HEADER = re.compile(r"项目|科目|代码|编码|名称|^[类款项]$")
_EMPTY_STRONG = re.compile(r"本表无数据|本表为空|为空表|空表|无数据")
_EMPTY_WEAK = re.compile(r"没有.{0,40}(收入|支出)|无.{0,30}(收入|支出)")

TOTAL_WORDS = frozenset({"合计", "总计"})
_SUBTOTAL_WORDS = frozenset({"合计", "小计"})
_AMOUNT_HEADERS = ("合计", "决算数", "金额", "本年数", "小计")
# one "amount" cell per printed line
_AMOUNT_TABLES = frozenset({"summary", "gpb_basic", "office_operation"})
_LINE_TABLES = frozenset({"office_operation"})  # lines named by catalogue line aliases
_FUND_SUFFIX = {
    "gpb_appropriation": "gpb",
    "gov_fund_appropriation": "gov_fund",
    "state_capital_appropriation": "state_capital",
}
_BALANCE_LINES = frozenset({"opening_balance", "closing_balance"})
_PERF_SCOPES: dict[str, PerfScope] = {"perf_department": "department", "perf_project": "project"}


# --- the input --------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A paragraph (or one line of it)."""

    text: str
    at: str  # where, for messages: "line 12", "paragraph 40", "sheet 二 row 3"
    page: int | None = None


@dataclass(frozen=True)
class GridRow:
    """A table row: one text per grid column, a merged cell's text in its first column."""

    cells: list[str]
    at: str
    page: int | None = None
    # Column -> text of the merged cell covering it, for formats that record merges. A blank
    # column outside any recorded merge takes the header text to its left (text dumps).
    merged: dict[int, str] = field(default_factory=dict)


Item = Text | GridRow


def starts_text(text: str) -> bool:
    """A line that begins running text (a table title, a note, a part heading)."""
    text = text.strip()
    return bool(_title_key(text) or _NOTE.match(text) or _PART_HEADING.match(text))


# --- finding the tables -----------------------------------------------------------------


@dataclass
class _Section:
    """The items of one titled table: text before the grid, grid rows, notes after it."""

    key: str
    title: str
    at: str
    pre: list[str] = field(default_factory=list)
    rows: list[GridRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _title_key(text: str) -> str | None:
    """The table key if the text reads as a table title (not prose, not a TOC entry)."""
    text = text.strip()
    if not text or len(normalise(text)) > MAX_TITLE_CHARS or _NOTE.match(text):
        return None
    if _SENTENCE_MARK.search(text) or _TOC_ENTRY.search(text):
        return None
    return match_table_title(text)


def _item_text(item: Item) -> str | None:
    """Text of a paragraph, or of a grid row's one non-meta cell (a title inside a grid)."""
    if isinstance(item, Text):
        return item.text
    words = [cell for cell in item.cells if cell and not _META.search(normalise(cell))]
    return words[0] if len(words) == 1 else None


def _title_at(items: Sequence[Item], i: int) -> tuple[str, str, int] | None:
    """(key, printed title, items used) when a title starts at item i; a wrapped title
    printed over two lines is joined."""
    text = _item_text(items[i])
    if text is None:
        return None
    key = _title_key(text)
    if key:
        return key, text, 1
    following = _item_text(items[i + 1]) if i + 1 < len(items) else None
    if following is not None:
        joined = text + following
        key = _title_key(joined)
        if key and key != _title_key(following):  # else the next line is the title itself
            return key, joined, 2
    return None


def _table_follows(items: Sequence[Item], start: int) -> bool:
    """A grid (or an empty-table statement) follows, with only short lines in between."""
    for item in items[start : start + TITLE_GAP_LINES + 1]:
        if isinstance(item, GridRow):
            return True
        text = normalise(item.text)
        if _EMPTY_STRONG.search(text):
            return True
        if _title_key(item.text) or _PART_HEADING.match(item.text):
            return False
        if _SENTENCE_MARK.search(item.text) or len(text) > MAX_TITLE_CHARS:
            return False
    return False


def _sections(items: Sequence[Item]) -> list[_Section]:
    sections: list[_Section] = []
    current: _Section | None = None
    i = 0
    while i < len(items):
        found = _title_at(items, i)
        if found and _table_follows(items, i + found[2]):
            key, title, used = found
            i += used
            if current and current.key == key and not _body_rows(current.rows):
                continue  # the title printed again inside the grid
            current = _Section(key, title, items[i - used].at)
            sections.append(current)
            continue
        item = items[i]
        i += 1
        if current is None:
            continue
        if isinstance(item, GridRow):
            if current.notes:
                current = None  # a grid after the notes is no part of this table
            else:
                current.rows.append(item)
        elif _PART_HEADING.match(item.text) or len(current.notes) >= MAX_NOTE_LINES:
            current = None
        elif current.rows:
            current.notes.append(item.text)
        else:
            current.pre.append(item.text)
    return sections


def _is_meta_row(row: GridRow) -> bool:
    """Table number, department, year or unit line printed above the column headers."""
    cells = [normalise(cell) for cell in row.cells if cell.strip()]
    return all(_META.search(cell) or match_table_title(cell) for cell in cells)


def _body_rows(rows: list[GridRow]) -> list[GridRow]:
    start = 0
    while start < len(rows) and _is_meta_row(rows[start]):
        start += 1
    return rows[start:]


def _meta_texts(section: _Section) -> list[str]:
    rows = section.rows[: len(section.rows) - len(_body_rows(section.rows))]
    return [*section.pre, *(cell for row in rows for cell in row.cells if cell)]


# --- headers and columns ----------------------------------------------------------------


def _is_column_number_row(row: GridRow) -> bool:
    """The 栏次 row: labelled 栏次, or nothing but the column numbers 1, 2, 3 …"""
    cells = [normalise(cell) for cell in row.cells if cell.strip()]
    if "栏次" in cells:
        return True
    return len(cells) >= 2 and cells == [str(n) for n in range(1, len(cells) + 1)]


def _is_data_row(row: GridRow, table_key: str) -> bool:
    cells = [cell for cell in row.cells if cell.strip()]
    if any(parse_number(cell) is not None for cell in cells):
        return True
    if table_key in _LINE_TABLES and cells and match_summary_line(
        table_key, "expenditure", cells[0]
    ):
        return True  # a known line printed with a blank (zero) figure
    return len(cells) == 1 and normalise(cells[0]) in TOTAL_WORDS


def _split_header(rows: list[GridRow], table_key: str) -> tuple[list[GridRow], list[GridRow]]:
    """Header rows and data rows; blank rows and 栏次 rows are dropped."""
    header, data = rows, []
    for index, row in enumerate(rows):
        if _is_column_number_row(row):
            header, data = rows[:index], rows[index + 1 :]
            break
        if _is_data_row(row, table_key):
            header, data = rows[:index], rows[index:]
            break
    keep = [row for row in data if any(row.cells) and "栏次" not in map(normalise, row.cells)]
    return [row for row in header if any(row.cells)], keep


@dataclass
class _Column:
    index: int
    kind: str  # "label", "value", "ordinal" (行次) or "skip"
    key: str | None  # column meaning from the catalogue
    header: str  # the lowest header text printed over the column
    parent: str  # the header text spanning it from above
    group: str  # the top header row's text spanning it (收入/支出, 预算数/决算数 …)
    block: int  # side-by-side column group (label columns followed by value columns)


def _padded(cells: list[str], width: int) -> list[str]:
    return cells + [""] * (width - len(cells))


def _spread(row: GridRow, width: int, starts: frozenset[int] = frozenset()) -> list[str]:
    """Each column's spanning header text: the merged cell covering it, else its own text,
    else (a blank) the text to its left, as a header printed once over its span. A span
    stays inside its parent's: a blank does not inherit across a column where a header row
    above starts a new cell (`starts`)."""
    out, last = [], ""
    for c, text in enumerate(_padded(row.cells, width)):
        if c in row.merged:
            last = row.merged[c]
        elif text or c in starts:
            last = text
        out.append(last)
    return out


def _spread_rows(header: list[GridRow], width: int) -> list[list[str]]:
    """`_spread` of every header row, each bounded by the cells the rows above start."""
    filled: list[list[str]] = []
    starts: set[int] = set()
    for row in header:
        filled.append(_spread(row, width, frozenset(starts)))
        cells = _padded(row.cells, width)
        starts |= {c for c in range(width) if cells[c]}
    return filled


def _meaning(table_key: str, header: str, parent: str) -> str | None:
    """Column meaning: a subtotal under a parent means the parent; else the header's own
    meaning; else the parent and header read together."""
    if not header:
        return None
    if parent and normalise(header) in _SUBTOTAL_WORDS:
        inherited = match_column(table_key, parent)
        if inherited:
            return inherited
    own = match_column(table_key, header)
    if own or not parent:
        return own
    return match_column(table_key, parent + header)


def _columns(table_key: str, header: list[GridRow], width: int) -> list[_Column]:
    grid = [_padded(row.cells, width) for row in header]
    filled = _spread_rows(header, width)
    columns: list[_Column] = []
    block, block_has_values = 0, False
    for c in range(width):
        levels = [r for r in range(len(grid)) if grid[r][c]]
        lowest = levels[-1] if levels else len(grid)
        text = grid[lowest][c] if levels else ""
        parent = next((filled[r][c] for r in range(lowest - 1, -1, -1) if filled[r][c]), "")
        key = _meaning(table_key, text, parent)
        kind = _column_kind(text, key, block_has_values)
        if kind == "label" and block_has_values:
            block, block_has_values = block + 1, False
        block_has_values = block_has_values or kind == "value"
        group = filled[0][c] if filled else ""
        columns.append(_Column(c, kind, key, text, parent, group, block))
    return columns


def _column_kind(header: str, key: str | None, block_has_values: bool) -> str:
    norm = normalise(header)
    if "行次" in norm:
        return "ordinal"
    if key:
        return "value"
    if _LABEL_HEADER.search(norm):
        return "label"
    if not norm:
        return "skip" if block_has_values else "label"
    return "value"  # a value column the catalogue has no meaning for (金额, 决算数 …)


@dataclass
class _Context:
    """One table's data rows (padded to the table's width) and columns."""

    key: str
    year: int | None
    data: list[GridRow]
    columns: list[_Column]
    warnings: list[str]


def _value_keys(ctx: _Context) -> dict[int, str]:
    """Column index -> column key for the value columns read, per block."""
    table_key, columns, warnings = ctx.key, ctx.columns, ctx.warnings
    keys: dict[int, str] = {}
    for block in sorted({c.block for c in columns}):
        values = [c for c in columns if c.block == block and c.kind == "value"]
        if not values:
            continue
        if table_key in _AMOUNT_TABLES:
            keys[_amount_column(values).index] = "amount"
            continue
        matched = [c for c in values if c.key]
        if not matched and len(values) == 1:
            keys[values[0].index] = "amount"
        seen: set[str] = set()
        for column in matched:
            if column.key in seen:
                warnings.append(f"{table_key}: second column meaning {column.key}, ignored")
            elif column.key:
                keys[column.index] = column.key
                seen.add(column.key)
    if ctx.data and not keys:
        warnings.append(f"{table_key}: no column headers recognised")
    return keys


def _amount_column(values: list[_Column]) -> _Column:
    for column in values:
        if normalise(column.header) in _AMOUNT_HEADERS:
            return column
    return values[0]


# --- rows -------------------------------------------------------------------------------


@dataclass
class _Part:
    """One block's share of a printed row."""

    block: int
    label: str
    code: str | None
    values: list[tuple[int, str]]  # (column index, printed text)
    page: int | None


def _code_and_label(texts: Iterable[str]) -> tuple[str | None, str]:
    """Leading subject code (possibly split as `208 01 01`) and the whitespace-normalised name."""
    text = " ".join(" ".join(texts).split())
    prefix = re.match(r"^[\d\s]+", unicodedata.normalize("NFKC", text))
    if prefix:
        digits = re.sub(r"\s", "", prefix.group())
        if len(digits) in (3, 5, 7):
            return digits, text[len(prefix.group()) :].strip()
    return None, text


def _parts(row: GridRow, columns: list[_Column]) -> list[_Part]:
    parts = []
    for block in sorted({c.block for c in columns}):
        mine = [c for c in columns if c.block == block]
        code, label = _code_and_label(row.cells[c.index] for c in mine if c.kind == "label")
        values = [(c.index, row.cells[c.index]) for c in mine if c.kind == "value"]
        parts.append(_Part(block, label, code, values, row.page))
    return _merge_spans(parts)


def _merge_spans(parts: list[_Part]) -> list[_Part]:
    """A total printed in a merged cell lands in the next block: give it to its label."""
    for this, following in zip(parts, parts[1:], strict=False):
        if (
            (this.label or this.code)
            and not any(raw for _, raw in this.values)
            and not (following.label or following.code)
            and any(raw for _, raw in following.values)
        ):
            this.values, following.values = following.values, []
    return parts


def _cells(part: _Part, keys: dict[int, str]) -> list[Cell]:
    return [
        Cell(keys[index], raw, parse_amount(raw), part.page)
        for index, raw in part.values
        if index in keys
    ]


def _total_line(label: str) -> str | None:
    norm = normalise(label)
    if norm in TOTAL_WORDS:
        return "total"
    if norm.startswith(("人员经费", "人员支出")):
        return "personnel_total"
    if norm.startswith(("公用经费", "公用支出")):
        return "public_total"
    return None


def _parts_by_block(data: list[GridRow], columns: list[_Column]) -> list[_Part]:
    """Printed rows split into blocks, block by block (side-by-side groups read in turn)."""
    by_block: dict[int, list[_Part]] = defaultdict(list)
    for row in data:
        for part in _parts(row, columns):
            by_block[part.block].append(part)
    return [part for block in sorted(by_block) for part in by_block[block]]


def _subject_rows(ctx: _Context) -> list[Row]:
    """income, expenditure, gpb_expenditure, gov_fund, state_capital, gpb_basic, gpb_project;
    office_operation, whose lines are named by catalogue line aliases."""
    keys = _value_keys(ctx)
    rows: list[Row] = []
    for part in _parts_by_block(ctx.data, ctx.columns):
        if not (part.label or part.code):
            continue
        line_key = None if part.code else _total_line(part.label)
        if ctx.key in _LINE_TABLES and not part.code:
            line_key = match_summary_line(ctx.key, "expenditure", part.label) or line_key
        cells = _cells(part, keys)
        rows.append(Row(len(rows), part.label, part.page, cells, code=part.code, line_key=line_key))
    return rows


def _block_sides(columns: list[_Column]) -> dict[int, Side]:
    sides: dict[int, Side] = {}
    for column in columns:
        if column.block in sides:
            continue
        group = normalise(column.group)
        if group.startswith("收"):
            sides[column.block] = "income"
        elif group.startswith("支"):
            sides[column.block] = "expenditure"
        else:
            sides[column.block] = "income" if not sides else "expenditure"
    return sides


def _summary_line(ctx: _Context, side: Side, label: str) -> tuple[str | None, str | None]:
    """(line_key, code): a catalogue line, or a function class named on the expenditure side."""
    line_key = match_summary_line(ctx.key, side, label)
    if line_key or side != "expenditure":
        return line_key, None
    code = function_class_code(label, ctx.year)
    return ("function_class", code) if code else (None, None)


def _summary_rows(ctx: _Context) -> list[Row]:
    """summary and fiscal_summary: each printed line on each side becomes a row."""
    sides, keys = _block_sides(ctx.columns), _value_keys(ctx)
    rows: list[Row] = []
    for part in _parts_by_block(ctx.data, ctx.columns):
        label = " ".join(filter(None, [part.code, part.label]))
        if not label:
            continue  # filler line
        side = sides[part.block]
        line_key, code = _summary_line(ctx, side, label)
        cells = _cells(part, keys)
        rows.append(
            Row(len(rows), label, part.page, cells, code=code, side=side, line_key=line_key)
        )
    _mark_balance_sub_lines(ctx.key, rows)
    return rows


def _mark_balance_sub_lines(table_key: str, rows: list[Row]) -> None:
    """Fund-type lines printed under 年初/年末结转和结余 become `opening_balance.gpb` etc."""
    parent: dict[str | None, str | None] = {}
    for row in rows:
        fund = _FUND_SUFFIX.get(match_summary_line(table_key, "income", row.label) or "")
        if row.line_key in _BALANCE_LINES:
            parent[row.side] = row.line_key
        elif fund and parent.get(row.side):
            row.line_key = f"{parent[row.side]}.{fund}"
        else:
            parent[row.side] = None


def _budget_or_actual(text: str) -> str | None:
    norm = normalise(text)
    if "决算" in norm or "实际" in norm:
        return "actual"
    if "预算" in norm:
        return "budget"
    return None


def _measure_of(table_key: str) -> Callable[[str], str | None]:
    """三公: 预算/决算 anywhere in the text; other tables (政府采购: budget / contract): a
    catalogue line alias the text starts with."""
    if table_key == "three_public":
        return _budget_or_actual

    def measure(text: str) -> str | None:
        key = match_summary_line(table_key, "expenditure", text) if text else None
        return key if key in _MEASURE_ORDER else None

    return measure


_MEASURE_ORDER = ("budget", "actual", "contract")


def _measure_rows(ctx: _Context) -> list[Row]:
    """One row per measure (三公 budget and actual; 政府采购 budget and contract) by category,
    printed as column groups (预算数 | 决算数) or transposed (categories or measures as rows)."""
    measure = _measure_of(ctx.key)
    found: dict[str, dict[str, tuple[str, int | None]]] = {}  # line -> key -> (raw, page)
    labels: dict[str, str] = {}
    for row in ctx.data:
        row_label = " ".join(row.cells[c.index] for c in ctx.columns if c.kind == "label")
        row_label = " ".join(row_label.split())
        row_key = match_column(ctx.key, row_label) if row_label else None
        for column in ctx.columns:
            if column.kind != "value":
                continue
            line = measure(column.group + column.parent + column.header)
            line = line or measure(row_label)
            key = column.key or row_key
            if line and key:
                found.setdefault(line, {}).setdefault(key, (row.cells[column.index], row.page))
                labels.setdefault(line, column.group or column.header or row_label)
    rows: list[Row] = []
    for line in _MEASURE_ORDER:
        if line in found:
            printed = found[line].items()
            cells = [Cell(key, raw, parse_amount(raw), page) for key, (raw, page) in printed]
            label = " ".join(labels[line].split())
            rows.append(Row(len(rows), label, cells[0].page, cells, line_key=line))
    return rows


_PARSERS: dict[str, Callable[[_Context], list[Row]]] = {
    "summary": _summary_rows,
    "fiscal_summary": _summary_rows,
    "income": _subject_rows,
    "expenditure": _subject_rows,
    "gpb_expenditure": _subject_rows,
    "gov_fund": _subject_rows,
    "state_capital": _subject_rows,
    "gpb_basic": _subject_rows,
    "three_public": _measure_rows,
    "office_operation": _subject_rows,
    "procurement": _measure_rows,
    "gpb_project": _subject_rows,
}


# --- tables -----------------------------------------------------------------------------


def _unit_in(texts: Iterable[str]) -> Unit | None:
    for text in texts:
        found = _UNIT.search(text)
        if found:
            return "万元" if found.group(1) == "万元" else "元"
    return None


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.findall(r"[^。]+。?", text) if s.strip()]


def _empty_statement(texts: list[str]) -> str | None:
    """The sentence saying the table is empty: an explicit one first, then 没有…支出."""
    sentences = [s for text in texts for s in _sentences(text)]
    for pattern in (_EMPTY_STRONG, _EMPTY_WEAK):
        for sentence in sentences:
            if pattern.search(normalise(sentence)):
                return sentence
    return None


def _parse_section(section: _Section, year: int | None, unit: Unit, warnings: list[str]) -> Table:
    body = _body_rows(section.rows)
    table_unit = _unit_in(_meta_texts(section)) or unit
    pages = sorted({row.page for row in section.rows if row.page is not None})
    table = Table(section.key, " ".join(section.title.split()), pages, table_unit)
    header, data = _split_header(body, section.key)
    width = max((len(row.cells) for row in body), default=0)
    data = [GridRow(_padded(row.cells, width), row.at, row.page) for row in data]
    if not data and section.key == "three_public" and header:
        # Printed with no figures (its data line all blank): budget and actual still exist.
        data = [GridRow([""] * width, header[-1].at, header[-1].page)]
    columns = _columns(section.key, header, width)
    table.rows = _PARSERS[section.key](_Context(section.key, year, data, columns, warnings))
    if not any(cell.value is not None for row in table.rows for cell in row.cells):
        words = [cell for row in data for cell in row.cells if cell and not is_amount_text(cell)]
        statement = _empty_statement([*section.notes, *words])
        table.declared_empty = statement is not None
        table.empty_statement = statement
    return table


# --- document facts ---------------------------------------------------------------------


def _most_common(values: Iterable[str]) -> str | None:
    counted = Counter(values).most_common(1)
    return counted[0][0] if counted else None


def _document_unit(sections: list[_Section]) -> Unit | None:
    """The unit most tables state (a document may print one table in 元)."""
    units = [unit for section in sections if (unit := _unit_in(_meta_texts(section)))]
    return Counter(units).most_common(1)[0][0] if units else None


def _department(meta: list[str], items: Sequence[Item]) -> str | None:
    named = (m.group(1) for text in meta if (m := _DEPARTMENT.match(text.strip())))
    found = _most_common(named)
    if found:
        return found
    texts = [normalise(item.text) for item in items[:20] if isinstance(item, Text)]
    for i, text in enumerate(texts):
        if m := _HEADING_DEPARTMENT.match(text):
            if not _BARE_YEAR.fullmatch(m.group(1)):
                return m.group(1)
            # A cover that breaks the name and "2023年度部门决算" over two lines.
            before = next((t for t in reversed(texts[:i]) if t), None)
            if before and not any(ch.isdigit() for ch in before):
                return before
    return None


def _fiscal_year(meta: list[str], items: Sequence[Item]) -> int | None:
    texts = [t.text for t in items if isinstance(t, Text)]
    for source in (meta, texts):
        year = _most_common(m.group(1) for text in source for m in _YEAR.finditer(text))
        if year:
            return int(year)
    return None


def _member_units(items: Sequence[Item]) -> tuple[list[str], int | None]:
    """Member units as listed under 决算单位构成 (duplicates kept) and the stated count."""
    texts = [item.text for item in items if isinstance(item, Text)]
    stated = next((m.group(1) for t in texts if (m := _STATED_COUNT.search(t))), None)
    count = parse_count(stated) if stated else None
    for i, item in enumerate(items):
        if isinstance(item, Text) and _UNIT_LIST_ANCHOR.search(item.text):
            names = _listed_names(items[i + 1 :])
            if names:
                return names, count
    return [], count


def listed_member_units(lines: Iterable[str]) -> list[str]:
    """Member units listed as numbered lines under 决算单位构成 in running text."""
    return _member_units([Text(line.strip(), "") for line in lines if line.strip()])[0]


def _listed_names(items: Sequence[Item]) -> list[str]:
    """Names from numbered lines (`1.许昌市…`) or from a 序号 | 单位名称 grid."""
    names: list[str] = []
    for item in items:
        if isinstance(item, Text):
            numbered = _NUMBERED.match(item.text)
            if not numbered:
                break
            name = numbered.group(1)
        else:
            cells = [cell for cell in item.cells if cell]
            if not names and any("名称" in normalise(cell) for cell in cells):
                continue  # the grid's header row
            if len(cells) < 2 or not cells[0].isdigit():
                break
            name = cells[1]
        names.append(" ".join(name.strip(" ；;，,。、").split()))
    return names


# --- where the department name is printed ------------------------------------------------

MAX_COVER_LINES = 5  # the cover title is among the first lines, before any part heading


def heading_mentions(lines: Sequence[tuple[str, int | None]]) -> list[NameMention]:
    """The cover title and the part headings (第一部分 X概况, 第二部分 X2023年度部门决算表,
    table of contents included) among running-text lines given as (text, page). A heading
    broken after 第N部分 is joined with its next line."""
    flat = [(normalise(text), page) for text, page in lines]
    flat = [line for line in flat if line[0]]
    mentions: list[NameMention] = []
    cover_open = True
    for i, (text, page) in enumerate(flat):
        if _PART_HEADING.match(text):
            cover_open = False
            if _PART_HEADING.fullmatch(text) and i + 1 < len(flat):
                text += flat[i + 1][0]
            part = _PART_NAME.match(_TOC_ENTRY.sub("", text))
            if part and (part.group(2) or part.group(3)):
                year = int(part.group(3)) if part.group(3) else None
                mentions.append(NameMention(part.group(1), part.group(2) or None, year, page))
        elif cover_open and i < MAX_COVER_LINES and (cover := _COVER_TITLE.match(text)):
            cover_open = False
            name = cover.group(1)
            if not name and i and not any(ch.isdigit() for ch in flat[i - 1][0]):
                name = flat[i - 1][0]  # name and "2023年度部门决算" on two lines
            mentions.append(NameMention("cover", name or None, int(cover.group(2)), page))
    return mentions


def perf_mentions(evaluations: Iterable[PerfEvaluation]) -> list[NameMention]:
    """The department name printed in the department self-evaluation table."""
    return [
        NameMention("perf", normalise(e.item_name), None, e.pages[0] if e.pages else None)
        for e in evaluations
        if e.scope == "department" and e.item_name
    ]


def _header_mentions(sections: list[_Section]) -> list[NameMention]:
    """`部门：X` / `编制单位：X` and the year printed above each table."""
    mentions = []
    for section in sections:
        meta = _meta_texts(section)
        names = [m.group(1) for text in meta if (m := _DEPARTMENT.match(normalise(text)))]
        years = [int(m.group(1)) for text in meta for m in _YEAR.finditer(text)]
        page = next((row.page for row in section.rows if row.page is not None), None)
        for name in names:
            name = _TRAILING_YEAR.sub("", _UNIT_LABEL.split(name)[0]) or name
            year = years[0] if years else None
            mentions.append(NameMention(f"table:{section.key}", name, year, page))
    return mentions


# --- entry point ------------------------------------------------------------------------


def build_document(
    items: Sequence[Item], *, source_path: str, sha256: str, fmt: Format, pages: int | None
) -> Document:
    """The IR of a disclosure read as a stream of paragraphs and table rows."""
    found = _sections(items)
    sections = [s for s in found if s.key in _PARSERS]
    meta = [text for section in sections for text in _meta_texts(section)]
    year = _fiscal_year(meta, items)
    unit = _document_unit(sections)
    document = Document(
        source_path=source_path,
        sha256=sha256,
        format=fmt,
        pages=pages,
        department_name=_department(meta, items),
        fiscal_year=year,
        unit=unit,
    )
    document.member_units, document.stated_unit_count = _member_units(items)
    if unit is None:
        document.warnings.append("money unit not stated; tables read as 万元")
    for section in sections:
        if document.table(section.key):
            document.warnings.append(f"{section.key}: printed again at {section.at}")
            continue
        table = _parse_section(section, year, unit or "万元", document.warnings)
        document.tables.append(table)
    document.evaluations = _evaluations(found, unit or "万元")
    texts = [item for item in items if isinstance(item, Text)]
    document.name_mentions = [
        *heading_mentions([(t.text, t.page) for t in texts]),
        *_header_mentions(found),
        *perf_mentions(document.evaluations),
    ]
    add_narrative(document, [(t.text, t.page) for t in texts], locations=[t.at for t in texts])
    return document


def _evaluations(sections: list[_Section], unit: Unit) -> list[PerfEvaluation]:
    """The performance self-evaluation tables (extractors.performance)."""
    evaluations = []
    for section in sections:
        scope = _PERF_SCOPES.get(section.key)
        rows = section.rows
        if scope is None or not rows:
            continue
        evaluation = performance_from_grid(
            [row.cells for row in rows], rows[0].page, row_pages=[row.page for row in rows],
            scope=scope, unit=unit, location=section.at,
        )
        if evaluation is not None:
            evaluations.append(evaluation)
    return evaluations
