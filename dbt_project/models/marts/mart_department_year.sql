-- Headline figures per department and year, from its published document.
with

documents as (
    select * from {{ ref('int_documents_published') }}
),

summary_lines as (
    select * from {{ ref('fct_summary_line') }}
    where table_key = 'summary'
),

subject_rows as (
    select * from {{ ref('int_subject_rows') }}
),

economic_rows as (
    select * from {{ ref('int_economic_rows') }}
),

three_public as (
    select * from {{ ref('fct_three_public') }}
),

check_counts as (
    select * from {{ ref('int_document_check_counts') }}
),

summary_totals as (
    select
        document_id,
        max(amount) filter (where side = 'income' and line_key = 'income_total') as total_income,
        max(amount) filter (
            where side = 'expenditure' and line_key = 'expenditure_total'
        ) as total_expenditure
    from summary_lines
    group by document_id
),

-- the printed 合计 row of the expenditure table
expenditure_totals as (
    select
        document_id,
        arg_min(basic, row_index) as basic,
        arg_min(project, row_index) as project
    from subject_rows
    where table_key = 'expenditure' and line_key = 'total'
    group by document_id
),

-- 人员经费 / 公用经费: the printed totals, else the sum of the classes (else of the 款) by group
basic_split as (
    select
        document_id,
        coalesce(
            max(amount) filter (where line_key = 'personnel_total'),
            sum(amount) filter (where economic_level = 1 and expense_group = 'personnel'),
            sum(amount) filter (where economic_level = 2 and expense_group = 'personnel')
        ) as personnel,
        coalesce(
            max(amount) filter (where line_key = 'public_total'),
            sum(amount) filter (where economic_level = 1 and expense_group = 'public'),
            sum(amount) filter (where economic_level = 2 and expense_group = 'public')
        ) as public_funds
    from economic_rows
    group by document_id
),

three_public_actual as (
    select
        document_id,
        amount as three_public_actual
    from three_public
    where category = 'total' and kind = 'actual'
),

final as (
    select
        documents.department_id,
        documents.department_name,
        documents.fiscal_year,
        documents.document_id,
        cast(summary_totals.total_income as decimal(20, 2)) as total_income,
        cast(summary_totals.total_expenditure as decimal(20, 2)) as total_expenditure,
        cast(expenditure_totals.basic as decimal(20, 2)) as basic,
        cast(expenditure_totals.project as decimal(20, 2)) as project,
        cast(basic_split.personnel as decimal(20, 2)) as personnel,
        cast(basic_split.public_funds as decimal(20, 2)) as public_funds,
        cast(three_public_actual.three_public_actual as decimal(20, 2)) as three_public_actual,
        coalesce(check_counts.error_count, 0) as error_count,
        coalesce(check_counts.warning_count, 0) as warning_count
    from documents
    left join summary_totals on documents.document_id = summary_totals.document_id
    left join expenditure_totals on documents.document_id = expenditure_totals.document_id
    left join basic_split on documents.document_id = basic_split.document_id
    left join three_public_actual on documents.document_id = three_public_actual.document_id
    left join check_counts on documents.document_id = check_counts.document_id
)

select * from final
