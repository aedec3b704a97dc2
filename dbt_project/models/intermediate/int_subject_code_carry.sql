-- The crosswalk as the marts read it: one row per old code and new code at a year boundary,
-- with whether amounts printed under the old code are carried to the new one. Only a one-to-one
-- change of code carries (`moved`); a renaming keeps its code, a split cannot be carried.
with

subject_crosswalk as (
    select * from {{ ref('subject_crosswalk') }}
),

final as (
    select
        from_code,
        to_code,
        from_year_to,
        to_year_from,
        relation,
        relation != 'split' and from_code != to_code as carries_amount,
        note
    from subject_crosswalk
)

select * from final
