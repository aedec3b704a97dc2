-- General public budget appropriation expenditure by function subject
-- (一般公共预算财政拨款支出决算表): one row per published document and printed subject code,
-- plus the table's 合计 row (subject_code null).
with

subject_rows as (
    select * from {{ ref('int_published_subject_rows') }}
    where table_key = 'gpb_expenditure'
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
        page
    from subject_rows
)

select * from final
