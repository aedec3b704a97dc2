"""Benchmark of OCR on scanned pages: figures right per table kind, pages/s.

    python -m benchmarks.ocr [--out var/bench/ocr.json] [--synth 2] [--dpi 200] [--angle 0.3]

Generated disclosures (`synth.generate`, PDF) are read as printed to find their table pages;
those pages are "scanned" (`synth.scan`: grey, rotated, blurred, noisy, at `--dpi`) into one
image-only PDF per document, which is extracted with OCR and scored against every figure of
truth.json in the tables the PDF extractor reads; the real checks then run on them (are the
wrong figures caught?). The documents read are kept as JSON beside
the report (`ocr-documents/`), to run the checks on.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from benchmarks.accuracy import Score, score
from benchmarks.checks import build
from benchmarks.inputs import BenchPdf, SynthUnavailable, synth
from expectations.run import run_checks
from extractors.ir import Document
from extractors.pdf import PdfSettings, extract_pdf
from extractors.pdf_ocr import unavailable
from synth.scan import ScanStyle, scanned_pdf


def table_pages(path: Path) -> list[int]:
    """The pages the text PDF prints its tables on."""
    document = extract_pdf(path, "bench", PdfSettings(ocr="off"))
    return sorted({page for table in document.tables for page in table.pages})


def failed_identities(documents: list[Document], work: Path) -> dict[str, list[str]]:
    """The error-level checks each document fails, document-level ones left out (only table
    pages are scanned, so the cover, name and member units are not there to check)."""
    path = work / "checks.duckdb"
    build(path, documents)
    with duckdb.connect(str(path)) as con:
        run_checks(con, "bench-ocr")
        rows = con.execute(
            "select document_id, check_id from dq.check_results where status = 'fail' "
            "and severity = 'error' and check_id not like 'doc.%' order by check_id"
        ).fetchall()
    found: dict[str, list[str]] = {}
    for document_id, check_id in rows:
        found.setdefault(document_id, [])
        if check_id not in found[document_id]:
            found[document_id].append(check_id)
    return found


def run(pdfs: list[BenchPdf], style: ScanStyle, scratch: Path, keep: Path) -> dict[str, Any]:
    """Scan, read and score each document; the documents read are written under `keep`."""
    total = Score()
    per_document: list[dict[str, Any]] = []
    documents: list[Document] = []
    compared: Counter[str] = Counter()
    scanned_pages = 0
    for number, pdf in enumerate(pdfs):
        numbers = table_pages(pdf.path)
        scan = scratch / f"scan-{number}.pdf"
        scanned_pdf(pdf.path, numbers, scan, style)
        scanned_pages += len(numbers)
        started = time.perf_counter()
        document = extract_pdf(scan, f"scan-{number}", PdfSettings(ocr="auto"))
        seconds = time.perf_counter() - started
        keep.mkdir(parents=True, exist_ok=True)
        text = json.dumps(document.to_json(), ensure_ascii=False)
        (keep / f"{pdf.path.stem}.json").write_text(text, encoding="utf-8")
        found = Score()
        score(document, pdf.figures, pdf.complete, found)
        compared.update(figure.key[0] for figure in pdf.figures)
        for name in ("compared", "right"):
            setattr(total, name, getattr(total, name) + getattr(found, name))
        total.wrong += found.wrong
        total.wrong_by_table.update(found.wrong_by_table)
        statuses = Counter(info.status for info in document.page_info)
        documents.append(document)
        per_document.append({
            "file": pdf.path.name, "pages": len(numbers), "seconds": seconds,
            "page_status": dict(statuses), "right": found.right, "compared": found.compared,
            "tables_found": [table.key for table in document.tables],
        })
    failing = failed_identities(documents, scratch)
    for record, document in zip(per_document, documents, strict=True):
        record["failed_identity_checks"] = failing.get(document.sha256, [])
    seconds = sum(float(d["seconds"]) for d in per_document)
    by_table = {
        key: {"right": n - total.wrong_by_table[key], "figures": n}
        for key, n in sorted(compared.items())
    }
    return {
        "documents": per_document,
        "pages": scanned_pages,
        "seconds": seconds,
        "pages_per_second": scanned_pages / seconds if seconds else None,
        "figures": {"right": total.right, "compared": total.compared,
                    "accuracy": round(total.right / total.compared, 6) if total.compared else None},
        "by_table": by_table,
        "wrong_examples": total.wrong[:40],
    }


def table(result: dict[str, Any]) -> str:
    lines = [f"{'table':<18}{'right':>8}{'figures':>9}"]
    for key, found in result["by_table"].items():
        lines.append(f"{key:<18}{found['right']:>8}{found['figures']:>9}")
    figures = result["figures"]
    lines.append(f"{'all':<18}{figures['right']:>8}{figures['compared']:>9}")
    for record in result["documents"]:
        wrong = record["compared"] - record["right"]
        failed = ", ".join(record["failed_identity_checks"]) or "none"
        lines.append(f"{record['file']}: {wrong} figures wrong; identity checks failed: {failed}")
    lines.append(f"{result['pages']} scanned pages in {result['seconds']:.1f}s: "
                 f"{result['pages_per_second']:.3f} pages/s")
    return "\n".join(lines)


def _ruled(pdf: BenchPdf) -> bool:
    """The document prints its tables with full ruling (synth truth `table_rules`)."""
    truth = json.loads((pdf.path.parent / "truth.json").read_text(encoding="utf-8"))
    return truth["document"].get("table_rules", "grid") == "grid"


def _years(text: str) -> range:
    first, _, last = text.partition("-")
    return range(int(first), int(last or first) + 1)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.ocr", description=__doc__)
    p.add_argument("--out", type=Path, default=Path("var/bench/ocr.json"))
    p.add_argument("--synth", type=int, default=2, help="synth departments")
    p.add_argument("--years", type=_years, default=_years("2023"), help="synth years")
    p.add_argument("--seed", type=int, default=7, help="synth seed")
    p.add_argument("--dpi", type=int, default=200, help="scan resolution")
    p.add_argument("--angle", type=float, default=0.3, help="scan rotation, degrees")
    p.add_argument("--blur", type=float, default=0.8, help="scan blur radius, pixels")
    p.add_argument("--noise", type=float, default=10.0, help="scan noise, grey levels")
    p.add_argument("--synth-dir", type=Path, help="synth corpus to reuse or write (kept)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    missing = unavailable()
    if missing:
        print(f"OCR benchmark skipped: {missing}", file=sys.stderr)
        return 0
    style = ScanStyle(dpi=args.dpi, angle=args.angle, blur=args.blur, noise=args.noise)
    started, load_before = datetime.now(UTC), os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-ocr-") as scratch:
        folder = args.synth_dir or Path(scratch) / "synth"
        try:
            pdfs = synth(folder, args.synth, args.years, args.seed)
        except SynthUnavailable as exc:
            print(f"OCR benchmark skipped: {exc}", file=sys.stderr)
            return 0
        ruled = [pdf for pdf in pdfs if _ruled(pdf)]
        print(f"{len(pdfs) - len(ruled)} of {len(pdfs)} documents print tables without rules: "
              "not scanned (OCR finds cells by their ruling lines)")
        result = run(ruled, style, Path(scratch), args.out.parent / "ocr-documents")
        result["skipped_unruled"] = len(pdfs) - len(ruled)
    report = {
        "started": started.isoformat(timespec="seconds"),
        "scan": vars(style),
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "cpus": os.cpu_count(),
        **result,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(table(result))
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
