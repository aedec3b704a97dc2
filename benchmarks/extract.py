"""Benchmark of the PDF extractor: speed (pages/s, seconds per document) and accuracy.

    python -m benchmarks.extract [--out var/bench/extract.json] [--runs 3] [--synth 3]

Methods: `juesuan` (extract_pdf, objects read by pdfium), `juesuan-pdfminer` (its pdfminer
fallback), `naive-pdfplumber` (pdfplumber's extract_tables() on every page, the baseline) and
`camelot-lattice` when camelot-py is importable (it is not a project dependency). Each
method runs each document `--warmup` times unmeasured, then `--runs` times; the median counts.
The methods take turns document by document; wall and CPU seconds are both reported (on a
loaded machine, compare the CPU columns).
Sets: the real sample and a synth corpus (generated when LibreOffice is there). Accuracy: the
must-pass figures of tests/test_pdf.py on the sample, every truth.json figure on synth PDFs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pdfplumber

from benchmarks.accuracy import Score, score
from benchmarks.inputs import BenchPdf, SynthUnavailable, sample, synth
from extractors.ir import Document
from extractors.pdf import PdfSettings, extract_pdf

Method = Callable[[Path], Document | None]
BASELINE = "naive-pdfplumber"
CAMELOT_SKIP = (
    "camelot-py is not importable: it is not a project dependency. `uv pip install --dry-run "
    "camelot-py` resolves it with opencv-python-headless and playa-pdf; install those outside "
    "the project (uv pip install --target DIR ...; PYTHONPATH=DIR) to benchmark it"
)


def _juesuan(path: Path) -> Document:
    return extract_pdf(path, "bench")


def _juesuan_pdfminer(path: Path) -> Document:
    return extract_pdf(path, "bench", PdfSettings(object_source="pdfminer"))


def _naive(path: Path) -> None:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_tables()
            page.close()


def _camelot(path: Path) -> None:
    import camelot  # optional, see CAMELOT_SKIP

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "No tables found on page-N"
        camelot.read_pdf(str(path), pages="all", flavor="lattice")


METHODS: dict[str, Method] = {
    "juesuan": _juesuan,
    "juesuan-pdfminer": _juesuan_pdfminer,
    BASELINE: _naive,
    "camelot-lattice": _camelot,
}


def _unavailable(method: str) -> str | None:
    if method != "camelot-lattice":
        return None
    try:
        import camelot  # noqa: F401
    except ImportError as exc:
        return f"{CAMELOT_SKIP} ({exc})"
    return None


# Measuring


def _measure(method: Method, path: Path, warmup: int, runs: int) -> tuple[float, float, Any]:
    """Median wall and CPU seconds of `runs` runs after `warmup` unmeasured ones."""
    for _ in range(warmup):
        method(path)
    walls: list[float] = []
    cpus: list[float] = []
    result = None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = method(path)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def _summary(runs: list[tuple[BenchPdf, tuple[float, float, Any]]]) -> dict[str, Any]:
    per_document: list[dict[str, Any]] = []
    accuracy = Score()
    documents: list[Document] = []
    for pdf, (wall, cpu, result) in runs:
        per_document.append(
            {"file": pdf.path.name, "pages": pdf.pages, "seconds": wall, "cpu_seconds": cpu}
        )
        if isinstance(result, Document):
            documents.append(result)
            score(result, pdf.figures, pdf.complete, accuracy)
            accuracy.not_extracted.update(pdf.not_extracted)
    pages = sum(pdf.pages for pdf, _ in runs)
    seconds = sum(d["seconds"] for d in per_document)
    cpu_seconds = sum(d["cpu_seconds"] for d in per_document)
    found: dict[str, Any] = {
        "seconds_per_document": seconds / len(runs),
        "pages_per_second": pages / seconds,
        "cpu_seconds_per_document": cpu_seconds / len(runs),
        "cpu_pages_per_second": pages / cpu_seconds,
        "per_document": per_document,
    }
    if documents:
        found["accuracy"] = accuracy.to_json()
        found["_documents"] = documents  # for the comparison of object sources; not written
    return found


def run_set(pdfs: list[BenchPdf], methods: list[str], args: argparse.Namespace) -> dict[str, Any]:
    skipped = {name: reason for name in methods if (reason := _unavailable(name))}
    runs: dict[str, list[tuple[BenchPdf, tuple[float, float, Any]]]] = {
        name: [] for name in methods if name not in skipped
    }
    # Each document by every method in turn: the load of a shared machine, which changes over a
    # run, weighs on all methods alike.
    for pdf in pdfs:
        for name, done in runs.items():
            done.append((pdf, _measure(METHODS[name], pdf.path, args.warmup, args.runs)))
    results: dict[str, Any] = {
        name: {"skipped": skipped[name]} if name in skipped else _summary(runs[name])
        for name in methods
    }
    base = results.get(BASELINE, {})
    for found in results.values():
        if "seconds_per_document" in found and "seconds_per_document" in base:
            found["times_faster_than_naive"] = (
                base["seconds_per_document"] / found["seconds_per_document"]
            )
            found["cpu_times_faster_than_naive"] = (
                base["cpu_seconds_per_document"] / found["cpu_seconds_per_document"]
            )
    summary: dict[str, Any] = {
        "documents": [str(pdf.path) for pdf in pdfs],
        "pages": sum(pdf.pages for pdf in pdfs),
        "methods": results,
    }
    pdfium = results.get("juesuan", {}).pop("_documents", None)
    pdfminer = results.get("juesuan-pdfminer", {}).pop("_documents", None)
    if pdfium and pdfminer:
        same = [a.to_json() == b.to_json() for a, b in zip(pdfium, pdfminer, strict=True)]
        summary["object_sources_give_identical_documents"] = f"{sum(same)}/{len(same)}"
    return summary


# Reporting


def _row(cells: list[str]) -> str:
    widths = (7, 17, 5, 6, 8, 8, 10, 8, 10, 10)
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))


def table(sets: dict[str, Any]) -> str:
    header = ["set", "method", "docs", "pages", "s/doc", "pages/s", "cpu s/doc", "x naive"]
    lines = [_row([*header, "x cpu", "accuracy"])]
    for set_name, found in sets.items():
        if "skipped" in found:
            lines.append(f"{set_name}: skipped: {found['skipped']}")
            continue
        docs, pages = str(len(found["documents"])), str(found["pages"])
        for name, result in found["methods"].items():
            if "skipped" in result:
                lines.append(_row([set_name, name, docs, pages, *["-"] * 5, "skipped"]))
                continue
            accuracy = result.get("accuracy")
            right = f"{accuracy['right']}/{accuracy['figures_compared']}" if accuracy else "-"
            cells = [
                f"{result['seconds_per_document']:.3f}",
                f"{result['pages_per_second']:.1f}",
                f"{result['cpu_seconds_per_document']:.3f}",
                _ratio(result.get("times_faster_than_naive")),
                _ratio(result.get("cpu_times_faster_than_naive")),
            ]
            lines.append(_row([set_name, name, docs, pages, *cells, right]))
        if "object_sources_give_identical_documents" in found:
            same = found["object_sources_give_identical_documents"]
            lines.append(f"{set_name}: pdfium and pdfminer objects, identical documents: {same}")
    return "\n".join(lines)


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _environment(load_before: tuple[float, float, float]) -> dict[str, Any]:
    packages = ("pdfplumber", "pdfminer.six", "pypdfium2", "camelot-py")
    versions: dict[str, str | None] = {}
    for package in packages:
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = None
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "packages": versions,
    }


# Command line


def _years(text: str) -> range:
    first, _, last = text.partition("-")
    return range(int(first), int(last or first) + 1)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.extract", description=__doc__)
    p.add_argument("--out", type=Path, default=Path("var/bench/extract.json"))
    p.add_argument("--runs", type=int, default=3, help="measured runs per document (median)")
    p.add_argument("--warmup", type=int, default=1, help="unmeasured runs per document first")
    p.add_argument("--methods", default=",".join(METHODS), help="comma-separated")
    p.add_argument("--synth", type=int, default=3, help="synth departments; 0: sample only")
    p.add_argument("--years", type=_years, default=_years("2023-2024"), help="synth years")
    p.add_argument("--seed", type=int, default=7, help="synth seed")
    p.add_argument("--synth-dir", type=Path, help="synth corpus to reuse or write (kept)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    unknown = sorted(set(methods) - set(METHODS))
    if unknown or args.runs < 1 or args.warmup < 0:
        print(f"methods are {', '.join(METHODS)}; runs >= 1, warmup >= 0", file=sys.stderr)
        return 2
    started, load_before = datetime.now(UTC), os.getloadavg()
    sets: dict[str, Any] = {"sample": run_set(sample(), methods, args)}
    if args.synth > 0:
        with tempfile.TemporaryDirectory(prefix="bench-synth-") as scratch:
            folder = args.synth_dir or Path(scratch)
            try:
                pdfs = synth(folder, args.synth, args.years, args.seed)
            except SynthUnavailable as exc:
                sets["synth"] = {"skipped": str(exc)}
            else:
                sets["synth"] = run_set(pdfs, methods, args)
    report = {
        "started": started.isoformat(timespec="seconds"),
        "protocol": {"warmup_runs": args.warmup, "measured_runs": args.runs, "statistic": "median"},
        "environment": _environment(load_before),
        "sets": sets,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(table(sets))
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
