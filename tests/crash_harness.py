"""Kill `juesuan run` with SIGKILL at seeded random points and check that nothing is lost.

    python tests/crash_harness.py [--kills 20] [--seed 9] [--work DIR]

A tiny corpus (the two bundled samples and one generated text dump) is run once cleanly in
a home of its own: the reference. In a second home a good run publishes, then `--kills` runs
are started as subprocesses and killed (the whole process group: dbt too) at a random moment
of a stage: extraction, dbt build, checks or publish, in turn. The stage is timed from the
run's Dagster event log (a step's STEP_START), the delay drawn within the step's duration in
the reference run. A run meant to be killed in extraction starts with the extraction cache
emptied, so it has something to extract.

After each kill the published warehouse must pass `publish.verify` (manifest, checksums,
Parquet export), open read-only, and hold exactly the reference's rows; after the last, a
rerun must converge to the reference (table checksums without run ids and timestamps), and
no run may stay marked in progress in Dagster's run storage.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from orchestration.paths import SAMPLE_INBOX, Home  # noqa: E402
from orchestration.publish import PUBLISHED_SCHEMAS, verify  # noqa: E402

STAGES: dict[str, tuple[str, ...]] = {
    "extraction": ("extracted_documents", "raw_documents"),
    "dbt build": ("dbt_transform", "dbt_marts"),
    "checks": ("accounting_checks",),
    "publish": ("published_warehouse",),
}
VOLATILE_TABLES = {("dq", "runs"), ("dq", "manifest")}  # run history: differs by design
RUN_TIMEOUT_S = 900
PAST_COMMIT = {"published_warehouse", "quality_report"}  # steps that may have published


@dataclass
class Outcome:
    kills: int = 0
    survived: int = 0
    rows_lost: int = 0
    stages: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)


def make_corpus(inbox: Path, seed: int) -> Path:
    """The two samples and one generated text dump."""
    from synth import generate

    inbox.mkdir(parents=True, exist_ok=True)
    for sample in SAMPLE_INBOX.iterdir():
        shutil.copy(sample, inbox / sample.name)
    for path in generate(inbox.parent / "synth", 1, range(2023, 2024), ["txt"], seed):
        shutil.copy(path, inbox / path.name)
    return inbox


def _command(inbox: Path, home: Home) -> list[str]:
    return [sys.executable, "-m", "orchestration.cli", "run", "--inbox", str(inbox),
            "--home", str(home.root)]


def run_to_end(inbox: Path, home: Home) -> None:
    done = subprocess.run(_command(inbox, home), cwd=PROJECT, capture_output=True, text=True,
                          timeout=RUN_TIMEOUT_S)
    if done.returncode != 0:
        raise RuntimeError(f"run failed: {done.stderr[-2000:]}")


def content_sums(warehouse: Path) -> dict[str, tuple[int, str]]:
    """Per published table: rows and a checksum of its columns but run ids (`run_id`,
    `evaluated_run_id`) and timestamps."""
    sums = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in (select unnest(?)) order by all", [list(PUBLISHED_SCHEMAS)]
        ).fetchall()
        for schema, table in tables:
            if (schema, table) in VOLATILE_TABLES:
                continue
            columns = [
                f'"{name}"' for name, data_type in con.execute(
                    "select column_name, data_type from information_schema.columns "
                    "where table_schema = ? and table_name = ? order by ordinal_position",
                    [schema, table],
                ).fetchall()
                if not name.endswith("run_id") and not data_type.startswith("TIMESTAMP")
            ]
            row = con.execute(
                f'select count(*), coalesce(sum(hash({", ".join(columns)})), 0)::varchar '
                f'from {schema}."{table}"'
            ).fetchone()
            assert row is not None
            sums[f"{schema}.{table}"] = (int(row[0]), str(row[1]))
    return sums


def step_times(run_db: Path) -> dict[str, tuple[float, float]]:
    """step → (started, ended) in seconds, from a run's event log."""
    times: dict[str, list[float]] = {}
    with sqlite3.connect(f"file:{run_db}?mode=ro", uri=True) as con:
        for kind, step, stamp in con.execute(
            "select dagster_event_type, step_key, timestamp from event_logs "
            "where dagster_event_type in ('STEP_START', 'STEP_SUCCESS') order by id"
        ):
            seconds = datetime.fromisoformat(stamp).timestamp()
            times.setdefault(step, [seconds, seconds])[kind == "STEP_SUCCESS"] = seconds
    return {step: (started, ended) for step, (started, ended) in times.items()}


def _run_logs(home: Home) -> set[Path]:
    runs = home.dagster_home / "history" / "runs"
    return {p for p in runs.glob("*.db") if p.name != "index.db"} if runs.is_dir() else set()


def _started_steps(run_db: Path) -> list[str]:
    try:
        with sqlite3.connect(f"file:{run_db}?mode=ro", uri=True, timeout=0.2) as con:
            return [row[0] for row in con.execute(
                "select step_key from event_logs where dagster_event_type = 'STEP_START' "
                "order by id")]
    except sqlite3.Error:
        return []


def kill_during(inbox: Path, home: Home, step: str, delay: float) -> str | None:
    """Start a run, SIGKILL it `delay` seconds after `step` starts; the last step started
    when it died (None: it ended before)."""
    before = _run_logs(home)
    process = subprocess.Popen(_command(inbox, home), cwd=PROJECT, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + RUN_TIMEOUT_S
    run_db: Path | None = None
    while process.poll() is None and time.monotonic() < deadline:
        new = _run_logs(home) - before
        run_db = run_db or (next(iter(new)) if new else None)
        if run_db and step in _started_steps(run_db):
            time.sleep(delay)
            break
        time.sleep(0.05)
    if process.poll() is not None:
        return None
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    steps = _started_steps(run_db) if run_db else []
    return steps[-1] if steps else "start-up"


def stage_of(step: str) -> str:
    return next((stage for stage, steps in STAGES.items() if step in steps), step)


def crash(work: Path, kills: int, seed: int, report: bool = True) -> Outcome:
    rng = random.Random(seed)
    inbox = make_corpus(work / "inbox", seed)
    reference = Home(work / "reference")
    run_to_end(inbox, reference)
    expected = content_sums(reference.warehouse)
    timing = step_times(next(iter(_run_logs(reference))))

    home = Home(work / "crashed")
    run_to_end(inbox, home)
    outcome = Outcome()
    stages = list(STAGES)
    for number in range(kills):
        stage = stages[number % len(stages)]
        step = rng.choice(STAGES[stage])
        started, ended = timing[step]
        # within the first part of the step: polling and the kill itself take a moment
        delay = rng.uniform(0, 0.6 * max(ended - started, 0.05))
        if stage == "extraction":  # empty the cache: the run has to extract again
            shutil.rmtree(home.extracted_dir, ignore_errors=True)
        published_before = _published_run(home)
        died_in = kill_during(inbox, home, step, delay)
        if died_in is None:
            outcome.problems.append(f"kill {number}: the run ended before {step}")
            continue
        outcome.kills += 1
        outcome.stages[stage_of(died_in)] += 1
        problems = verify(home)
        if _published_run(home) != published_before and died_in not in PAST_COMMIT:
            problems.append(f"a new warehouse was published by a run killed in {died_in}")
        found = content_sums(home.warehouse) if home.warehouse.exists() else {}
        lost = sum(max(rows - found.get(table, (0, ""))[0], 0)
                   for table, (rows, _) in expected.items())
        outcome.rows_lost += lost
        if found != expected:
            problems.append("published content differs from the reference")
        if problems:
            outcome.problems += [f"kill {number} in {died_in}: {p}" for p in problems]
        else:
            outcome.survived += 1
        if report:
            print(f"kill {number + 1}: {stage_of(died_in)} ({died_in}, +{delay:.2f} s): "
                  f"{problems or 'intact'}, {lost} rows lost", flush=True)
    run_to_end(inbox, home)
    if content_sums(home.warehouse) != expected:
        outcome.problems.append("the rerun does not converge to the reference")
    outcome.problems += [f"after the rerun: {p}" for p in verify(home)]
    outcome.problems += _left_in_progress(home)
    return outcome


def _published_run(home: Home) -> str | None:
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        row = con.execute("select any_value(run_id) from dq.manifest").fetchone()
    return row[0] if row else None


def _left_in_progress(home: Home) -> list[str]:
    with sqlite3.connect(f"file:{home.dagster_home / 'history' / 'runs.db'}?mode=ro",
                         uri=True) as con:
        stuck = con.execute(
            "select run_id, status from runs where status in ('STARTED', 'STARTING', 'QUEUED')"
        ).fetchall()
    return [f"run {run_id} left {status} in Dagster's run storage" for run_id, status in stuck]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--work", type=Path, default=None, help="default: a temporary folder")
    args = parser.parse_args(argv)
    work = args.work or Path(os.environ.get("TMPDIR", "/tmp")) / f"juesuan-crash-{os.getpid()}"
    started = time.monotonic()
    outcome = crash(work, args.kills, args.seed)
    print(f"kills {outcome.kills}, survived {outcome.survived}, rows lost {outcome.rows_lost}, "
          f"by stage {dict(outcome.stages)}, {time.monotonic() - started:.0f} s")
    for problem in outcome.problems:
        print(f"problem: {problem}")
    return 1 if outcome.problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
