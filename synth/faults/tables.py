"""Faults in the printed tables: one wrong figure (or a few moved together) per document.

Where one identity can be broken alone, the planter moves the figures that would otherwise
break a neighbouring identity too (a 款 row changed with its total column, a path of rows
changed down to 合计, …). What each fault does trigger is recorded from `synth.checks`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import Decimal

from synth.draft import Draft
from synth.faults.common import bump, capped, delta, largest, leaves, path, record
from synth.truth import Fault, Row, Table

Planter = Callable[[Draft, random.Random], Fault | None]
COMPONENT = {"income": "fiscal_appropriation", "expenditure": "basic",
             "gpb_expenditure": "basic", "gov_fund": "project", "state_capital": "project"}


def _summary_line(check: str, side: str, keys: tuple[str, ...], note: str) -> Planter:
    def plant(draft: Draft, rng: random.Random) -> Fault | None:
        table = draft.table("summary")
        if table is None:
            return None
        d = delta(draft.unit, rng)
        rows = [table.find(side=side, line_key=k) for k in keys]
        changes = [bump(draft, row, "amount", d) for row in rows if row]
        first = rows[0]
        return record(draft, check, check, table, first, "amount", changes[0][0],
                      changes[0][1], note)
    return plant


def _summary_class(draft: Draft, rng: random.Random) -> Fault | None:
    table = draft.table("summary")
    if table is None:
        return None
    row = largest([r for r in table.rows if r.line_key == "function_class"], "amount")
    if row is None:
        return None
    before, after = bump(draft, row, "amount", delta(draft.unit, rng))
    return record(draft, "summary.expense_sum", "summary.expense_sum", table, row, "amount",
                  before, after, "one expenditure class line misprinted")


def _row_sum(key: str) -> Planter:
    def plant(draft: Draft, rng: random.Random) -> Fault | None:
        table = draft.table(key)
        if table is None or table.declared_empty:
            return None
        column = COMPONENT[key]
        row = largest(leaves(table), column)
        if row is None:
            return None
        before, after = bump(draft, row, column, delta(draft.unit, rng))
        return record(draft, f"{key}.row_sum", f"{key}.row_sum", table, row, column, before,
                      after, "a 项 cell misprinted: its row no longer adds up")
    return plant


def _hierarchy(key: str) -> Planter:
    def plant(draft: Draft, rng: random.Random) -> Fault | None:
        table = draft.table(key)
        if table is None or table.declared_empty:
            return None
        column = COMPONENT[key]
        row = largest([r for r in table.rows if r.code and len(r.code) == 5], column)
        if row is None:
            return None
        d = delta(draft.unit, rng)
        if key == "gpb_expenditure":
            d = -capped(d, row.amount(column), draft.unit)  # down: stays within 支出决算表
        before, after = bump(draft, row, column, d)
        bump(draft, row, "total", d)
        return record(draft, f"{key}.hierarchy", f"{key}.hierarchy", table, row, column,
                      before, after, "a 款 row (and its total) misprinted: 类 ≠ Σ 款 ≠ Σ 项")
    return plant


def _grand(key: str) -> Planter:
    def plant(draft: Draft, rng: random.Random) -> Fault | None:
        table = draft.table(key)
        if table is None or table.declared_empty:
            return None
        column = COMPONENT[key]
        leaf = largest(leaves(table), column)
        if leaf is None or leaf.code is None:
            return None
        d = delta(draft.unit, rng)
        if key == "gpb_expenditure":
            d = -capped(d, leaf.amount(column), draft.unit)  # down: stays within 支出决算表
        before = after = ""
        for row in path(table, leaf.code):
            b, a = bump(draft, row, column, d)
            bump(draft, row, "total", d)
            if row is leaf:
                before, after = b, a
        return record(draft, f"{key}.grand", f"{key}.grand", table, leaf, column, before, after,
                      "a 项 → 款 → 类 path misprinted consistently: 合计 ≠ Σ 类")
    return plant


def _fiscal(check: str) -> Planter:
    """fiscal_summary faults, each moving the figures that keep other identities whole."""
    def plant(draft: Draft, rng: random.Random) -> Fault | None:
        table = draft.table("fiscal_summary")
        if table is None:
            return None
        d = delta(draft.unit, rng)

        def line(side: str, key: str) -> Row:
            row = table.find(side=side, line_key=key)
            assert row is not None
            return row

        classes = [r for r in table.rows if r.line_key == "function_class"]
        spent = sorted((r for r in classes if r.amount("gpb") > 0),
                       key=lambda r: (-r.amount("gpb"), r.code or ""))
        if check == "fiscal_summary.income_sum":
            row, moves = line("income", "gpb_appropriation"), [("amount", d)]
        elif check == "fiscal_summary.row_sum":
            row, moves = spent[0], [("total", d)]
        elif check == "fiscal_summary.expense_sum":
            row, moves = spent[0], [("total", d), ("gpb", d)]
        elif check == "fiscal_summary.carryover_sum":
            row, moves = line("income", "opening_balance.gpb"), [("amount", d)]
        elif check == "fiscal_summary.grand":
            row, moves = line("income", "grand_total"), [("amount", d)]
            grand = line("expenditure", "grand_total")
            bump(draft, grand, "total", d)
            bump(draft, grand, "gpb", d)
        else:  # balanced: opening and its gpb sub-line and 收入总计 all larger
            row, moves = line("income", "grand_total"), [("amount", d)]
            bump(draft, line("income", "opening_balance"), "amount", d)
            bump(draft, line("income", "opening_balance.gpb"), "amount", d)
        before, after = "", ""
        for column, change in moves:
            b, a = bump(draft, row, column, change)
            before, after = before or b, after or a
        return record(draft, check, check, table, row, moves[0][0], before, after,
                      "财政拨款收入支出决算总表 misprinted")
    return plant


def _gpb_basic(check: str) -> Planter:
    def plant(draft: Draft, rng: random.Random) -> Fault | None:
        table = draft.table("gpb_basic")
        if table is None:
            return None
        d = delta(draft.unit, rng)
        goods = [r for r in table.rows if r.code and r.code.startswith("302") and len(r.code) == 5
                 and r.code not in ("30212", "30217", "30231")]
        row = largest(goods, "amount")
        public = table.find(line_key="public_total")
        if row is None or public is None:
            return None
        if check == "gpb_basic.split":
            d = capped(d, public.amount("amount"), draft.unit)
            row = table.find(line_key="personnel_total")
            assert row is not None
            bump(draft, public, "amount", -d)
        elif check == "cross.basic_vs_gpb":
            parent = table.find(code="302")
            assert parent is not None
            bump(draft, parent, "amount", d)
            bump(draft, public, "amount", d)
        elif check == "cross.three_public_vs_basic":
            d = capped(d, row.amount("amount"), draft.unit)
            bump(draft, row, "amount", -d)
            row = table.find(code="30217")
            assert row is not None
        before, after = bump(draft, row, "amount", d)
        return record(draft, check, check, table, row, "amount", before, after,
                      "基本支出决算表 misprinted")
    return plant


def _three_public(check: str) -> Planter:
    def plant(draft: Draft, rng: random.Random) -> Fault | None:
        table = draft.table("three_public")
        row = table.find(line_key="budget") if table else None
        if table is None or row is None:
            return None
        column = "total" if check == "three_public.total" else "vehicle_operation"
        before, after = bump(draft, row, column, delta(draft.unit, rng))
        return record(draft, check, check, table, row, column, before, after,
                      "三公 budget misprinted")
    return plant


def _path_to_total(check: str, key: str, column: str) -> Planter:
    """A whole path 项 → 款 → 类 → 合计 larger in one column: the table itself still adds up,
    but its totals no longer match the other table."""
    def plant(draft: Draft, rng: random.Random) -> Fault | None:
        table = draft.table(key)
        if table is None or table.declared_empty:
            return None
        leaf = largest(leaves(table), "total")
        total = table.find(line_key="total")
        if leaf is None or leaf.code is None or total is None:
            return None
        d = delta(draft.unit, rng)
        before = after = ""
        for row in [*path(table, leaf.code), total]:
            b, a = bump(draft, row, column, d)
            bump(draft, row, "total", d)
            if row is leaf:
                before, after = b, a
        return record(draft, check, check, table, leaf, column, before, after,
                      f"{key} path misprinted down to 合计")
    return plant


def _fiscal_vs_summary(draft: Draft, rng: random.Random) -> Fault | None:
    table = draft.table("fiscal_summary")
    if table is None:
        return None
    opening = table.find(side="income", line_key="opening_balance.gpb")
    d = delta(draft.unit, rng)
    if opening is None or opening.amount("amount") < 2 * d:
        return None
    moves = (("income_total", d), ("gpb_appropriation", d), ("opening_balance", -d),
             ("opening_balance.gpb", -d))
    for key, change in moves:
        row = table.find(side="income", line_key=key)
        assert row is not None
        b, a = bump(draft, row, "amount", change)
        if key == "income_total":
            first, before, after = row, b, a
    return record(draft, "cross.fiscal_vs_summary", "cross.fiscal_vs_summary", table, first,
                  "amount", before, after, "财政拨款 income moved from 年初结转 to 本年收入")


def _gpb_vs_fiscal(draft: Draft, rng: random.Random) -> Fault | None:
    table = draft.table("fiscal_summary")
    if table is None:
        return None
    spent = sorted((r for r in table.rows if r.line_key == "function_class"
                    and r.amount("gpb") > 0), key=lambda r: (-r.amount("gpb"), r.code or ""))
    if len(spent) < 2:
        return None
    d = capped(delta(draft.unit, rng), spent[1].amount("gpb"), draft.unit)
    before, after = bump(draft, spent[0], "gpb", d)
    bump(draft, spent[0], "total", d)
    bump(draft, spent[1], "gpb", -d)
    bump(draft, spent[1], "total", -d)
    return record(draft, "cross.gpb_vs_fiscal", "cross.gpb_vs_fiscal", table, spent[0], "gpb",
                  before, after, "spending moved between two classes of the fiscal summary")


def _gpb_within(draft: Draft, rng: random.Random) -> Fault | None:
    gpb, exp = draft.table("gpb_expenditure"), draft.table("expenditure")
    if gpb is None or exp is None:
        return None
    rows = leaves(gpb)
    for a in rows:
        for b in rows:
            if a is b or (a.code or "")[:5] != (b.code or "")[:5]:
                continue
            other = exp.find(code=a.code)
            column = "basic" if b.amount("basic") >= b.amount("project") else "project"
            d = (other.amount("total") if other else Decimal(0)) - a.amount("total")
            d += delta(draft.unit, rng)
            if b.amount(column) <= d:
                continue
            before, after = bump(draft, a, column, d)
            bump(draft, a, "total", d)
            bump(draft, b, column, -d)
            bump(draft, b, "total", -d)
            return record(draft, "cross.gpb_within_expenditure",
                          "cross.gpb_within_expenditure", gpb, a, column, before, after,
                          "spending moved between two 项 of one 款: one exceeds 支出决算表")
    return None


def _empty_statement(draft: Draft, rng: random.Random) -> Fault | None:
    for key in ("gov_fund", "state_capital"):
        table = draft.table(key)
        if table is not None and table.declared_empty:
            before = table.empty_statement
            table.empty_statement = None
            return record(draft, "narrative.empty_tables", "narrative.empty_tables", table, None,
                          None, before, None, "empty table printed without its statement")
    return None


def _printed(draft: Draft, key: str) -> Table | None:
    table = draft.table(key)
    return None if table is None or table.declared_empty else table


def _office_line(check: str) -> Planter:
    """office_operation.total: the largest 机关运行经费 line misprinted. narrative.
    office_operation: that line and the 合计 together, so the table adds up but no longer
    matches the 机关运行经费 the narrative states."""
    def plant(draft: Draft, rng: random.Random) -> Fault | None:
        table = _printed(draft, "office_operation")
        total = table.find(line_key="total") if table else None
        row = largest([r for r in table.rows if r.line_key != "total"], "amount") if (
            table) else None
        if table is None or total is None or row is None:
            return None
        d = delta(draft.unit, rng)
        before, after = bump(draft, row, "amount", d)
        if check == "narrative.office_operation":
            before, after = bump(draft, total, "amount", d)
            row = total
        return record(draft, check, check, table, row, "amount", before, after,
                      "机关运行经费 misprinted")
    return plant


def _procurement(draft: Draft, rng: random.Random) -> Fault | None:
    table = _printed(draft, "procurement")
    row = table.find(line_key="contract") if table else None
    if table is None or row is None:
        return None
    before, after = bump(draft, row, "total", delta(draft.unit, rng))
    return record(draft, "procurement.total", "procurement.total", table, row, "total", before,
                  after, "政府采购合同金额合计 misprinted")


def _project(check: str) -> Planter:
    """gpb_project.grand: the 合计 misprinted (so it differs from gpb_expenditure too).
    cross.gpb_project_vs_gpb: a path 项 → 款 → 类 → 合计, so the table still adds up."""
    def plant(draft: Draft, rng: random.Random) -> Fault | None:
        table = _printed(draft, "gpb_project")
        total = table.find(line_key="total") if table else None
        leaf = largest(leaves(table), "project") if table else None
        if table is None or total is None or leaf is None or leaf.code is None:
            return None
        shown = total if check == "gpb_project.grand" else leaf
        rows = [total] if shown is total else [*path(table, leaf.code), total]
        d = delta(draft.unit, rng)
        changes = {id(row): bump(draft, row, "project", d) for row in rows}
        before, after = changes[id(shown)]
        return record(draft, check, check, table, shown, "project", before, after,
                      "项目支出决算表 misprinted")
    return plant


PLANTERS: dict[str, Planter] = {
    "summary.income_sum": _summary_line("summary.income_sum", "income", ("income_total",),
                                        "本年收入合计 misprinted"),
    "summary.expense_sum": _summary_class,
    "summary.income_grand": _summary_line("summary.income_grand", "income",
                                          ("use_non_fiscal_balance",),
                                          "使用非财政拨款结余 misprinted"),
    "summary.expense_grand": _summary_line("summary.expense_grand", "expenditure",
                                           ("balance_distribution",), "结余分配 misprinted"),
    "summary.balanced": _summary_line("summary.balanced", "income",
                                      ("grand_total", "use_non_fiscal_balance"),
                                      "收入总计 and 使用非财政拨款结余 both larger"),
    **{f"{k}.{name}": make(k) for k in COMPONENT for name, make in (
        ("row_sum", _row_sum), ("hierarchy", _hierarchy), ("grand", _grand))},
    **{c: _fiscal(c) for c in (
        "fiscal_summary.income_sum", "fiscal_summary.row_sum", "fiscal_summary.expense_sum",
        "fiscal_summary.carryover_sum", "fiscal_summary.grand", "fiscal_summary.balanced")},
    **{c: _gpb_basic(c) for c in ("gpb_basic.hierarchy", "gpb_basic.split",
                                  "cross.basic_vs_gpb", "cross.three_public_vs_basic")},
    "three_public.total": _three_public("three_public.total"),
    "three_public.vehicle": _three_public("three_public.vehicle"),
    "cross.income_vs_summary": _path_to_total("cross.income_vs_summary", "income",
                                              "other_income"),
    "cross.expenditure_vs_summary": _path_to_total("cross.expenditure_vs_summary",
                                                   "expenditure", "project"),
    "cross.fund_vs_fiscal": _path_to_total("cross.fund_vs_fiscal", "gov_fund", "project"),
    "cross.capital_vs_fiscal": _path_to_total("cross.capital_vs_fiscal", "state_capital",
                                              "project"),
    "cross.fiscal_vs_summary": _fiscal_vs_summary,
    "cross.gpb_vs_fiscal": _gpb_vs_fiscal,
    "cross.gpb_within_expenditure": _gpb_within,
    "narrative.empty_tables": _empty_statement,
    "office_operation.total": _office_line("office_operation.total"),
    "narrative.office_operation": _office_line("narrative.office_operation"),
    "procurement.total": _procurement,
    "gpb_project.grand": _project("gpb_project.grand"),
    "cross.gpb_project_vs_gpb": _project("cross.gpb_project_vs_gpb"),
}
