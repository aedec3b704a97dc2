-- One row per funds line of a self-evaluation: amounts in 元, rates and scores as printed,
-- with the half step of their printed precision.
with

funds as (
    select * from {{ source('narrative', 'perf_funds') }}
),

evaluations as (
    select * from {{ ref('stg_perf_evaluations') }}
),

final as (
    select
        funds.document_id,
        evaluations.fiscal_year,
        funds.evaluation_index,
        evaluations.scope,
        evaluations.item_name,
        funds.line_index,
        funds.line_key,
        funds.label,
        coalesce(funds.page, evaluations.page_start) as page,
        cast(funds.initial_budget * evaluations.unit_multiplier as decimal(20, 2))
            as initial_budget,
        cast(funds.annual_budget * evaluations.unit_multiplier as decimal(20, 2))
            as annual_budget,
        cast(funds.executed * evaluations.unit_multiplier as decimal(20, 2)) as executed,
        funds.weight,
        funds.execution_rate,
        funds.score,
        cast(
            0.5 / pow(10, length(coalesce(regexp_extract(funds.execution_rate_raw, '\.(\d+)', 1), '')))
            as decimal(20, 4)
        ) as execution_rate_half_step,
        cast(
            0.5 / pow(10, length(coalesce(regexp_extract(funds.score_raw, '\.(\d+)', 1), '')))
            as decimal(20, 4)
        ) as score_half_step,
        funds.execution_rate_raw,
        funds.score_raw
    from funds
    inner join evaluations
        on funds.document_id = evaluations.document_id
        and funds.evaluation_index = evaluations.evaluation_index
)

select * from final
