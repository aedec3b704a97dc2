-- One row per scored indicator of a self-evaluation, as printed.
with

indicators as (
    select * from {{ source('narrative', 'perf_indicators') }}
),

evaluations as (
    select * from {{ ref('stg_perf_evaluations') }}
),

final as (
    select
        indicators.document_id,
        evaluations.fiscal_year,
        indicators.evaluation_index,
        evaluations.scope,
        evaluations.item_name,
        indicators.indicator_index,
        indicators.level1,
        indicators.level2,
        indicators.indicator_name,
        indicators.target,
        indicators.actual,
        indicators.weight,
        indicators.score,
        indicators.score_raw,
        indicators.deviation,
        indicators.note,
        coalesce(indicators.page, evaluations.page_start) as page
    from indicators
    inner join evaluations
        on indicators.document_id = evaluations.document_id
        and indicators.evaluation_index = evaluations.evaluation_index
)

select * from final
