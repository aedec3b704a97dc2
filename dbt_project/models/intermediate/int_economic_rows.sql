-- One row per printed row of the basic-expenditure table (gpb_basic), with its catalogue entry.
with

cells as (
    select * from {{ ref('stg_cells') }}
    where table_key = 'gpb_basic'
),

economic_classes as (
    select * from {{ ref('economic_classes') }}
),

printed_rows as (
    select
        document_id,
        row_index,
        min(page) as page,
        any_value(row_label) as row_label,
        any_value(subject_code) as economic_code,
        any_value(line_key) as line_key,
        max(amount) filter (where column_key = 'amount') as amount
    from cells
    group by document_id, row_index
),

final as (
    select
        printed_rows.document_id,
        printed_rows.row_index,
        printed_rows.page,
        printed_rows.row_label,
        printed_rows.economic_code,
        case length(printed_rows.economic_code) when 3 then 1 when 5 then 2 end as economic_level,
        left(printed_rows.economic_code, 3) as class_code,
        printed_rows.line_key,
        printed_rows.amount,
        code_entry.economic_name,
        -- a 款 missing from the catalogue takes the group of its 类
        coalesce(code_entry.expense_group, class_entry.expense_group) as expense_group
    from printed_rows
    left join economic_classes as code_entry
        on printed_rows.economic_code = code_entry.economic_code
    left join economic_classes as class_entry
        on left(printed_rows.economic_code, 3) = class_entry.economic_code
)

select * from final
