"""Printed lines of a recognised table turned into IR rows, one builder per table grain."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from extractors import catalogue
from extractors.ir import Cell, Row, Side
from extractors.numbers import parse_amount
from extractors.pdf_columns import TOTAL_LABELS, Line, measure_of
from extractors.pdf_text import clean_text, is_amount, is_placeholder

SUBJECT_TABLES = frozenset(
    {"income", "expenditure", "gpb_expenditure", "gov_fund", "state_capital", "gpb_project"}
)
SUPPORTED_TABLES = SUBJECT_TABLES | {
    "summary", "fiscal_summary", "gpb_basic", "three_public", "office_operation", "procurement"
}

# Fund-type sub-lines printed under 年初/年末结转和结余, read with the income-side aliases.
FUND_SUB_LINES = {
    "gpb_appropriation": "gpb",
    "gov_fund_appropriation": "gov_fund",
    "state_capital_appropriation": "state_capital",
}
BALANCE_LINES = frozenset({"opening_balance", "closing_balance"})
SIDE_ORDER: dict[Side | None, int] = {"income": 0, "expenditure": 1, None: 2}
BLOCK_SIDES: dict[int, Side] = {0: "income", 1: "expenditure"}


@dataclass
class BuildContext:
    table_key: str
    year: int | None
    warnings: list[str] = field(default_factory=list)

    def warn(self, line: Line, problem: str) -> None:
        self.warnings.append(f"{self.table_key} p{line.page}: {problem}")


def build_rows(lines: list[Line], context: BuildContext) -> list[Row]:
    builder = _BUILDERS.get(context.table_key, _subject_rows)
    rows = builder(lines, context)
    for index, row in enumerate(rows):
        row.index = index
    return rows


def _cells(line: Line, context: BuildContext, measure: str | None = None) -> list[Cell]:
    cells: list[Cell] = []
    keys: set[str] = set()
    for column, text in line.values:
        if column.key is None or column.measure != measure or column.key in keys:
            continue
        keys.add(column.key)
        raw = clean_text(text)
        if any(ch.isdigit() for ch in raw) and not is_amount(raw):
            context.warn(line, f"unreadable figure {raw!r} in column {column.key}")
        value = parse_amount(raw)
        cells.append(Cell(column.key, raw, value, line.page))
    return cells


def _row(
    line: Line,
    cells: list[Cell],
    *,
    code: str | None = None,
    side: Side | None = None,
    line_key: str | None = None,
) -> Row:
    return Row(0, line.label, line.page, cells, code=code, side=side, line_key=line_key)


def _subject_rows(lines: list[Line], context: BuildContext) -> list[Row]:
    """Function-subject tables: one row per printed subject, plus the 合计 line."""
    rows: list[Row] = []
    for line in lines:
        cells = _cells(line, context)
        if line.code is None and catalogue.normalise(line.label) in TOTAL_LABELS:
            rows.append(_row(line, cells, line_key="total"))
        elif line.code is not None:
            if len(line.code) not in (3, 5, 7):
                context.warn(line, f"subject code {line.code} is not 3, 5 or 7 digits")
            rows.append(_row(line, cells, code=line.code))
        elif not is_placeholder(line.label) or line.has_figures:
            context.warn(line, f"line without a subject code: {line.label!r}")
            rows.append(_row(line, cells))
    return rows


def _block_side(line: Line) -> Side | None:
    """The half a line is printed in: its 收入/支出 header, else left income, right expenditure."""
    printed = next((column.side for column, _ in line.values if column.side), None)
    return printed or BLOCK_SIDES.get(line.block)


def _two_sided_rows(lines: list[Line], context: BuildContext) -> list[Row]:
    """收入 | 支出 summary tables: each half's lines in print order, income first."""
    ordered = sorted(lines, key=lambda ln: (SIDE_ORDER[_block_side(ln)], ln.page, ln.row))
    rows: list[Row] = []
    parent: dict[Side, str | None] = {"income": None, "expenditure": None}
    for line in ordered:
        side = _block_side(line)
        if side is None or not line.label:
            if line.has_figures:
                context.warn(line, f"figures without a line label: {line.label!r}")
            continue
        line_key, code = _summary_line_key(line.label, side, parent[side], context)
        if line_key in BALANCE_LINES:
            parent[side] = line_key  # its fund-type sub-lines may follow
        elif not (line_key and "." in line_key):
            parent[side] = None
        if line_key is None:
            context.warn(line, f"unrecognised {side} line {line.label!r}")
        rows.append(_row(line, _cells(line, context), side=side, line_key=line_key, code=code))
    return rows


def _summary_line_key(
    label: str, side: Side, parent: str | None, context: BuildContext
) -> tuple[str | None, str | None]:
    """Line key (and 类 code of a function-class line) of a summary-table line."""
    sub_line = FUND_SUB_LINES.get(
        catalogue.match_summary_line(context.table_key, "income", label) or ""
    )
    if parent and sub_line:
        return f"{parent}.{sub_line}", None
    line_key = catalogue.match_summary_line(context.table_key, side, label)
    if line_key is None and side == "expenditure":
        code = catalogue.function_class_code(label, context.year)
        if code:
            return "function_class", code
    return line_key, None


def _economic_rows(lines: list[Line], context: BuildContext) -> list[Row]:
    """Basic-expenditure table printed as side-by-side halves: one row per economic code;
    lines without a code (人员经费合计, the 机关运行经费 lines) by their catalogue line alias."""
    rows: list[Row] = []
    for line in sorted(lines, key=lambda ln: (ln.block, ln.page, ln.row)):
        cells = _cells(line, context)
        if line.code is not None:
            rows.append(_row(line, cells, code=line.code))
            continue
        line_key = catalogue.match_summary_line(context.table_key, "expenditure", line.label)
        if line_key is None:
            context.warn(line, f"unrecognised line {line.label!r}")
        rows.append(_row(line, cells, line_key=line_key))
    return rows


def _three_public_rows(lines: list[Line], context: BuildContext) -> list[Row]:
    """三公 (budget, actual) and 政府采购 (budget, contract) tables: a row per measure, from
    measure columns (预算数/决算数, 采购计划金额/实际采购金额) or from line labels."""
    measures: dict[str, str] = {}
    for column, _ in lines[0].values if lines else ():
        if column.measure:
            measures.setdefault(column.measure, column.measure_label or column.measure)
    if measures:
        line = next((ln for ln in lines if ln.has_figures), lines[0])
        return [
            Row(0, label, line.page, _cells(line, context, measure), line_key=measure)
            for measure, label in measures.items()
        ]
    rows: list[Row] = []
    for line in lines:
        measure = measure_of(line.label, context.table_key)
        rows.append(_row(line, _cells(line, context), line_key=measure))
    return rows


_BUILDERS: dict[str, Callable[[list[Line], BuildContext], list[Row]]] = {
    "summary": _two_sided_rows,
    "fiscal_summary": _two_sided_rows,
    "gpb_basic": _economic_rows,
    "three_public": _three_public_rows,
    "office_operation": _economic_rows,
    "procurement": _three_public_rows,
}
