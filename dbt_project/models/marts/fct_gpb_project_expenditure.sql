-- General public budget project expenditure by function subject
-- (一般公共预算财政拨款项目支出决算表): one row per published document and printed subject code,
-- plus the table's 合计 row (subject_code null).
with

documents as (
    select * from {{ ref('int_documents_published') }}
),

cells as (
    select * from {{ ref('stg_optional_cells') }}
    where
        table_key = 'gpb_project'
        and column_key = 'project'
        and (subject_code is not null or line_key = 'total')
),

final as (
    select
        documents.document_id,
        documents.department_id,
        documents.department_name,
        documents.fiscal_year,
        cells.subject_code,
        cells.subject_level,
        cells.subject_code is null as is_total,
        cells.row_label as subject_name,
        cells.amount as project,
        cells.page
    from cells
    inner join documents on cells.document_id = documents.document_id
)

select * from final
