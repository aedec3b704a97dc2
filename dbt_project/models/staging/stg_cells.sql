-- One row per printed cell, amounts converted to 元, with the tolerance unit of its document.
with

cells as (
    select * from {{ source('raw', 'cells') }}
),

documents as (
    select * from {{ source('raw', 'documents') }}
),

final as (
    select
        cells.document_id,
        documents.department_name,
        documents.fiscal_year,
        cells.table_key,
        cells.row_index,
        cells.row_page as page,
        cells.row_label,
        cells.subject_code,
        case length(cells.subject_code)
            when 3 then 1 when 5 then 2 when 7 then 3
        end as subject_level,
        cells.side,
        cells.line_key,
        cells.column_key,
        cells.raw_text,
        cast(
            coalesce(cells.value, 0) * case cells.unit when '万元' then 10000 else 1 end
            as decimal(20, 2)
        ) as amount,
        cast(
            case cells.unit when '万元' then 50 else 0.5 end as decimal(20, 4)
        ) as half_unit_yuan,
        cells.unit
    from cells
    inner join documents on cells.document_id = documents.document_id
)

select * from final
