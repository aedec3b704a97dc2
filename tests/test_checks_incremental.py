"""Incremental checks (`expectations.scope`): a run given the last published warehouse
evaluates the departments whose documents or checks changed and carries the other
departments' results over; what it writes equals a full evaluation of the same documents."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from checks_support import build_database, clean_document, shift_figures
from narrative_support import prior_year

from expectations.registry import CHECKS
from expectations.run import CheckRunSummary, run_checks
from extractors.ir import Document

INCOME_COLUMNS = ("total", "fiscal_appropriation")
FIRST_SEEN = datetime(2026, 11, 1, tzinfo=UTC)  # as the inbox index stamps a file's bytes


def department(name: str) -> list[Document]:
    """A department's consistent document and its prior year."""
    document = clean_document(name)
    return [document, prior_year(document)]


def first_corpus() -> list[Document]:
    return [*department("alpha"), *department("beta"), *department("gamma")]


def second_corpus() -> list[Document]:
    """beta publishes a new version with 收入决算表's 221 class raised by 1.00 万元 (income.grand
    breaks); gamma's prior year is withdrawn; alpha is unchanged."""
    beta, beta_prior = department("beta")
    beta.sha256 = "beta-v2"
    shift_figures(beta, "income", INCOME_COLUMNS, "1.00", "221", "22102", "2210201")
    gamma, _ = department("gamma")
    return [*department("alpha"), beta, beta_prior, gamma]


def stamped(
    documents: list[Document],
) -> tuple[list[Document], list[tuple[str, str, str]], dict[str, datetime]]:
    return documents, [], {document.sha256: FIRST_SEEN for document in documents}


@pytest.fixture(scope="module")
def databases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """`warehouse`: the first corpus checked (run "first"); `second`: the second corpus,
    loaded and staged, not checked."""
    base = tmp_path_factory.mktemp("incremental")
    for name in ("first", "second"):
        (base / name).mkdir()
    build_database(base / "first" / "build.duckdb", *stamped(first_corpus()))
    with duckdb.connect(str(base / "first" / "build.duckdb")) as con:
        run_checks(con, "first")
    build_database(base / "second" / "build.duckdb", *stamped(second_corpus()))
    return {name: base / folder / "build.duckdb"
            for name, folder in (("warehouse", "first"), ("second", "second"))}


def checked(
    source: Path, target: Path, run_id: str, previous: Path | None = None, checks=CHECKS
) -> CheckRunSummary:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target)
    with duckdb.connect(str(target)) as con:
        return run_checks(con, run_id, checks, previous=previous)


def differences(left: Path, right: Path, table: str) -> list[tuple[object, ...]]:
    """Rows of `table` in one database and not the other (run ids aside), both ways."""
    with duckdb.connect(str(left), read_only=True) as con:
        con.execute(f"attach '{right}' as other (read_only)")
        return con.execute(f"""
            (select 'left' as side, * exclude (run_id) from {table}
             except all select 'left', * exclude (run_id) from other.{table})
            union all
            (select 'right', * exclude (run_id) from other.{table}
             except all select 'right', * exclude (run_id) from {table})
        """).fetchall()


def query(path: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_changed_departments_are_evaluated_and_the_rest_carried_over(
    databases: dict[str, Path], tmp_path: Path
) -> None:
    incremental = tmp_path / "incremental.duckdb"
    summary = checked(databases["second"], incremental, "second", databases["warehouse"])
    full = tmp_path / "full.duckdb"
    checked(databases["second"], full, "second")

    assert summary.documents_evaluated == 3  # beta-v2, beta-prior, gamma
    assert summary.documents_reused == 2  # alpha, alpha-prior
    assert differences(incremental, full, "dq.check_results") == []
    assert differences(incremental, full, "dq.document_status") == []
    assert query(incremental, "select distinct run_id from dq.check_results") == [("second",)]
    evaluated = dict(query(incremental, """
        select d.department_name, any_value(s.evaluated_run_id)
        from dq.check_scope as s
        join staging.stg_documents as d on d.department_id = s.department_key
        group by all"""))
    assert evaluated == {"测试市alpha局": "first", "测试市beta局": "second",
                         "测试市gamma局": "second"}
    assert query(incremental, "select evaluated_run_id, sum(documents)::integer "
                              "from dq.check_scope group by all order by all") == [
        ("first", 2), ("second", 3)]
    # the new version's broken identity is found, with its evidence
    [(lhs, rhs, status)] = query(incremental, """
        select lhs, rhs, status from dq.check_results
        where document_id = 'beta-v2' and check_id = 'income.grand'
            and column_key = 'fiscal_appropriation'""")
    assert (status, rhs - lhs) == ("fail", 10000)  # 1.00 万元 more in the 合计 row's parts
    [(beta_status,)] = query(incremental, "select status from dq.document_status "
                                          "where document_id = 'beta-v2'")
    assert beta_status == "quarantined"


def test_nothing_changed_carries_everything_over_without_gx(
    databases: dict[str, Path], tmp_path: Path
) -> None:
    again = tmp_path / "again.duckdb"
    summary = checked(databases["warehouse"], again, "again", databases["warehouse"])

    assert (summary.documents_evaluated, summary.documents_reused) == (0, 6)
    assert summary.gx_validate_seconds == 0  # nothing to validate
    assert differences(again, databases["warehouse"], "dq.check_results") == []
    assert differences(again, databases["warehouse"], "dq.document_status") == []


def test_first_seen_stamps_count_by_their_order_only(
    databases: dict[str, Path], tmp_path: Path
) -> None:
    """The same files first seen a day later (another home's inbox index, as the crash harness
    compares homes): the checks read the stamps' order only, so every result is carried over."""
    shifted = tmp_path / "shifted" / "build.duckdb"
    shifted.parent.mkdir()
    documents, failures, stamps = stamped(first_corpus())
    later = {sha256: stamp + timedelta(days=1) for sha256, stamp in stamps.items()}
    build_database(shifted, documents, failures, later)
    summary = checked(shifted, tmp_path / "checked.duckdb", "shifted", databases["warehouse"])

    assert (summary.documents_evaluated, summary.documents_reused) == (0, 6)


def test_changed_checks_evaluate_every_department(
    databases: dict[str, Path], tmp_path: Path
) -> None:
    fewer = [check for check in CHECKS if check.id != "income.grand"]
    summary = checked(
        databases["warehouse"], tmp_path / "fewer.duckdb", "fewer", databases["warehouse"], fewer
    )

    assert (summary.documents_evaluated, summary.documents_reused) == (6, 0)
    assert query(tmp_path / "fewer.duckdb",
                 "select count(*) from dq.check_results where check_id = 'income.grand'") == [(0,)]


def test_unreadable_previous_warehouse_means_a_full_evaluation(
    databases: dict[str, Path], tmp_path: Path
) -> None:
    garbage = tmp_path / "warehouse.duckdb"
    garbage.write_bytes(b"not a database" * 100)
    summary = checked(databases["second"], tmp_path / "second.duckdb", "second", garbage)

    assert (summary.documents_evaluated, summary.documents_reused) == (5, 0)
    assert query(tmp_path / "second.duckdb",
                 "select count(distinct document_id) from dq.check_results") == [(5,)]
