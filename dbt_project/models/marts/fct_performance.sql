-- Performance self-evaluations (部门整体 / 项目支出绩效自评情况表): one row per published
-- document and evaluated item.
with

documents as (
    select * from {{ ref('int_documents_published') }}
),

items as (
    select * from {{ ref('int_perf_items') }}
),

final as (
    select
        documents.document_id,
        documents.department_id,
        documents.department_name,
        documents.fiscal_year,
        items.evaluation_index,
        items.scope,
        items.item_name,
        items.initial_budget,
        items.budget,
        items.executed,
        items.execution_rate,
        items.execution_weight,
        items.execution_score,
        items.indicator_count,
        items.indicator_score,
        items.total_weight,
        items.score,
        items.page,
        items.location
    from items
    inner join documents on items.document_id = documents.document_id
)

select * from final
