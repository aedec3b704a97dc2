"""The corpus: departments × years, formats assigned round-robin, faults planted and proved."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from synth import checks, faults, printed
from synth.document import Department, draft, plan_departments
from synth.draft import Draft
from synth.faults.common import record
from synth.model import YearModel, build_year, new_state
from synth.money import FEN_PER_UNIT
from synth.money import printed as print_amount
from synth.render import write_corpus
from synth.render.pdf import PASSWORD, soffice
from synth.truth import Truth

FORMATS = ("pdf", "docx", "xlsx", "txt")


@dataclass
class Entry:
    department: Department
    draft: Draft
    truth: Truth
    bad: str | None = None  # truncated / encrypted / image_page


def models(department: Department, years: range, seed: int) -> list[YearModel]:
    """Exact accounts from the year before the first (not published) to the last."""
    rng = random.Random(f"{seed}/{department.slug}/model")
    state = new_state(department.kind, rng)
    return [build_year(department.kind, state, y, rng) for y in range(years.start - 1, years.stop)]


class FaultQueue:
    """Fault kinds in a seeded order; a kind that was planted goes to the back."""

    def __init__(self, seed: int, rate: float):
        self.rate = rate
        self.pick = random.Random(f"{seed}/faults")
        self.kinds = [k for k in faults.KINDS if k not in faults.OPTIONAL_KINDS]
        random.Random(f"{seed}/faults/order").shuffle(self.kinds)
        later = list(faults.OPTIONAL_KINDS)
        random.Random(f"{seed}/faults/order/optional").shuffle(later)
        self.kinds += later

    def selected(self) -> bool:
        return self.rate > 0 and self.pick.random() < self.rate

    def planted(self, kind: str) -> None:
        self.kinds.remove(kind)
        self.kinds.append(kind)


def _carryover(department: Department, history: list[YearModel], index: int, seed: int,
               prior: Truth | None) -> int | None:
    """Restate year `index`'s non-fiscal opening balance (and carry it on); the change in 分."""
    if prior is None:
        return None
    rng = random.Random(f"{seed}/{department.slug}/{history[index].year}/carryover")
    change = rng.randint(1, 9) * 10 ** rng.choice((4, 5)) * 100  # 1–90 万元 in 分
    faults.shift_carryover(history[index:], change)
    return change


def entries(departments: int, years: range, formats: list[str], seed: int, rate: float
            ) -> Iterator[Entry]:
    """Every department-year document with its truth, in a deterministic order."""
    queue = FaultQueue(seed, rate)
    offset = random.Random(f"{seed}/formats").randrange(len(formats))
    for department in plan_departments(departments, seed):
        history = models(department, years, seed)
        family, unit = department.region.family, department.unit
        prior_tables = {t.key: t for t in printed.tables(history[0], family, unit)}
        prior_truth: Truth | None = None
        for index in range(1, len(history)):
            fmt = formats[(department.index + index + offset) % len(formats)]
            doc = None
            for kind in (list(queue.kinds) if queue.selected() else []):
                doc = _try(department, history, index, prior_tables, prior_truth, fmt, seed,
                           kind)
                if doc is not None:
                    queue.planted(kind)
                    break
            if doc is None:
                doc = draft(department, history[index], prior_tables, fmt, seed, None)
                assert doc is not None
            truth = doc.truth()
            for fault in truth.faults:
                fault.triggers = checks.failed_ids(truth, prior_truth)
            yield Entry(department, doc, truth)
            prior_tables, prior_truth = doc.by_key(), truth


def _try(department: Department, history: list[YearModel], index: int,
         prior_tables: dict, prior_truth: Truth | None, fmt: str, seed: int, kind: str
         ) -> Draft | None:
    """The document with `kind` planted, if the fault triggers its check; else None."""
    change = None
    if kind == "year.carryover":
        change = _carryover(department, history, index, seed, prior_truth)
        if change is None:
            return None
        doc = draft(department, history[index], prior_tables, fmt, seed, None)
        assert doc is not None
        table = doc.table("summary")
        row = table.find(side="income", line_key="opening_balance") if table else None
        before = print_amount(sum(history[index].opening.values()) - change, doc.unit)
        after = row.text("amount") if row else None
        record(doc, kind, kind, table, row, "amount", str(before), after,
               f"年初结转和结余 restated by {change / FEN_PER_UNIT['万元']:.2f} 万元 "
               "(non-fiscal part), carried to later years")
    else:
        doc = draft(department, history[index], prior_tables, fmt, seed, kind)
    if doc is not None and kind in checks.failed_ids(doc.truth(), prior_truth):
        return doc
    if change is not None:
        faults.shift_carryover(history[index:], -change)
    return None


BAD_FILES = {
    "truncated": {"expected": "extraction error: the file ends before its cross-reference table"},
    "encrypted": {"expected": "extraction error: the PDF needs a password",
                  "password": PASSWORD},
    "image_page": {"expected": "one page is a scanned image: read by OCR (page_info status "
                               "ocr, cells reader ocr) when Tesseract is installed, else "
                               "status needs_ocr and the figures on it are not extracted"},
}


def bad_entries(departments: int, years: range, seed: int) -> list[Entry]:
    """Three more departments' last-year PDFs, each spoiled in its own way."""
    out = []
    extra = plan_departments(departments + len(BAD_FILES), seed)[departments:]
    for department, (kind, about) in zip(extra, BAD_FILES.items(), strict=True):
        history = models(department, years, seed)
        prior = {t.key: t for t in printed.tables(history[-2], department.region.family,
                                                  department.unit)}
        doc = draft(department, history[-1], prior, "pdf", seed, None)
        assert doc is not None
        truth = doc.truth()
        truth.bad_file = {"kind": kind, **about}
        out.append(Entry(department, doc, truth, kind))
    return out


def generate(out: Path, departments: int, years: range, formats: list[str], seed: int,
             faults: float = 0.0, report: Callable[[str], None] | None = None) -> list[Path]:
    """Write the corpus under `out`; returns the paths of the documents written.

    With `faults` > 0 a seeded share of documents carries exactly one planted fault, and three
    broken PDFs (truncated, encrypted, one image-only page) are added as separate entries.
    """
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown or not formats:
        raise ValueError(f"formats must be among {', '.join(FORMATS)}: {unknown or formats}")
    if len(years) == 0:
        raise ValueError("no fiscal years")
    started = time.perf_counter()
    corpus = list(entries(departments, years, formats, seed, faults))
    if faults > 0 and soffice() is not None:
        corpus += bad_entries(departments, years, seed)
    elif faults > 0 and report:
        report("no LibreOffice (soffice): the broken-PDF entries are skipped")
    if report:
        report(f"accounts, tables, narratives and faults of {len(corpus)} documents: "
               f"{time.perf_counter() - started:.1f}s")
    return write_corpus(out, corpus, report)
