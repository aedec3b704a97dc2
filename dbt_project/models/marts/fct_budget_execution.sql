-- Budget execution by subject as the narrative states it (一般公共预算财政拨款支出决算具体情况):
-- one row per published document and itemised subject code.
with

documents as (
    select * from {{ ref('int_documents_published') }}
),

items as (
    select * from {{ ref('int_budget_items') }}
),

final as (
    select
        documents.document_id,
        documents.department_id,
        documents.department_name,
        documents.fiscal_year,
        items.subject_code,
        items.subject_level,
        items.subject_name,
        items.initial_budget,
        items.actual,
        items.completion_rate,
        items.stated_reason,
        items.page,
        items.location
    from items
    inner join documents on items.document_id = documents.document_id
)

select * from final
