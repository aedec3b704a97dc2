-- Expenditure by function subject (支出决算表): one row per published document and printed
-- subject code, plus the table's 合计 row (subject_code null).
with

documents as (
    select * from {{ ref('int_documents_published') }}
),

subject_rows as (
    select * from {{ ref('int_subject_rows') }}
    where table_key = 'expenditure' and (subject_code is not null or line_key = 'total')
),

final as (
    select
        documents.document_id,
        documents.department_id,
        documents.department_name,
        documents.fiscal_year,
        subject_rows.subject_code,
        subject_rows.subject_level,
        subject_rows.subject_code is null as is_total,
        subject_rows.row_label as subject_name,
        subject_rows.total,
        subject_rows.basic,
        subject_rows.project,
        subject_rows.remit_to_superior,
        subject_rows.operating,
        subject_rows.affiliated_subsidy,
        subject_rows.page
    from subject_rows
    inner join documents on subject_rows.document_id = documents.document_id
    -- a code (or 合计) printed twice, e.g. repeated across a page break, is kept once
    qualify row_number() over (
        partition by subject_rows.document_id, subject_rows.subject_code
        order by subject_rows.row_index
    ) = 1
)

select * from final
