"""Performance self-evaluation tables (部门整体 / 项目支出绩效自评情况表) read from their grid.

`performance_from_grid` is a pure function over a table's rows (one text per grid column, a
merged cell's text in its first column, blanks after it), whatever the format. Rows are read
by what their header says, never by position: the name row (部门（单位）名称 / 项目名称) gives
the scope and the item name; a funds header (年初预算数 | 全年预算数 | 全年执行数 | 分值 |
执行率 | 得分) maps the funds lines below it; an indicator header (一级指标 … 偏差度) the
indicator rows, with 一级/二级指标 carried down over merged cells; a 资金管理情况 header its
scored lines; the 总分 row the total. A table spanning pages may repeat its headers (they map
the same columns again); a row without figures under an indicator header continues the
indicator above it (a cell broken over a page). Goal texts (年度履职目标 …) are not figures.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from extractors.catalogue import normalise
from extractors.ir import PerfEvaluation, PerfFunds, PerfIndicator, PerfScope, Unit
from extractors.numbers import parse_number

# Header words -> column key, per header kind; the first match wins.
_FUNDS_COLUMNS = (
    ("initial_budget", re.compile(r"年初预算")),
    ("annual_budget", re.compile(r"全年预算|调整后预算")),
    ("executed", re.compile(r"全年执行|执行数|实际支出")),
    ("execution_rate", re.compile(r"执行率")),
    ("weight", re.compile(r"分值|权重")),
    ("score", re.compile(r"得分")),
)
_INDICATOR_COLUMNS = (
    ("level1", re.compile(r"一级指标")),
    ("level2", re.compile(r"二级指标")),
    ("name", re.compile(r"三级指标")),
    ("target", re.compile(r"指标值|目标值|预期")),
    ("actual", re.compile(r"实际|完成值")),
    ("weight", re.compile(r"分值|权重")),
    ("score", re.compile(r"得分")),
    ("deviation", re.compile(r"偏差度")),
    ("note", re.compile(r"偏差原因|改进措施")),
)
_MANAGEMENT_COLUMNS = (
    ("target", re.compile(r"情况说明")),
    ("weight", re.compile(r"分值")),
    ("score", re.compile(r"得分")),
    ("note", re.compile(r"问题|改进措施")),
)
_FUNDS_LINES = (
    ("funds_fiscal", re.compile(r"财政拨款")),
    ("funds_special", re.compile(r"财政专户")),
    ("funds_unit", re.compile(r"单位资金|其他资金")),
    ("funds_total", re.compile(r"总额|合计|总计")),
)
_DEPARTMENT_NAME = re.compile(r"^(?:部门|单位|部门\(单位\))名称$")
_PROJECT_NAME = re.compile(r"^项目名称$")
_UNIT = re.compile(r"\((万元|元)\)|单位[:：]?(万元|元)")
_TEXT_ROWS = re.compile(r"^(?:年度履职目标|年度总体目标|总体目标|预期目标|实际完成情况|绩效指标)$")
_PERCENT = re.compile(r"%\s*$")


def _clean(text: str) -> str:
    """A cell's paragraphs joined (as a text dump joins them), spaces collapsed."""
    return " ".join("".join(line.strip() for line in text.splitlines()).split())


def _number(text: str) -> Decimal | None:
    """A printed figure (`3.25 %` reads 3.25); None for a dash, a blank or words."""
    return parse_number(_PERCENT.sub("", text.strip()))


def _map(cells: list[str], columns: tuple[tuple[str, re.Pattern[str]], ...]) -> dict[str, int]:
    """Column key -> index for the header cells (the first cell per key)."""
    found: dict[str, int] = {}
    for index, text in enumerate(cells):
        norm = normalise(text)
        for key, pattern in columns:
            if norm and key not in found and pattern.search(norm):
                found[key] = index
                break
    return found


@dataclass
class _Reader:
    unit: Unit
    scope: PerfScope | None
    name: str | None = None
    funds_columns: dict[str, int] = field(default_factory=dict)
    indicator_columns: dict[str, int] = field(default_factory=dict)
    block: str | None = None  # funds, indicators, management
    level1: str | None = None
    level2: str | None = None
    funds: list[PerfFunds] = field(default_factory=list)
    indicators: list[PerfIndicator] = field(default_factory=list)
    total: tuple[Decimal | None, Decimal | None, str, int | None] | None = None

    def row(self, cells: list[str], page: int | None) -> None:
        norms = [normalise(c) for c in cells]
        filled = [i for i, n in enumerate(norms) if n]
        if not filled:
            return
        first = norms[filled[0]]
        if _DEPARTMENT_NAME.match(first) or _PROJECT_NAME.match(first):
            self.scope = self.scope or ("project" if _PROJECT_NAME.match(first) else "department")
            self.name = next((cells[i] for i in filled[1:]), None)
        elif first == "总分":
            numbers = [(_number(cells[i]), cells[i]) for i in filled[1:]]
            printed = [(v, raw) for v, raw in numbers if v is not None]
            weight = printed[0][0] if len(printed) > 1 else None
            score, raw = printed[-1] if printed else (None, "")
            self.total, self.block = (weight, score, raw, page), None
        elif self._header(cells, norms):
            return
        elif self.block == "funds":
            self._funds(cells, page)
        elif self.block in ("indicators", "management"):
            self._indicator(cells, page)

    def _header(self, cells: list[str], norms: list[str]) -> bool:
        """A header row (or a text row ending a block): maps the columns it names."""
        joined = "".join(norms)
        if "执行率" in joined and ("预算" in joined or "执行数" in joined):
            self.funds_columns, self.block = _map(cells, _FUNDS_COLUMNS), "funds"
            unit = _UNIT.search(joined)
            if unit:
                self.unit = "万元" if "万元" in unit.group(0) else "元"
        elif "一级指标" in joined or "三级指标" in joined:
            self.indicator_columns, self.block = _map(cells, _INDICATOR_COLUMNS), "indicators"
        elif norms[0] == "资金管理情况" and "得分" in joined:
            columns = _map(cells, _MANAGEMENT_COLUMNS)
            blanks = [i for i, n in enumerate(norms) if not n and i > 0]
            first_value = min(columns.values(), default=len(cells))
            columns["name"] = next((i for i in blanks if i < first_value), 1)
            self.indicator_columns, self.block = columns, "management"
            self.level1, self.level2 = "资金管理情况", None
        elif any(_TEXT_ROWS.match(n) for n in norms if n):
            self.block = None
        else:
            return False
        return True

    def _funds(self, cells: list[str], page: int | None) -> None:
        columns = self.funds_columns
        first_value = min(columns.values(), default=len(cells))
        # the label columns after the first (which holds the block's merged header text)
        label = _clean("".join(cells[1:first_value]) or cells[0])
        values = {key: cells[i] if i < len(cells) else "" for key, i in columns.items()}
        if not any(_number(text) is not None for text in values.values()):
            return
        norm = normalise(label)
        line = next((key for key, pattern in _FUNDS_LINES if pattern.search(norm)), None)
        line = line or ("funds_total" if not self.funds else "funds_other")
        numbers = {key: _number(text) for key, text in values.items()}
        self.funds.append(PerfFunds(line, label, page, raw=values, **numbers))

    def _indicator(self, cells: list[str], page: int | None) -> None:
        columns = self.indicator_columns

        def text(key: str) -> str | None:
            index = columns.get(key)
            value = _clean(cells[index]) if index is not None and index < len(cells) else ""
            return value or None

        weight, score = _number(text("weight") or ""), _number(text("score") or "")
        if self.block == "indicators":
            self.level1 = text("level1") or self.level1
            self.level2 = text("level2") or (self.level2 if not text("level1") else None)
        name = text("name")
        if weight is None and score is None:
            if self.indicators and name:
                self._continue(self.indicators[-1], name, text("target"), text("actual"))
            return
        self.indicators.append(PerfIndicator(
            self.level1, self.level2, name or "", text("target"), text("actual"), weight, score,
            text("deviation"), text("note"), page, text("score") or "",
        ))

    @staticmethod
    def _continue(indicator: PerfIndicator, name: str, target: str | None,
                  actual: str | None) -> None:
        """A row broken over a page: its texts continue the indicator above."""
        indicator.name += name
        if target:
            indicator.target = (indicator.target or "") + target
        if actual:
            indicator.actual = (indicator.actual or "") + actual


def performance_from_grid(
    rows: Sequence[Sequence[str]],
    page: int | None,
    *,
    row_pages: Sequence[int | None] | None = None,
    scope: PerfScope | None = None,
    unit: Unit = "万元",
    location: str | None = None,
) -> PerfEvaluation | None:
    """The self-evaluation printed in `rows` (all its pages' rows, in order), or None when the
    grid holds no funds line, indicator or total. `page` is the first row's page, `row_pages`
    each row's for a table spanning pages; `scope` is read from the name row unless given;
    `unit` is the money unit when no header states one."""
    reader = _Reader(unit, scope)
    pages = list(row_pages) if row_pages is not None else [page] * len(rows)
    for cells, at in zip(rows, pages, strict=True):
        reader.row([c or "" for c in cells], at)
    if not (reader.funds or reader.indicators or reader.total):
        return None
    evaluation = PerfEvaluation(
        scope=reader.scope or "project",
        item_name=_clean(reader.name) if reader.name else None,
        unit=reader.unit,
        pages=sorted({p for p in pages if p is not None}),
        location=location,
        funds=reader.funds,
        indicators=reader.indicators,
    )
    if reader.total is not None:
        weight, score, raw, at = reader.total
        evaluation.total_weight, evaluation.total_score = weight, score
        evaluation.total_raw, evaluation.total_page = raw, at
    return evaluation
