"""The documents benchmarked: the real sample and, when LibreOffice is there, a synth corpus."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium

from benchmarks.accuracy import ROOT, Figure, sample_figures, truth_figures

SAMPLE = ROOT / "samples" / "inbox" / "shanghai-putuo-finance-2024.pdf"


@dataclass(frozen=True)
class BenchPdf:
    path: Path
    pages: int
    figures: list[Figure]  # the reference the extraction is scored against
    complete: bool  # the reference lists every printed figure (synth truth)
    not_extracted: Counter[str] = field(default_factory=Counter)  # reference figures skipped


class SynthUnavailable(Exception):
    """No synth corpus: the reason is the message."""


def sample() -> list[BenchPdf]:
    return [BenchPdf(SAMPLE, _pages(SAMPLE), sample_figures(), complete=False)]


def synth(folder: Path, departments: int, years: range, seed: int) -> list[BenchPdf]:
    """The fault-free PDFs of a synth corpus under `folder`, generated there if it has none."""
    manifest = folder / "manifest.json"
    if not manifest.exists():
        try:
            from synth.corpus import generate
        except ImportError as exc:
            raise SynthUnavailable(f"the synth package cannot be imported: {exc}") from exc
        try:
            generate(folder, departments, years, ["pdf"], seed)
        except (RuntimeError, ValueError, OSError) as exc:
            raise SynthUnavailable(f"synth could not write PDFs: {exc}") from exc
    found: list[BenchPdf] = []
    for entry in json.loads(manifest.read_text(encoding="utf-8"))["documents"]:
        if entry["format"] != "pdf" or entry["faults"] or entry["bad_file"]:
            continue
        truth = json.loads((folder / entry["truth"]).read_text(encoding="utf-8"))
        figures, skipped = truth_figures(truth)
        path = folder / entry["path"]
        found.append(BenchPdf(path, _pages(path), figures, True, skipped))
    if not found:
        raise SynthUnavailable(f"no fault-free PDF in {manifest}")
    return found


def _pages(path: Path) -> int:
    with pdfium.PdfDocument(path) as doc:
        return len(doc)
