"""Readers in another process during publishes see the old or the new warehouse, never an
error or a mix: neither in DuckDB (opened read-only) nor in the Parquet export.

Every published table carries the run id of its publish, so a mix would show as two run ids
in one read. The build database here is written directly (four marts of 50,000 rows, a dq and
a catalogue table) and published by the real `publish`, eight times, while a reader process
opens the warehouse and the export again and again, and a connection opened before the first
publish keeps reading.
"""

from __future__ import annotations

import json
import multiprocessing
import time
from pathlib import Path
from typing import Any

import duckdb

from orchestration.paths import Home
from orchestration.publish import EXPORT_MANIFEST, publish, record_run, verify

MARTS = [f"fct_{n}" for n in range(4)]
ROWS = 50_000
PUBLISHES = 8


def build(home: Home, run_id: str) -> None:
    """A build database whose every table says which run wrote it."""
    home.ensure()
    with duckdb.connect(str(home.build_db)) as con:
        for schema in ("marts", "dq", "catalogue"):
            con.execute(f"create schema if not exists {schema}")
        for table in [*(f"marts.{m}" for m in MARTS), "dq.check_results", "catalogue.aliases"]:
            con.execute(f"create or replace table {table} as "
                        "select ?::varchar as run_id, range as n from range(?)", [run_id, ROWS])
        record_run(con, home.warehouse, {
            "run_id": run_id, "started_at": None, "finished_at": None, "documents_seen": 0,
            "documents_published": 0, "documents_quarantined": 0, "published": True,
        })


def read_warehouse(warehouse: Path) -> set[str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return _run_ids(con)


def _run_ids(con: duckdb.DuckDBPyConnection) -> set[str]:
    ids = {row[0] for row in con.execute("select distinct run_id from dq.manifest").fetchall()}
    for table in [*(f"marts.{m}" for m in MARTS), "dq.check_results", "catalogue.aliases"]:
        ids |= {row[0] for row in con.execute(f"select distinct run_id from {table}").fetchall()}
        count = con.execute(f"select count(*) from {table}").fetchone()
        if count != (ROWS,):
            ids.add(f"{table} has {count} rows")
    return ids


def read_export(export: Path) -> set[str]:
    folder = export.resolve()  # one export, whatever the link says a moment later
    ids = {json.loads((folder / EXPORT_MANIFEST).read_text(encoding="utf-8"))["run_id"]}
    for mart in MARTS:
        ids |= {row[0] for row in duckdb.sql(
            f"select distinct run_id from read_parquet('{folder / mart / 'data.parquet'}')"
        ).fetchall()}
    return ids


def reader(home_root: str, stop: Any, results: Any) -> None:
    home = Home(Path(home_root))
    seen: set[str] = set()
    problems: list[str] = []
    reads = 0
    while not stop.is_set():
        for read, target in ((read_warehouse, home.warehouse), (read_export, home.export_dir)):
            try:
                ids = read(target)
            except Exception as exc:  # any error is a finding of the test
                problems.append(f"{read.__name__}: {type(exc).__name__}: {exc}")
                continue
            reads += 1
            if len(ids) != 1:
                problems.append(f"{read.__name__}: a mix {sorted(ids)}")
            seen |= ids
    results.put({"seen": sorted(seen), "problems": problems, "reads": reads})


def test_readers_see_old_or_new_never_a_mix(tmp_path: Path) -> None:
    home = Home(tmp_path / "home")
    build(home, "run-0")
    publish(home, "run-0")
    holder = duckdb.connect(str(home.warehouse), read_only=True)

    context = multiprocessing.get_context("spawn")
    stop, results = context.Event(), context.Queue()
    process = context.Process(target=reader, args=(str(home.root), stop, results))
    process.start()
    try:
        time.sleep(2)  # the reader is reading
        for number in range(1, PUBLISHES + 1):
            build(home, f"run-{number}")
            publish(home, f"run-{number}")
            assert _run_ids(holder) == {"run-0"}  # the connection opened first keeps its file
            time.sleep(0.3)
    finally:
        stop.set()
        outcome = results.get(timeout=120)
        process.join(timeout=60)
        holder.close()

    assert outcome["problems"] == []
    assert outcome["reads"] > PUBLISHES
    assert len(outcome["seen"]) >= 2  # it did read across publishes
    assert read_warehouse(home.warehouse) == read_export(home.export_dir) == {f"run-{PUBLISHES}"}
    assert verify(home) == []
    exports = sorted(p.name for p in (home.root / "exports").iterdir())
    assert len(exports) == 2  # the linked export and the one before it
