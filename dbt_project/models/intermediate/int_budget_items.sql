-- The itemised 类/款/项 of the narrative (一般公共预算财政拨款支出决算具体情况): one row per
-- document and subject code with its stated 年初预算, 决算, completion rate and reason.
with

statements as (
    select * from {{ ref('stg_narrative_statements') }}
    where key in ('item.initial', 'item.actual') and subject_code is not null
),

items as (
    select
        document_id,
        subject_code,
        paragraph,
        any_value(subject_level) as subject_level,
        any_value(subject) as subject_name,
        arg_min(amount, statement_index) filter (
            where key = 'item.initial' and measure = 'amount'
        ) as initial_budget,
        arg_min(amount, statement_index) filter (
            where key = 'item.actual' and measure = 'amount'
        ) as actual,
        arg_min(value, statement_index) filter (where measure = 'completion') as completion_pct,
        any_value(reason) as stated_reason,
        min(page) as page,
        any_value(location) as location,
        min(statement_index) as statement_index
    from statements
    group by document_id, subject_code, paragraph
),

final as (
    select
        document_id,
        subject_code,
        subject_level,
        subject_name,
        initial_budget,
        actual,
        cast(completion_pct / 100 as decimal(20, 6)) as completion_rate,
        stated_reason,
        page,
        location
    from items
    -- a code itemised twice is kept once, as first stated
    qualify row_number() over (
        partition by document_id, subject_code order by statement_index
    ) = 1
)

select * from final
