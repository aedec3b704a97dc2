-- Administrative operating expenses (机关运行经费支出决算表): one row per published document
-- and printed line, 合计 included (item 'total').
with

documents as (
    select * from {{ ref('int_documents_published') }}
),

cells as (
    select * from {{ ref('stg_optional_cells') }}
    where table_key = 'office_operation' and column_key = 'amount' and line_key is not null
),

final as (
    select
        documents.document_id,
        documents.department_id,
        documents.department_name,
        documents.fiscal_year,
        cells.line_key as item,
        cells.row_label as item_name,
        cells.line_key = 'total' as is_total,
        cells.amount,
        cells.page
    from cells
    inner join documents on cells.document_id = documents.document_id
)

select * from final
