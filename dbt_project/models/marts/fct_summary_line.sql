-- Lines of the two summary tables (收入支出决算总表, 财政拨款收入支出决算总表):
-- one row per published document, table, side, line and column.
with

documents as (
    select * from {{ ref('int_documents_published') }}
),

cells as (
    select * from {{ ref('stg_cells') }}
    where table_key in ('summary', 'fiscal_summary')
),

lines as (
    select
        *,
        case
            -- expenditure lines by function class: one line per class code
            when line_key = 'function_class'
                then 'function_class.' || coalesce(subject_code, row_label)
            -- a line the extractor did not recognise keeps its printed label
            when line_key is null then 'unrecognised.' || coalesce(row_label, row_index::varchar)
            else line_key
        end as line_item
    from cells
),

final as (
    select
        documents.document_id,
        documents.department_id,
        documents.department_name,
        documents.fiscal_year,
        lines.table_key,
        lines.side,
        lines.line_item,
        lines.line_key,
        lines.subject_code,
        lines.row_label,
        lines.column_key,
        lines.amount,
        lines.page
    from lines
    inner join documents on lines.document_id = documents.document_id
    -- a line printed twice is kept once, first printing
    qualify row_number() over (
        partition by lines.document_id, lines.table_key, lines.side, lines.line_item, lines.column_key
        order by lines.row_index
    ) = 1
)

select * from final
