"""Publish the checked marts: a new warehouse file replaces the old one atomically.

The published file is built beside the old one (`warehouse.duckdb.new`), given a manifest
(`dq.manifest`: every published table's row count and checksum, the run and its export),
flushed to disk and renamed over the old one: that rename is the commit. A reader holding
the old file open keeps reading the old warehouse and a new reader sees the new one; a crash
before the rename leaves the previous warehouse in place.

The Parquet export of a publish is a folder of its own, `exports/<run>-<token>/`, complete
before the warehouse is renamed; `export` is a symbolic link switched to it after the commit
(atomically), and the previous export stays one more publish for readers still reading it.
`recover` clears what a killed run left behind and points `export` at the warehouse's own
export; `verify` checks a published warehouse against its manifest.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from orchestration.paths import Home

PUBLISHED_SCHEMAS = ("marts", "dq", "catalogue")

# `<home>/runs.jsonl`: runs that failed before they published; every publish carries them
# into dq.runs (the previous warehouse is never written to).
RUNS_LOG = "runs.jsonl"
EXPORT_MANIFEST = "_manifest.json"

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
MANIFEST_DDL = """
create table dq.manifest (
    run_id varchar not null,
    published_at timestamp with time zone not null,
    export varchar not null,          -- the Parquet export's folder under <home>/exports/
    schema_name varchar not null,
    table_name varchar not null,
    row_count bigint not null,
    checksum varchar not null         -- sum of the rows' hashes: order-free, rows counted
)
"""


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


def _logged_runs(runs_log: Path) -> list[dict[str, Any]]:
    """The runs log's entries; a line cut short by a crash is skipped."""
    entries = []
    for line in runs_log.read_text(encoding="utf-8").splitlines():
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return entries


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
        for logged in _logged_runs(runs_log):
            con.execute(
                "insert or ignore into dq.runs values (?, ?, ?, ?, ?, ?, ?)",
                [logged[column] for column in RUN_COLUMNS],
            )
    con.execute(
        "insert or replace into dq.runs values (?, ?, ?, ?, ?, ?, ?)",
        [run[column] for column in RUN_COLUMNS],
    )


def _staging(home: Home) -> Path:
    return home.warehouse.with_name(home.warehouse.name + ".new")


def exports_dir(home: Home) -> Path:
    return home.root / "exports"


def publish(home: Home, run_id: str) -> PublishResult:
    """Copy the published schemas of the build database into a new warehouse with its manifest,
    export it as Parquet, and swap both in."""
    if not re.fullmatch(r"[\w-]+", run_id):
        raise ValueError(f"run id {run_id!r} cannot name an export folder")
    recover(home)
    staging = _staging(home)
    export_name = f"{run_id}-{secrets.token_hex(4)}"
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
        _write_manifest(pub, run_id, export_name)
        exported = _export_parquet(pub, exports_dir(home), export_name, run_id)
    _fsync(staging)
    os.replace(staging, home.warehouse)  # the commit: atomic on one file system
    _fsync(home.root)
    _link_export(home, exported)
    _prune_exports(home)
    return PublishResult(home.warehouse, copied, home.export_dir)


def _table_sums(con: duckdb.DuckDBPyConnection, relation: str) -> tuple[int, str]:
    row = con.execute(f"select count(*), coalesce(sum(hash(t)), 0)::varchar from {relation} as t")
    counted = row.fetchone()
    assert counted is not None
    return int(counted[0]), str(counted[1])


def _write_manifest(con: duckdb.DuckDBPyConnection, run_id: str, export: str) -> None:
    con.execute(MANIFEST_DDL)
    now = datetime.now(UTC)
    for schema in PUBLISHED_SCHEMAS:
        for table in _tables(con, schema):
            if (schema, table) == ("dq", "manifest"):
                continue
            rows, checksum = _table_sums(con, f"{schema}.{_quote(table)}")
            con.execute(
                "insert into dq.manifest values (?, ?, ?, ?, ?, ?, ?)",
                [run_id, now, export, schema, table, rows, checksum],
            )


def _export_parquet(
    con: duckdb.DuckDBPyConnection, exports: Path, name: str, run_id: str
) -> Path:
    """One folder per mart and a manifest, written under a hidden name and renamed."""
    partial = exports / f".{name}.part"
    exports.mkdir(exist_ok=True)
    partial.mkdir()
    tables: dict[str, dict[str, Any]] = {}
    for table in _tables(con, "marts"):
        folder = partial / table
        folder.mkdir()
        target = _literal(folder / "data.parquet")
        con.execute(f"copy marts.{_quote(table)} to '{target}' (format parquet)")
        rows, checksum = _table_sums(con, f"marts.{_quote(table)}")
        tables[table] = {"rows": rows, "checksum": checksum}
    manifest = {"run_id": run_id, "tables": tables}
    (partial / EXPORT_MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    for path in partial.rglob("*"):
        _fsync(path)
    _fsync(partial)
    final = exports / name
    partial.rename(final)
    _fsync(exports)
    return final


def _link_export(home: Home, target: Path) -> None:
    """Point `<home>/export` at an export folder, atomically (a relative link)."""
    link = home.export_dir
    if link.is_dir() and not link.is_symlink():  # a home from before versioned exports
        shutil.rmtree(link)
    fresh = link.with_name(f".{link.name}.link")
    fresh.unlink(missing_ok=True)
    fresh.symlink_to(os.path.relpath(target, link.parent))
    os.replace(fresh, link)


def _prune_exports(home: Home) -> None:
    """Keep the linked export and the one before it (a reader may still be reading it)."""
    current = home.export_dir.resolve()
    others = [p for p in exports_dir(home).iterdir()
              if p.is_dir() and p != current and not p.name.startswith(".")]
    for folder in sorted(others, key=lambda p: p.stat().st_mtime)[:-1]:
        shutil.rmtree(folder, ignore_errors=True)


def recover(home: Home) -> None:
    """Clear what a killed publish left: the staging file and partial exports; point `export`
    at the published warehouse's export when a kill fell between the commit and the link."""
    staging = _staging(home)
    for leftover in (staging, staging.with_name(staging.name + ".wal")):
        leftover.unlink(missing_ok=True)
    home.export_dir.with_name(f".{home.export_dir.name}.link").unlink(missing_ok=True)
    exports = exports_dir(home)
    if exports.is_dir():
        for partial in exports.glob(".*.part"):
            shutil.rmtree(partial, ignore_errors=True)
    export = published_export(home)
    if export is not None and export.is_dir() and home.export_dir.resolve() != export:
        _link_export(home, export)


def published_export(home: Home) -> Path | None:
    """The export folder the published warehouse names in its manifest."""
    if not home.warehouse.exists():
        return None
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        if "manifest" not in _tables(con, "dq"):
            return None
        row = con.execute("select any_value(export) from dq.manifest").fetchone()
    return exports_dir(home) / row[0] if row and row[0] else None


def verify(home: Home) -> list[str]:
    """Problems of the published warehouse and its export against the manifest; [] when
    every table and Parquet file is there with the recorded row count and checksum."""
    if not home.warehouse.exists():
        return [f"{home.warehouse}: no published warehouse"]
    problems: list[str] = []
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        if "manifest" not in _tables(con, "dq"):
            return [f"{home.warehouse}: no dq.manifest"]
        recorded = {
            (schema, table): (rows, checksum)
            for schema, table, rows, checksum in con.execute(
                "select schema_name, table_name, row_count, checksum from dq.manifest"
            ).fetchall()
        }
        runs = con.execute("select distinct run_id, export from dq.manifest").fetchall()
        if len(runs) != 1:
            return [f"{home.warehouse}: the manifest names {len(runs)} runs"]
        run_id, export = runs[0]
        present = {
            (schema, table)
            for schema in PUBLISHED_SCHEMAS
            for table in _tables(con, schema)
            if (schema, table) != ("dq", "manifest")
        }
        for schema, table in sorted(present - recorded.keys()):
            problems.append(f"{schema}.{table}: not in the manifest")
        for schema, table in sorted(recorded.keys() - present):
            problems.append(f"{schema}.{table}: in the manifest, not in the warehouse")
        for key in sorted(recorded.keys() & present):
            found = _table_sums(con, f"{key[0]}.{_quote(key[1])}")
            if found != recorded[key]:
                problems.append(f"{key[0]}.{key[1]}: {found} rows/checksum, "
                                f"manifest {recorded[key]}")
        published = con.execute(
            "select count(*) from dq.runs where run_id = ? and published", [run_id]
        ).fetchone()
        if not published or not published[0]:
            problems.append(f"run {run_id} of the manifest is not a published run in dq.runs")
        marts = {table: sums for (schema, table), sums in recorded.items() if schema == "marts"}
        problems += _verify_export(con, exports_dir(home) / export, run_id, marts)
        linked = home.export_dir.resolve()
        if linked != (exports_dir(home) / export).resolve():
            problems += _verify_export(con, linked, None, None)
    return problems


def _verify_export(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    run_id: str | None,
    marts: dict[str, tuple[int, str]] | None,
) -> list[str]:
    """An export folder complete against its own manifest (and the warehouse's, when given)."""
    manifest_file = folder / EXPORT_MANIFEST
    if not manifest_file.exists():
        return [f"{folder}: no {EXPORT_MANIFEST}"]
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    if run_id is not None and manifest["run_id"] != run_id:
        return [f"{folder}: export of run {manifest['run_id']}, warehouse of run {run_id}"]
    expected = {t: (v["rows"], v["checksum"]) for t, v in manifest["tables"].items()}
    problems = []
    if marts is not None and expected != marts:
        problems.append(f"{folder}: its manifest differs from the warehouse's")
    for table, sums in sorted(expected.items()):
        data = folder / table / "data.parquet"
        if not data.exists():
            problems.append(f"{data}: missing")
            continue
        found = _table_sums(con, f"read_parquet('{_literal(data)}')")
        if found != sums:
            problems.append(f"{data}: {found} rows/checksum, manifest {sums}")
    return problems


def _fsync(path: Path) -> None:
    """Flush a file or folder to disk, so a rename after it never names a partial file."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _literal(path: Path) -> str:
    return str(path).replace("'", "''")
