"""Identities across the tables of one document. Each compares two figure sets item by item
(see `sql_common.compare`); a missing total row is reported by the within-table checks."""

from __future__ import annotations

from collections.abc import Mapping

from expectations.sql_common import compare, documents_with, grid, lit

CLASS_LEVEL = "(length(code) = 3 or (code is null and line_key = 'total'))"
EVERY_LEVEL = "(code is not null or line_key = 'total')"


def _values(mapping: Mapping[str, str], names: tuple[str, str]) -> str:
    rows = ", ".join(f"({lit(k)}, {lit(v)})" for k, v in mapping.items())
    return f"(values {rows}) as m({names[0]}, {names[1]})"


def coded(source: str, table_key: str, column: str, rows: str, item: str | None = None) -> str:
    """Figures of a subject table's column, one item per code ('total' for the 合计 row), or
    all under one fixed `item`."""
    item_sql = lit(item) if item else "coalesce(code, 'total')"
    return f"""
select document_id, {item_sql} as item, {lit(table_key)} as table_key,
    concat_ws(' ', code, any_value(label)) as row_label, {lit(column)} as column_key,
    min(page) as page, sum(amount) as amount, count(*) filter (where amount <> 0) as nz,
    max(half_unit_yuan) as half_unit_yuan
from {source}
where column_key = {lit(column)} and {rows}
group by document_id, code"""


def lines(
    source: str,
    table_key: str,
    side: str,
    column: str,
    items: Mapping[str, str],
    classes: bool = False,
    column_is_item: bool = False,
) -> str:
    """Figures of a line table's column: the lines `items` maps (line_key → item; lines of one
    item add up), and with `classes` each function-class line as its 3-digit code. With
    `column_is_item` the evidence names the item as the column (the column it is compared to)."""
    column_sql = "m.item" if column_is_item else lit(column)
    mapped = f"""
select document_id, m.item, {lit(table_key)} as table_key,
    string_agg(distinct label, ' + ') as row_label, {column_sql} as column_key,
    min(page) as page, sum(amount) as amount, count(*) filter (where amount <> 0) as nz,
    max(half_unit_yuan) as half_unit_yuan
from {source}
join {_values(items, ("line_key", "item"))} using (line_key)
where side = {lit(side)} and column_key = {lit(column)}
group by document_id, m.item"""
    if not classes:
        return mapped
    return mapped + "\nunion all\n" + coded(
        source, table_key, column, f"side = {lit(side)} and line_key = 'function_class' "
        "and code is not null"
    )


def _check(grids: Mapping[str, str], left: str, right: str, docs: str, message: str) -> str:
    ctes = ",".join(grid(table_key, name) for name, table_key in grids.items())
    return f"""
with {ctes},
left_figures as ({left}),
right_figures as ({right})
{compare("left_figures", "right_figures", docs, message)}"""


_SUMMARY_TO_INCOME = {
    "gpb_appropriation": "fiscal_appropriation",
    "gov_fund_appropriation": "fiscal_appropriation",
    "state_capital_appropriation": "fiscal_appropriation",
    "superior_subsidy": "superior_subsidy",
    "business_income": "business_income",
    "operating_income": "operating_income",
    "affiliated_remittance": "affiliated_remittance",
    "other_income": "other_income",
    "income_total": "total",
}

INCOME_VS_SUMMARY = _check(
    {"income": "income", "summary": "summary"},
    """
select document_id, column_key as item, 'income' as table_key, '合计' as row_label, column_key,
    min(page) as page, sum(amount) as amount, count(*) filter (where amount <> 0) as nz,
    max(half_unit_yuan) as half_unit_yuan
from income
where code is null and line_key = 'total'
group by document_id, column_key""",
    lines("summary", "summary", "income", "amount", _SUMMARY_TO_INCOME, column_is_item=True),
    documents_with("income", "summary"),
    "income 合计 per source = the matching summary income line(s)",
)

EXPENDITURE_VS_SUMMARY = _check(
    {"expenditure": "expenditure", "summary": "summary"},
    coded("expenditure", "expenditure", "total", CLASS_LEVEL),
    lines("summary", "summary", "expenditure", "amount", {"expenditure_total": "total"}, True),
    documents_with("expenditure", "summary"),
    "expenditure 合计 and 类 totals = summary 本年支出合计 and function-class lines",
)

FISCAL_VS_SUMMARY = _check(
    {"fiscal": "fiscal_summary", "summary": "summary"},
    lines("fiscal", "fiscal_summary", "income", "amount", {"income_total": "fiscal"}),
    lines(
        "summary",
        "summary",
        "income",
        "amount",
        dict.fromkeys(
            ("gpb_appropriation", "gov_fund_appropriation", "state_capital_appropriation"),
            "fiscal",
        ),
    ),
    documents_with("fiscal_summary", "summary"),
    "fiscal_summary 本年收入合计 = the three 财政拨款 income lines of summary",
)


def _vs_fiscal(table_key: str, fiscal_column: str, message: str) -> str:
    """A fund-type table's 合计 and 类 totals = its column of fiscal_summary."""
    return _check(
        {"detail": table_key, "fiscal": "fiscal_summary"},
        coded("detail", table_key, "total", CLASS_LEVEL),
        lines(
            "fiscal", "fiscal_summary", "expenditure", fiscal_column,
            {"expenditure_total": "total"}, True,
        ),
        documents_with(table_key, "fiscal_summary"),
        message,
    )


GPB_VS_FISCAL = _vs_fiscal(
    "gpb_expenditure", "gpb", "gpb_expenditure 合计 and 类 = fiscal_summary 一般公共预算 column"
)
FUND_VS_FISCAL = _vs_fiscal(
    "gov_fund", "gov_fund", "gov_fund 合计 and 类 = fiscal_summary 政府性基金 column"
)
CAPITAL_VS_FISCAL = _vs_fiscal(
    "state_capital",
    "state_capital",
    "state_capital 合计 and 类 = fiscal_summary 国有资本经营 column",
)

BASIC_VS_GPB = _check(
    {"basic": "gpb_basic", "gpb": "gpb_expenditure"},
    # the table's total: its 合计, or 人员经费合计 + 公用经费合计, or the sum of its classes
    """
select document_id, 'basic' as item, 'gpb_basic' as table_key, '合计' as row_label,
    'amount' as column_key, min(page) as page,
    coalesce(
        sum(amount) filter (where line_key = 'total' and code is null),
        sum(amount) filter (where line_key in ('personnel_total', 'public_total')),
        sum(amount) filter (where length(code) = 3)
    ) as amount,
    case
        when bool_or(line_key = 'total' and code is null) then count(*) filter (
            where line_key = 'total' and code is null and amount <> 0)
        when bool_or(line_key in ('personnel_total', 'public_total')) then count(*) filter (
            where line_key in ('personnel_total', 'public_total') and amount <> 0)
        else count(*) filter (where length(code) = 3 and amount <> 0)
    end as nz,
    max(half_unit_yuan) as half_unit_yuan
from basic
group by document_id""",
    coded("gpb", "gpb_expenditure", "basic", "code is null and line_key = 'total'", "basic"),
    documents_with("gpb_basic", "gpb_expenditure"),
    "gpb_basic total = gpb_expenditure 合计 基本支出",
)

GPB_WITHIN_EXPENDITURE = _check(
    {"gpb": "gpb_expenditure", "expenditure": "expenditure"},
    coded("gpb", "gpb_expenditure", "total", EVERY_LEVEL),
    coded("expenditure", "expenditure", "total", EVERY_LEVEL),
    documents_with("gpb_expenditure", "expenditure"),
    "gpb_expenditure ≤ expenditure for the same code",
)

# 三公 category (column of the actual row) → the gpb_basic economic code it is booked under.
_THREE_PUBLIC_CODES = {
    "reception": "30217",
    "vehicle_operation": "30231",
    "vehicle_purchase": "31013",
    "abroad": "30212",
}

THREE_PUBLIC_VS_BASIC = _check(
    {"three": "three_public", "basic": "gpb_basic"},
    f"""
select document_id, m.code as item, 'three_public' as table_key,
    coalesce(any_value(label), 'actual') as row_label, any_value(column_key) as column_key,
    min(page) as page, sum(amount) as amount, count(*) filter (where amount <> 0) as nz,
    max(half_unit_yuan) as half_unit_yuan
from three
join {_values(_THREE_PUBLIC_CODES, ("column_key", "code"))} using (column_key)
where line_key = 'actual'
group by document_id, m.code""",
    coded(
        "basic", "gpb_basic", "amount",
        f"code in ({', '.join(lit(c) for c in _THREE_PUBLIC_CODES.values())})",
    ),
    documents_with("three_public", "gpb_basic"),
    "三公 actual per category = its economic code in gpb_basic (30217, 30231, 31013, 30212)",
)

GPB_PROJECT_VS_GPB = _check(
    {"proj": "gpb_project", "gpb": "gpb_expenditure"},
    coded("proj", "gpb_project", "project", EVERY_LEVEL),
    coded("gpb", "gpb_expenditure", "project", EVERY_LEVEL),
    documents_with("gpb_project", "gpb_expenditure"),
    "gpb_project per code = the 项目支出 column of gpb_expenditure",
)
