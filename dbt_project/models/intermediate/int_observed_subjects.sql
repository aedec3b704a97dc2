-- Every subject code printed in an ingested document (any status), per fiscal year and printed
-- name, with its catalogue entry: where the catalogue grows from. A code the catalogue does not
-- know (code_status unknown_code) or a name it does not know (name_mismatch) is a candidate
-- row for the seeds function_subjects / economic_classes (or a misprint to report).
with

printed_subjects as (
    select * from {{ ref('int_printed_subjects') }}
    where printed_code is not null
),

final as (
    select
        classification,
        subject_code,
        subject_level,
        case when subject_level > 1 then left(subject_code, length(subject_code) - 2) end
            as parent_code,
        fiscal_year,
        name_normalised,
        min(row_label) as printed_name,
        any_value(catalogue_name) as catalogue_name,
        any_value(code_status) as code_status,
        any_value(crosswalk_declaration) as crosswalk_declaration,
        any_value(code_status) in ('known', 'crosswalk') as is_catalogued,
        cast(count(distinct document_id) as integer) as document_count,
        cast(count(*) as integer) as row_count,
        string_agg(distinct table_key, ', ' order by table_key) as table_keys,
        min(document_id) as example_document_id
    from printed_subjects
    group by classification, subject_code, subject_level, fiscal_year, name_normalised
)

select * from final
