"""Document-level checks. Their lhs / rhs are counts (found / expected), compared exactly."""

from __future__ import annotations

from expectations.sql_common import lit

REQUIRED_TABLES = (
    "summary",
    "income",
    "expenditure",
    "fiscal_summary",
    "gpb_expenditure",
    "gpb_basic",
    "three_public",
)

_EVIDENCE = "null::varchar as table_key, null::integer as page"

READABLE = f"""
select document_id, {_EVIDENCE}, file_name as row_label, null as column_key,
    case when extraction_error is null then 1 else 0 end as lhs, 1 as rhs,
    0 as n_terms, 0 as half_unit_yuan,
    case
        when extraction_error is null then 'extracted'
        when contains(extraction_error, file_name) then extraction_error
        else file_name || ': ' || extraction_error
    end as message
from raw.documents"""

# A PDF page the extractors could not read (image only, glyphs without Unicode, a corrupt
# content stream) is named in the document's warnings as `page N is <status>: <reason>`.
UNREAD_PAGE = r"^page (\d+) is (needs_ocr|garbled|unreadable)"

PAGES_READ = f"""
select document_id, null::varchar as table_key,
    cast(regexp_extract(warning, {lit(UNREAD_PAGE)}, 1) as integer) as page,
    regexp_extract(warning, {lit(UNREAD_PAGE)}, 2) as row_label, null as column_key,
    0 as lhs, 1 as rhs, 0 as n_terms, 0 as half_unit_yuan, warning as message
from (select document_id, unnest(warnings) as warning from raw.documents)
where regexp_matches(warning, {lit(UNREAD_PAGE)})
union all
select document_id, {_EVIDENCE}, 'pages' as row_label, null as column_key,
    1 as lhs, 1 as rhs, 0 as n_terms, 0 as half_unit_yuan, 'every page read' as message
from raw.documents
where extraction_error is null
    and not coalesce(list_bool_or([regexp_matches(w, {lit(UNREAD_PAGE)}) for w in warnings]),
        false)"""

IDENTIFIED = f"""
select document_id, {_EVIDENCE}, field as row_label, null as column_key,
    found::int as lhs, 1 as rhs, 0 as n_terms, 0 as half_unit_yuan,
    field || case when found then ' found' else ' not found' end as message
from (
    select document_id, 'department_name' as field,
        coalesce(trim(department_name), '') <> '' as found
    from raw.documents where extraction_error is null
    union all
    select document_id, 'fiscal_year', fiscal_year is not null
    from raw.documents where extraction_error is null
    union all
    select document_id, 'source_unit', source_unit is not null
    from raw.documents where extraction_error is null
)"""

REQUIRED = f"""
select d.document_id, required.table_key, null::integer as page, required.table_key as row_label,
    null as column_key,
    (t.document_id is not null)::int as lhs, 1 as rhs, 0 as n_terms, 0 as half_unit_yuan,
    case
        when t.document_id is null then 'required table not found'
        when t.declared_empty then 'declared empty'
        else 'present'
    end as message
from raw.documents as d
cross join (select unnest([{', '.join(lit(t) for t in REQUIRED_TABLES)}]) as table_key)
    as required
left join (
    select document_id, table_key, bool_or(declared_empty) as declared_empty
    from raw.tables
    where row_count > 0 or declared_empty
    group by document_id, table_key
) as t on t.document_id = d.document_id and t.table_key = required.table_key
where d.extraction_error is null"""

UNIT_LIST = f"""
select document_id, {_EVIDENCE}, unit as row_label, null as column_key,
    count(*) as lhs, 1 as rhs, 0 as n_terms, 0 as half_unit_yuan,
    case when count(*) > 1 then 'member unit listed ' || count(*) || ' times'
        else 'member unit listed once' end as message
from (select document_id, unnest(member_units) as unit from raw.documents)
group by document_id, unit
union all
select document_id, {_EVIDENCE}, '决算单位构成' as row_label, null as column_key,
    len(member_units) as lhs, stated_unit_count as rhs, 0 as n_terms, 0 as half_unit_yuan,
    'member units listed ' || len(member_units) || ', stated ' || stated_unit_count as message
from raw.documents
where stated_unit_count is not null and len(member_units) > 0"""

# Template filler printed instead of a name (河南XX局, ××单位, 某某局), any width or case.
PLACEHOLDER = "(?i)xx|ｘｘ|××|某某"


def _name_key(expr: str) -> str:
    """A printed name compared as a token: whitespace removed, full-width brackets half-width."""
    return rf"translate(regexp_replace(coalesce({expr}, ''), '\s', '', 'g'), '（）', '()')"


# One row per readable document for its department name (a placeholder fails), and one per
# place the name or year is printed (raw.name_mentions): a placeholder, another name or
# another year fails, the place as row_label (and table_key for a table header).
CONSISTENCY = f"""
with documents as (
    select document_id, department_name, fiscal_year, {_name_key('department_name')} as name_key
    from raw.documents
    where extraction_error is null
),
mentions as (
    select document_id, 'department_name' as place, null::varchar as table_key,
        null::integer as page, department_name as name, null::integer as year
    from documents
    union all
    select document_id, place, table_key, page, name, year
    from raw.name_mentions
),
judged as (
    select m.*, d.department_name, d.fiscal_year,
        regexp_matches(coalesce(m.name, ''), {lit(PLACEHOLDER)}) as placeholder,
        m.name is not null and d.department_name is not null
            and {_name_key('m.name')} <> d.name_key as other_name,
        m.year is not null and d.fiscal_year is not null and m.year <> d.fiscal_year
            as other_year
    from mentions as m
    join documents as d using (document_id)
)
select document_id, table_key, page, place as row_label, null as column_key,
    (not (placeholder or other_name or other_year))::int as lhs, 1 as rhs,
    0 as n_terms, 0 as half_unit_yuan,
    case
        when placeholder then 'placeholder name ' || name || ' printed at ' || place
            || ', the document is of ' || coalesce(department_name, 'an unnamed department')
        when other_name then place || ' prints ' || name || ', the document is of '
            || department_name
        when other_year then place || ' prints the year ' || year
            || ', the document is of ' || fiscal_year
        else place || ' agrees'
    end || coalesce(' (page ' || page || ')', '') as message
from judged"""


# The year and the department a file name states (`2023`, `上海市普陀区财政局` in
# `上海市普陀区财政局-2023-….pdf`): a year stands apart from letters and digits, a department
# name ends in the word of an office.
NAMED_YEAR = "(?:^|[^0-9A-Za-z])(20[0-9]{2})(?:[^0-9A-Za-z]|$)"
NAMED_OFFICE = r"\p{Han}{2,}(?:局|厅|委员会|办公室|院|中心|站|馆)"

FILE_NAME = f"""
with named as (
    select document_id, file_name, department_name, fiscal_year,
        {_name_key('department_name')} as name_key
    from raw.documents
    where extraction_error is null
)
select document_id, null::varchar as table_key, null::integer as page,
    'file name year' as row_label, null as column_key,
    (year::integer = fiscal_year)::int as lhs, 1 as rhs, 0 as n_terms, 0 as half_unit_yuan,
    'file name ' || file_name || ' says ' || year || ', the document ' ||
        coalesce(fiscal_year::varchar, 'no year') as message
from (select *, unnest(regexp_extract_all(file_name, {lit(NAMED_YEAR)}, 1)) as year from named)
where fiscal_year is not null
union all
select document_id, null::varchar, null::integer, 'file name department', null,
    (contains(name_key, office) or contains(office, name_key))::int, 1, 0, 0,
    'file name ' || file_name || ' names ' || office || ', the document ' || department_name
from (select *, unnest(regexp_extract_all(file_name, {lit(NAMED_OFFICE)})) as office from named)
where coalesce(name_key, '') <> ''
union all
select document_id, null::varchar, null::integer, 'file name', null, 1, 1, 0, 0,
    'file name ' || file_name || ' states no department or year'
from named
where not regexp_matches(file_name, {lit(NAMED_YEAR)})
    and not regexp_matches(file_name, {lit(NAMED_OFFICE)})"""
