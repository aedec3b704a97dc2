-- A code's level follows its length (3, 5, 7 digits) and its parent is the code without its
-- last two digits.
with

function_subjects as (
    select * from {{ ref('function_subjects') }}
),

final as (
    select
        subject_code,
        subject_level,
        parent_code
    from function_subjects
    where
        not regexp_full_match(subject_code, '[0-9]{3}([0-9]{2}){0,2}')
        or subject_level != (length(subject_code) - 1) / 2
        or parent_code is distinct from (
            case when subject_level > 1 then left(subject_code, length(subject_code) - 2) end
        )
)

select * from final
