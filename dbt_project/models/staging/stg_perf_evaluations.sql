-- One row per performance self-evaluation table (部门整体 / 项目支出绩效自评情况表).
with

evaluations as (
    select * from {{ source('narrative', 'perf_evaluations') }}
),

documents as (
    select * from {{ source('raw', 'documents') }}
),

final as (
    select
        evaluations.document_id,
        documents.department_name,
        documents.fiscal_year,
        evaluations.evaluation_index,
        evaluations.scope,
        evaluations.item_name,
        evaluations.unit,
        case evaluations.unit when '万元' then 10000 else 1 end as unit_multiplier,
        evaluations.pages,
        evaluations.page_start,
        evaluations.location,
        evaluations.total_weight,
        evaluations.total_score,
        evaluations.total_raw,
        evaluations.total_page
    from evaluations
    inner join documents on evaluations.document_id = documents.document_id
)

select * from final
