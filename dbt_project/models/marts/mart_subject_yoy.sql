-- Spending per department, function subject and year against the year before (支出决算表
-- 本年支出合计). Codes are read as the code valid in the compared year: a code the crosswalk
-- moved is carried to its new code, a renamed subject keeps its code, so a series runs on
-- across renamings. A subject printed the year before and not this year has amount 0 (unless
-- its code ended); a subject printed this year and not the year before has prior_year_amount
-- 0 when the department published that year, else null; the new codes of a split have no
-- prior amount.
with

expenditure as (
    select * from {{ ref('fct_expenditure') }}
),

code_carry as (
    select * from {{ ref('int_subject_code_carry') }}
),

function_subjects as (
    select * from {{ ref('dim_function_subject') }}
),

-- the department-years with a published expenditure table
department_years as (
    select distinct
        department_id,
        department_name,
        fiscal_year,
        document_id
    from expenditure
),

subject_rows as (
    select * from expenditure
    where not is_total
),

carried_forward as (
    select * from code_carry
    where carries_amount
),

-- this year's rows, each code read as the code valid this year
current_rows as (
    select
        subject_rows.department_id,
        subject_rows.fiscal_year,
        coalesce(carried_forward.to_code, subject_rows.subject_code) as subject_code,
        subject_rows.subject_code as printed_code,
        subject_rows.subject_name as printed_name,
        subject_rows.total
    from subject_rows
    left join carried_forward
        on
            subject_rows.subject_code = carried_forward.from_code
            and subject_rows.fiscal_year >= carried_forward.to_year_from
),

current_amounts as (
    select
        department_id,
        fiscal_year,
        subject_code,
        sum(total) as amount,
        string_agg(distinct printed_code, ',' order by printed_code) as printed_subject_codes,
        min(printed_name) as printed_name
    from current_rows
    group by department_id, fiscal_year, subject_code
),

-- last year's rows, each code read as the code valid in the year they are compared with
prior_rows as (
    select
        subject_rows.department_id,
        subject_rows.fiscal_year + 1 as fiscal_year,
        coalesce(carried_forward.to_code, subject_rows.subject_code) as subject_code,
        subject_rows.subject_code as prior_code,
        subject_rows.subject_name as prior_printed_name,
        carried_forward.relation,
        subject_rows.total
    from subject_rows
    left join carried_forward
        on
            subject_rows.subject_code = carried_forward.from_code
            and subject_rows.fiscal_year + 1 >= carried_forward.to_year_from
),

prior_amounts as (
    select
        department_id,
        fiscal_year,
        subject_code,
        sum(total) as prior_year_amount,
        string_agg(distinct prior_code, ',' order by prior_code) as prior_subject_codes,
        min(prior_code) as first_prior_code,
        min(prior_printed_name) as prior_printed_name,
        max(relation) as relation
    from prior_rows
    group by department_id, fiscal_year, subject_code
),

-- the new codes of a split at the boundary into their first year
split_codes as (
    select distinct
        to_code as subject_code,
        to_year_from as fiscal_year
    from code_carry
    where relation = 'split'
),

renamings as (
    select distinct
        to_code as subject_code,
        to_year_from as fiscal_year
    from code_carry
    where relation = 'renamed'
),

subject_years as (
    select department_id, fiscal_year, subject_code from current_amounts
    union
    select department_id, fiscal_year, subject_code from prior_amounts
),

compared as (
    select
        department_years.department_id,
        department_years.department_name,
        department_years.fiscal_year,
        department_years.document_id,
        subject_years.subject_code,
        current_amounts.printed_subject_codes,
        current_amounts.printed_name,
        coalesce(current_amounts.amount, 0) as amount,
        prior_years.document_id as prior_document_id,
        prior_amounts.prior_subject_codes,
        prior_amounts.first_prior_code,
        prior_amounts.prior_printed_name,
        case
            when prior_years.document_id is null then null
            when split_codes.subject_code is not null then null
            else coalesce(prior_amounts.prior_year_amount, 0)
        end as prior_year_amount,
        case
            when split_codes.subject_code is not null then 'split'
            when prior_amounts.relation is not null then prior_amounts.relation
            when renamings.subject_code is not null then 'renamed'
        end as crosswalk_relation,
        current_amounts.subject_code is null as only_prior_year
    from subject_years
    -- a subject is compared in a year the department published
    inner join department_years
        on
            subject_years.department_id = department_years.department_id
            and subject_years.fiscal_year = department_years.fiscal_year
    left join department_years as prior_years
        on
            subject_years.department_id = prior_years.department_id
            and subject_years.fiscal_year = prior_years.fiscal_year + 1
    left join current_amounts
        on
            subject_years.department_id = current_amounts.department_id
            and subject_years.fiscal_year = current_amounts.fiscal_year
            and subject_years.subject_code = current_amounts.subject_code
    left join prior_amounts
        on
            subject_years.department_id = prior_amounts.department_id
            and subject_years.fiscal_year = prior_amounts.fiscal_year
            and subject_years.subject_code = prior_amounts.subject_code
    left join split_codes
        on
            subject_years.subject_code = split_codes.subject_code
            and subject_years.fiscal_year = split_codes.fiscal_year
    left join renamings
        on
            subject_years.subject_code = renamings.subject_code
            and subject_years.fiscal_year = renamings.fiscal_year
),

catalogued_codes as (
    select distinct subject_code from function_subjects
),

final as (
    select
        compared.department_id,
        compared.department_name,
        compared.fiscal_year,
        compared.document_id,
        compared.subject_code,
        case length(compared.subject_code) when 3 then 1 when 5 then 2 when 7 then 3 end
            as subject_level,
        coalesce(this_year_name.subject_name, compared.printed_name, compared.prior_printed_name)
            as subject_name,
        cast(compared.amount as decimal(20, 2)) as amount,
        cast(compared.prior_year_amount as decimal(20, 2)) as prior_year_amount,
        cast(compared.amount - compared.prior_year_amount as decimal(20, 2)) as change,
        cast(
            round(
                (compared.amount - compared.prior_year_amount)
                * 100 / nullif(compared.prior_year_amount, 0),
                2
            ) as decimal(20, 2)
        ) as change_pct,
        compared.crosswalk_relation,
        compared.printed_subject_codes,
        compared.prior_subject_codes,
        coalesce(prior_year_name.subject_name, compared.prior_printed_name)
            as prior_subject_name,
        compared.prior_document_id
    from compared
    left join function_subjects as this_year_name
        on
            compared.subject_code = this_year_name.subject_code
            and compared.fiscal_year
            between this_year_name.valid_from_year and coalesce(this_year_name.valid_to_year, 9999)
    left join function_subjects as prior_year_name
        on
            compared.first_prior_code = prior_year_name.subject_code
            and compared.fiscal_year - 1
            between prior_year_name.valid_from_year
            and coalesce(prior_year_name.valid_to_year, 9999)
    left join catalogued_codes on compared.subject_code = catalogued_codes.subject_code
    -- a subject printed only the year before goes on with amount 0 unless the catalogue says
    -- its code ended (a retired or split code)
    where not (
        compared.only_prior_year
        and catalogued_codes.subject_code is not null
        and this_year_name.subject_code is null
    )
)

select * from final
