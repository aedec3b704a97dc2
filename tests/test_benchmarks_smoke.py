"""benchmarks/extract.py runs on the sample with a tiny setting and writes its JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_runs_on_the_sample_and_writes_its_json(tmp_path: Path) -> None:
    out = tmp_path / "bench" / "extract.json"
    tiny = ["--synth", "0", "--runs", "1", "--warmup", "0", "--out", str(out)]
    methods = ["--methods", "juesuan,juesuan-pdfminer,naive-pdfplumber"]
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.extract", *tiny, *methods],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "juesuan" in done.stdout and str(out) in done.stdout
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["protocol"] == {"warmup_runs": 0, "measured_runs": 1, "statistic": "median"}
    sample = report["sets"]["sample"]
    assert sample["pages"] == 25 and "synth" not in report["sets"]
    assert sample["object_sources_give_identical_documents"] == "1/1"
    ours = sample["methods"]["juesuan"]
    assert ours["accuracy"]["right"] == ours["accuracy"]["figures_compared"] > 0
    assert {"pages_per_second", "seconds_per_document", "times_faster_than_naive"} <= set(ours)
    assert sample["methods"]["naive-pdfplumber"]["pages_per_second"] > 0


def test_checks_benchmark_runs_and_writes_its_json(tmp_path: Path) -> None:
    out = tmp_path / "bench" / "checks.json"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.checks", "--sizes", "30", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    (result,) = json.loads(out.read_text(encoding="utf-8"))["results"]
    assert result["documents"] == 30 and result["checks"] > 40
    assert result["result_rows"] >= 30 * result["checks"]


def _run(module: str, *args: str, timeout: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


def test_pipeline_benchmark_runs_a_tiny_corpus_and_writes_its_json(tmp_path: Path) -> None:
    out = tmp_path / "pipeline.json"
    tiny = ["--sizes", "3", "--changed", "1", "--years", "2023-2024", "--formats", "txt,xlsx",
            "--faults", "0", "--corpus-dir", str(tmp_path / "corpus"),
            "--work-dir", str(tmp_path / "work"), "--out", str(out)]
    done = _run("benchmarks.pipeline", *tiny, timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]
    assert str(out) in done.stdout
    report = json.loads(out.read_text(encoding="utf-8"))
    (result,) = report["results"]
    assert result["documents"] == 3 and 0 <= result["published"] <= 3 and result["cells"] > 0
    stages = {"extract", "load", "dbt_build", "checks", "publish", "report"}
    full = result["full"]
    assert set(full["stages"]) == stages and all(full["stages"][s]["ran"] for s in stages)
    assert full["seconds"] >= sum(s["seconds"] for s in full["stages"].values()) > 0
    assert full["peak_rss_mb"] >= full["stages"]["extract"]["peak_rss_mb"] > 0
    assert full["summary"].startswith("run ") and "3 documents" in full["summary"]
    (nightly,) = result["nightly"]
    assert nightly["changed"] == 1 and nightly["stages"]["extract"]["ran"]
    assert "skipped" in result["extraction_rate"]  # no PDF in a TXT/XLSX corpus
    # the corpus is cached: a second benchmark reuses it
    assert [p.name for p in (tmp_path / "corpus").iterdir()] == [report["corpus"].split("/")[-1]]


def test_scale_out_benchmark_writes_through_fsspec_urls(tmp_path: Path) -> None:
    out, store = tmp_path / "scale.json", tmp_path / "store"
    args = ["--workers", "1,2", "--documents", "3", "--formats", "txt",
            "--corpus-dir", str(tmp_path / "corpus"), "--store", store.as_uri(), "--out", str(out)]
    done = _run("benchmarks.scale_out", *args, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(out.read_text(encoding="utf-8"))["results"]
    assert [r["workers"] for r in results] == [1, 2]
    assert all(r["documents"] == 3 and r["documents_per_second"] > 0 for r in results)
    for workers in (1, 2):
        written = list((store / f"extracted-w{workers}").glob("*.json"))
        assert len(written) == 3
        assert all(json.loads(p.read_text(encoding="utf-8"))["tables"] for p in written)
    assert len(list((store / "documents").iterdir())) == 3
