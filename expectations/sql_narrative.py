"""Narrative checks: the figures stated in the 情况说明 against the tables and against each other,
and the checks across the years of one department.

Statements come from `staging.stg_narrative_statements` (amounts in 元; `half_step` is half the
step of the figure's printed precision: 50 元 for 0.01 万元, 500 元 for "6.2万元", 0.005 for a
rate printed to 0.01 %). Table figures come from `staging.stg_cells` through `FIGURES`, which
says which table line and column each stated key is.

Tolerances:
- an amount: `n × half`, n the nonzero figures compared, half the larger of the stated
  figure's half step and the table's half unit (an identity of printed figures);
- a percentage: computed from the figures, rounded to 0.01 (half up) and compared with the
  stated one; it holds within `max(0.01, half the stated figure's printed step)` percentage
  points: 0.01 for a rate printed as 99.83, 0.05 for "87.0", 0.5 for "0%". It is reported as
  `n_terms` 1 and `half_unit_yuan` = that tolerance; lhs, rhs and difference are in points.

A share (占x%) is computed from the table figures of its part and whole where the document
prints them (so a misprinted stated total does not fail its shares too), else from the stated
figures; a completion rate (完成年初预算的x%) and a growth rate from the figures stated with it
(年初预算 is in no table). Across years, the prior document of a department-year is the
latest version (by loaded_at) of the same department's preceding year in the build database.
"""

from __future__ import annotations

from expectations.sql_common import in_list, lit

_EXPENDITURE_PARTS = ("basic", "project", "remit_to_superior", "operating", "affiliated_subsidy")
_INCOME_LINES = (
    "superior_subsidy", "business_income", "operating_income", "affiliated_remittance",
    "other_income",
)
_FISCAL_LINES = ("gpb_appropriation", "gov_fund_appropriation", "state_capital_appropriation")
_THREE_PUBLIC = (
    "total", "abroad", "vehicle_total", "vehicle_purchase", "vehicle_operation", "reception",
)
# stated key -> (table_key, side, line_key, column_key) of its table figure; line_key None: the
# row of the statement's subject_code. Several lines of one key are summed.
FIGURES: tuple[tuple[str, str, str | None, str | None, str], ...] = (
    ("grand_total", "summary", "income", "grand_total", "amount"),
    ("income_total", "summary", "income", "income_total", "amount"),
    *(("income.fiscal_appropriation", "summary", "income", line, "amount")
      for line in _FISCAL_LINES),
    *((f"income.{line}", "summary", "income", line, "amount") for line in _INCOME_LINES),
    ("expenditure_total", "summary", "expenditure", "expenditure_total", "amount"),
    *((f"expenditure.{part}", "expenditure", None, "total", part)
      for part in _EXPENDITURE_PARTS),
    ("fiscal_grand_total", "fiscal_summary", "income", "grand_total", "amount"),
    ("gpb_expenditure", "gpb_expenditure", None, "total", "total"),
    ("gpb_class", "gpb_expenditure", None, None, "total"),
    ("item.actual", "gpb_expenditure", None, None, "total"),
    ("basic", "gpb_expenditure", None, "total", "basic"),
    ("personnel", "gpb_basic", None, "personnel_total", "amount"),
    ("public", "gpb_basic", None, "public_total", "amount"),
    ("gov_fund.income", "gov_fund", None, "total", "income"),
    ("gov_fund.expenditure", "gov_fund", None, "total", "total"),
    ("state_capital.income", "state_capital", None, "total", "income"),
    ("state_capital.expenditure", "state_capital", None, "total", "total"),
    *((f"three_public.{category}.{kind}", "three_public", None, kind, category)
      for category in _THREE_PUBLIC for kind in ("budget", "actual")),
    ("office_expenses", "office_operation", None, "total", "amount"),
    ("summary.opening_balance", "summary", "income", "opening_balance", "amount"),
    ("summary.closing_balance", "summary", "expenditure", "closing_balance", "amount"),
)
_CODED = ("gpb_class", "item.actual")  # keys whose figure is the row of their subject code
# narrative.totals: every stated key with a table figure but the 项 (narrative.items), the
# balances (no narrative key) and 机关运行经费 (narrative.office_operation: compared with its
# own table where the document prints one, never with 公用经费).
_OWN_CHECK = ("item.actual", "office_expenses")
_TOTAL_KEYS = tuple(
    dict.fromkeys(k for k, *_ in FIGURES if k not in _OWN_CHECK and not k.startswith("summary."))
)
_ITEM_RATES = ("item.actual", "gpb_expenditure")  # completion rates checked by narrative.items
_CODE = f"case when s.key in {in_list(_CODED)} then s.subject_code end"


def _figure_map() -> str:
    def value(text: str | None) -> str:
        return "null::varchar" if text is None else lit(text)

    rows = ",\n        ".join("(" + ", ".join(map(value, row)) + ")" for row in FIGURES)
    return f"figure_map (key, table_key, side, line_key, column_key) as (values\n        {rows})"


# CTEs shared by the checks:
#   statements     the stated figures
#   doc_half       per document, half its printed unit in 元
#   present        the tables a document prints (with rows, or declared empty)
#   table_figures  (document, key, code) -> the table figure as printed
#   table_known    the same for every mapped key of a printed table (0 for an unprinted line)
#   known          table_known, else the first amount stated for the key (tables first)
#   in_paragraph   (document, paragraph, key, code) -> the first amount stated there
_BASE = f"""
{_figure_map()},
statements as (
    select * from staging.stg_narrative_statements
),
doc_half as (
    select document_id, half_unit * coalesce(unit_multiplier, 10000) as half_unit_yuan
    from raw.documents
),
present as (
    select distinct document_id, table_key from raw.tables where row_count > 0 or declared_empty
),
table_cells as (
    select c.document_id, m.key, m.table_key,
        case when m.line_key is null then c.subject_code end as code,
        c.amount, c.half_unit_yuan, c.page
    from figure_map as m
    join staging.stg_cells as c
        on c.table_key = m.table_key and c.column_key = m.column_key
        and c.side is not distinct from m.side
        and ((c.line_key = m.line_key and c.subject_code is null)
            or (m.line_key is null and c.subject_code is not null))
    -- a line printed twice (repeated over a page break) counts once
    qualify row_number() over (
        partition by c.document_id, m.key, m.line_key, c.subject_code order by c.row_index
    ) = 1
),
table_figures as (
    select document_id, key, code, any_value(table_key) as table_key, sum(amount) as amount,
        count(*) filter (where amount <> 0) as nz, max(half_unit_yuan) as half_unit_yuan,
        min(page) as page
    from table_cells
    group by document_id, key, code
),
table_known as (
    select p.document_id, k.key, f.code, coalesce(f.amount, 0) as amount,
        coalesce(f.nz, 0) as nz, coalesce(f.half_unit_yuan, h.half_unit_yuan) as half_unit_yuan
    from (select distinct key, table_key from figure_map) as k
    join present as p on p.table_key = k.table_key
    join doc_half as h on h.document_id = p.document_id
    left join table_figures as f on f.document_id = p.document_id and f.key = k.key
    where k.key not in {in_list(_CODED)} or f.code is not null
),
stated_known as (
    select document_id, key, subject_code as code,
        arg_min(amount, statement_index) as amount,
        arg_min(half_step, statement_index) as half_unit_yuan
    from statements
    where measure = 'amount' and amount is not null
    group by document_id, key, subject_code
),
known as (
    select coalesce(t.document_id, s.document_id) as document_id,
        coalesce(t.key, s.key) as key, coalesce(t.code, s.code) as code,
        coalesce(t.amount, s.amount) as amount,
        case when t.document_id is null then (s.amount <> 0)::int else t.nz end as nz,
        coalesce(t.half_unit_yuan, s.half_unit_yuan) as half_unit_yuan
    from table_known as t
    full join stated_known as s
        on s.document_id = t.document_id and s.key = t.key and s.code is not distinct from t.code
),
in_paragraph as (
    select document_id, paragraph, key, subject_code as code,
        arg_min(amount, statement_index) as amount
    from statements
    where measure = 'amount' and amount is not null
    group by document_id, paragraph, key, subject_code
)"""

# evidence: an item by its printed name, any other statement by its sentence; the column is
# the statement's key and measure (gpb_class.share, grand_total.change; an amount: the key)
_LABEL = "case when s.key like 'item.%' then coalesce(s.subject, s.sentence) else s.sentence end"
_COLUMN = "s.key || case when s.measure = 'amount' then '' else '.' || s.measure end"
_PERCENT_TOLERANCE = "greatest(0.01, s.half_step)"


def _amounts(keys: tuple[str, ...]) -> str:
    """Stated amounts of `keys` against their table figure (0 when the printed table has no
    such line); nothing when the document does not print the table."""
    return f"""
with {_BASE}
select s.document_id, 'narrative' as table_key, s.page, {_LABEL} as row_label,
    {_COLUMN} as column_key, s.amount as lhs, coalesce(f.amount, 0) as rhs,
    (s.amount <> 0)::int + coalesce(f.nz, 0) as n_terms,
    greatest(s.half_step, coalesce(f.half_unit_yuan, h.half_unit_yuan)) as half_unit_yuan,
    'stated ' || s.raw_text || s.unit || ' = the ' || k.table_key || ' figure of ' || s.key
        as message
from statements as s
join (select distinct key, table_key from figure_map) as k on k.key = s.key
join present as p on p.document_id = s.document_id and p.table_key = k.table_key
join doc_half as h on h.document_id = s.document_id
left join table_figures as f
    on f.document_id = s.document_id and f.key = s.key and f.code is not distinct from {_CODE}
where s.measure = 'amount' and s.key in {in_list(keys)}
    and not (s.key in {in_list(_CODED)} and s.subject_code is null)"""


def _ratios(condition: str, tables_first: bool) -> str:
    """Stated percentages (占x%, 完成预算的x%) against part / whole × 100 rounded to 0.01: the
    figures from the tables first (`known`) or as stated with it (`in_paragraph`) first."""

    def value(side: str, key: str, code: str) -> str:
        return f"""
    left join known as {side}_k
        on {side}_k.document_id = s.document_id and {side}_k.key = {key}
        and {side}_k.code is not distinct from {code}
    left join in_paragraph as {side}_p
        on {side}_p.document_id = s.document_id and {side}_p.paragraph = s.paragraph
        and {side}_p.key = {key} and {side}_p.code is not distinct from {code}"""

    first, second = ("k", "p") if tables_first else ("p", "k")
    part = f"coalesce(part_{first}.amount, part_{second}.amount)"
    whole = f"coalesce(whole_{first}.amount, whole_{second}.amount)"
    return f"""
with {_BASE},
ratios as (
    select s.*, {part} as part, {whole} as whole
    from statements as s
    {value("part", "s.key", "s.subject_code")}
    {value("whole", "s.base", "case when s.base like 'item.%' then s.subject_code end")}
    where {condition}
)
select s.document_id, 'narrative' as table_key, s.page, {_LABEL} as row_label,
    {_COLUMN} as column_key, s.value as lhs, round(100 * s.part / s.whole, 2) as rhs,
    1 as n_terms, {_PERCENT_TOLERANCE} as half_unit_yuan,
    'stated ' || s.raw_text || '% = ' || s.key || ' / ' || s.base
        || ' (percentage points)' as message
from ratios as s
where s.whole is not null and s.whole <> 0 and s.part is not null"""


def _union(*queries: str) -> str:
    return "\nunion all\n".join(f"select * from ({query})" for query in queries)


_ITEM_RATE = f"s.measure = 'completion' and s.key in {in_list(_ITEM_RATES)}"

TOTALS = _amounts(_TOTAL_KEYS)
SHARES = _union(
    _ratios("s.measure = 'share'", tables_first=True),
    _ratios(f"s.measure = 'completion' and not ({_ITEM_RATE})", tables_first=False),
)
ITEMS = _union(_amounts(("item.actual",)), _ratios(_ITEM_RATE, tables_first=False))
OFFICE_OPERATION = _amounts(("office_expenses",))

# growth = change / (this year - change), the change and this year's figure as stated with it
YOY_RATE = f"""
with {_BASE},
pairs as (
    select g.*, c.amount as change, c.raw_text as change_raw,
        coalesce(p.amount, k.amount) as current
    from statements as g
    join statements as c
        on c.document_id = g.document_id and c.paragraph = g.paragraph and c.key = g.key
        and c.measure = 'change' and c.statement_index < g.statement_index
    left join in_paragraph as p
        on p.document_id = g.document_id and p.paragraph = g.paragraph and p.key = g.key
        and p.code is null
    left join known as k on k.document_id = g.document_id and k.key = g.key and k.code is null
    where g.measure = 'growth'
    qualify row_number() over (
        partition by g.document_id, g.statement_index order by c.statement_index desc
    ) = 1
)
select s.document_id, 'narrative' as table_key, s.page, s.sentence as row_label,
    {_COLUMN} as column_key, s.value as lhs,
    round(100 * s.change / (s.current - s.change), 2) as rhs,
    1 as n_terms, {_PERCENT_TOLERANCE} as half_unit_yuan,
    'stated ' || s.raw_text || '% = change ' || s.change_raw || ' / (this year - change) '
        || '(percentage points)' as message
from pairs as s
where s.current is not null and s.current <> s.change"""

_FUNDS = ("gov_fund", "state_capital")

# An empty gov_fund / state_capital table carries its no-data statement; the narrative says
# the table is empty exactly when it is (lhs / rhs: 1 = yes, 0 = no).
EMPTY_TABLES = f"""
with tables as (
    select document_id, table_key, bool_or(declared_empty) as declared_empty,
        min(page_start) as page, any_value(title) as title
    from raw.tables
    where table_key in {in_list(_FUNDS)}
    group by document_id, table_key
),
figures as (
    select document_id, table_key, count(*) filter (where amount <> 0) as printed
    from staging.stg_cells
    where table_key in {in_list(_FUNDS)}
    group by document_id, table_key
),
narrated as (
    select document_id, key as table_key, arg_min(sentence, statement_index) as sentence,
        min(page) as page
    from staging.stg_narrative_statements
    where measure = 'empty'
    group by document_id, key
),
told as (
    select distinct document_id from staging.stg_narrative_statements
),
judged as (
    select t.*, coalesce(f.printed, 0) = 0 as empty
    from tables as t
    left join figures as f using (document_id, table_key)
)
select document_id, table_key, page, title as row_label, 'empty_statement' as column_key,
    declared_empty::int as lhs, 1 as rhs, 0 as n_terms, 0 as half_unit_yuan,
    case when declared_empty then 'the empty table states that it has no data'
        else 'the table has no figures and no no-data statement' end as message
from judged
where empty
union all
select j.document_id, 'narrative', coalesce(n.page, j.page), coalesce(n.sentence, j.title),
    j.table_key, (n.document_id is not null)::int, j.empty::int, 0, 0,
    case
        when n.document_id is not null and j.empty then 'the narrative says the table is empty'
        when n.document_id is not null then 'the narrative says no data, the table has figures'
        when j.empty then 'the table is empty; the narrative does not say so'
        else 'the table has figures'
    end
from judged as j
join told using (document_id)
left join narrated as n using (document_id, table_key)"""


# --- across years -----------------------------------------------------------------------

_PRIOR = """
prior as (
    select d.document_id, p.document_id as prior_id
    from staging.stg_documents as d
    join staging.stg_documents as p
        on p.department_id = d.department_id and p.fiscal_year = d.fiscal_year - 1
        and p.extraction_error is null
    where d.extraction_error is null
    qualify row_number() over (
        partition by d.document_id order by p.loaded_at desc, p.source_path desc,
            p.document_id desc
    ) = 1
)"""

CARRYOVER = f"""
with {_BASE},
{_PRIOR}
select o.document_id, 'summary' as table_key, f.page, '年初结转和结余' as row_label,
    'amount' as column_key, o.amount as lhs, c.amount as rhs, o.nz + c.nz as n_terms,
    greatest(o.half_unit_yuan, c.half_unit_yuan) as half_unit_yuan,
    '年初结转和结余 = the prior year''s 年末结转和结余' as message
from prior
join table_known as o
    on o.document_id = prior.document_id and o.key = 'summary.opening_balance'
join table_known as c on c.document_id = prior.prior_id and c.key = 'summary.closing_balance'
left join table_figures as f
    on f.document_id = o.document_id and f.key = 'summary.opening_balance'"""

# change = this year - prior year, growth = change / prior year, each figure tables first
YOY = f"""
with {_BASE},
{_PRIOR},
compared as (
    select s.*, now.amount as current, before.amount as previous,
        now.nz + before.nz as nz, greatest(s.half_step, now.half_unit_yuan,
            before.half_unit_yuan) as half
    from statements as s
    join prior on prior.document_id = s.document_id
    join known as now on now.document_id = s.document_id and now.key = s.key and now.code is null
    join known as before
        on before.document_id = prior.prior_id and before.key = s.key and before.code is null
    where s.measure in ('change', 'growth')
)
select s.document_id, 'narrative' as table_key, s.page, s.sentence as row_label,
    {_COLUMN} as column_key, s.amount as lhs, s.current - s.previous as rhs,
    (s.amount <> 0)::int + s.nz as n_terms, s.half as half_unit_yuan,
    'stated change ' || s.raw_text || s.unit || ' = this year - the prior year''s figure'
        as message
from compared as s
where s.measure = 'change'
union all
select s.document_id, 'narrative', s.page, s.sentence, {_COLUMN}, s.value,
    round(100 * (s.current - s.previous) / s.previous, 2), 1, {_PERCENT_TOLERANCE},
    'stated growth ' || s.raw_text || '% = (this year - prior year) / prior year '
        || '(percentage points)'
from compared as s
where s.measure = 'growth' and s.previous <> 0"""

STATED_PRIOR = f"""
with {_BASE},
{_PRIOR}
select s.document_id, 'narrative' as table_key, s.page, s.sentence as row_label,
    {_COLUMN} as column_key, s.amount as lhs, before.amount as rhs,
    (s.amount <> 0)::int + before.nz as n_terms,
    greatest(s.half_step, before.half_unit_yuan) as half_unit_yuan,
    'stated prior-year ' || s.raw_text || s.unit || ' = the prior year''s figure of ' || s.key
        as message
from statements as s
join prior on prior.document_id = s.document_id
join known as before
    on before.document_id = prior.prior_id and before.key = s.key and before.code is null
where s.measure = 'prior'"""
