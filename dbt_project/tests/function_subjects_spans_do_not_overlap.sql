-- A code has at most one name in any fiscal year: its validity spans do not overlap.
with

function_subjects as (
    select * from {{ ref('function_subjects') }}
),

final as (
    select
        earlier.subject_code,
        earlier.valid_from_year,
        earlier.valid_to_year,
        later.valid_from_year as next_valid_from_year
    from function_subjects as earlier
    inner join function_subjects as later
        on
            earlier.subject_code = later.subject_code
            and earlier.valid_from_year < later.valid_from_year
    where coalesce(earlier.valid_to_year, 9999) >= later.valid_from_year
)

select * from final
