"""The optional tables some departments publish: 机关运行经费支出决算表, 政府采购情况表 and
一般公共预算财政拨款项目支出决算表.

Which department publishes which is seeded per department (an administrative department
usually publishes its 机关运行经费); a published 政府采购 table may be declared empty in a
year. Figures come from the same exact model as the nine core tables: the 机关运行经费 lines
are the matching 302 款 of `gpb_basic` and its 合计 is the 公用经费合计 the narrative states;
the project table prints the 项目支出 column of `gpb_expenditure`; the procurement contracts
are the narrative's 政府采购 figures.
"""

from __future__ import annotations

import random

from synth.catalogue import economic_columns, economic_subjects
from synth.model import LeafYear, YearModel
from synth.money import keep
from synth.printed import ORDER, Printer, cn_number, code_table
from synth.truth import Row, Table

KEYS = ("office_operation", "procurement", "gpb_project")
TITLES = {
    "office_operation": "机关运行经费支出决算表",
    "procurement": "政府采购情况表",
    "gpb_project": "一般公共预算财政拨款项目支出决算表",
}
# 机关运行经费 lines and the economic 款 of gpb_basic each one prints.
OFFICE_LINES = (
    ("office", "办公费", ("30201",)),
    ("printing", "印刷费", ("30202",)),
    ("utilities", "水电费", ("30205", "30206")),
    ("post", "邮电费", ("30207",)),
    ("property", "物业管理费", ("30209",)),
    ("travel", "差旅费", ("30211",)),
    ("maintenance", "维修（护）费", ("30213",)),
    ("meetings", "会议费", ("30215",)),
    ("training", "培训费", ("30216",)),
    ("reception", "公务接待费", ("30217",)),
    ("vehicle_operation", "公务用车运行维护费", ("30231",)),
)
OTHER_GOODS = ("other_goods", "其他商品和服务支出")  # the rest of 302
OTHER = ("other", "其他支出")  # the rest of 公用经费 (310 资本性支出 …)
PROCUREMENT_PARTS = ("goods", "works", "services")


def public_fen(model: YearModel, family: str) -> dict[str, int]:
    """gpb basic spending of the 公用经费 classes the family's basic table prints, by 款."""
    catalogue = economic_subjects()
    classes = {code for group in economic_columns(family) for code in group
               if len(code) == 3 and catalogue[code].group == "public"}
    return {code: fen for code, fen in model.economic.items() if code[:3] in classes}


def office_operation(model: YearModel, family: str, printer: Printer) -> list[Row]:
    public = public_fen(model, family)
    amounts: list[tuple[str, str, int]] = []
    for key, label, codes in OFFICE_LINES:
        amounts.append((key, label, sum(public.get(code, 0) for code in codes)))
    listed = {code for _, _, codes in OFFICE_LINES for code in codes}
    goods = sum(fen for code, fen in public.items() if code[:3] == "302" and code not in listed)
    rest = sum(fen for code, fen in public.items() if code[:3] != "302")
    amounts += [(*OTHER_GOODS, goods), (*OTHER, rest)]
    lines = [Row(label, [printer.cell("amount", fen)], line_key=key)
             for key, label, fen in amounts]
    total = Row("合计", [printer.cell("amount", sum(public.values()))], line_key="total")
    return [*lines, total] if family == "shanghai" else [total, *lines]


def procurement(model: YearModel, family: str, printer: Printer, rng: random.Random
                ) -> list[Row]:
    """Budget (采购计划) and contract (合同) amounts by goods, works and services; the
    contracts awarded to small and medium enterprises (and, in Shanghai, to small and micro
    ones)."""
    contract = {part: model.procurement[part] for part in PROCUREMENT_PARTS}
    budget = {part: keep(int(fen * rng.uniform(1.0, 1.15))) if fen else 0
              for part, fen in contract.items()}
    contract_total = sum(contract.values())
    rows = []
    for key, label, amounts in (("budget", "政府采购预算数", budget),
                                ("contract", "政府采购合同金额", contract)):
        columns = ("total", *PROCUREMENT_PARTS)
        rows.append(Row(label, printer.cells({"total": sum(amounts.values()), **amounts},
                                             columns), line_key=key))
    sme = keep(int(contract_total * rng.uniform(0.55, 0.9)))
    rows[1].cells.append(printer.cell("sme", sme))
    if family == "shanghai":
        rows[1].cells.append(printer.cell("small_micro", keep(int(sme * rng.uniform(0.4, 0.8)))))
    return rows


def _project(leaf: LeafYear) -> dict[str, int]:
    return {"project": leaf.project.get("gpb", 0)}


def gpb_project(model: YearModel, family: str, printer: Printer) -> list[Row]:
    rows = code_table(model.leaves, _project, ("project",), model.year, printer,
                      family == "shanghai")
    return rows if len(rows) > 1 else []


def empty_statement(key: str, year: int) -> str:
    if key == "procurement":
        return f"说明：本部门{year}年度无政府采购情况，故本表为空表。"
    return f"说明：本部门{year}年度没有一般公共预算财政拨款项目支出，故本表无数据。"


def chosen(slug: str, admin: bool, seed: int) -> tuple[str, ...]:
    """The optional tables a department publishes (the same every year)."""
    rng = random.Random(f"{seed}/{slug}/optional")
    odds = {"office_operation": 0.8 if admin else 0.25, "procurement": 0.5, "gpb_project": 0.4}
    return tuple(key for key in KEYS if rng.random() < odds[key])


def tables(model: YearModel, family: str, unit: str, keys: tuple[str, ...],
           rng: random.Random) -> list[Table]:
    """The chosen optional tables, numbered after the nine core ones."""
    printer = Printer(unit, blank_zero=family == "shanghai")
    out: list[Table] = []
    for key in keys:
        if key == "office_operation":
            rows = office_operation(model, family, printer)
        elif key == "procurement":
            declared_empty = rng.random() < 0.25
            rows = [] if declared_empty else procurement(model, family, printer, rng)
        else:
            rows = gpb_project(model, family, printer)
        position = len(ORDER[family]) + len(out) + 1
        number = f"公开{position:02d}表" if family == "henan" else cn_number(position)
        table = Table(key, TITLES[key], number, unit, rows)
        if not rows:
            table.declared_empty = True
            table.empty_statement = empty_statement(key, model.year)
        out.append(table)
    return out
