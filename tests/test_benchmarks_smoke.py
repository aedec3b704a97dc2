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
