-- Lines of the two summary tables (收入支出决算总表, 财政拨款收入支出决算总表):
-- one row per published document, table, side, line and column. An expenditure line the
-- extractor could not name is resolved to its class by name when it can be (match_method).
with

documents as (
    select * from {{ ref('int_documents_published') }}
),

cells as (
    select * from {{ ref('stg_cells') }}
    where table_key in ('summary', 'fiscal_summary')
),

printed_subjects as (
    select * from {{ ref('int_printed_subjects') }}
    where table_key in ('summary', 'fiscal_summary')
),

resolved as (
    select
        cells.*,
        coalesce(cells.subject_code, printed_subjects.subject_code) as class_code,
        case
            when cells.line_key is null and printed_subjects.subject_code is not null
                then 'function_class'
            else cells.line_key
        end as resolved_line_key,
        printed_subjects.match_method
    from cells
    left join printed_subjects
        on
            cells.document_id = printed_subjects.document_id
            and cells.table_key = printed_subjects.table_key
            and cells.row_index = printed_subjects.row_index
            and cells.side is not distinct from printed_subjects.side
),

lines as (
    select
        *,
        case
            -- expenditure lines by function class: one line per class code
            when resolved_line_key = 'function_class'
                then 'function_class.' || coalesce(class_code, row_label)
            -- a line that could not be named keeps its printed label
            when resolved_line_key is null
                then 'unrecognised.' || coalesce(row_label, row_index::varchar)
            else resolved_line_key
        end as line_item
    from resolved
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
        lines.resolved_line_key as line_key,
        lines.class_code as subject_code,
        lines.row_label,
        lines.match_method,
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
