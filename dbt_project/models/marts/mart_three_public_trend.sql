-- "Three public" expenses per department, year and category: budget, actual, the execution
-- rate and the change of the actual against the year before.
with

three_public as (
    select * from {{ ref('fct_three_public') }}
),

categories as (
    select
        department_id,
        any_value(department_name) as department_name,
        fiscal_year,
        any_value(document_id) as document_id,
        category,
        max(amount) filter (where kind = 'budget') as budget,
        max(amount) filter (where kind = 'actual') as actual
    from three_public
    group by department_id, fiscal_year, category
),

final as (
    select
        categories.department_id,
        categories.department_name,
        categories.fiscal_year,
        categories.document_id,
        categories.category,
        cast(categories.budget as decimal(20, 2)) as budget,
        cast(categories.actual as decimal(20, 2)) as actual,
        cast(
            round(categories.actual * 100 / nullif(categories.budget, 0), 2) as decimal(20, 2)
        ) as execution_pct,
        cast(prior_year.actual as decimal(20, 2)) as prior_year_actual,
        cast(categories.actual - prior_year.actual as decimal(20, 2)) as actual_change,
        cast(
            round((categories.actual - prior_year.actual) * 100 / nullif(prior_year.actual, 0), 2)
            as decimal(20, 2)
        ) as actual_change_pct
    from categories
    left join categories as prior_year
        on
            categories.department_id = prior_year.department_id
            and categories.category = prior_year.category
            and categories.fiscal_year = prior_year.fiscal_year + 1
)

select * from final
