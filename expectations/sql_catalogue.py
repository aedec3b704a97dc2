"""The subject-code check `doc.subject_codes`: every printed code is a known subject of the
document's year (or declared by the subject crosswalk) and its printed name matches the
catalogue.

The catalogues are the dbt seeds, read here from their CSV files so the check runs whether or
not `dbt seed` has loaded them: `function_subjects.csv` (year-versioned function
classification), `subject_crosswalk.csv` (renamed / moved / split subjects) and
`economic_classes.csv` (the economic classification of `gpb_basic`). The dbt model
`int_printed_subjects` gives every coded row the same status with the same rules; the name
normalisation below is the dbt macro `normalise_subject_name`, keep the two in step.

One evaluation row per printed coded row, compared exactly: lhs 1 when the row is accepted,
0 when not, rhs 1. Evidence: table, page, `code printed-name` as the row label, and a message
with the printed and the catalogue name.
"""

from __future__ import annotations

from pathlib import Path

from expectations.sql_common import in_list, lit

SEEDS_DIR = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds"

FUNCTION_TABLES = (
    "summary",
    "fiscal_summary",
    "income",
    "expenditure",
    "gpb_expenditure",
    "gpb_project",
    "gov_fund",
    "state_capital",
)
ECONOMIC_TABLES = ("gpb_basic", "office_operation")


def normalised(column: str) -> str:
    """A subject name as compared with the catalogue (dbt macro `normalise_subject_name`):
    whitespace removed, full-width brackets and colon half-width, quotes dropped, a leading
    code, ordinal, `其中:` and a trailing level mark stripped."""
    text = rf"regexp_replace(coalesce({column}, ''), '[\s\p{{Z}}]+', '', 'g')"
    text = f"""translate({text}, '（）：“”‘’"''', '():')"""
    text = f"regexp_replace({text}, '^[0-9]+', '')"
    text = rf"regexp_replace({text}, '^\(?[一二三四五六七八九十百零]+[)、.．]', '')"
    text = f"regexp_replace({text}, '^其中:', '')"
    return rf"regexp_replace({text}, '\((类|款|项)\)$', '')"


def _seed(name: str) -> str:
    return f"read_csv({lit(str(SEEDS_DIR / name))}, header = true, all_varchar = true)"


def _year(column: str) -> str:
    return f"cast(nullif(trim({column}), '') as integer)"


def _same_row(alias: str) -> str:
    """Join condition on one printed row of `printed as p` (side is null outside the summary
    tables)."""
    return (
        f"{alias}.document_id = p.document_id and {alias}.table_key = p.table_key "
        f"and {alias}.row_index = p.row_index and {alias}.side is not distinct from p.side"
    )


def _matches(printed: str, catalogue: str) -> str:
    """The printed name is the catalogue name, or its start when cut (at least 4 characters),
    or no name is printed (a code alone has nothing to compare)."""
    return (
        f"({printed} = '' or {printed} = {catalogue} or (length({printed}) >= 4 "
        f"and starts_with({catalogue}, {printed})))"
    )


SUBJECT_CODES = f"""
with printed as (
    select document_id, table_key, row_index, side,
        coalesce(any_value(fiscal_year), 9999) as catalogue_year,
        any_value(fiscal_year) as fiscal_year,
        min(page) as page,
        any_value(subject_code) as code,
        any_value(row_label) as label,
        {normalised('any_value(row_label)')} as name,
        case when table_key in {in_list(ECONOMIC_TABLES)} then 'economic' else 'function' end
            as classification
    from staging.stg_cells
    where subject_code is not null
        and table_key in {in_list(FUNCTION_TABLES + ECONOMIC_TABLES)}
    group by document_id, table_key, row_index, side
),
catalogue as (
    select 'function' as classification, subject_code as code, subject_name as catalogue_name,
        {normalised('subject_name')} as name,
        {_year('valid_from_year')} as valid_from, {_year('valid_to_year')} as valid_to
    from {_seed('function_subjects.csv')}
    union all
    -- economic codes are dated from the 2018 reform without precision: only their end is read
    select 'economic', economic_code, economic_name, {normalised('economic_name')},
        null, {_year('valid_to_year')}
    from {_seed('economic_classes.csv')}
),
crosswalk as (
    select from_code, {_year('from_year_to')} as from_year_to, to_code,
        {_year('to_year_from')} as to_year_from, relation
    from {_seed('subject_crosswalk.csv')}
),
year_entries as (
    select p.document_id, p.table_key, p.row_index, p.side,
        any_value(c.catalogue_name) as catalogue_name,
        bool_or({_matches('p.name', 'c.name')}) as name_matches_year
    from printed as p
    join catalogue as c
        on c.classification = p.classification and c.code = p.code
        and p.catalogue_year between coalesce(c.valid_from, 0) and coalesce(c.valid_to, 9999)
    group by p.document_id, p.table_key, p.row_index, p.side
),
renamed_names as (
    select distinct c.code, c.name
    from catalogue as c
    join crosswalk as x on x.from_code = c.code and x.relation = 'renamed'
    where c.classification = 'function'
),
declared as (
    select p.document_id, p.table_key, p.row_index, p.side,
        arg_min(x.relation || ' ' || x.from_code || ' → ' || x.to_code || ' in '
            || x.to_year_from, (x.to_year_from, x.to_code)) as declaration
    from printed as p
    join crosswalk as x
        on (p.code = x.from_code and p.catalogue_year > x.from_year_to)
        or (p.code = x.to_code and p.catalogue_year < x.to_year_from)
    where p.classification = 'function' and x.from_code != x.to_code
    group by p.document_id, p.table_key, p.row_index, p.side
),
any_year_names as (
    select distinct classification, code, name from catalogue
),
rated as (
    select p.*, y.catalogue_name, y.name_matches_year, d.declaration,
        case
            when y.name_matches_year then 'known'
            when y.catalogue_name is not null and r.code is not null then 'crosswalk'
            when y.catalogue_name is not null then 'name_mismatch'
            when d.declaration is not null and (a.code is not null or p.name = '')
                then 'crosswalk'
            when d.declaration is not null then 'name_mismatch'
            else 'unknown_code'
        end as status,
        (select string_agg(distinct c.catalogue_name, ' / ') from catalogue as c
            where c.classification = p.classification and c.code = p.code) as any_name
    from printed as p
    left join year_entries as y on {_same_row('y')}
    left join declared as d on {_same_row('d')}
    left join renamed_names as r on p.classification = 'function' and r.code = p.code
        and r.name = p.name
    left join any_year_names as a on a.classification = p.classification and a.code = p.code
        and a.name = p.name
)
select document_id, table_key, page, concat_ws(' ', code, label) as row_label,
    null as column_key,
    case when status in ('known', 'crosswalk') then 1 else 0 end as lhs, 1 as rhs,
    0 as n_terms, 0 as half_unit_yuan,
    case status
        when 'known' then 'known subject ' || code || ' ' || catalogue_name
        when 'crosswalk' then 'declared by the subject crosswalk: ' || code || ' '
            || coalesce(catalogue_name, any_name) || coalesce(' (' || declaration || ')', '')
        when 'name_mismatch' then 'printed name ' || label || ' ≠ catalogue name '
            || coalesce(catalogue_name, any_name) || ' of ' || code
            || coalesce(' in ' || fiscal_year, '')
        else 'unknown ' || classification || ' code ' || code
            || coalesce(' in ' || fiscal_year, '')
            || coalesce(' (catalogued in other years as ' || any_name || ')',
                ' (not in the catalogue)')
            || ', printed as ' || label
    end as message
from rated"""
