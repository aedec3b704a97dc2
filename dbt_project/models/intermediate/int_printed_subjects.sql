-- One row per printed row that names a subject: coded rows and rows printed by name only of
-- the function-subject tables, the function-class lines of the summary tables, and the coded
-- rows of the economic tables; each with the code it resolves to, how it was matched, the
-- catalogue name of that year and the row's catalogue status. A row printed by name only is
-- resolved by an exact name first, then the normalised name, then a wrapped (cut) name; a tie
-- goes to the name valid in the document's year, then to the code sharing most digits with
-- the code printed above it. The check doc.subject_codes (expectations/sql_catalogue.py)
-- gives the coded rows the same status.
with

cells as (
    select * from {{ ref('stg_cells') }}
),

function_subjects as (
    select * from {{ ref('function_subjects') }}
),

economic_classes as (
    select * from {{ ref('economic_classes') }}
),

subject_crosswalk as (
    select * from {{ ref('subject_crosswalk') }}
),

printed_rows as (
    select
        document_id,
        table_key,
        row_index,
        side,
        any_value(fiscal_year) as fiscal_year,
        min(page) as page,
        any_value(row_label) as row_label,
        any_value(subject_code) as printed_code,
        any_value(line_key) as line_key,
        case
            when table_key in ('gpb_basic', 'office_operation') then 'economic' else 'function'
        end as classification
    from cells
    where
        (
            table_key in (
                'income', 'expenditure', 'gpb_expenditure', 'gpb_project', 'gov_fund',
                'state_capital'
            )
            and (subject_code is not null or line_key is null)
        )
        or (
            table_key in ('summary', 'fiscal_summary')
            and side = 'expenditure'
            and (line_key = 'function_class' or line_key is null)
        )
        or (table_key in ('gpb_basic', 'office_operation') and subject_code is not null)
    group by document_id, table_key, row_index, side
),

labelled as (
    select
        *,
        {{ normalise_subject_name('row_label') }} as name_normalised,
        -- the year the catalogue is read for: the current catalogue when the year is unknown
        coalesce(fiscal_year, 9999) as catalogue_year,
        -- the code printed nearest above the row: context for a row printed by name only
        last_value(printed_code ignore nulls) over (
            partition by document_id, table_key
            order by row_index
            rows between unbounded preceding and 1 preceding
        ) as code_above
    from printed_rows
),

catalogue as (
    select
        'function' as classification,
        subject_code as code,
        subject_name as name,
        subject_level as level,
        valid_from_year,
        valid_to_year,
        {{ normalise_subject_name('subject_name') }} as name_normalised
    from function_subjects
    union all
    -- economic codes are dated from the 2018 reform without precision: only their end is read
    select
        'economic' as classification,
        economic_code as code,
        economic_name as name,
        economic_level as level,
        null as valid_from_year,
        valid_to_year,
        {{ normalise_subject_name('economic_name') }} as name_normalised
    from economic_classes
),

-- rows printed by name only: every catalogue subject the name may stand for
name_candidates as (
    select
        labelled.document_id,
        labelled.table_key,
        labelled.row_index,
        labelled.side,
        catalogue.code,
        case
            when trim(labelled.row_label) = catalogue.name then 1
            when labelled.name_normalised = catalogue.name_normalised then 2
            else 3
        end as method_rank,
        labelled.catalogue_year
        between catalogue.valid_from_year and coalesce(catalogue.valid_to_year, 9999)
            as valid_in_year,
        {{ common_prefix_length('catalogue.code', 'labelled.code_above') }} as shared_digits
    from labelled
    inner join catalogue
        on
            labelled.classification = catalogue.classification
            and (
                labelled.name_normalised = catalogue.name_normalised
                -- a name cut by wrapping: the one subject it begins
                or (
                    length(labelled.name_normalised) >= 4
                    and starts_with(catalogue.name_normalised, labelled.name_normalised)
                )
            )
    where
        labelled.printed_code is null
        and labelled.classification = 'function'
        -- the summary tables list classes only
        and (labelled.table_key not in ('summary', 'fiscal_summary') or catalogue.level = 1)
),

best_candidates as (
    select *
    from name_candidates
    qualify rank() over (
        partition by document_id, table_key, row_index, side
        order by method_rank, valid_in_year desc, shared_digits desc
    ) = 1
),

-- resolved when the best candidates agree on one code
resolved as (
    select
        document_id,
        table_key,
        row_index,
        side,
        any_value(code) as resolved_code,
        min(method_rank) as method_rank
    from best_candidates
    group by document_id, table_key, row_index, side
    having count(distinct code) = 1
),

coded as (
    select
        labelled.*,
        coalesce(labelled.printed_code, resolved.resolved_code) as subject_code,
        case
            when labelled.printed_code is not null then 'code'
            when resolved.method_rank = 1 then 'exact_name'
            when resolved.method_rank = 2 then 'normalised_name'
            when resolved.method_rank = 3 then 'prefix_name'
        end as match_method
    from labelled
    left join resolved
        on
            labelled.document_id = resolved.document_id
            and labelled.table_key = resolved.table_key
            and labelled.row_index = resolved.row_index
            and labelled.side is not distinct from resolved.side
),

-- the catalogue entry of the code in the document's year
year_entries as (
    select
        coded.document_id,
        coded.table_key,
        coded.row_index,
        coded.side,
        any_value(catalogue.name) as catalogue_name,
        bool_or(
            -- a code printed without a name has nothing to compare
            coded.name_normalised = ''
            or coded.name_normalised = catalogue.name_normalised
            or (
                length(coded.name_normalised) >= 4
                and starts_with(catalogue.name_normalised, coded.name_normalised)
            )
        ) as name_matches_year
    from coded
    inner join catalogue
        on
            coded.classification = catalogue.classification
            and coded.subject_code = catalogue.code
            and coded.catalogue_year
            between coalesce(catalogue.valid_from_year, 0)
            and coalesce(catalogue.valid_to_year, 9999)
    group by coded.document_id, coded.table_key, coded.row_index, coded.side
),

-- the code's names in other years, when the crosswalk declares the renaming
renamed_names as (
    select distinct
        catalogue.code,
        catalogue.name_normalised
    from catalogue
    inner join subject_crosswalk
        on
            catalogue.code = subject_crosswalk.from_code
            and subject_crosswalk.relation = 'renamed'
    where catalogue.classification = 'function'
),

-- a code used outside its years that the crosswalk declares (an old code after its last
-- year, a new code before its first; a renaming keeps its code)
declared_codes as (
    select distinct
        coded.document_id,
        coded.table_key,
        coded.row_index,
        coded.side,
        first_value(
            subject_crosswalk.relation || ' ' || subject_crosswalk.from_code || ' → '
            || subject_crosswalk.to_code || ' in ' || subject_crosswalk.to_year_from
        ) over (
            partition by coded.document_id, coded.table_key, coded.row_index, coded.side
            order by subject_crosswalk.to_year_from, subject_crosswalk.to_code
        ) as crosswalk_declaration
    from coded
    inner join subject_crosswalk
        on
            (
                coded.subject_code = subject_crosswalk.from_code
                and coded.catalogue_year > subject_crosswalk.from_year_to
            )
            or (
                coded.subject_code = subject_crosswalk.to_code
                and coded.catalogue_year < subject_crosswalk.to_year_from
            )
    where
        coded.classification = 'function'
        and subject_crosswalk.from_code != subject_crosswalk.to_code
),

any_year_names as (
    select distinct
        code,
        classification,
        name_normalised
    from catalogue
),

final as (
    select
        coded.document_id,
        coded.fiscal_year,
        coded.table_key,
        coded.side,
        coded.row_index,
        coded.page,
        coded.row_label,
        coded.line_key,
        coded.classification,
        coded.printed_code,
        coded.subject_code,
        case length(coded.subject_code)
            when 3 then 1 when 5 then 2 when 7 then 3
        end as subject_level,
        coded.match_method,
        coded.name_normalised,
        year_entries.catalogue_name,
        declared_codes.crosswalk_declaration,
        case
            when coded.subject_code is null then null
            when year_entries.name_matches_year then 'known'
            when year_entries.catalogue_name is not null and renamed_names.code is not null
                then 'crosswalk'
            when year_entries.catalogue_name is not null then 'name_mismatch'
            when
                declared_codes.crosswalk_declaration is not null
                and (any_year_names.code is not null or coded.name_normalised = '')
                then 'crosswalk'
            when declared_codes.crosswalk_declaration is not null then 'name_mismatch'
            else 'unknown_code'
        end as code_status
    from coded
    left join year_entries
        on
            coded.document_id = year_entries.document_id
            and coded.table_key = year_entries.table_key
            and coded.row_index = year_entries.row_index
            and coded.side is not distinct from year_entries.side
    left join declared_codes
        on
            coded.document_id = declared_codes.document_id
            and coded.table_key = declared_codes.table_key
            and coded.row_index = declared_codes.row_index
            and coded.side is not distinct from declared_codes.side
    left join renamed_names
        on
            coded.subject_code = renamed_names.code
            and coded.name_normalised = renamed_names.name_normalised
            and coded.classification = 'function'
    left join any_year_names
        on
            coded.subject_code = any_year_names.code
            and coded.classification = any_year_names.classification
            and coded.name_normalised = any_year_names.name_normalised
)

select * from final
