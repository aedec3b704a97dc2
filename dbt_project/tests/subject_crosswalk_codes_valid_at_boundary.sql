-- The old code of a crosswalk row is valid in its last year and the new code in its first
-- year, and the new year follows the old one.
with

function_subjects as (
    select * from {{ ref('function_subjects') }}
),

subject_crosswalk as (
    select * from {{ ref('subject_crosswalk') }}
),

final as (
    select subject_crosswalk.*
    from subject_crosswalk
    where
        subject_crosswalk.to_year_from <= subject_crosswalk.from_year_to
        or not exists (
            select 1
            from function_subjects
            where
                function_subjects.subject_code = subject_crosswalk.from_code
                and subject_crosswalk.from_year_to
                between function_subjects.valid_from_year
                and coalesce(function_subjects.valid_to_year, 9999)
        )
        or not exists (
            select 1
            from function_subjects
            where
                function_subjects.subject_code = subject_crosswalk.to_code
                and subject_crosswalk.to_year_from
                between function_subjects.valid_from_year
                and coalesce(function_subjects.valid_to_year, 9999)
        )
)

select * from final
