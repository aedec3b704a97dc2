-- Every ingested document version with its publish status, published or not.
with

documents as (
    select * from {{ ref('stg_documents') }}
),

document_status as (
    select * from {{ ref('int_document_status') }}
),

document_tables as (
    select * from {{ ref('stg_tables') }}
),

table_counts as (
    select
        document_id,
        cast(count(*) as integer) as table_count
    from document_tables
    group by document_id
),

final as (
    select
        documents.document_id,
        documents.department_id,
        documents.department_name,
        documents.fiscal_year,
        documents.source_path,
        documents.file_name,
        documents.sha256,
        documents.format,
        documents.pages,
        documents.source_unit,
        documents.unit_multiplier,
        document_status.status,
        document_status.status_reason,
        document_status.superseded_by,
        document_status.dq_error_count as error_count,
        document_status.dq_warning_count as warning_count,
        documents.extraction_error,
        coalesce(table_counts.table_count, 0) as table_count,
        documents.member_unit_count,
        documents.stated_unit_count,
        documents.loaded_at
    from documents
    inner join document_status on documents.document_id = document_status.document_id
    left join table_counts on documents.document_id = table_counts.document_id
)

select * from final
