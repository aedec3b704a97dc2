-- Government fund and state capital appropriation tables (政府性基金 / 国有资本经营预算财政拨款
-- 收入支出决算表): one row per published document, fund type and printed subject code,
-- plus the table's 合计 row (subject_code null).
-- Columns the table does not print are null (many print only the expenditure columns).
with

documents as (
    select * from {{ ref('int_documents_published') }}
),

subject_rows as (
    select * from {{ ref('int_subject_rows') }}
    where
        table_key in ('gov_fund', 'state_capital')
        and (subject_code is not null or line_key = 'total')
),

final as (
    select
        documents.document_id,
        documents.department_id,
        documents.department_name,
        documents.fiscal_year,
        subject_rows.table_key as fund_type,
        subject_rows.subject_code,
        subject_rows.subject_level,
        subject_rows.subject_code is null as is_total,
        subject_rows.row_label as subject_name,
        subject_rows.opening_balance,
        subject_rows.income,
        subject_rows.total,
        subject_rows.basic,
        subject_rows.project,
        subject_rows.closing_balance,
        subject_rows.page
    from subject_rows
    inner join documents on subject_rows.document_id = documents.document_id
    -- a code (or 合计) printed twice, e.g. repeated across a page break, is kept once
    qualify row_number() over (
        partition by subject_rows.document_id, subject_rows.table_key, subject_rows.subject_code
        order by subject_rows.row_index
    ) = 1
)

select * from final
