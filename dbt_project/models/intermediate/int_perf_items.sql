-- One row per evaluated item (a self-evaluation table) with its funds_total line and its
-- indicators' count and score.
with

evaluations as (
    select * from {{ ref('stg_perf_evaluations') }}
),

funds as (
    select * from {{ ref('stg_perf_funds') }}
    where line_key = 'funds_total'
    qualify row_number() over (
        partition by document_id, evaluation_index order by line_index
    ) = 1
),

indicators as (
    select
        document_id,
        evaluation_index,
        count(*) as indicator_count,
        sum(score) as indicator_score
    from {{ ref('stg_perf_indicators') }}
    group by document_id, evaluation_index
),

final as (
    select
        evaluations.document_id,
        evaluations.evaluation_index,
        evaluations.scope,
        evaluations.item_name,
        funds.initial_budget,
        funds.annual_budget as budget,
        funds.executed,
        cast(funds.execution_rate / 100 as decimal(20, 6)) as execution_rate,
        cast(funds.weight as decimal(20, 2)) as execution_weight,
        cast(funds.score as decimal(20, 2)) as execution_score,
        cast(coalesce(indicators.indicator_count, 0) as integer) as indicator_count,
        cast(indicators.indicator_score as decimal(20, 2)) as indicator_score,
        cast(evaluations.total_weight as decimal(20, 2)) as total_weight,
        cast(evaluations.total_score as decimal(20, 2)) as score,
        evaluations.page_start as page,
        evaluations.location
    from evaluations
    left join funds
        on evaluations.document_id = funds.document_id
        and evaluations.evaluation_index = funds.evaluation_index
    left join indicators
        on evaluations.document_id = indicators.document_id
        and evaluations.evaluation_index = indicators.evaluation_index
)

select * from final
