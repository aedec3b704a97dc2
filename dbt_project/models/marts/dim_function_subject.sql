-- The function classification catalogue (支出功能分类科目): one row per code and span of years
-- with one name.
with

function_subjects as (
    select * from {{ ref('function_subjects') }}
),

final as (
    select
        subject_code,
        subject_name,
        subject_level,
        parent_code,
        left(subject_code, 3) as class_code,
        valid_from_year,
        valid_to_year,
        valid_to_year is null as is_current,
        lag(subject_name) over (
            partition by subject_code order by valid_from_year
        ) as previous_subject_name,
        source
    from function_subjects
)

select * from final
