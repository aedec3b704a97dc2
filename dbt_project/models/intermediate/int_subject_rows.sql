-- One row per printed row of the function-subject tables, the cells pivoted to columns (元).
-- A column the table does not print is null; a printed zero or blank is 0. A row printed by
-- name only carries the code its name resolves to (int_printed_subjects, match_method).
with

cells as (
    select * from {{ ref('stg_cells') }}
    where table_key in ('income', 'expenditure', 'gpb_expenditure', 'gov_fund', 'state_capital')
),

printed_subjects as (
    select * from {{ ref('int_printed_subjects') }}
),

pivoted as (
    select
        document_id,
        table_key,
        row_index,
        min(page) as page,
        any_value(row_label) as row_label,
        any_value(subject_code) as printed_code,
        any_value(line_key) as line_key,
        -- income
        max(amount) filter (where column_key = 'total') as total,
        max(amount) filter (where column_key = 'fiscal_appropriation') as fiscal_appropriation,
        max(amount) filter (where column_key = 'superior_subsidy') as superior_subsidy,
        max(amount) filter (where column_key = 'business_income') as business_income,
        max(amount) filter (where column_key = 'operating_income') as operating_income,
        max(amount) filter (where column_key = 'affiliated_remittance') as affiliated_remittance,
        max(amount) filter (where column_key = 'other_income') as other_income,
        -- expenditure, gpb_expenditure
        max(amount) filter (where column_key = 'basic') as basic,
        max(amount) filter (where column_key = 'project') as project,
        max(amount) filter (where column_key = 'remit_to_superior') as remit_to_superior,
        max(amount) filter (where column_key = 'operating') as operating,
        max(amount) filter (where column_key = 'affiliated_subsidy') as affiliated_subsidy,
        -- gov_fund, state_capital
        max(amount) filter (where column_key = 'opening_balance') as opening_balance,
        max(amount) filter (where column_key = 'income') as income,
        max(amount) filter (where column_key = 'closing_balance') as closing_balance
    from cells
    group by document_id, table_key, row_index
),

final as (
    select
        pivoted.document_id,
        pivoted.table_key,
        pivoted.row_index,
        pivoted.page,
        pivoted.row_label,
        coalesce(pivoted.printed_code, printed_subjects.subject_code) as subject_code,
        case length(coalesce(pivoted.printed_code, printed_subjects.subject_code))
            when 3 then 1 when 5 then 2 when 7 then 3
        end as subject_level,
        pivoted.printed_code,
        printed_subjects.match_method,
        pivoted.line_key,
        pivoted.total,
        pivoted.fiscal_appropriation,
        pivoted.superior_subsidy,
        pivoted.business_income,
        pivoted.operating_income,
        pivoted.affiliated_remittance,
        pivoted.other_income,
        pivoted.basic,
        pivoted.project,
        pivoted.remit_to_superior,
        pivoted.operating,
        pivoted.affiliated_subsidy,
        pivoted.opening_balance,
        pivoted.income,
        pivoted.closing_balance
    from pivoted
    left join printed_subjects
        on
            pivoted.document_id = printed_subjects.document_id
            and pivoted.table_key = printed_subjects.table_key
            and pivoted.row_index = printed_subjects.row_index
)

select * from final
