-- Government procurement (政府采购情况表): one row per published document, kind (budget /
-- contract) and category (total, goods, works, services, sme, small_micro).
with

documents as (
    select * from {{ ref('int_documents_published') }}
),

cells as (
    select * from {{ ref('stg_optional_cells') }}
    where
        table_key = 'procurement'
        and line_key in ('budget', 'contract')
        -- the SME columns are contract amounts; a blank SME cell on the budget line is no figure
        and not (line_key = 'budget' and column_key in ('sme', 'small_micro'))
),

final as (
    select
        documents.document_id,
        documents.department_id,
        documents.department_name,
        documents.fiscal_year,
        cells.line_key as kind,
        cells.column_key as category,
        cells.amount,
        cells.page
    from cells
    inner join documents on cells.document_id = documents.document_id
)

select * from final
