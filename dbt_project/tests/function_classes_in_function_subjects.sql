-- Every class name the extractors match summary lines against (function_classes) is a 类 of
-- function_subjects with the same years.
with

function_classes as (
    select * from {{ ref('function_classes') }}
),

function_subjects as (
    select * from {{ ref('function_subjects') }}
    where subject_level = 1
),

final as (
    select function_classes.*
    from function_classes
    left join function_subjects
        on
            function_classes.subject_code = function_subjects.subject_code
            and function_classes.subject_name = function_subjects.subject_name
            and function_classes.valid_from_year = function_subjects.valid_from_year
            and function_classes.valid_to_year is not distinct from function_subjects.valid_to_year
    where function_subjects.subject_code is null
)

select * from final
