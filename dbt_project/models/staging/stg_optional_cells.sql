-- The cells of the optional tables (机关运行经费支出决算表, 政府采购情况表,
-- 一般公共预算财政拨款项目支出决算表), one row per printed figure in 元: the one source of
-- fct_office_operation, fct_procurement and fct_gpb_project_expenditure.
with

cells as (
    select * from {{ ref('stg_cells') }}
    where table_key in ('office_operation', 'procurement', 'gpb_project')
),

final as (
    select
        document_id,
        table_key,
        row_index,
        page,
        row_label,
        subject_code,
        subject_level,
        line_key,
        column_key,
        amount
    from cells
    -- a line (or code) printed twice, e.g. repeated across a page break, is kept once
    qualify row_number() over (
        partition by document_id, table_key, coalesce(subject_code, line_key), column_key
        order by row_index
    ) = 1
)

select * from final
