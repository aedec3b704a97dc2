{{ config(severity='warn') }}
-- A 款 or 项 is valid only in years its parent is valid (reported, not blocking: the validity
-- years of recalled names are approximate).
with

function_subjects as (
    select * from {{ ref('function_subjects') }}
),

parent_spans as (
    select
        subject_code,
        min(valid_from_year) as valid_from_year,
        max(coalesce(valid_to_year, 9999)) as valid_to_year
    from function_subjects
    group by subject_code
),

final as (
    select
        function_subjects.subject_code,
        function_subjects.valid_from_year,
        function_subjects.valid_to_year,
        parent_spans.subject_code as parent_code,
        parent_spans.valid_from_year as parent_valid_from_year
    from function_subjects
    inner join parent_spans on function_subjects.parent_code = parent_spans.subject_code
    where
        function_subjects.valid_from_year < parent_spans.valid_from_year
        or coalesce(function_subjects.valid_to_year, 9999) > parent_spans.valid_to_year
)

select * from final
