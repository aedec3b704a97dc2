"""Grids of the performance self-evaluation tables (layout of the Henan 2023 sample)."""

from __future__ import annotations

from synth.layout.blocks import Fig, Grid, Text
from synth.perf import PerfTable
from synth.truth import Row

WIDTHS = [2.2, 3.0, 3.2, 2.0, 2.0, 1.3, 1.6, 1.3, 2.4]
FUND_LABELS = {"funds_fiscal": "资金来源：（1）财政拨款", "funds_special": "（2）财政专户管理资金",
               "funds_unit": "（3）单位资金"}


def _fig(row: Row, column: str, dash: bool = False) -> Text:
    cell = row.cell(column)
    if cell is None:
        return "-" if dash else ""
    return Fig(cell.raw, cell.value)


def _funds(rows: list[Row], head: str, unit: str, grid: list[list[Text]],
           merges: list[tuple[int, int, int, int]]) -> None:
    start = len(grid)
    grid.append([f"{head}（{unit}）", "", "年初预算数", "全年预算数", "全年执行数", "分值",
                 "执行率", "得分", ""])
    for row in rows:
        if not (row.line_key or "").startswith("funds_"):
            continue
        label = FUND_LABELS.get(row.line_key or "", row.label)
        grid.append(["", label, _fig(row, "initial_budget"), _fig(row, "annual_budget"),
                     _fig(row, "executed"), _fig(row, "weight", True),
                     _fig(row, "execution_rate"), _fig(row, "score", True), ""])
    merges.append((start, 0, len(grid) - 1, 0))


def _indicators(rows: list[Row], grid: list[list[Text]], actual_head: str) -> None:
    grid.append(["绩效指标", *[""] * 8])
    grid.append(["一级指标", "二级指标", "三级指标", "年度指标值", actual_head, "分值", "得分",
                 "偏差度", "偏差原因分析及改进措施"])
    previous = ("", "")
    for row in rows:
        if row.line_key != "indicator" or row.cell("level1") is None:
            continue
        level1, level2 = row.text("level1"), row.text("level2")
        shown = (level1 if level1 != previous[0] else "",
                 level2 if (level1, level2) != previous else "")
        previous = (level1, level2)
        grid.append([*shown, row.label, row.text("target"), row.text("actual"),
                     _fig(row, "weight"), _fig(row, "score"), "0.00", ""])


def department(item: PerfTable, name: str, unit: str) -> Grid:
    rows = item.table.rows
    grid: list[list[Text]] = [["部门（单位）名称", name, *[""] * 7]]
    merges = [(0, 1, 0, 8)]
    _funds(rows, "部门整体支出情况", unit, grid, merges)
    grid.append(["年度履职目标", "预期目标", "", "", "实际完成情况", "", "", "", ""])
    grid.append(["", item.goal, "", "", item.done, "", "", "", ""])
    merges += [(len(grid) - 2, 1, len(grid) - 2, 3), (len(grid) - 1, 1, len(grid) - 1, 3),
               (len(grid) - 2, 4, len(grid) - 2, 8), (len(grid) - 1, 4, len(grid) - 1, 8)]
    _indicators(rows, grid, "实际完成值")
    _total(rows, grid)
    return Grid(grid, WIDTHS, merges, 0, numeric_from=99)


def project(item: PerfTable, name: str, unit: str) -> Grid:
    rows = item.table.rows
    grid: list[list[Text]] = [["项目名称", item.table.caption or "", *[""] * 7],
                              ["主管部门", name, "", "", "实施单位", name, "", "", ""]]
    merges = [(0, 1, 0, 8), (1, 1, 1, 3), (1, 5, 1, 8)]
    _funds(rows, "项目资金", unit, grid, merges)
    management = [r for r in rows if r.line_key == "indicator" and r.cell("level2") is None]
    if management:
        grid.append(["资金管理情况", "", "情况说明", "分值（20）", "得分", "存在问题和改进措施",
                     "", "", ""])
        for row in management:
            grid.append(["", row.label, row.text("target"), _fig(row, "weight"),
                         _fig(row, "score"), "", "", "", ""])
    grid.append(["年度总体目标", "预期目标", "", "", "实际完成情况", "", "", "", ""])
    grid.append(["", item.goal, "", "", item.done, "", "", "", ""])
    _indicators([r for r in rows if r.cell("level2") is not None or r.line_key != "indicator"],
                grid, "实际值完成值")
    _total(rows, grid)
    return Grid(grid, WIDTHS, merges, 0, numeric_from=99)


def _total(rows: list[Row], grid: list[list[Text]]) -> None:
    total = next(r for r in rows if r.line_key == "total_score")
    grid.append(["总分", _fig(total, "weight"), _fig(total, "score"), *[""] * 6])
