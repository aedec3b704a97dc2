"""Performance self-evaluation checks (部门整体 / 项目支出绩效自评情况表).

Rates and scores are compared as printed: the computed side is rounded to 0.01 (half up) and
the sides agree within `max(0.01, half the printed figure's step)` (0.05 for a rate printed
as "87.0 %"), reported as `n_terms` 1 and `half_unit_yuan` = that tolerance. The 总分 is an
identity of printed scores: `n × 0.005`, n its nonzero figures. lhs / rhs are percentage points
or score points, not 元.
"""

from __future__ import annotations

_TABLE_KEY = "'perf_' || f.scope"
_ROW_LABEL = "coalesce(f.item_name, f.scope) || ' ' || f.label"

# 执行率 = 全年执行数 / 全年预算数 (a line with no 全年预算数 has no rate to check)
EXECUTION_RATE = f"""
select f.document_id, {_TABLE_KEY} as table_key, f.page, {_ROW_LABEL} as row_label,
    'execution_rate' as column_key, f.execution_rate as lhs,
    round(100 * f.executed / f.annual_budget, 2) as rhs, 1 as n_terms,
    greatest(0.01, f.execution_rate_half_step) as half_unit_yuan,
    '执行率 ' || f.execution_rate_raw || ' = 全年执行数 / 全年预算数 (percentage points)'
        as message
from staging.stg_perf_funds as f
where f.execution_rate is not null and coalesce(f.annual_budget, 0) <> 0"""

# 预算执行得分 = 分值 × min(执行率, 1), with the printed rate (its own check is execution_rate)
EXECUTION_SCORE = f"""
with rated as (
    select f.*, coalesce(f.execution_rate, 100 * f.executed / nullif(f.annual_budget, 0))
        as rate
    from staging.stg_perf_funds as f
    where f.score is not null and f.weight is not null
)
select f.document_id, {_TABLE_KEY} as table_key, f.page, {_ROW_LABEL} as row_label,
    'score' as column_key, f.score as lhs,
    round(f.weight * least(f.rate / 100, 1), 2) as rhs, 1 as n_terms,
    greatest(0.01, f.score_half_step) as half_unit_yuan,
    '预算执行得分 ' || f.score_raw || ' = 分值 ' || rtrim(rtrim(f.weight::varchar, '0'), '.')
        || ' × min(执行率 '
        || coalesce(f.execution_rate_raw, '') || ', 1) (score points)' as message
from rated as f
where f.rate is not null"""

# 总分 = Σ indicator 得分 + 预算执行得分 (the funds_total line's score)
TOTAL_SCORE = """
with indicators as (
    select document_id, evaluation_index, sum(score) as score,
        count(*) filter (where score <> 0) as nz
    from staging.stg_perf_indicators
    group by document_id, evaluation_index
),
execution as (
    select document_id, evaluation_index, arg_min(score, line_index) as score
    from staging.stg_perf_funds
    where line_key = 'funds_total' and score is not null
    group by document_id, evaluation_index
)
select e.document_id, 'perf_' || e.scope as table_key, coalesce(e.total_page, e.page_start)
        as page, coalesce(e.item_name, e.scope) || ' 总分' as row_label, 'score' as column_key,
    e.total_score as lhs, coalesce(i.score, 0) + coalesce(x.score, 0) as rhs,
    (e.total_score <> 0)::int + coalesce(i.nz, 0) + (coalesce(x.score, 0) <> 0)::int
        as n_terms,
    0.005 as half_unit_yuan,
    '总分 ' || e.total_raw || ' = Σ indicator 得分 + 预算执行得分 (score points)' as message
from staging.stg_perf_evaluations as e
left join indicators as i using (document_id, evaluation_index)
left join execution as x using (document_id, evaluation_index)
where e.total_score is not null"""
