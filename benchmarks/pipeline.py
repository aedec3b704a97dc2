"""Benchmark of the whole pipeline (`juesuan run`) at a growing number of documents.

    python -m benchmarks.pipeline [--sizes 100,300,1000] [--changed 0,1,10]
        [--workers N] [--out var/bench/pipeline.json]

Per size: a generated corpus (mixed formats, cached under --corpus-dir) laid out as a fresh
inbox and home; a full run, then nightly runs after 0, 1 and 10 documents were revised (each
rewritten in place: a new version to extract). Each run is `juesuan run` in a subprocess, as
an operator runs it. Measured: wall time of the command; per stage (extract, load, dbt
build, checks, publish, report) the time between Dagster's step start and step success
events, and the peak resident memory of the process tree (the run and its extraction
workers, RSS summed, sampled every 0.2 s) while the stage ran. Extraction pages/s: the
pipeline's extract stage (pages of every document it extracted) and, on up to
--rate-sample of the corpus's PDFs in this process, the juesuan extractor and the naive
pdfplumber baseline of benchmarks/extract.py, one process each.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import psutil

from benchmarks.corpus import Corpus, CorpusSpec, cached_corpus, lay_out_inbox, revise
from benchmarks.extract import BASELINE, METHODS, _measure
from benchmarks.inputs import _pages

STAGES = {  # stage → the Dagster steps it is made of
    "extract": ("extracted_documents",),
    "load": ("raw_documents",),
    "dbt_build": ("dbt_transform", "dbt_marts"),
    "checks": ("accounting_checks",),
    "publish": ("published_warehouse",),
    "report": ("quality_report",),
}
SAMPLE_SECONDS = 0.2


@dataclass
class TreeMemory:
    """Samples the summed RSS and the CPU time of a process and its descendants in a thread.

    CPU time is what the tree's processes used so far (user + system, each process's last
    sample), so it does not count the time spent waiting for a CPU on a loaded machine.
    """

    pid: int
    samples: list[tuple[float, int, float]] = field(default_factory=list)  # (at, bytes, cpu s)
    _cpu: dict[int, float] = field(default_factory=dict)  # pid → its CPU seconds so far
    _stop: threading.Event = field(default_factory=threading.Event)

    def _sample(self) -> tuple[int, float]:
        try:
            root = psutil.Process(self.pid)
            processes = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0, sum(self._cpu.values())
        rss = 0
        for process in processes:
            try:
                with process.oneshot():
                    rss += process.memory_info().rss
                    cpu = process.cpu_times()
                self._cpu[process.pid] = cpu.user + cpu.system
            except psutil.NoSuchProcess:
                continue
        return rss, sum(self._cpu.values())

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.time(), *self._sample()))
            self._stop.wait(SAMPLE_SECONDS)

    def __enter__(self) -> TreeMemory:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def peak_mb(self, start: float = 0.0, end: float = float("inf")) -> float | None:
        inside = [rss for at, rss, _ in self.samples if start <= at <= end]
        return round(max(inside) / 2**20, 1) if inside else None

    def cpu_seconds(self, start: float = 0.0, end: float = float("inf")) -> float:
        """CPU seconds of the tree between two times (the samples nearest inside them)."""
        inside = [cpu for at, _, cpu in self.samples if start <= at <= end]
        return round(inside[-1] - inside[0], 1) if len(inside) > 1 else 0.0


def run_pipeline(inbox: Path, home: Path, workers: int | None) -> dict[str, Any]:
    """One `juesuan run`: wall time, peak memory, and time and memory per stage."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    if workers:
        env["JUESUAN_EXTRACT_WORKERS"] = str(workers)
    command = [sys.executable, "-m", "orchestration.cli", "run", "--inbox", str(inbox),
               "--home", str(home)]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    with TreeMemory(process.pid) as memory:
        out, err = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"juesuan run failed ({process.returncode}): {err[-2000:]}")
    steps = step_windows(home)
    stages: dict[str, Any] = {}
    for stage, keys in STAGES.items():
        windows = [steps[k] for k in keys if k in steps]
        if not windows:
            stages[stage] = {"seconds": 0.0, "cpu_seconds": 0.0, "peak_rss_mb": None,
                             "ran": False}
            continue
        stages[stage] = {
            "seconds": round(sum(end - start for start, end in windows), 2),
            "cpu_seconds": round(sum(memory.cpu_seconds(s, e) for s, e in windows), 1),
            "peak_rss_mb": max((memory.peak_mb(s, e) or 0.0) for s, e in windows),
            "ran": True,
        }
    in_steps = sum(s["seconds"] for s in stages.values())
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": memory.cpu_seconds(),
        "outside_steps_seconds": round(seconds - in_steps, 2),  # start-up, plan, Dagster
        "peak_rss_mb": memory.peak_mb(),
        "stages": stages,
        "summary": next((line for line in out.splitlines() if line.startswith("run ")), ""),
    }


def step_windows(home: Path) -> dict[str, tuple[float, float]]:
    """Step key → (start, end) epoch seconds, from the latest run's Dagster event log."""
    from dagster import DagsterEventType, DagsterInstance

    previous = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(home / "dagster")
    try:
        with DagsterInstance.get() as instance:
            (run,) = instance.get_runs(limit=1)
            kinds = {DagsterEventType.STEP_START, DagsterEventType.STEP_SUCCESS,
                     DagsterEventType.STEP_FAILURE}
            events = instance.all_logs(run.run_id, of_type=kinds)
    finally:
        if previous is None:
            os.environ.pop("DAGSTER_HOME", None)
        else:
            os.environ["DAGSTER_HOME"] = previous
    starts: dict[str, float] = {}
    windows: dict[str, tuple[float, float]] = {}
    for event in events:
        key = event.step_key
        if key is None:
            continue
        if event.dagster_event_type == DagsterEventType.STEP_START:
            starts.setdefault(key, event.timestamp)
        elif key in starts:
            windows[key] = (starts[key], event.timestamp)
    return windows


def build_counts(home: Path) -> dict[str, int]:
    """Documents, pages and cells of the run's build database."""
    with duckdb.connect(str(home / "build" / "build.duckdb"), read_only=True) as con:
        documents, pages = con.execute(
            "select count(*), coalesce(sum(pages), 0) from raw.documents").fetchone() or (0, 0)
        cells = con.execute("select count(*) from raw.cells").fetchone() or (0,)
        published = con.execute(
            "select count(*) filter (where status = 'published') from marts.dim_document"
        ).fetchone() or (0,)
    return {"documents": documents, "pages": int(pages), "cells": cells[0],
            "published": published[0]}


def extraction_rates(corpus: Corpus, size: int, sample: int) -> dict[str, Any]:
    """pages/s of the juesuan PDF extractor and of the naive pdfplumber baseline, one
    process each, on the first `sample` readable PDFs of the size's documents."""
    pdfs = [corpus.root / e["path"] for e in corpus.documents(size)
            if e["format"] == "pdf" and not e.get("bad_file")][:sample]
    if not pdfs:
        return {"skipped": "no PDF among the documents"}
    pages = sum(_pages(p) for p in pdfs)
    rates: dict[str, Any] = {"pdfs": len(pdfs), "pages": pages}
    for name in ("juesuan", BASELINE):
        seconds = sum(_measure(METHODS[name], p, 0, 1)[0] for p in pdfs)
        rates[name] = {"seconds": round(seconds, 2), "pages_per_second": round(pages / seconds, 2)}
    rates["times_faster_than_naive"] = round(
        rates["juesuan"]["pages_per_second"] / rates[BASELINE]["pages_per_second"], 2)
    return rates


def bench_size(corpus: Corpus, size: int, args: argparse.Namespace,
               partial: dict[str, Any]) -> dict[str, Any]:
    """The size's runs; `partial` is filled as they finish (written after each run)."""
    work = args.work_dir.resolve() / str(size)
    inbox, home = work / "inbox", work / "home"
    shutil.rmtree(home, ignore_errors=True)
    paths = lay_out_inbox(corpus, size, inbox)
    print(f"[{size}] full run ...", flush=True)
    full = run_pipeline(inbox, home, args.workers)
    counts = build_counts(home)
    nightly: list[dict[str, Any]] = []
    partial.update({"documents": size, **counts, "full": full, "nightly": nightly})
    _write(args.out, partial_report := {**args.report, "partial": partial})
    extract = full["stages"]["extract"]["seconds"]  # pages: PDF pages (other formats have none)
    full["extract_pages_per_second"] = round(counts["pages"] / extract, 2) if extract else None
    full["extract_documents_per_second"] = round(size / extract, 2) if extract else None
    for changed in args.changed:
        revised = revise(paths, changed)
        print(f"[{size}] nightly run, {len(revised)} changed ...", flush=True)
        nightly.append({"changed": len(revised), **run_pipeline(inbox, home, args.workers)})
        _write(args.out, partial_report)
    print(f"[{size}] extraction rate, naive baseline ...", flush=True)
    return {"documents": size, **counts, "full": full, "nightly": nightly,
            "extraction_rate": extraction_rates(corpus, size, args.rate_sample)}


# Reporting


def table(results: list[dict[str, Any]]) -> str:
    head = f"{'docs':>5} {'pages':>6} {'run':<9} {'total s':>8} {'cpu s':>7} {'peak MB':>8}"
    head += "".join(f" {stage:>16}" for stage in STAGES)
    lines = [head]
    for result in results:
        runs = [("full", result["full"])] + [
            (f"nightly{n['changed']}", n) for n in result["nightly"]]
        for name, found in runs:
            line = (f"{result['documents']:>5} {result['pages']:>6} {name:<9} "
                    f"{found['seconds']:>8.1f} {found['cpu_seconds']:>7.1f} "
                    f"{found['peak_rss_mb'] or 0:>8.0f}")
            for stage in STAGES:
                s = found["stages"][stage]
                mb = s["peak_rss_mb"] or 0
                line += f" {s['seconds']:>6.1f}/{s['cpu_seconds']:>5.1f}/{mb:>4.0f}"
            lines.append(line)
    lines.append("stage cells: wall s / CPU s / peak MB of the process tree while the stage ran")
    for result in results:
        rate = result["extraction_rate"]
        pipeline_rate = result["full"]["extract_pages_per_second"]
        if "skipped" in rate:
            lines.append(f"{result['documents']} docs: pipeline extract {pipeline_rate} pages/s; "
                         f"baseline skipped: {rate['skipped']}")
            continue
        lines.append(
            f"{result['documents']} docs: pipeline extract {pipeline_rate} pages/s (all formats, "
            f"all workers); on {rate['pdfs']} PDFs ({rate['pages']} pages), one process: "
            f"juesuan {rate['juesuan']['pages_per_second']} pages/s, naive pdfplumber "
            f"{rate[BASELINE]['pages_per_second']} pages/s "
            f"(x{rate['times_faster_than_naive']})")
    return "\n".join(lines)


def _write(path: Path, report: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


def _ints(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def _years(text: str) -> range:
    first, _, last = text.partition("-")
    return range(int(first), int(last or first) + 1)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.pipeline", description=__doc__)
    p.add_argument("--sizes", type=_ints, default=_ints("100,300,1000"))
    p.add_argument("--changed", type=_ints, default=_ints("0,1,10"),
                   help="documents revised before each nightly run")
    p.add_argument("--workers", type=int, default=None, help="default: the CPU count")
    p.add_argument("--years", type=_years, default=_years("2017-2024"))
    p.add_argument("--formats", default="pdf,docx,xlsx,txt")
    p.add_argument("--seed", type=int, default=8)
    p.add_argument("--faults", type=float, default=0.05)
    p.add_argument("--rate-sample", type=int, default=10, help="PDFs for the naive baseline")
    p.add_argument("--corpus-dir", type=Path, default=Path("var/bench/corpus"))
    p.add_argument("--work-dir", type=Path, default=Path("var/bench/pipeline"))
    p.add_argument("--out", type=Path, default=Path("var/bench/pipeline.json"))
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not args.sizes or min(args.sizes) < 1 or (args.workers is not None and args.workers < 1):
        print("sizes and workers must be positive", file=sys.stderr)
        return 2
    spec = CorpusSpec(args.years, tuple(args.formats.split(",")), args.seed, args.faults)
    args.corpus_dir.mkdir(parents=True, exist_ok=True)
    corpus = cached_corpus(args.corpus_dir, spec, max(args.sizes))
    results: list[dict[str, Any]] = []
    report = args.report = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "corpus": str(corpus.root),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_average_before": os.getloadavg()},
        "workers": args.workers or len(os.sched_getaffinity(0)),
        "stages": {stage: list(steps) for stage, steps in STAGES.items()},
        "results": results,
    }
    for size in sorted(args.sizes):
        results.append(bench_size(corpus, size, args, {}))
    report["machine"]["load_average_after"] = os.getloadavg()
    _write(args.out, report)
    print(table(results))
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
