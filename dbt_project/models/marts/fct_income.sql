-- Income by function subject (收入决算表): one row per published document and printed
-- subject code, plus the table's 合计 row (subject_code null).
with

subject_rows as (
    select * from {{ ref('int_published_subject_rows') }}
    where table_key = 'income'
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
        fiscal_appropriation,
        superior_subsidy,
        business_income,
        operating_income,
        affiliated_remittance,
        other_income,
        page
    from subject_rows
)

select * from final
