-- Scored indicators of the performance self-evaluations: one row per published document,
-- evaluated item and indicator.
with

documents as (
    select * from {{ ref('int_documents_published') }}
),

indicators as (
    select * from {{ ref('stg_perf_indicators') }}
),

final as (
    select
        documents.document_id,
        documents.department_id,
        documents.department_name,
        documents.fiscal_year,
        indicators.evaluation_index,
        indicators.scope,
        indicators.item_name,
        indicators.indicator_index,
        indicators.level1,
        indicators.level2,
        indicators.indicator_name,
        indicators.target,
        indicators.actual,
        cast(indicators.weight as decimal(20, 2)) as weight,
        cast(indicators.score as decimal(20, 2)) as score,
        indicators.deviation,
        indicators.note,
        indicators.page
    from indicators
    inner join documents on indicators.document_id = documents.document_id
)

select * from final
