-- One row per checked document with the publish status the checks gave it.
with

document_status as (
    select * from {{ source('dq', 'document_status') }}
),

final as (
    select
        document_id,
        status as dq_status,
        error_count,
        warning_count
    from document_status
)

select * from final
