"""Identities of the optional tables: 机关运行经费支出决算表 (`office_operation`: 合计 = Σ its
lines) and 政府采购情况表 (`procurement`: 合计 = 货物 + 工程 + 服务, for the budget and the
contract line). The project table (`gpb_project`) uses the subject-table queries and
`sql_cross.GPB_PROJECT_VS_GPB`."""

from __future__ import annotations

from expectations.sql_common import grid, lit, nonzero, opt

OFFICE_TOTAL = f"""
with {grid("office_operation")},
per_column as (
    select document_id, column_key,
        sum(amount) filter (where line_key = 'total' and code is null) as total,
        coalesce(sum(amount) filter (where line_key is distinct from 'total'), 0) as lines,
        count(*) filter (where amount <> 0) as n_terms,
        min(page) filter (where line_key = 'total' and code is null) as total_page,
        min(page) as page,
        max(half_unit_yuan) as half_unit_yuan,
        bool_or(amount <> 0) as has_data
    from grid
    group by document_id, column_key
)
select document_id, 'office_operation' as table_key, coalesce(total_page, page) as page,
    '合计' as row_label, column_key,
    case when total is not null then total when has_data then null else 0 end as lhs,
    lines as rhs, n_terms, half_unit_yuan,
    case when total is null then '合计 line not printed: ' else '' end
        || '机关运行经费合计 = Σ 各项' as message
from per_column"""

_PARTS = ("goods", "works", "services")
_PART_FIGURES = ("total", *_PARTS)

PROCUREMENT_TOTAL = f"""
with {grid("procurement")},
measures as (
    select document_id, row_index, coalesce(label, line_key) as row_label,
        {"".join(
            f"sum(amount) filter (where column_key = {lit(c)}) as {c}, "
            f"count(*) filter (where column_key = {lit(c)} and amount <> 0) as nz_{c}, "
            for c in _PART_FIGURES)}
        min(page) as page, max(half_unit_yuan) as half_unit_yuan
    from grid
    where line_key in ('budget', 'contract')
    group by document_id, row_index, label, line_key
)
select document_id, 'procurement' as table_key, page, row_label, 'total' as column_key,
    total as lhs, {opt(*_PARTS)} as rhs, {nonzero(*_PART_FIGURES)} as n_terms,
    half_unit_yuan,
    case when total is null then '合计 column not printed: ' else '' end
        || '政府采购合计 = 货物 + 工程 + 服务' as message
from measures
where goods is not null or works is not null or services is not null"""
