-- Government fund and state capital appropriation tables (政府性基金 / 国有资本经营预算财政拨款
-- 收入支出决算表): one row per published document, fund type and printed subject code,
-- plus the table's 合计 row (subject_code null).
-- Columns the table does not print are null (many print only the expenditure columns).
with

subject_rows as (
    select * from {{ ref('int_published_subject_rows') }}
    where table_key in ('gov_fund', 'state_capital')
),

final as (
    select
        document_id,
        department_id,
        department_name,
        fiscal_year,
        table_key as fund_type,
        subject_code,
        subject_level,
        is_total,
        row_label as subject_name,
        opening_balance,
        income,
        total,
        basic,
        project,
        closing_balance,
        page
    from subject_rows
)

select * from final
