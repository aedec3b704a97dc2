-- One row per document that has check results: failures counted by severity.
-- Assumes dq.check_results of the build database holds the current run's results.
with

check_results as (
    select * from {{ ref('stg_check_results') }}
),

final as (
    select
        document_id,
        cast(count(*) filter (where status = 'fail' and severity = 'error') as integer)
            as error_count,
        cast(count(*) filter (where status = 'fail' and severity = 'warning') as integer)
            as warning_count,
        cast(count(*) filter (where status = 'fail' and severity = 'info') as integer)
            as info_count,
        cast(count(distinct check_id) as integer) as checks_run
    from check_results
    where document_id is not null
    group by document_id
)

select * from final
