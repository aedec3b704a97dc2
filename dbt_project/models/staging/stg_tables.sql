-- One row per canonical table found in a document.
with

tables as (
    select * from {{ source('raw', 'tables') }}
),

final as (
    select
        document_id,
        table_key,
        title,
        pages,
        page_start,
        unit,
        case unit when '万元' then 10000 when '元' then 1 end as unit_multiplier,
        coalesce(declared_empty, false) as declared_empty,
        empty_statement,
        row_count
    from tables
)

select * from final
