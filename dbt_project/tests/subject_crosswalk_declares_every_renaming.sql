-- Every change of name in function_subjects has its `renamed` row in subject_crosswalk, and
-- every `renamed` row is such a change (same code, consecutive spans).
with

function_subjects as (
    select * from {{ ref('function_subjects') }}
),

subject_crosswalk as (
    select * from {{ ref('subject_crosswalk') }}
    where relation = 'renamed'
),

renamings as (
    select
        earlier.subject_code,
        earlier.valid_to_year as from_year_to,
        later.valid_from_year as to_year_from
    from function_subjects as earlier
    inner join function_subjects as later
        on
            earlier.subject_code = later.subject_code
            and later.valid_from_year = earlier.valid_to_year + 1
    where earlier.subject_name != later.subject_name
),

final as (
    select
        coalesce(renamings.subject_code, subject_crosswalk.from_code) as subject_code,
        coalesce(renamings.from_year_to, subject_crosswalk.from_year_to) as from_year_to,
        case
            when subject_crosswalk.from_code is null then 'renaming without a crosswalk row'
            when subject_crosswalk.to_code != subject_crosswalk.from_code
                then 'renamed row with two codes'
            else 'renamed row without a change of name'
        end as problem
    from renamings
    full outer join subject_crosswalk
        on
            renamings.subject_code = subject_crosswalk.from_code
            and renamings.subject_code = subject_crosswalk.to_code
            and renamings.from_year_to = subject_crosswalk.from_year_to
            and renamings.to_year_from = subject_crosswalk.to_year_from
    where renamings.subject_code is null or subject_crosswalk.from_code is null
)

select * from final
