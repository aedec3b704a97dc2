-- The subject rows (and 合计 rows) of the code tables of published documents, each printed
-- code kept once per table: the one source of fct_income, fct_expenditure,
-- fct_gpb_expenditure and fct_fund_expenditure.
with

documents as (
    select * from {{ ref('int_documents_published') }}
),

subject_rows as (
    select * from {{ ref('int_subject_rows') }}
    where subject_code is not null or line_key = 'total'
),

final as (
    select
        documents.department_id,
        documents.department_name,
        documents.fiscal_year,
        subject_rows.*,
        subject_rows.subject_code is null as is_total
    from subject_rows
    inner join documents on subject_rows.document_id = documents.document_id
    -- a code (or 合计) printed twice, e.g. repeated across a page break, is kept once
    qualify row_number() over (
        partition by subject_rows.document_id, subject_rows.table_key, subject_rows.subject_code
        order by subject_rows.row_index
    ) = 1
)

select * from final
