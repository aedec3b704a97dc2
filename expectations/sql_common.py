"""SQL building blocks shared by the checks.

Every check query returns evaluation rows with the columns of `EVALUATION_COLUMNS`: one row
per document × compared item, `lhs` and `rhs` in 元 (a NULL side = a required figure that is
not printed), `n_terms` = the nonzero printed figures of the identity (a printed zero or blank
is exact, so it adds no rounding) and `half_unit_yuan` for the tolerance n × half_unit.

Queries read `staging.stg_cells`, `raw.documents`, `raw.tables` and the temp view
`ECONOMIC_GROUPS` prepared by `expectations.run`. Table and column keys are our own constants,
never document text, so they are formatted into the SQL; `lit` quotes the messages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

EVALUATION_COLUMNS = (
    "document_id",
    "table_key",
    "page",
    "row_label",
    "column_key",
    "lhs",
    "rhs",
    "n_terms",
    "half_unit_yuan",
    "message",
)

# Temp view (economic_code, expense_group 'personnel' | 'public', valid_from_year,
# valid_to_year): the 人员经费 / 公用经费 split of economic codes.
ECONOMIC_GROUPS = "dq_economic_groups"


def lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def in_list(keys: Iterable[str]) -> str:
    return "(" + ", ".join(lit(k) for k in keys) + ")"


def opt(*names: str) -> str:
    """Sum of optional figures: an unprinted one counts as 0."""
    return " + ".join(f"coalesce({n}, 0)" for n in names)


def nonzero(*names: str) -> str:
    """How many of the figures are printed nonzero (their `nz_` counts, see `pivot`)."""
    return " + ".join(f"coalesce(nz_{n}, 0)" for n in names)


def grid(table_key: str, name: str = "grid") -> str:
    """CTEs ending in `name`: every printed row of a table × every column its side prints.

    A blank cell the extractor did not emit reads as 0 like a printed zero, so only a row that
    is not printed at all can make a figure missing (NULL).
    """
    return f"""
{name}_cells as (
    select document_id, row_index, side, column_key, sum(amount) as amount
    from staging.stg_cells
    where table_key = {lit(table_key)}
    group by document_id, row_index, side, column_key
),
{name}_rows as (
    select document_id, row_index, side,
        min(page) as page,
        any_value(row_label) as label,
        any_value(subject_code) as code,
        any_value(line_key) as line_key,
        any_value(fiscal_year) as fiscal_year,
        max(half_unit_yuan) as half_unit_yuan
    from staging.stg_cells
    where table_key = {lit(table_key)}
    group by document_id, row_index, side
),
{name}_columns as (
    select distinct document_id, side, column_key from {name}_cells
),
{name} as (
    select r.*, k.column_key, coalesce(c.amount, 0) as amount
    from {name}_rows as r
    join {name}_columns as k
        on k.document_id = r.document_id and k.side is not distinct from r.side
    left join {name}_cells as c
        on c.document_id = r.document_id and c.row_index = r.row_index
        and c.side is not distinct from r.side and c.column_key = k.column_key
)"""


def pivot(source: str, figures: Mapping[str, str], where: str = "true") -> str:
    """One row per document × column of `source` (a grid) with, per named figure (alias →
    row condition): its sum (NULL when no such row is printed), `nz_` its nonzero count and
    `page_` its first page."""
    columns = ",\n    ".join(
        f"sum(amount) filter (where {cond}) as {alias}, "
        f"count(*) filter (where ({cond}) and amount <> 0) as nz_{alias}, "
        f"min(page) filter (where {cond}) as page_{alias}"
        for alias, cond in figures.items()
    )
    return f"""
select document_id, column_key, min(page) as page, max(half_unit_yuan) as half_unit_yuan,
    {columns}
from {source}
where {where}
group by document_id, column_key"""


def documents_with(*table_keys: str) -> str:
    """Query: the documents that print every one of the tables (with rows, or declared empty)."""
    return f"""
select document_id
from raw.tables
where table_key in {in_list(table_keys)} and (row_count > 0 or declared_empty)
group by document_id
having count(distinct table_key) = {len(table_keys)}"""


def compare(left: str, right: str, docs: str, message: str) -> str:
    """Evaluation rows comparing two figure sets item by item (an item missing on one side
    is 0 there). A figure set has the columns document_id, item, table_key, row_label,
    column_key, page, amount, nz (nonzero printed figures summed in it), half_unit_yuan."""
    return f"""
select
    coalesce(l.document_id, r.document_id) as document_id,
    coalesce(l.table_key, r.table_key) as table_key,
    coalesce(l.page, r.page) as page,
    coalesce(l.row_label, r.row_label) as row_label,
    coalesce(l.column_key, r.column_key) as column_key,
    coalesce(l.amount, 0) as lhs,
    coalesce(r.amount, 0) as rhs,
    coalesce(l.nz, 0) + coalesce(r.nz, 0) as n_terms,
    greatest(coalesce(l.half_unit_yuan, 0), coalesce(r.half_unit_yuan, 0)) as half_unit_yuan,
    {lit(message)} as message
from {left} as l
full join {right} as r on r.document_id = l.document_id and r.item = l.item
where coalesce(l.document_id, r.document_id) in ({docs})"""
