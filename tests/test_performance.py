"""Performance self-evaluation tables (部门整体 / 项目支出绩效自评情况表): reading their grid on the
Henan sample, on grids laid out otherwise, on a generated corpus (every figure of truth.json),
the perf.* checks (the Henan finding 0.36 vs 0.33) and the performance marts."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest
from checks_support import dbt
from corpus_support import RUN, Corpus, corpus, failed_checks, henan, henan_database

from extractors.ir import PerfEvaluation
from extractors.performance import performance_from_grid


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return corpus(tmp_path_factory.getbasetemp())


# -- the Henan 2023 sample


def test_henan_department_row() -> None:
    department = henan().evaluations[0]
    assert (department.scope, department.item_name) == ("department", "许昌市人力资源和社会保障局")
    total = department.funds[0]
    assert (total.line_key, total.label) == ("funds_total", "部门预算总额")
    assert (total.initial_budget, total.annual_budget, total.executed) == (
        Decimal("51274.27"), Decimal("366579.42"), Decimal("11915.1"))
    assert (total.execution_rate, total.weight, total.score) == (
        Decimal("3.25"), Decimal(10), Decimal("0.36"))
    assert total.raw["execution_rate"] == "3.25 %"
    assert [f.line_key for f in department.funds] == [
        "funds_total", "funds_fiscal", "funds_special", "funds_unit"]
    assert department.location == "line 3057"
    assert (department.total_weight, department.total_score) == (Decimal(100), Decimal("90.36"))
    assert len(department.indicators) == 30
    first = department.indicators[0]
    assert (first.level1, first.level2, first.name, first.target, first.actual) == (
        "投入管理指标", "工作目标管理", "年度履职目标相关性", "相关", "100%")
    # 二级指标 carried down over the merged cell
    assert department.indicators[2].level2 == "工作目标管理"


def test_henan_project_tables() -> None:
    projects = henan().evaluations[1:]
    assert len(projects) == 20 and {p.scope for p in projects} == {"project"}
    first = projects[0]
    assert first.item_name == "2021年度许昌市工程系列中级职称评审"
    assert (first.funds[0].annual_budget, first.funds[0].execution_rate) == (
        Decimal("7.61"), Decimal("100.0"))
    management = [i for i in first.indicators if i.level1 == "资金管理情况"]
    assert [(i.name, i.target, i.weight) for i in management][:2] == [
        ("安排科学性", "安排科学", Decimal(5)), ("拨付合规性", "拨付合规", Decimal(5))]
    assert sum((i.score or 0) for i in first.indicators) + (first.funds[0].score or 0) == (
        first.total_score)


def test_henan_execution_score_warning(tmp_path_factory: pytest.TempPathFactory) -> None:
    """得分 printed 0.36 where 10 × 3.25% = 0.33: the sample's real finding, and its only one
    among the perf checks."""
    path = henan_database(tmp_path_factory.getbasetemp())
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            "select check_id, severity, lhs, rhs, difference, tolerance, table_key, row_label, "
            "column_key from dq.check_results where run_id = ? and check_id like 'perf.%' "
            "and status = 'fail'",
            [RUN],
        ).fetchall()
    assert rows == [("perf.execution_score", "warning", Decimal("0.36"), Decimal("0.33"),
                     Decimal("0.03"), Decimal("0.01"), "perf_department",
                     "许昌市人力资源和社会保障局 部门预算总额", "score")]


# -- grids laid out otherwise


def test_header_by_meaning_and_a_table_spanning_pages() -> None:
    """Columns in another order, a cell over two paragraphs, the header repeated on the next
    page and an indicator row broken over the page break."""
    rows = [
        ["项目名称", "示范项目", "", "", "", "", "", ""],
        ["项目资金（元）", "", "执行率", "全年预算数", "年初预算数", "全年执行数", "得分", "分值"],
        ["", "年度资金总额", "50.0%", "200,000", "100,000", "100,000", "5", "10"],
        ["一级指标", "二级指标", "三级指标", "分值", "得分", "年度指标值", "实际完成值", "偏差度"],
        ["产出指标", "数量指标", "培训\n人数", "40", "40", "≥100人", "120人", "0"],
        ["", "", "覆盖", "", "", "", "", ""],
        ["一级指标", "二级指标", "三级指标", "分值", "得分", "年度指标值", "实际完成值", "偏差度"],
        ["", "", "覆盖率", "50", "45", "100%", "90%", "10%"],
        ["总分", "100", "95", "", "", "", "", ""],
    ]
    pages = [30, 30, 30, 30, 30, 31, 31, 31, 31]
    evaluation = performance_from_grid(rows, 30, row_pages=pages, unit="万元")
    assert isinstance(evaluation, PerfEvaluation)
    assert (evaluation.scope, evaluation.item_name) == ("project", "示范项目")
    assert evaluation.unit == "元"  # from the funds header, over the default
    assert evaluation.pages == [30, 31]
    total = evaluation.funds[0]
    assert (total.initial_budget, total.annual_budget, total.executed) == (
        Decimal(100000), Decimal(200000), Decimal(100000))
    assert (total.execution_rate, total.weight, total.score) == (Decimal(50), Decimal(10),
                                                                 Decimal(5))
    names = [(i.level1, i.level2, i.name, i.weight, i.score, i.page) for i in evaluation.indicators]
    assert names == [
        ("产出指标", "数量指标", "培训人数覆盖", Decimal(40), Decimal(40), 30),
        ("产出指标", "数量指标", "覆盖率", Decimal(50), Decimal(45), 31),
    ]
    assert (evaluation.total_score, evaluation.total_page) == (Decimal(95), 31)


def test_a_grid_without_a_self_evaluation_is_none() -> None:
    assert performance_from_grid([["项目", "金额"], ["合计", "1.00"]], 3) is None


# -- the generated corpus


def test_every_performance_figure_right(generated: Corpus) -> None:
    right = wrong = formulas = 0
    misses = []
    for doc in generated.documents:
        tables = [t for t in doc.truth.tables if t.key.startswith("perf_")]
        evaluations = doc.document.evaluations
        assert len(evaluations) == len(tables), doc.path.name
        for table, evaluation in zip(tables, evaluations, strict=True):
            funds = {f.line_key: f for f in evaluation.funds}
            indicators = iter(evaluation.indicators)
            checks: list[tuple[str, object, object]] = [
                ("scope", table.key.removeprefix("perf_"), evaluation.scope)]
            if table.caption and evaluation.scope == "project":
                checks.append(("item_name", table.caption, evaluation.item_name))
            for row in table.rows:
                if (row.line_key or "").startswith("funds_"):
                    line = funds.get(row.line_key or "")
                    checks += [(f"{row.line_key}.{c.column_key}", c.value,
                                getattr(line, c.column_key, None)) for c in row.cells]
                elif row.line_key == "indicator":
                    indicator = next(indicators, None)
                    checks.append(("indicator", row.label, indicator and indicator.name))
                    for c in row.cells:
                        if c.value is None and c.raw.startswith("="):
                            formulas += 1  # written by the generator as an XLSX formula
                            continue
                        want = c.raw if c.value is None else c.value
                        checks.append((c.column_key, want, getattr(indicator, c.column_key)))
                elif row.line_key == "total_score":
                    checks += [("total_weight", row.amount("weight"), evaluation.total_weight),
                               ("total_score", row.amount("score"), evaluation.total_score)]
            for name, want, got in checks:
                if want == got:
                    right += 1
                else:
                    wrong += 1
                    misses.append((doc.path.name, table.caption, name, want, got))
    print(f"performance figures right: {right} of {right + wrong}; {formulas} XLSX cells "
          "holding a formula (=100%) without a value left out")
    assert right > 1000 and misses == []


def test_planted_performance_faults_reported(generated: Corpus) -> None:
    planted = set()
    for doc in generated.documents:
        failed = failed_checks(generated.database, doc.document.sha256)
        for fault in doc.truth.faults:
            if fault.check_id.startswith("perf."):
                planted.add(fault.check_id)
                assert fault.check_id in failed, (doc.path.name, fault.check_id, failed)
    assert planted == {"perf.execution_score"}


# -- the marts


def test_performance_marts(tmp_path_factory: pytest.TempPathFactory) -> None:
    path = henan_database(tmp_path_factory.getbasetemp())
    dbt(path, "run", "--select", "+fct_performance", "+fct_performance_indicator")
    with duckdb.connect(str(path), read_only=True) as con:
        department = con.execute(
            "select scope, item_name, initial_budget, budget, executed, execution_rate, "
            "execution_weight, execution_score, indicator_count, indicator_score, total_weight, "
            "score from marts.fct_performance where evaluation_index = 0"
        ).fetchall()
        [(items,)] = con.execute("select count(*) from marts.fct_performance").fetchall()
        indicator = con.execute(
            "select level1, level2, indicator_name, target, actual, weight, score, deviation "
            "from marts.fct_performance_indicator where evaluation_index = 0 "
            "and indicator_index = 0"
        ).fetchall()
    assert department == [(
        "department", "许昌市人力资源和社会保障局", Decimal("512742700.00"),
        Decimal("3665794200.00"), Decimal("119151000.00"), Decimal("0.032500"), Decimal("10.00"),
        Decimal("0.36"), 30, Decimal("90.00"), Decimal("100.00"), Decimal("90.36"),
    )]
    assert items == 21
    assert indicator == [("投入管理指标", "工作目标管理", "年度履职目标相关性", "相关", "100%",
                          Decimal("1.00"), Decimal("1.00"), "0.00")]
