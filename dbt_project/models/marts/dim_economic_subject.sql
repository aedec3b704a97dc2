-- The economic classification catalogue (部门预算支出经济分类): one row per economic code.
with

economic_classes as (
    select * from {{ ref('economic_classes') }}
),

final as (
    select
        economic_code,
        economic_name,
        economic_level,
        parent_code,
        expense_group,
        valid_from_year,
        valid_to_year
    from economic_classes
)

select * from final
