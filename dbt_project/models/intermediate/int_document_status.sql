-- One row per ingested document with its effective status: the one place the status is decided.
-- published:   the checks published it (no error-level failure) and no newer version replaces it
-- quarantined: extraction error, an error-level check failure, or no check result at all
-- superseded:  published by the checks, but a newer published version of the same
--              department-year exists. Newer is later first seen in the inbox (loaded_at,
--              from the inbox index), then source_path, then document_id for a tie; a
--              quarantined newer version leaves the older one published.
with

documents as (
    select * from {{ ref('stg_documents') }}
),

document_status as (
    select * from {{ ref('stg_document_status') }}
),

gated as (
    select
        documents.document_id,
        documents.department_id,
        documents.department_name,
        documents.fiscal_year,
        documents.loaded_at,
        documents.source_path,
        document_status.dq_status,
        document_status.error_count as dq_error_count,
        document_status.warning_count as dq_warning_count,
        case
            when documents.has_extraction_error then 'extraction_error'
            when document_status.dq_status is null then 'not_checked'
            when document_status.dq_status != 'published' then 'check_failed'
        end as quarantine_reason
    from documents
    left join document_status on documents.document_id = document_status.document_id
),

versioned as (
    select
        *,
        -- newer published versions of the same department-year come first (a document
        -- without an identified department is a version of nothing)
        row_number() over (
            partition by coalesce(department_id, document_id), fiscal_year
            order by loaded_at desc, source_path desc, document_id desc
        ) as version_rank,
        first_value(document_id) over (
            partition by coalesce(department_id, document_id), fiscal_year
            order by loaded_at desc, source_path desc, document_id desc
        ) as latest_document_id
    from gated
    where quarantine_reason is null
),

final as (
    select
        gated.document_id,
        gated.department_id,
        gated.department_name,
        gated.fiscal_year,
        case
            when gated.quarantine_reason is not null then 'quarantined'
            when versioned.version_rank = 1 then 'published'
            else 'superseded'
        end as status,
        case
            when gated.quarantine_reason is not null then gated.quarantine_reason
            when versioned.version_rank > 1 then 'newer_version'
        end as status_reason,
        case
            when versioned.version_rank > 1 then versioned.latest_document_id
        end as superseded_by,
        gated.dq_status,
        gated.dq_error_count,
        gated.dq_warning_count
    from gated
    left join versioned on gated.document_id = versioned.document_id
)

select * from final
