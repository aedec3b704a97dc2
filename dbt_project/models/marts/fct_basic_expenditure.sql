-- Basic expenditure by economic class (一般公共预算财政拨款基本支出决算表):
-- one row per published document and printed economic code (类 and 款).
with

documents as (
    select * from {{ ref('int_documents_published') }}
),

economic_rows as (
    select * from {{ ref('int_economic_rows') }}
    where economic_code is not null
),

final as (
    select
        documents.document_id,
        documents.department_id,
        documents.department_name,
        documents.fiscal_year,
        economic_rows.economic_code,
        economic_rows.economic_level,
        economic_rows.economic_name,
        economic_rows.row_label,
        economic_rows.expense_group,
        coalesce(economic_rows.amount, 0) as amount,
        economic_rows.page
    from economic_rows
    inner join documents on economic_rows.document_id = documents.document_id
    -- a code printed twice is kept once, first printing
    qualify row_number() over (
        partition by economic_rows.document_id, economic_rows.economic_code
        order by economic_rows.row_index
    ) = 1
)

select * from final
