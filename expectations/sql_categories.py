"""Identities of the category tables: `gpb_basic` (基本支出 by economic class, split into
人员经费 / 公用经费) and `three_public` ("三公" budget and actual by category)."""

from __future__ import annotations

from expectations.sql_common import ECONOMIC_GROUPS, grid, lit, nonzero, opt, pivot

_BASIC_FIGURES = {
    "personnel_total": "line_key = 'personnel_total'",
    "public_total": "line_key = 'public_total'",
    "total": "line_key = 'total' and code is null",
    "personnel": "length(code) = 3 and expense_group = 'personnel'",
    "public": "length(code) = 3 and expense_group = 'public'",
    "classes": "length(code) = 3",
}

# Evaluated unless the template prints only a 合计 (no 人员经费合计 / 公用经费合计 line).
_SPLIT_PRINTED = "personnel_total is not null or public_total is not null or total is null"

GPB_BASIC_SPLIT = f"""
with {grid("gpb_basic")},
grouped as (
    select grid.*, groups.expense_group
    from grid
    left join {ECONOMIC_GROUPS} as groups
        on groups.economic_code = grid.code
        and coalesce(grid.fiscal_year between coalesce(groups.valid_from_year, 0)
            and coalesce(groups.valid_to_year, 9999), true)
),
lines as ({pivot("grouped", _BASIC_FIGURES)}),
evaluated as (
    select document_id, coalesce(page_personnel_total, page) as page,
        '人员经费合计' as row_label, column_key,
        personnel_total as lhs, {opt("personnel")} as rhs,
        {nonzero("personnel_total", "personnel")} as n_terms, half_unit_yuan,
        '人员经费合计 = Σ personnel classes (301, 303 …)' as identity
    from lines
    where {_SPLIT_PRINTED}
    union all
    select document_id, coalesce(page_public_total, page), '公用经费合计', column_key,
        public_total, {opt("public")},
        {nonzero("public_total", "public")}, half_unit_yuan,
        '公用经费合计 = Σ public classes (302, 307, 310, 399 …)'
    from lines
    where {_SPLIT_PRINTED}
    union all
    -- the table's total: its 合计 line, or the sum of its classes when no 合计 is printed
    select document_id, coalesce(page_total, page), '合计', column_key,
        coalesce(total, {opt("classes")}),
        case
            when personnel_total is null and public_total is null then {opt("classes")}
            else {opt("personnel_total", "public_total")}
        end,
        case when total is null then {nonzero("classes")} else {nonzero("total")} end
            + case
                when personnel_total is null and public_total is null then {nonzero("classes")}
                else {nonzero("personnel_total", "public_total")}
            end,
        half_unit_yuan,
        '合计 = 人员经费合计 + 公用经费合计'
    from lines
)
select document_id, 'gpb_basic' as table_key, page, row_label, column_key, lhs, rhs, n_terms,
    half_unit_yuan,
    case when lhs is null then row_label || ' not printed: ' else '' end || identity as message
from evaluated"""

_THREE_PUBLIC_FIGURES = {
    column: f"column_key = '{column}'"
    for column in (
        "total",
        "abroad",
        "vehicle_total",
        "vehicle_purchase",
        "vehicle_operation",
        "reception",
    )
}


def _three_public(
    column_key: str, lhs: str, rhs: str, n_terms: str, message: str, where: str = "true"
) -> str:
    """Per budget / actual row of the "三公" table: the category `lhs` against `rhs`."""
    return f"""
with {grid("three_public")},
rows as (
    select document_id, row_index, coalesce(label, line_key) as row_label,
        {_pivot_columns()}
        min(page) as page, max(half_unit_yuan) as half_unit_yuan
    from grid
    where line_key in ('budget', 'actual')
    group by document_id, row_index, label, line_key
)
select document_id, 'three_public' as table_key, page, row_label,
    {lit(column_key)} as column_key, {lhs} as lhs, {rhs} as rhs, {n_terms} as n_terms,
    half_unit_yuan, {message} as message
from rows
where {where}"""


def _pivot_columns() -> str:
    """Per category: its amount (NULL when the table has no such column) and `nz_` flag."""
    return "".join(
        f"sum(amount) filter (where {cond}) as {name}, "
        f"count(*) filter (where {cond} and amount <> 0) as nz_{name},\n        "
        for name, cond in _THREE_PUBLIC_FIGURES.items()
    )


# Without a 公务用车购置及运行维护费 column, its two parts stand in for it.
_VEHICLE = "coalesce(vehicle_total, " + opt("vehicle_purchase", "vehicle_operation") + ")"
_VEHICLE_NZ = (
    "case when vehicle_total is null then "
    + nonzero("vehicle_purchase", "vehicle_operation")
    + " else nz_vehicle_total end"
)

THREE_PUBLIC_TOTAL = _three_public(
    "total",
    "total",
    f"{opt('abroad')} + {_VEHICLE} + {opt('reception')}",
    f"{nonzero('total', 'abroad', 'reception')} + {_VEHICLE_NZ}",
    "case when total is null then '合计 column not printed: ' else '' end"
    " || '合计 = 因公出国(境)费 + 公务用车购置及运行维护费 + 公务接待费'",
)
THREE_PUBLIC_VEHICLE = _three_public(
    "vehicle_total",
    "vehicle_total",
    opt("vehicle_purchase", "vehicle_operation"),
    nonzero("vehicle_total", "vehicle_purchase", "vehicle_operation"),
    lit("公务用车购置及运行维护费 = 购置费 + 运行维护费"),
    "vehicle_total is not null and (vehicle_purchase is not null "
    "or vehicle_operation is not null)",
)
