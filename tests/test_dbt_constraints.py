"""The contracted marts' NOT NULL and UNIQUE constraints, enforced by DuckDB in the real build.

The marts (dim_*, fct_*, mart_*) declare `constraints: [{type: not_null}]` (and `unique` on their
keys) instead of the equivalent dbt data tests: dbt-duckdb creates a contracted table with its
declared constraints, so a null or a duplicate fails the model's build itself. These tests put
one into a real build database and run the real `dbt build` of that mart.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest
import yaml  # type: ignore[import-untyped]
from checks_support import PROJECT, clean_document, dbt

from expectations.run import run_checks
from extractors.load import create_raw_schema, load_documents

MARTS = PROJECT / "dbt_project" / "models" / "marts"
RUN = "constraints"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One clean document through the loader and the pipeline's two dbt builds around the
    checks: the marts build, constraints and all."""
    db = tmp_path_factory.mktemp("built") / "build.duckdb"
    with duckdb.connect(str(db)) as con:
        create_raw_schema(con)
        load_documents(con, [clean_document("clean")])
    dbt(db, "build", "--exclude", "source:dq+")
    with duckdb.connect(str(db)) as con:
        run_checks(con, RUN)
    dbt(db, "build", "--select", "source:dq+")
    return db


@pytest.fixture
def build_db(built: Path, tmp_path: Path) -> Path:
    """A copy of the built database for one test to break."""
    copy = tmp_path / "build.duckdb"
    shutil.copy(built, copy)
    return copy


def rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def build_fails(db: Path, select: str) -> str:
    with pytest.raises(RuntimeError) as failure:
        dbt(db, "build", "--select", select)
    return str(failure.value)


def test_null_in_a_not_null_mart_column_fails_the_build(build_db: Path) -> None:
    before = rows(build_db, "select document_id, status from marts.dim_document")
    assert before and all(status is not None for _, status in before)
    with duckdb.connect(str(build_db)) as con:
        con.execute("update intermediate.int_document_status set status = null")
    message = build_fails(build_db, "dim_document")
    assert re.search(r"NOT NULL constraint failed: dim_document\w*\.status", message), message
    # the failed build replaced nothing: the previous table stays
    assert rows(build_db, "select document_id, status from marts.dim_document") == before


def test_duplicate_mart_key_fails_the_build(build_db: Path) -> None:
    before = rows(build_db, "select document_id from marts.dim_document")
    with duckdb.connect(str(build_db)) as con:
        con.execute("insert into intermediate.int_document_status "
                    "select * from intermediate.int_document_status")
    message = build_fails(build_db, "dim_document")
    assert "PRIMARY KEY or UNIQUE constraint violation: duplicate key" in message, message
    assert before[0][0] in message
    assert rows(build_db, "select document_id from marts.dim_document") == before


def test_contracted_marts_declare_constraints_not_tests() -> None:
    """A plain not_null or unique test on a contracted column belongs in its constraints."""
    misplaced = []
    constrained = 0
    for path in sorted(MARTS.glob("*.yml")):
        for model in yaml.safe_load(path.read_text(encoding="utf-8")).get("models", []):
            if not model.get("config", {}).get("contract", {}).get("enforced"):
                continue
            for column in model.get("columns", []):
                tests = column.get("data_tests", [])
                assert tests or "data_tests" not in column, (model["name"], column["name"])
                misplaced += [(model["name"], column["name"], t) for t in tests
                              if t in ("not_null", "unique")]
                constrained += len(column.get("constraints", []))
    assert misplaced == []
    assert constrained >= 117
