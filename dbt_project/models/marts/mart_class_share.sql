-- Each function class's share of a department's spending in a year (支出决算表, 本年支出合计),
-- its rank among the department's classes and the department's rank among all departments
-- spending on the class that year.
with

expenditure as (
    select * from {{ ref('fct_expenditure') }}
),

function_subjects as (
    select * from {{ ref('dim_function_subject') }}
),

classes as (
    select
        department_id,
        department_name,
        fiscal_year,
        document_id,
        subject_code as class_code,
        subject_name as printed_name,
        coalesce(total, 0) as amount
    from expenditure
    where subject_level = 1
),

-- the printed 合计 row, else the sum of the classes
department_totals as (
    select
        classes.document_id,
        coalesce(any_value(totals.total), sum(classes.amount)) as department_total
    from classes
    left join expenditure as totals
        on classes.document_id = totals.document_id and totals.is_total
    group by classes.document_id
),

final as (
    select
        classes.department_id,
        classes.department_name,
        classes.fiscal_year,
        classes.document_id,
        classes.class_code,
        coalesce(function_subjects.subject_name, classes.printed_name) as class_name,
        cast(classes.amount as decimal(20, 2)) as amount,
        cast(department_totals.department_total as decimal(20, 2)) as department_total,
        cast(
            round(classes.amount * 100 / nullif(department_totals.department_total, 0), 2)
            as decimal(20, 2)
        ) as share_pct,
        cast(rank() over (
            partition by classes.department_id, classes.fiscal_year
            order by classes.amount desc
        ) as integer) as class_rank,
        cast(rank() over (
            partition by classes.fiscal_year, classes.class_code
            order by classes.amount desc
        ) as integer) as department_rank,
        cast(count(*) over (
            partition by classes.fiscal_year, classes.class_code
        ) as integer) as department_count
    from classes
    inner join department_totals on classes.document_id = department_totals.document_id
    left join function_subjects
        on
            classes.class_code = function_subjects.subject_code
            and classes.fiscal_year
            between function_subjects.valid_from_year
            and coalesce(function_subjects.valid_to_year, 9999)
)

select * from final
