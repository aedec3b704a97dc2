-- One row per ingested file, with the department name normalised and a stable department key.
with

documents as (
    select * from {{ source('raw', 'documents') }}
),

normalised as (
    select
        *,
        -- every whitespace, including the full-width space U+3000, removed
        nullif(regexp_replace(department_name, '[\s\p{Z}]+', '', 'g'), '') as department_name_normalised
    from documents
),

final as (
    select
        document_id,
        document_id as sha256,
        source_path,
        file_name,
        format,
        pages,
        department_name_normalised as department_name,
        department_name as department_name_printed,
        left(md5(department_name_normalised), 16) as department_id,
        fiscal_year,
        source_unit,
        unit_multiplier,
        half_unit,
        member_units,
        cast(len(coalesce(member_units, [])) as integer) as member_unit_count,
        stated_unit_count,
        warnings,
        extraction_error,
        extraction_error is not null as has_extraction_error,
        loaded_at
    from normalised
)

select * from final
