"""Benchmark of the accounting-identity checks over many documents.

    python -m benchmarks.checks [--sizes 100,1000] [--out var/bench/checks.json]

A seeded synth corpus (text dumps: no LibreOffice needed) is extracted once; its documents
are then repeated under new document ids and department names up to each size, loaded into a
fresh build database, and the pre-check dbt models built (not timed). Timed: `run_checks`,
every check over every document in one Great Expectations validation, as the pipeline runs
it. Peak memory is this process's maximum resident set size.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from expectations.run import run_checks
from extractors.dispatch import extract_file
from extractors.ir import Document
from extractors.load import create_raw_schema, load_documents
from orchestration.paths import DBT_PROJECT_DIR
from synth import generate


def corpus(work: Path) -> list[Document]:
    """Twelve departments over two years, extracted from their text dumps."""
    paths = generate(work / "synth", departments=12, years=range(2023, 2025), formats=["txt"],
                     seed=41, faults=0.0)
    return [extract_file(path) for path in paths]


def replicate(documents: list[Document], size: int) -> list[Document]:
    """`size` documents: copies of the corpus as departments of their own."""
    copies = []
    for i in range(size):
        document = copy.deepcopy(documents[i % len(documents)])
        document.sha256 = f"{document.sha256[:48]}{i:016x}"
        document.department_name = f"{document.department_name}{i // len(documents):04d}"
        copies.append(document)
    return copies


def build(path: Path, documents: list[Document]) -> float:
    """Load and run the models the checks read; returns the seconds it took."""
    started = time.perf_counter()
    with duckdb.connect(str(path)) as con:
        create_raw_schema(con)
        load_documents(con, documents)
    subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "build", "--exclude", "source:dq+",
         "resource_type:test", "resource_type:unit_test",
         "--profiles-dir", ".", "--target-path", str(path.parent / "target"),
         "--log-path", str(path.parent / "logs"), "--quiet"],
        cwd=DBT_PROJECT_DIR, env={**os.environ, "JUESUAN_BUILD_DB": str(path)}, check=True,
    )
    return time.perf_counter() - started


def measure(documents: list[Document], size: int, work: Path) -> dict[str, Any]:
    path = work / f"build-{size}.duckdb"
    prepare_seconds = build(path, replicate(documents, size))
    with duckdb.connect(str(path)) as con:
        started = time.perf_counter()
        summary = run_checks(con, f"bench-{size}")
        seconds = time.perf_counter() - started
        rows = con.execute("select count(*) from dq.check_results").fetchall()[0][0]
    return {
        "documents": size,
        "checks": len(summary.checks),
        "result_rows": rows,
        "check_seconds": round(seconds, 2),
        "gx_validate_seconds": round(summary.gx_validate_seconds, 2),
        "gx_import_seconds": round(summary.gx_import_seconds, 2),
        "load_and_dbt_seconds": round(prepare_seconds, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--out", type=Path, default=Path("var/bench/checks.json"))
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        documents = corpus(work)
        results = [measure(documents, size, work) for size in sizes]
    print(f"{'documents':>10} {'checks':>7} {'rows':>8} {'checks s':>9} {'GX s':>6} "
          f"{'load+dbt s':>11} {'peak MB':>8}")
    for r in results:
        print(f"{r['documents']:>10} {r['checks']:>7} {r['result_rows']:>8} "
              f"{r['check_seconds']:>9} {r['gx_validate_seconds']:>6} "
              f"{r['load_and_dbt_seconds']:>11} {r['peak_rss_mb']:>8}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "results": results,
    }, indent=2), encoding="utf-8")
    print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
