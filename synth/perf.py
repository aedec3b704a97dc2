"""Performance self-evaluation tables (部门整体 / 项目支出绩效自评情况表).

Execution rate = 全年执行数 / 全年预算数 of the printed figures; execution score =
分值 × min(rate, 1); total = Σ indicator scores + execution score (the Henan 2023 layout:
indicators worth 90, execution worth 10).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from synth.model import PerfLine, YearModel
from synth.money import percent, plain_text, printed, round2
from synth.truth import Cell, Row, Table

EXECUTION_WEIGHT = Decimal(10)
FUND_ROWS = (("total", "funds_total"), ("fiscal", "funds_fiscal"),
             ("special", "funds_special"), ("unit", "funds_unit"))
DEPARTMENT_INDICATORS = (
    ("投入管理指标", "工作目标管理", ("年度履职目标相关性", "工作任务科学性", "绩效指标合理性"), 1),
    ("投入管理指标", "预算和财务管理", (
        "预算编制完整性", "专项资金细化率", "预算调整率", "结转结余率", "“三公经费”控制率",
        "政府采购执行率", "决算真实性", "资金使用合规性", "管理制度健全性", "预决算信息公开性"), 1),
    ("投入管理指标", "预算和财务管理", ("资产管理规范性",), 2),
    ("投入管理指标", "绩效管理", (
        "绩效目标编制完成率", "绩效监控完成率", "绩效自评完成率", "部门绩效评价完成率",
        "评价结果应用率"), 3),
    ("产出指标", "重点工作任务完成",
     ("重点工作计划完成率", "专项任务按期完成率", "年度考核任务完成率"), 5),
    ("产出指标", "履职目标实现", (
        "加强自身能力建设", "重点任务按期完成", "制度建设", "依法行政", "服务质量提升"), 2),
    ("效益指标", "履职效益", ("社会效益", "管理效能"), 15),
    ("效益指标", "满意度", ("群众满意度",), 5),
)
PROJECT_INDICATORS = (
    ("成本指标", "经济成本指标", ("项目成本控制率", "单位成本节约率"), 5),
    ("产出指标", "数量指标", ("计划任务完成数量", "覆盖对象数量"), 10),
    ("产出指标", "质量指标", ("验收合格率",), 10),
    ("产出指标", "时效指标", ("按期完成率",), 10),
    ("效益指标", "社会效益指标", ("服务对象受益情况",), 10),
    ("满意度指标", "服务对象满意度指标", ("服务对象满意度",), 10),
)
SHANGHAI_EXTRA = (
    ("产出指标", "质量指标", ("资金使用合规率",), 10),
    ("效益指标", "可持续影响指标", ("长效管理机制健全性",), 10),
)
MANAGEMENT = (("安排科学性", "安排科学"), ("拨付合规性", "拨付合规"),
              ("使用规范性", "使用规范"), ("预算绩效管理情况", "管理有效"))


@dataclass
class PerfTable:
    table: Table
    goal: str
    done: str


def _amount_cells(line: PerfLine, unit: str) -> tuple[list[Cell], Decimal]:
    values = [printed(line.initial, unit), printed(line.annual, unit),
              printed(line.executed, unit)]
    cells = [Cell(k, plain_text(v, unit), v) for k, v in zip(
        ("initial_budget", "annual_budget", "executed"), values, strict=True)]
    rate = percent(values[2], values[1])
    cells.append(Cell("execution_rate", f"{rate:.2f}%", rate))
    return cells, rate


def _funds(lines: dict[str, PerfLine], unit: str, total_label: str) -> tuple[list[Row], Decimal]:
    rows = []
    score = Decimal(0)
    labels = {"total": total_label, "fiscal": "财政拨款", "special": "财政专户管理资金",
              "unit": "单位资金"}
    for key, line_key in FUND_ROWS:
        cells, rate = _amount_cells(lines[key], unit)
        if key == "total":
            score = round2(EXECUTION_WEIGHT * min(rate / 100, Decimal(1)))
            cells.insert(3, Cell("weight", "10", EXECUTION_WEIGHT))
            cells.append(Cell("score", f"{score:.2f}", score))
        rows.append(Row(labels[key], cells, line_key=line_key))
    return rows, score


def _indicators(spec: tuple, rng: random.Random) -> list[Row]:
    rows = []
    for level1, level2, names, weight in spec:
        for name in names:
            w = Decimal(weight)
            lost = Decimal(rng.choice((1, 2, 3, 4))) / 2 if rng.random() < 0.12 else Decimal(0)
            score = max(Decimal(0), w - lost)
            target = rng.choice(("≥90%", "≥95%", "=100%", "完成", "达标"))
            actual = "未完全达标" if lost else rng.choice(("100%", "98%", "完成", "达标"))
            rows.append(Row(name, [
                Cell("level1", level1, None), Cell("level2", level2, None),
                Cell("target", target, None), Cell("actual", actual, None),
                Cell("weight", f"{w:g}", w), Cell("score", f"{score:g}", score),
            ], line_key="indicator"))
    return rows


def _total(rows: list[Row], execution: Decimal) -> Row:
    score = sum((r.amount("score") for r in rows if r.line_key == "indicator"), Decimal(0))
    score += execution
    return Row("总分", [Cell("weight", "100", Decimal(100)), Cell("score", f"{score:g}", score)],
               line_key="total_score")


def department(model: YearModel, name: str, unit: str, purpose: str, rng: random.Random
               ) -> PerfTable:
    rows, execution = _funds(model.perf_funds, unit, "部门预算总额")
    rows += _indicators(DEPARTMENT_INDICATORS, rng)
    rows.append(_total(rows, execution))
    table = Table("perf_department", "部门整体支出绩效自评情况表", "", unit, rows, caption=name)
    return PerfTable(table, f"围绕{purpose}，全面完成年度履职目标。",
                     f"{purpose}各项任务完成情况较好。")


def projects(model: YearModel, unit: str, family: str, rng: random.Random) -> list[PerfTable]:
    out = []
    for leaf, line in model.perf_projects:
        lines = {"total": line, "fiscal": line, "special": PerfLine(0, 0, 0),
                 "unit": PerfLine(0, 0, 0)}
        rows, execution = _funds(lines, unit, "年度资金总额")
        if family == "henan":
            for label, note in MANAGEMENT:
                rows.append(Row(label, [Cell("level1", "资金管理情况", None),
                                        Cell("target", note, None),
                                        Cell("weight", "5", Decimal(5)),
                                        Cell("score", "5", Decimal(5))], line_key="indicator"))
            rows += _indicators(PROJECT_INDICATORS, rng)
        else:
            rows += _indicators(PROJECT_INDICATORS + SHANGHAI_EXTRA, rng)
        rows.append(_total(rows, execution))
        name = f"{model.year}年{leaf.project_name}"
        table = Table("perf_project", "项目支出绩效自评情况表", "", unit, rows, caption=name)
        out.append(PerfTable(table, f"按计划完成{leaf.project_name}各项任务。",
                             f"{leaf.project_name}按计划实施，资金使用规范。"))
    return out
