-- The documents whose figures enter the facts and marts: one per department-year.
with

document_status as (
    select * from {{ ref('int_document_status') }}
),

documents as (
    select * from {{ ref('stg_documents') }}
),

final as (
    select
        document_status.document_id,
        document_status.department_id,
        document_status.department_name,
        document_status.fiscal_year,
        documents.source_unit
    from document_status
    inner join documents on document_status.document_id = documents.document_id
    where document_status.status = 'published'
)

select * from final
