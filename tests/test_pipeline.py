"""End to end: an inbox becomes a published, checked warehouse (real Dagster, dbt, DuckDB)."""

from __future__ import annotations

import shutil
from decimal import Decimal

import duckdb
import pytest

from orchestration.cli import run
from orchestration.paths import SAMPLE_INBOX, Home
from orchestration.publish import publish

HENAN = "henan-xuchang-hrss-2023.txt"
SHANGHAI = "shanghai-putuo-finance-2024.pdf"
WAN = Decimal(10000)


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Home:
    """One real run over both samples, a sample with one figure changed, and a corrupt file."""
    inbox = tmp_path_factory.mktemp("inbox")
    for name in (HENAN, SHANGHAI):
        shutil.copy(SAMPLE_INBOX / name, inbox / name)
    lines = (SAMPLE_INBOX / HENAN).read_text(encoding="utf-8").splitlines(keepends=True)
    # 支出决算表, row 2080101 行政运行: basic 4,054.88 printed as 4,064.88.
    assert lines[1149].strip() == "行政运行" and lines[1151].strip() == "4,054.88"
    lines[1151] = lines[1151].replace("4,054.88", "4,064.88")
    (inbox / "henan-modified.txt").write_text("".join(lines), encoding="utf-8")
    (inbox / "corrupt.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    home = Home(tmp_path_factory.mktemp("home"))
    assert run(inbox, home)
    return home


def query(home: Home, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def document_id(home: Home, file_name: str) -> str:
    rows = query(
        home,
        "select document_id from marts.dim_document where source_path like ?",
        [f"%/{file_name}"],
    )
    assert len(rows) == 1, rows
    return rows[0][0]


def test_henan_sample_figures_published(pipeline: Home) -> None:
    doc = document_id(pipeline, HENAN)
    income = query(pipeline, "select total from marts.fct_income "
                   "where document_id = ? and subject_code is null", [doc])
    assert income == [(Decimal("11684.56") * WAN,)]
    row = query(pipeline, "select total, basic, project from marts.fct_expenditure "
                "where document_id = ? and subject_code = '2080101'", [doc])
    assert row == [(Decimal("4062.49") * WAN, Decimal("4054.88") * WAN, Decimal("7.61") * WAN)]
    mart = query(pipeline, "select total_income, total_expenditure, three_public_actual, "
                 "personnel, public_funds from marts.mart_department_year "
                 "where document_id = ?", [doc])
    assert mart == [tuple(Decimal(v) * WAN for v in
                          ("11684.56", "11915.10", "12.60", "7073.99", "571.70"))]


def test_shanghai_sample_figures_published(pipeline: Home) -> None:
    doc = document_id(pipeline, SHANGHAI)
    mart = query(pipeline, "select total_income, total_expenditure from "
                 "marts.mart_department_year where document_id = ?", [doc])
    assert mart == [(Decimal("2946.25") * WAN, Decimal("2940.05") * WAN)]
    row = query(pipeline, "select total from marts.fct_gpb_expenditure "
                "where document_id = ? and subject_code = '2010601'", [doc])
    assert row == [(Decimal("1511.89") * WAN,)]


def test_both_samples_published_with_rounding_tails_passing(pipeline: Home) -> None:
    for name in (HENAN, SHANGHAI):
        doc = document_id(pipeline, name)
        assert query(pipeline, "select status from marts.dim_document where document_id = ?",
                     [doc]) == [("published",)]
        errors = query(pipeline, "select check_id, row_label from dq.check_results "
                       "where document_id = ? and severity = 'error' and status = 'fail'", [doc])
        assert errors == []
    # Henan 公用经费合计 571.70 against 302+307+310+399 = 571.71: a tail, kept as a pass.
    tails = query(pipeline, "select count(*) from dq.check_results where status = 'pass' "
                  "and difference <> 0")
    assert tails[0][0] > 0


def test_changed_figure_quarantines_only_that_document(pipeline: Home) -> None:
    doc = document_id(pipeline, "henan-modified.txt")
    assert query(pipeline, "select status from marts.dim_document where document_id = ?",
                 [doc]) == [("quarantined",)]
    assert query(pipeline, "select count(*) from marts.fct_expenditure where document_id = ?",
                 [doc]) == [(0,)]
    failures = query(
        pipeline,
        "select table_key, row_label, lhs, rhs, difference, tolerance from dq.check_results "
        "where document_id = ? and check_id = 'expenditure.row_sum' and status = 'fail'",
        [doc],
    )
    assert len(failures) == 1
    table_key, row_label, lhs, rhs, difference, tolerance = failures[0]
    assert table_key == "expenditure" and "2080101" in row_label
    assert (lhs, rhs) == (Decimal("4062.49") * WAN, Decimal("4072.49") * WAN)
    assert abs(difference) == Decimal("10.00") * WAN and tolerance < abs(difference)


def test_corrupt_file_recorded_and_run_goes_on(pipeline: Home) -> None:
    rows = query(pipeline, "select d.status, r.message from marts.dim_document d "
                 "join dq.check_results r using (document_id) "
                 "where d.source_path like '%/corrupt.pdf' and r.check_id = 'doc.readable'")
    assert len(rows) == 1
    status, message = rows[0]
    assert status == "quarantined" and "corrupt.pdf" in message


def test_parquet_export_and_report(pipeline: Home) -> None:
    exported = duckdb.sql(
        f"select count(*) from read_parquet('{pipeline.export_dir}/fct_income/*.parquet')"
    ).fetchall()
    assert exported == query(pipeline, "select count(*) from marts.fct_income")
    run_id = query(pipeline, "select run_id from dq.runs")[0][0]
    html = (pipeline.reports_dir / f"report-{run_id}.html").read_text(encoding="utf-8")
    assert "expenditure.row_sum" in html and "corrupt.pdf" in html


def test_dagster_recorded_materialisations_and_checks(pipeline: Home) -> None:
    from dagster import AssetCheckKey, AssetKey, DagsterInstance

    with DagsterInstance.from_config(str(pipeline.dagster_home)) as instance:
        assert instance.get_latest_materialization_event(AssetKey("published_warehouse"))
        history = instance.event_log_storage.get_asset_check_execution_history(
            AssetCheckKey(AssetKey(["dq", "check_results"]), "expenditure__row_sum"), limit=1
        )
        assert len(history) == 1
        evaluation = history[0].event.dagster_event.event_specific_data
        assert evaluation.passed is False


def test_reader_of_old_warehouse_is_not_disturbed_by_a_publish(pipeline: Home) -> None:
    reader = duckdb.connect(str(pipeline.warehouse), read_only=True)
    before = reader.execute("select count(*) from marts.fct_income").fetchone()
    publish(pipeline, "republished")
    assert reader.execute("select count(*) from marts.fct_income").fetchone() == before
    reader.close()
    assert query(pipeline, "select count(*) from marts.fct_income")[0] == before


def test_henan_real_findings_reported_as_warnings(pipeline: Home) -> None:
    doc = document_id(pipeline, HENAN)
    findings = query(pipeline, "select check_id, severity, row_label, lhs, rhs "
                     "from dq.check_results where document_id = ? and status = 'fail' "
                     "order by check_id", [doc])
    duplicate = ("doc.unit_list", "warning", "许昌市人才交流服务中心", Decimal(2), Decimal(1))
    assert duplicate in findings
    assert [(f[0], f[1], f[3], f[4]) for f in findings if f[0] == "perf.execution_score"] == [
        ("perf.execution_score", "warning", Decimal("0.36"), Decimal("0.33"))]
    assert {f[1] for f in findings} == {"warning"}
