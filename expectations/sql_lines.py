"""Identities of the two-sided line tables: `summary` (收入支出决算总表) and `fiscal_summary`
(财政拨款收入支出决算总表). Lines are recognised by `line_key`, never by label or position."""

from __future__ import annotations

from collections.abc import Mapping

from expectations.sql_common import grid, lit, nonzero, opt, pivot

SUMMARY_INCOME_LINES = (
    "gpb_appropriation",
    "gov_fund_appropriation",
    "state_capital_appropriation",
    "superior_subsidy",
    "business_income",
    "operating_income",
    "affiliated_remittance",
    "other_income",
)
FISCAL_INCOME_LINES = SUMMARY_INCOME_LINES[:3]
FUND_COLUMNS = ("gpb", "gov_fund", "state_capital")

INCOME_FIGURES: dict[str, str] = {
    **{line: f"line_key = {lit(line)}" for line in SUMMARY_INCOME_LINES},
    **{
        line: f"line_key = {lit(line)}"
        for line in (
            "income_total",
            "use_non_fiscal_balance",
            "use_special_balance",
            "opening_balance",
            "grand_total",
        )
    },
    "opening_subs": "line_key like 'opening_balance.%'",
}
EXPENDITURE_FIGURES: dict[str, str] = {
    "classes": "line_key = 'function_class'",
    **{
        line: f"line_key = {lit(line)}"
        for line in (
            "expenditure_total",
            "balance_distribution",
            "closing_balance",
            "grand_total",
        )
    },
    "closing_subs": "line_key like 'closing_balance.%'",
}

# 年初(年末)结转和结余 as printed, or as the sum of its fund-type sub-lines when only those are.
OPENING = "coalesce(opening_balance, opening_subs, 0)"
OPENING_NZ = "case when opening_balance is null then nz_opening_subs else nz_opening_balance end"
CLOSING = "coalesce(closing_balance, closing_subs, 0)"
CLOSING_NZ = "case when closing_balance is null then nz_closing_subs else nz_closing_balance end"


def line_identity(
    table_key: str,
    side: str,
    lhs: str,
    rhs: str,
    n_terms: str,
    row_label: str,
    identity: str,
    where: str = "true",
) -> str:
    """Per document × column of one side: the line `lhs` (NULL when not printed) against the
    expression `rhs` over the side's figures (`INCOME_FIGURES` / `EXPENDITURE_FIGURES`)."""
    figures: Mapping[str, str] = INCOME_FIGURES if side == "income" else EXPENDITURE_FIGURES
    return f"""
with {grid(table_key)},
lines as ({pivot("grid", figures, f"side = {lit(side)}")})
select document_id, {lit(table_key)} as table_key, coalesce(page_{lhs}, page) as page,
    {lit(row_label)} as row_label, column_key,
    {lhs} as lhs, {rhs} as rhs, {n_terms} as n_terms, half_unit_yuan,
    case
        when {lhs} is null then {lit(row_label + " not printed: ")}
        when ({rhs}) is null then 'a required line is not printed: '
        else ''
    end || {lit(identity)} as message
from lines
where {where}"""


def balanced(table_key: str, income_column: str, expenditure_column: str) -> str:
    """收入总计 (income side) = 支出总计 (expenditure side); a side without 总计 fails."""
    return f"""
with {grid(table_key)},
income as ({pivot("grid", {"total": "line_key = 'grand_total'"}, "side = 'income'")}),
expenditure as ({pivot("grid", {"total": "line_key = 'grand_total'"}, "side = 'expenditure'")}),
documents as (select distinct document_id from grid)
select d.document_id, {lit(table_key)} as table_key,
    coalesce(i.page_total, e.page_total) as page, '总计' as row_label,
    {lit(income_column)} as column_key,
    i.total as lhs, e.total as rhs,
    coalesce(i.nz_total, 0) + coalesce(e.nz_total, 0) as n_terms,
    greatest(coalesce(i.half_unit_yuan, 0), coalesce(e.half_unit_yuan, 0)) as half_unit_yuan,
    case when i.total is null or e.total is null then '总计 not printed: ' else '' end
        || '收入总计 = 支出总计' as message
from documents as d
left join income as i
    on i.document_id = d.document_id and i.column_key = {lit(income_column)}
left join expenditure as e
    on e.document_id = d.document_id and e.column_key = {lit(expenditure_column)}"""


def closing_carryover(table_key: str) -> str:
    """年末结转和结余 (total column) = Σ its fund-type sub-lines, when those are printed. A
    sub-line's figure is its total column, or its fund-type column when only that is printed."""
    return f"""
with {grid(table_key)},
sub_lines as (
    select document_id, row_index,
        sum(amount) filter (where column_key = 'total') as total,
        coalesce(sum(amount) filter (where column_key in ('gpb', 'gov_fund', 'state_capital')),
            0) as funds,
        max(half_unit_yuan) as half_unit_yuan
    from grid
    where side = 'expenditure' and line_key like 'closing_balance.%'
    group by document_id, row_index
),
subs as (
    select document_id,
        sum(case when coalesce(total, 0) <> 0 then total else funds end) as amount,
        count(*) filter (where coalesce(total, 0) <> 0 or funds <> 0) as nonzero,
        max(half_unit_yuan) as half_unit_yuan
    from sub_lines
    group by document_id
),
parent as (
    select document_id, sum(amount) as amount, min(page) as page,
        max(half_unit_yuan) as half_unit_yuan
    from grid
    where side = 'expenditure' and line_key = 'closing_balance' and column_key = 'total'
    group by document_id
)
select s.document_id, {lit(table_key)} as table_key, p.page, '年末结转和结余' as row_label,
    'total' as column_key, p.amount as lhs, s.amount as rhs,
    s.nonzero + (coalesce(p.amount, 0) <> 0)::int as n_terms,
    coalesce(p.half_unit_yuan, s.half_unit_yuan) as half_unit_yuan,
    case when p.amount is null then '年末结转和结余 not printed: ' else '' end
        || '年末结转和结余 = Σ fund-type sub-lines' as message
from subs as s
left join parent as p using (document_id)"""


def union(*queries: str) -> str:
    return "\nunion all\n".join(f"select * from ({q})" for q in queries)


SUMMARY_INCOME_SUM = line_identity(
    "summary", "income", "income_total", opt(*SUMMARY_INCOME_LINES),
    nonzero("income_total", *SUMMARY_INCOME_LINES), "本年收入合计",
    "本年收入合计 = Σ income lines",
)
SUMMARY_EXPENSE_SUM = line_identity(
    "summary", "expenditure", "expenditure_total", opt("classes"),
    nonzero("expenditure_total", "classes"), "本年支出合计",
    "本年支出合计 = Σ function-class lines",
)
SUMMARY_INCOME_GRAND = line_identity(
    "summary", "income", "grand_total",
    f"income_total + {opt('use_non_fiscal_balance', 'use_special_balance')} + {OPENING}",
    f"{nonzero('grand_total', 'income_total', 'use_non_fiscal_balance', 'use_special_balance')}"
    f" + {OPENING_NZ}",
    "收入总计", "收入总计 = 本年收入合计 + 使用非财政拨款结余/专用结余 + 年初结转和结余",
)
SUMMARY_EXPENSE_GRAND = line_identity(
    "summary", "expenditure", "grand_total",
    f"expenditure_total + {opt('balance_distribution')} + {CLOSING}",
    f"{nonzero('grand_total', 'expenditure_total', 'balance_distribution')} + {CLOSING_NZ}",
    "支出总计", "支出总计 = 本年支出合计 + 结余分配 + 年末结转和结余",
)
SUMMARY_BALANCED = balanced("summary", "amount", "amount")

FISCAL_INCOME_SUM = line_identity(
    "fiscal_summary", "income", "income_total", opt(*FISCAL_INCOME_LINES),
    nonzero("income_total", *FISCAL_INCOME_LINES), "本年收入合计",
    "本年收入合计 = 一般公共预算 + 政府性基金 + 国有资本经营",
)
FISCAL_EXPENSE_SUM = line_identity(
    "fiscal_summary", "expenditure", "expenditure_total", opt("classes"),
    nonzero("expenditure_total", "classes"), "本年支出合计",
    "本年支出合计 = Σ function-class lines",
)
FISCAL_CARRYOVER_SUM = union(
    line_identity(
        "fiscal_summary", "income", "opening_balance", "opening_subs",
        nonzero("opening_balance", "opening_subs"), "年初结转和结余",
        "年初结转和结余 = Σ fund-type sub-lines", where="opening_subs is not null",
    ),
    closing_carryover("fiscal_summary"),
)
FISCAL_GRAND = union(
    line_identity(
        "fiscal_summary", "income", "grand_total", f"income_total + {OPENING}",
        f"{nonzero('grand_total', 'income_total')} + {OPENING_NZ}", "收入总计",
        "收入总计 = 本年收入合计 + 年初结转和结余",
    ),
    line_identity(
        "fiscal_summary", "expenditure", "grand_total",
        f"expenditure_total + {opt('closing_balance')}",
        nonzero("grand_total", "expenditure_total", "closing_balance"), "支出总计",
        "支出总计 = 本年支出合计 + 年末结转和结余",
    ),
)
FISCAL_BALANCED = balanced("fiscal_summary", "amount", "total")
