-- One row per figure stated in the narrative: amounts converted to 元, with the half step of
-- the figure's printed precision (元 for amounts, percentage points for percentages).
with

statements as (
    select * from {{ source('narrative', 'narrative_statements') }}
),

documents as (
    select * from {{ source('raw', 'documents') }}
),

measured as (
    select
        *,
        case unit when '万元' then 10000 when '元' then 1 end as multiplier,
        -- digits after the decimal point as printed ("6.2" stands for 6.15 … 6.25)
        length(coalesce(regexp_extract(raw_text, '\.(\d+)', 1), '')) as decimals
    from statements
),

final as (
    select
        measured.document_id,
        documents.department_name,
        documents.fiscal_year,
        measured.statement_index,
        measured.section,
        measured.paragraph,
        measured.key,
        measured.measure,
        measured.subject,
        measured.subject_code,
        case length(measured.subject_code)
            when 3 then 1 when 5 then 2 when 7 then 3
        end as subject_level,
        measured.base,
        measured.value,
        measured.unit,
        cast(measured.value * measured.multiplier as decimal(20, 2)) as amount,
        cast(
            0.5 / pow(10, measured.decimals) * coalesce(measured.multiplier, 1)
            as decimal(20, 4)
        ) as half_step,
        measured.raw_text,
        measured.reason,
        measured.sentence,
        measured.page,
        measured.location
    from measured
    inner join documents on measured.document_id = documents.document_id
)

select * from final
