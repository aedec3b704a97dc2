"""The nine disclosure tables as printed: exact amounts summed up the hierarchy, then each
printed figure rounded on its own (so honest rounding tails appear between a total and the sum
of its printed terms)."""

from __future__ import annotations

from collections.abc import Callable

from synth.catalogue import economic_columns, economic_subjects, function_name, summary_classes
from synth.model import FUNDS, NONFISCAL_SOURCES, LeafYear, YearModel
from synth.money import printed, table_text
from synth.truth import Cell, Row, Table

INCOME_COLS = ("total", "fiscal_appropriation", *NONFISCAL_SOURCES)
EXPENDITURE_COLS = ("total", "basic", "project", "remit_to_superior", "operating",
                    "affiliated_subsidy")
GPB_COLS = ("total", "basic", "project")
FISCAL_COLS = ("total", "gpb", "gov_fund", "state_capital")
FUND_COLS = ("opening_balance", "income", "total", "basic", "project", "closing_balance")
THREE_PUBLIC_COLS = ("total", "abroad", "vehicle_total", "vehicle_purchase",
                     "vehicle_operation", "reception")
INCOME_LINES = (
    ("gpb_appropriation", "一般公共预算财政拨款收入"),
    ("gov_fund_appropriation", "政府性基金预算财政拨款收入"),
    ("state_capital_appropriation", "国有资本经营预算财政拨款收入"),
    ("superior_subsidy", "上级补助收入"),
    ("business_income", "事业收入"),
    ("operating_income", "经营收入"),
    ("affiliated_remittance", "附属单位上缴收入"),
    ("other_income", "其他收入"),
)
FUND_LINE = {"gpb": "gpb_appropriation", "gov_fund": "gov_fund_appropriation",
             "state_capital": "state_capital_appropriation"}
FUND_NAMES = {"gpb": "一般公共预算财政拨款", "gov_fund": "政府性基金预算财政拨款",
              "state_capital": "国有资本经营预算财政拨款"}

TITLES = {
    "summary": "收入支出决算总表",
    "income": "收入决算表",
    "expenditure": "支出决算表",
    "fiscal_summary": "财政拨款收入支出决算总表",
    "gpb_expenditure": "一般公共预算财政拨款支出决算表",
    "gov_fund": "政府性基金预算财政拨款收入支出决算表",
    "three_public": "财政拨款“三公”经费支出决算表",
}
# Print order and numbering of the two template families.
ORDER = {
    "henan": ("summary", "income", "expenditure", "fiscal_summary", "gpb_expenditure",
              "gpb_basic", "gov_fund", "state_capital", "three_public"),
    "shanghai": ("summary", "income", "expenditure", "fiscal_summary", "gpb_expenditure",
                 "gpb_basic", "three_public", "gov_fund", "state_capital"),
}
CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 26 → 二十六."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def number(family: str, key: str) -> str:
    position = ORDER[family].index(key) + 1
    return f"公开{position:02d}表" if family == "henan" else cn_number(position)


def title(family: str, key: str) -> str:
    if key == "gpb_basic":
        return "一般公共预算财政拨款基本支出决算" + ("明细表" if family == "henan" else "表")
    if key == "state_capital":
        middle = "" if family == "henan" else "收入"
        return f"国有资本经营预算财政拨款{middle}支出决算表"
    return TITLES[key]


class Printer:
    """Prints exact amounts in one document's unit and zero style."""

    def __init__(self, unit: str, blank_zero: bool):
        self.unit = unit
        self.blank_zero = blank_zero

    def cell(self, column_key: str, fen: int) -> Cell:
        value = printed(fen, self.unit)
        return Cell(column_key, table_text(value, self.unit, self.blank_zero), value)

    def cells(self, amounts: dict[str, int], columns: tuple[str, ...]) -> list[Cell]:
        return [self.cell(c, amounts.get(c, 0)) for c in columns]


def _income(leaf: LeafYear) -> dict[str, int]:
    out = {"fiscal_appropriation": sum(leaf.income.get(f, 0) for f in FUNDS)}
    out.update({s: leaf.income.get(s, 0) for s in NONFISCAL_SOURCES})
    out["total"] = sum(out.values())
    return out


def _expenditure(leaf: LeafYear) -> dict[str, int]:
    basic, project = sum(leaf.basic.values()), sum(leaf.project.values())
    return {"basic": basic, "project": project, "operating": leaf.operating,
            "total": basic + project + leaf.operating}


def _gpb(leaf: LeafYear) -> dict[str, int]:
    basic, project = leaf.basic.get("gpb", 0), leaf.project.get("gpb", 0)
    return {"basic": basic, "project": project, "total": basic + project}


def _fund(leaf: LeafYear) -> dict[str, int]:
    basic, project = leaf.basic.get(leaf.fund, 0), leaf.project.get(leaf.fund, 0)
    return {"opening_balance": leaf.opening, "income": leaf.income.get(leaf.fund, 0),
            "basic": basic, "project": project, "total": basic + project,
            "closing_balance": leaf.closing}


def _add(into: dict[str, int], amounts: dict[str, int]) -> None:
    for key, value in amounts.items():
        into[key] = into.get(key, 0) + value


def code_table(leaves: list[LeafYear], amounts: Callable[[LeafYear], dict[str, int]],
               columns: tuple[str, ...], year: int, printer: Printer, total_last: bool
               ) -> list[Row]:
    """Rows 类 → 款 → 项 of the leaves with any non-zero amount, and the 合计 row."""
    per_code: dict[str, dict[str, int]] = {}
    labels: dict[str, str] = {}
    grand: dict[str, int] = {}
    for leaf in leaves:
        values = amounts(leaf)
        if not any(values.get(c) for c in columns):
            continue
        if leaf.label:
            labels[leaf.code] = leaf.label
        for code in (leaf.code[:3], leaf.code[:5], leaf.code):
            _add(per_code.setdefault(code, {}), values)
        _add(grand, values)
    rows = [
        Row(labels.get(code) or function_name(code, year) or "", printer.cells(values, columns),
            code=code)
        for code, values in sorted(per_code.items())
    ]
    total = Row("合计", printer.cells(grand, columns), line_key="total")
    return [*rows, total] if total_last else [total, *rows]


def _ordinal(i: int, name: str) -> str:
    return f"{cn_number(i)}、{name}"


USE_BALANCE_LABEL = {"henan": "使用非财政拨款结余和专用结余",
                     "shanghai": "使用非财政拨款结余（含专用结余）"}


def summary(model: YearModel, family: str, printer: Printer) -> list[Row]:
    income = {key: 0 for key, _ in INCOME_LINES}
    by_class: dict[str, int] = {}
    for leaf in model.leaves:
        for fund in FUNDS:
            income[FUND_LINE[fund]] += leaf.income.get(fund, 0)
        for source in NONFISCAL_SOURCES:
            income[source] += leaf.income.get(source, 0)
        by_class[leaf.code[:3]] = by_class.get(leaf.code[:3], 0) + leaf.total()
    income_total = sum(income.values())
    opening, closing = sum(model.opening.values()), sum(model.closing.values())
    spent = sum(by_class.values())
    rows = [Row(_ordinal(i, label), [printer.cell("amount", income[key])], side="income",
                line_key=key) for i, (key, label) in enumerate(INCOME_LINES, 1)]
    rows += [
        Row("本年收入合计", [printer.cell("amount", income_total)], side="income",
            line_key="income_total"),
        Row(USE_BALANCE_LABEL[family], [printer.cell("amount", model.use_balance)],
            side="income", line_key="use_non_fiscal_balance"),
        Row("年初结转和结余", [printer.cell("amount", opening)], side="income",
            line_key="opening_balance"),
        Row("总计", [printer.cell("amount", income_total + model.use_balance + opening)],
            side="income", line_key="grand_total"),
    ]
    rows += [Row(_ordinal(i, name), [printer.cell("amount", by_class.get(code, 0))], code=code,
                 side="expenditure", line_key="function_class")
             for i, (code, name) in enumerate(summary_classes(model.year), 1)]
    rows += [
        Row("本年支出合计", [printer.cell("amount", spent)], side="expenditure",
            line_key="expenditure_total"),
        Row("结余分配", [printer.cell("amount", model.distribution)], side="expenditure",
            line_key="balance_distribution"),
        Row("年末结转和结余", [printer.cell("amount", closing)], side="expenditure",
            line_key="closing_balance"),
        Row("总计", [printer.cell("amount", spent + model.distribution + closing)],
            side="expenditure", line_key="grand_total"),
    ]
    return rows


def fiscal_summary(model: YearModel, family: str, printer: Printer) -> list[Row]:
    income = {f: sum(leaf.income.get(f, 0) for leaf in model.leaves) for f in FUNDS}
    by_class: dict[str, dict[str, int]] = {}
    for leaf in model.leaves:
        line = by_class.setdefault(leaf.code[:3], {})
        for fund in FUNDS:
            line[fund] = line.get(fund, 0) + leaf.spending(fund)
    spent = {f: sum(line.get(f, 0) for line in by_class.values()) for f in FUNDS}

    def four(amounts: dict[str, int]) -> dict[str, int]:
        return {"total": sum(amounts.get(f, 0) for f in FUNDS), **amounts}

    opening = {f: model.opening[f] for f in FUNDS}
    closing = {f: model.closing[f] for f in FUNDS}
    rows = [Row(_ordinal(i, FUND_NAMES[f]), [printer.cell("amount", income[f])],
                side="income", line_key=FUND_LINE[f]) for i, f in enumerate(FUNDS, 1)]
    rows += [
        Row("本年收入合计", [printer.cell("amount", sum(income.values()))], side="income",
            line_key="income_total"),
        Row("年初财政拨款结转和结余", [printer.cell("amount", sum(opening.values()))],
            side="income", line_key="opening_balance"),
        *(Row(FUND_NAMES[f] if family == "henan" else _ordinal(i, FUND_NAMES[f]),
              [printer.cell("amount", opening[f])], side="income",
              line_key=f"opening_balance.{f}") for i, f in enumerate(FUNDS, 1)),
        Row("总计", [printer.cell("amount", sum(income.values()) + sum(opening.values()))],
            side="income", line_key="grand_total"),
    ]
    rows += [Row(_ordinal(i, name), printer.cells(four(by_class.get(code, {})), FISCAL_COLS),
                 code=code, side="expenditure", line_key="function_class")
             for i, (code, name) in enumerate(summary_classes(model.year), 1)]
    grand = {f: spent[f] + closing[f] for f in FUNDS}
    rows += [
        Row("本年支出合计", printer.cells(four(spent), FISCAL_COLS), side="expenditure",
            line_key="expenditure_total"),
        Row("年末财政拨款结转和结余", printer.cells(four(closing), FISCAL_COLS),
            side="expenditure", line_key="closing_balance"),
        Row("总计", printer.cells(four(grand), FISCAL_COLS), side="expenditure",
            line_key="grand_total"),
    ]
    return rows


def gpb_basic(model: YearModel, family: str, printer: Printer) -> list[Row]:
    catalogue = economic_subjects()
    rows = []
    totals = {"personnel": 0, "public": 0}
    for group in economic_columns(family):
        for code in group:
            if len(code) == 3:
                fen = sum(v for k, v in model.economic.items() if k[:3] == code)
                totals[catalogue[code].group] += fen
            else:
                fen = model.economic.get(code, 0)
            rows.append(Row(catalogue[code].name, [printer.cell("amount", fen)], code=code))
    rows.append(Row("人员经费合计", [printer.cell("amount", totals["personnel"])],
                    line_key="personnel_total"))
    rows.append(Row("公用经费合计", [printer.cell("amount", totals["public"])],
                    line_key="public_total"))
    return rows


def three_public(model: YearModel, printer: Printer) -> list[Row]:
    rows = []
    for kind, label in (("budget", "预算数"), ("actual", "决算数")):
        a = model.three_public[kind]
        amounts = dict(a)
        amounts["vehicle_total"] = a["vehicle_purchase"] + a["vehicle_operation"]
        amounts["total"] = a["abroad"] + amounts["vehicle_total"] + a["reception"]
        rows.append(Row(label, printer.cells(amounts, THREE_PUBLIC_COLS), line_key=kind))
    return rows


def empty_statement(family: str, key: str, year: int) -> str:
    fund = "政府性基金" if key == "gov_fund" else "国有资本经营"
    if family == "henan":
        return f"说明：我部门没有{fund}收入，也没有使用{fund}安排的支出，故本表无数据。"
    return f"注：本部门{year}年度没有使用{fund}预算财政拨款安排的支出，故本表无数据。"


def tables(model: YearModel, family: str, unit: str) -> list[Table]:
    """The nine tables of the document, in its family's print order."""
    printer = Printer(unit, blank_zero=family == "shanghai")
    year, leaves = model.year, model.leaves
    bottom = family == "shanghai"
    built = {
        "summary": summary(model, family, printer),
        "income": code_table(leaves, _income, INCOME_COLS, year, printer, False),
        "expenditure": code_table(leaves, _expenditure, EXPENDITURE_COLS, year, printer, False),
        "fiscal_summary": fiscal_summary(model, family, printer),
        "gpb_expenditure": code_table(leaves, _gpb, GPB_COLS, year, printer, bottom),
        "gpb_basic": gpb_basic(model, family, printer),
        "three_public": three_public(model, printer),
    }
    for key in ("gov_fund", "state_capital"):
        mine = [leaf for leaf in leaves if leaf.fund == key]
        columns = GPB_COLS if (key, family) == ("state_capital", "henan") else FUND_COLS
        rows = code_table(mine, _fund, columns, year, printer, False)
        built[key] = rows if len(rows) > 1 else []
    out = []
    for key in ORDER[family]:
        table = Table(key, title(family, key), number(family, key), unit, built[key])
        if not table.rows:
            table.declared_empty = True
            table.empty_statement = empty_statement(family, key, year)
        out.append(table)
    return out
