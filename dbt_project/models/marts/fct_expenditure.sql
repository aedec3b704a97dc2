-- Expenditure by function subject (支出决算表): one row per published document and printed
-- subject code, plus the table's 合计 row (subject_code null).
with

subject_rows as (
    select * from {{ ref('int_published_subject_rows') }}
    where table_key = 'expenditure'
),

final as (
    select
        document_id,
        department_id,
        department_name,
        fiscal_year,
        subject_code,
        subject_level,
        is_total,
        row_label as subject_name,
        total,
        basic,
        project,
        remit_to_superior,
        operating,
        affiliated_subsidy,
        page
    from subject_rows
)

select * from final
