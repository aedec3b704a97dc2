"""Publish the checked marts: a new warehouse file replaces the old one atomically.

The published file is built beside the old one and renamed over it, so a reader holding
the old file open keeps reading the old warehouse and a new reader sees the new one; a
crash before the rename leaves the previous warehouse in place.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from orchestration.paths import Home

PUBLISHED_SCHEMAS = ("marts", "dq", "catalogue")

# `<home>/runs.jsonl`: runs that failed before they published; every publish carries them
# into dq.runs (the previous warehouse is never written to).
RUNS_LOG = "runs.jsonl"

RUNS_DDL = """
create table if not exists dq.runs (
    run_id varchar primary key,
    started_at timestamp with time zone,
    finished_at timestamp with time zone,
    documents_seen integer,
    documents_published integer,
    documents_quarantined integer,
    published boolean
)
"""
RUN_COLUMNS = (
    "run_id", "started_at", "finished_at", "documents_seen", "documents_published",
    "documents_quarantined", "published",
)


@dataclass(frozen=True)
class PublishResult:
    warehouse: Path
    tables: list[str]
    exported: Path


def _tables(con: duckdb.DuckDBPyConnection, schema: str, catalog: str | None = None) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = coalesce(?, current_database()) and table_schema = ? "
        "order by table_name",
        [catalog, schema],
    ).fetchall()
    return [r[0] for r in rows]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def log_run(home: Home, run: dict[str, Any]) -> None:
    """Append a run's dq.runs row to the runs log."""
    with (home.root / RUNS_LOG).open("a", encoding="utf-8") as log:
        log.write(json.dumps(run, default=datetime.isoformat) + "\n")


def record_run(
    con: duckdb.DuckDBPyConnection,
    previous_warehouse: Path,
    run: dict,
    runs_log: Path | None = None,
) -> None:
    """Write dq.runs in the build database: earlier runs' rows carried over (from the previous
    warehouse and the runs log), plus this one."""
    con.execute("create schema if not exists dq")
    con.execute(RUNS_DDL)
    if previous_warehouse.exists():
        con.execute("attach ? as previous (read_only)", [str(previous_warehouse)])
        try:
            if "runs" in [r[0] for r in con.execute(
                "select table_name from information_schema.tables "
                "where table_catalog = 'previous' and table_schema = 'dq'"
            ).fetchall()]:
                con.execute(
                    "insert or ignore into dq.runs select * from previous.dq.runs"
                )
        finally:
            con.execute("detach previous")
    if runs_log is not None and runs_log.exists():
        for line in runs_log.read_text(encoding="utf-8").splitlines():
            logged = json.loads(line)
            con.execute(
                "insert or ignore into dq.runs values (?, ?, ?, ?, ?, ?, ?)",
                [logged[column] for column in RUN_COLUMNS],
            )
    con.execute(
        "insert or replace into dq.runs values (?, ?, ?, ?, ?, ?, ?)",
        [run[column] for column in RUN_COLUMNS],
    )


def publish(home: Home) -> PublishResult:
    """Copy the published schemas of the build database into a new warehouse and swap it in."""
    staging = home.warehouse.with_name(home.warehouse.name + ".new")
    staging.unlink(missing_ok=True)
    copied: list[str] = []
    with duckdb.connect(str(staging)) as pub:
        pub.execute("attach ? as build (read_only)", [str(home.build_db)])
        for schema in PUBLISHED_SCHEMAS:
            pub.execute(f"create schema if not exists {schema}")
            for table in _tables(pub, schema, catalog="build"):
                name = f"{schema}.{_quote(table)}"
                pub.execute(f"create table {name} as select * from build.{name}")
                copied.append(f"{schema}.{table}")
        pub.execute("detach build")
    exported = _export_parquet(staging, home.export_dir)
    os.replace(staging, home.warehouse)  # atomic on one file system
    return PublishResult(home.warehouse, copied, exported)


def _export_parquet(warehouse: Path, export_dir: Path) -> Path:
    """One folder per mart; the whole export directory is swapped in at once."""
    fresh = export_dir.with_name(export_dir.name + ".new")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir(parents=True)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for table in _tables(con, "marts"):
            folder = fresh / table
            folder.mkdir()
            target = _literal(folder / "data.parquet")
            con.execute(f"copy marts.{_quote(table)} to '{target}' (format parquet)")
    old = export_dir.with_name(export_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if export_dir.exists():
        export_dir.rename(old)
    fresh.rename(export_dir)
    shutil.rmtree(old, ignore_errors=True)
    return export_dir


def _literal(path: Path) -> str:
    return str(path).replace("'", "''")
