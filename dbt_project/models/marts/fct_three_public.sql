-- "Three public" expenses (财政拨款"三公"经费支出决算表): one row per published document,
-- category and kind (budget / actual).
with

documents as (
    select * from {{ ref('int_documents_published') }}
),

cells as (
    select * from {{ ref('stg_cells') }}
    where
        table_key = 'three_public'
        and line_key in ('budget', 'actual')
        and column_key in (
            'total', 'abroad', 'vehicle_total', 'vehicle_purchase', 'vehicle_operation', 'reception'
        )
),

final as (
    select
        documents.document_id,
        documents.department_id,
        documents.department_name,
        documents.fiscal_year,
        cells.column_key as category,
        cells.line_key as kind,
        cells.amount,
        cells.page
    from cells
    inner join documents on cells.document_id = documents.document_id
    qualify row_number() over (
        partition by cells.document_id, cells.column_key, cells.line_key
        order by cells.row_index
    ) = 1
)

select * from final
