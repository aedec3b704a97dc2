"""Identities within a table of subject-coded rows (income, expenditure, gpb_expenditure,
gov_fund, state_capital; gpb_basic for the economic hierarchy)."""

from __future__ import annotations

from collections.abc import Sequence

from expectations.sql_common import grid, in_list, lit


def row_sum(table_key: str, total: str, terms: Sequence[str], where: str = "true") -> str:
    """Every row: the `total` column = Σ `terms` columns. Evaluated for the documents whose
    table prints at least one term column; a table without the total column fails."""
    identity = f"{total} = {' + '.join(terms)}"
    return f"""
with {grid(table_key)},
evaluated as (
    select document_id, page, concat_ws(' ', code, label) as row_label,
        sum(amount) filter (where column_key = {lit(total)}) as lhs,
        sum(amount) filter (where column_key in {in_list(terms)}) as rhs,
        count(*) filter (where column_key in {in_list([total, *terms])} and amount <> 0)
            as n_terms,
        max(half_unit_yuan) as half_unit_yuan
    from grid
    where {where}
    group by document_id, row_index, side, page, code, label
)
select document_id, {lit(table_key)} as table_key, page, row_label,
    {lit(total)} as column_key, lhs, rhs, n_terms, half_unit_yuan,
    case when lhs is null then {lit(f"column {total} not printed: ")} else '' end
        || {lit(identity)} as message
from evaluated
where rhs is not null"""


def hierarchy(table_key: str) -> str:
    """Every column: a parent code = Σ its children (类 = Σ 款 from 5-digit rows, 款 = Σ 项 from
    7-digit rows; 301 = Σ 30101… for economic codes). Children without their parent row fail."""
    return f"""
with {grid(table_key)},
coded as (
    select document_id, code, column_key, sum(amount) as amount, min(page) as page,
        any_value(label) as label
    from grid
    where code is not null
    group by document_id, code, column_key
),
children as (
    select document_id, left(code, length(code) - 2) as parent, column_key,
        sum(amount) as amount,
        count(*) filter (where amount <> 0) as nonzero,
        min(page) as page,
        max(half_unit_yuan) as half_unit_yuan,
        max(length(code)) as child_length
    from grid
    where length(code) in (5, 7)
    group by document_id, parent, column_key
)
select c.document_id, {lit(table_key)} as table_key, coalesce(p.page, c.page) as page,
    concat_ws(' ', c.parent, p.label) as row_label, c.column_key,
    p.amount as lhs, c.amount as rhs,
    c.nonzero + (coalesce(p.amount, 0) <> 0)::int as n_terms,
    c.half_unit_yuan,
    case when p.code is null then 'parent row not printed: ' else '' end
        || case c.child_length when 5 then '类 = Σ 款' else '款 = Σ 项' end as message
from children as c
left join coded as p
    on p.document_id = c.document_id and p.code = c.parent and p.column_key = c.column_key"""


def grand(table_key: str) -> str:
    """Every column: the 合计 row = Σ 类 (3-digit rows). A table with a nonzero figure and no
    合计 row fails."""
    return f"""
with {grid(table_key)},
per_column as (
    select document_id, column_key,
        sum(amount) filter (where line_key = 'total' and code is null) as total,
        bool_or(line_key = 'total' and code is null) as has_total,
        min(page) filter (where line_key = 'total' and code is null) as total_page,
        min(page) as page,
        coalesce(sum(amount) filter (where length(code) = 3), 0) as classes,
        count(*) filter (where (length(code) = 3 or line_key = 'total') and amount <> 0)
            as n_terms,
        max(half_unit_yuan) as half_unit_yuan
    from grid
    group by document_id, column_key
),
table_data as (
    select document_id, bool_or(amount <> 0) as has_data from grid group by document_id
)
select p.document_id, {lit(table_key)} as table_key, coalesce(p.total_page, p.page) as page,
    '合计' as row_label, p.column_key,
    case when p.has_total then p.total when t.has_data then null else 0 end as lhs,
    p.classes as rhs, p.n_terms, p.half_unit_yuan,
    case when p.has_total then '' else '合计 row not printed: ' end || '合计 = Σ 类' as message
from per_column as p
join table_data as t using (document_id)"""
