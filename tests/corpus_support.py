"""Checked build databases shared by tests/test_narrative.py and tests/test_performance.py.

`henan` is the real Henan 2023 sample, `shanghai` the real Shanghai 2024 PDF; `corpus` a
generated corpus (synth, seed fixed: five
departments × two years in TXT, DOCX and XLSX, one planted fault per document) extracted with
the real extractors. Each is loaded with the real loader, staged with dbt and checked once
per test session (cached on the session's base temp folder).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from unittest.mock import patch

import duckdb
import pypdfium2 as pdfium
from checks_support import PROJECT, build_database

from expectations.run import run_checks
from extractors.dispatch import extract_file
from extractors.ir import Document
from extractors.narrative import add_narrative, page_lines
from synth import generate
from synth.truth import Truth, read

HENAN = PROJECT / "samples" / "inbox" / "henan-xuchang-hrss-2023.txt"
SHANGHAI = PROJECT / "samples" / "inbox" / "shanghai-putuo-finance-2024.pdf"
RUN = "narrative-run"
# Five departments × two years with one fault each: this seed plants narrative.totals, .shares,
# .items, .yoy, .yoy_rate and perf.execution_score among them (see test_narrative).
SEED = 1243


@dataclass(frozen=True)
class Generated:
    path: Path
    truth: Truth
    document: Document


@dataclass(frozen=True)
class Corpus:
    documents: tuple[Generated, ...]
    database: Path  # checked: dq.check_results of run RUN


@cache
def henan() -> Document:
    return extract_file(HENAN)


def _checked(path: Path, documents: list[Document]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    build_database(path, documents)
    with duckdb.connect(str(path)) as con:
        run_checks(con, RUN)
    return path


@cache
def henan_database(base: Path) -> Path:
    return _checked(base / "henan" / "build.duckdb", [henan()])


@cache
def shanghai() -> Document:
    """The Shanghai 2024 PDF, its narrative read from the pypdfium2 page texts (the PDF hook)."""
    document = extract_file(SHANGHAI)
    texts = [page.get_textpage().get_text_range() for page in pdfium.PdfDocument(str(SHANGHAI))]
    add_narrative(document, page_lines(texts))
    return document


@cache
def shanghai_database(base: Path) -> Path:
    return _checked(base / "shanghai" / "build.duckdb", [shanghai()])


@cache
def corpus(base: Path) -> Corpus:
    out = base / "synth"
    with patch("synth.corpus.soffice", return_value=None):  # no broken PDFs: no LibreOffice
        generate(out, departments=5, years=range(2022, 2024), formats=["txt", "docx", "xlsx"],
                 seed=SEED, faults=1.0)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    documents = tuple(
        Generated(path, read(out / entry["truth"]), extract_file(path))
        for entry in manifest["documents"]
        for path in [out / entry["path"]]
    )
    database = _checked(base / "synth-build" / "build.duckdb", [g.document for g in documents])
    return Corpus(documents, database)


def failed_checks(database: Path, document_id: str) -> set[str]:
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            "select distinct check_id from dq.check_results where run_id = ? "
            "and document_id = ? and status = 'fail'",
            [RUN, document_id],
        ).fetchall()
    return {check_id for (check_id,) in rows}
