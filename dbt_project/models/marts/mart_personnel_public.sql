-- 人员经费 and 公用经费 of the general public budget basic expenditure per department and year,
-- the personnel share and the change of each against the year before.
with

department_years as (
    select * from {{ ref('mart_department_year') }}
),

final as (
    select
        department_years.department_id,
        department_years.department_name,
        department_years.fiscal_year,
        department_years.document_id,
        department_years.personnel,
        department_years.public_funds,
        cast(department_years.personnel + department_years.public_funds as decimal(20, 2))
            as basic_total,
        cast(
            round(
                department_years.personnel * 100
                / nullif(department_years.personnel + department_years.public_funds, 0),
                2
            ) as decimal(20, 2)
        ) as personnel_pct,
        prior_year.personnel as prior_year_personnel,
        prior_year.public_funds as prior_year_public_funds,
        cast(department_years.personnel - prior_year.personnel as decimal(20, 2))
            as personnel_change,
        cast(department_years.public_funds - prior_year.public_funds as decimal(20, 2))
            as public_funds_change,
        cast(
            round(
                (department_years.personnel - prior_year.personnel) * 100
                / nullif(prior_year.personnel, 0),
                2
            ) as decimal(20, 2)
        ) as personnel_change_pct,
        cast(
            round(
                (department_years.public_funds - prior_year.public_funds) * 100
                / nullif(prior_year.public_funds, 0),
                2
            ) as decimal(20, 2)
        ) as public_funds_change_pct
    from department_years
    left join department_years as prior_year
        on
            department_years.department_id = prior_year.department_id
            and department_years.fiscal_year = prior_year.fiscal_year + 1
)

select * from final
