-- One row per check result (per document, and per failing row for row-wise checks).
with

check_results as (
    select * from {{ source('dq', 'check_results') }}
),

final as (
    select
        run_id,
        document_id,
        department_name,
        fiscal_year,
        check_id,
        severity,
        status,
        lhs,
        rhs,
        difference,
        tolerance,
        table_key,
        page,
        row_label,
        message
    from check_results
)

select * from final
