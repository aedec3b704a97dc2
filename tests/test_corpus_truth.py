"""Every figure of every generated document, in every format, against its truth.json.

Two seeded corpora without faults (PDF, DOCX, XLSX and text dump, LibreOffice for the PDFs):
seed 11 (Henan template, 万元) and seed 7 (Shanghai and Henan templates, 万元 and 元). Each
document is one test, so a failure names the file and its format; the message gives the
accuracy (figures right / compared) and the first mismatches. `test_accuracy_by_format`
reports the whole corpus per format.

Compared: every table figure (table key, row by code or line key and side, column key, value
in the printed unit; a printed zero or blank is no value, as in the IR), whether an empty table
is declared empty, the performance self-evaluation figures (funds lines, indicators, total),
and the document facts (department, year, unit, member units, stated count). The optional
tables (机关运行经费, 政府采购, 一般公共预算财政拨款项目支出) are compared like the others; the
corpus holds each in every format, and both template families' layouts are read from TXT, DOCX
and XLSX by `test_optional_tables_of_both_families`.

A third corpus (seed 2, PDF only) holds tables printed without rules or with horizontal rules
only (`table_rules` in the truth, seeded per department-year): every one of those PDFs is
compared in the same way, and the corpus must hold both kinds in both template families.
"""

from __future__ import annotations

import json
import random
import shutil
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from extractors.dispatch import extract_file
from extractors.ir import Document
from extractors.numbers import parse_number
from synth import generate, optional
from synth.corpus import Entry, entries
from synth.document import plan_departments, table_rules
from synth.layout.document import sections
from synth.render import docx, txt, xlsx
from synth.truth import Table as TruthTable
from synth.truth import Truth, read

YEARS = range(2022, 2025)
DEPARTMENTS = 6
FORMATS = ["pdf", "docx", "xlsx", "txt"]
SEEDS = (11, 7)
SHOWN = 20
# Nothing a later test may depend on: one folder per pytest session and seed.
_OUT: dict[int, Path] = {}

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None,
    reason="LibreOffice (soffice) is needed to print the PDFs",
)


def _planned(seed: int) -> list[str]:
    """Test ids: `seed/slug/year/format`, as the generator rotates formats (see synth.corpus)."""
    offset = random.Random(f"{seed}/formats").randrange(len(FORMATS))
    ids = []
    for department in plan_departments(DEPARTMENTS, seed):
        for index, year in enumerate(YEARS, start=1):
            fmt = FORMATS[(department.index + index + offset) % len(FORMATS)]
            ids.append(f"{seed}/{department.slug}/{year}/{fmt}")
    return ids


DOCUMENTS = [doc_id for seed in SEEDS for doc_id in _planned(seed)]


@pytest.fixture(scope="session")
def corpus_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("corpus-truth")


@cache
def _manifest(root: Path, seed: int) -> dict[tuple[str, int], dict]:
    out = root / f"seed{seed}"
    generate(out, departments=DEPARTMENTS, years=YEARS, formats=FORMATS, seed=seed, faults=0.0)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {
        (entry["path"].split("/")[0], entry["fiscal_year"]): {**entry, "root": out}
        for entry in manifest["documents"]
    }


@cache
def _extracted(path: Path) -> Document:
    return extract_file(path)


@dataclass
class Score:
    compared: int = 0
    right: int = 0
    wrong: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def check(self, what: str, want: object, got: object) -> None:
        self.compared += 1
        if want == got:
            self.right += 1
        else:
            self.wrong.append(f"{what}: truth {want!r}, extracted {got!r}")

    def add(self, other: Score) -> None:
        self.compared += other.compared
        self.right += other.right
        self.wrong += other.wrong

    def summary(self) -> str:
        share = f"{self.right / self.compared:.2%}" if self.compared else "-"
        return f"{self.right} of {self.compared} right ({share})"


def _amount(raw: str, value: Decimal | None) -> Decimal:
    return value if value is not None else Decimal(0)


def _table_figures(truth: Truth, document: Document, score: Score) -> None:
    for table in truth.tables:
        if table.key.startswith("perf_"):
            continue
        got = document.table(table.key)
        score.check(f"{table.key} found", True, got is not None)
        if got is None:
            continue
        score.check(f"{table.key} declared empty", table.declared_empty, got.declared_empty)
        read: dict[tuple, list[Decimal]] = defaultdict(list)
        for row in got.rows:
            for cell in row.cells:
                key = (row.code, row.line_key, row.side, cell.column_key)
                read[key].append(cell.value or Decimal(0))
        taken: Counter[tuple] = Counter()
        expected: set[tuple] = set()
        for row in table.rows:
            for cell in row.cells:
                if cell.value is None and cell.raw and parse_number(cell.raw) is None:
                    continue  # a text cell
                key = (row.code, row.line_key, row.side, cell.column_key)
                expected.add(key)
                values = read.get(key, [])
                n = taken[key]
                taken[key] += 1
                got_value = values[n] if n < len(values) else "no such cell"
                score.check(f"{table.key} {_name(key)} [{row.label}]",
                            _amount(cell.raw, cell.value), got_value)
        for key, values in read.items():
            extra = [v for v in values[taken[key]:] if v]
            if key not in expected and extra:
                score.check(f"{table.key} {_name(key)} not in truth", None, extra)


def _name(key: tuple) -> str:
    code, line_key, side, column = key
    row = code or line_key or "?"
    if line_key and code:
        row = f"{line_key}:{code}"
    return f"{side + ':' if side else ''}{row}.{column}"


def _performance(truth: Truth, document: Document, score: Score) -> None:
    """As tests/test_performance.py: funds lines, indicators in order, the total."""
    tables = [t for t in truth.tables if t.key.startswith("perf_")]
    evaluations = document.evaluations
    score.check("self-evaluation tables", len(tables), len(evaluations))
    for table, evaluation in zip(tables, evaluations, strict=False):
        for name, want, got in _evaluation_checks(table, evaluation):
            score.check(f"{table.key} {table.caption or ''} {name}", want, got)


def _evaluation_checks(table: TruthTable, evaluation) -> Iterator[tuple[str, object, object]]:
    funds = {f.line_key: f for f in evaluation.funds}
    indicators = iter(evaluation.indicators)
    yield "scope", table.key.removeprefix("perf_"), evaluation.scope
    if table.caption and evaluation.scope == "project":
        yield "item_name", table.caption, evaluation.item_name
    for row in table.rows:
        if (row.line_key or "").startswith("funds_"):
            line = funds.get(row.line_key or "")
            for c in row.cells:
                yield f"{row.line_key}.{c.column_key}", c.value, getattr(line, c.column_key, None)
        elif row.line_key == "indicator":
            indicator = next(indicators, None)
            yield "indicator", row.label, indicator and indicator.name
            for c in row.cells:
                if c.value is None and c.raw.startswith("="):
                    continue  # an XLSX formula (=100%) written without a value
                want = c.raw if c.value is None else c.value
                yield f"{row.label}.{c.column_key}", want, getattr(indicator, c.column_key, None)
        elif row.line_key == "total_score":
            yield "total_weight", row.amount("weight"), evaluation.total_weight
            yield "total_score", row.amount("score"), evaluation.total_score


def _facts(truth: Truth, document: Document, score: Score) -> None:
    facts = truth.department
    score.check("department_name", facts["department_name"], document.department_name)
    score.check("fiscal_year", facts["fiscal_year"], document.fiscal_year)
    score.check("unit", facts["unit"], document.unit)
    score.check("member_units", truth.member_units, document.member_units)
    score.check("stated_unit_count", truth.stated_unit_count, document.stated_unit_count)


def compare(truth: Truth, document: Document) -> Score:
    score = Score()
    _facts(truth, document, score)
    _table_figures(truth, document, score)
    _performance(truth, document, score)
    return score


def _document(root: Path, doc_id: str) -> tuple[str, Path, Truth, Document]:
    seed, slug, year, _ = doc_id.split("/")
    entry = _manifest(root, int(seed))[(slug, int(year))]
    path = entry["root"] / entry["path"]
    return entry["format"], path, read(entry["root"] / entry["truth"]), _extracted(path)


@pytest.mark.parametrize("doc_id", DOCUMENTS)
def test_every_figure_as_in_the_truth(corpus_root: Path, doc_id: str) -> None:
    fmt, path, truth, document = _document(corpus_root, doc_id)
    score = compare(truth, document)
    assert score.compared > 500
    shown = "\n".join(score.wrong[:SHOWN])
    assert not score.wrong, f"{path.name} ({fmt}): {score.summary()}; first mismatches:\n{shown}"


def test_accuracy_by_format(corpus_root: Path) -> None:
    by_format: dict[str, Score] = defaultdict(Score)
    for doc_id in DOCUMENTS:
        fmt, _, truth, document = _document(corpus_root, doc_id)
        by_format[fmt].add(compare(truth, document))
    report = "; ".join(f"{fmt}: {s.summary()}" for fmt, s in sorted(by_format.items()))
    print(report)
    assert set(by_format) == set(FORMATS)
    wrong = [w for s in by_format.values() for w in s.wrong[:SHOWN]]
    assert all(not s.wrong for s in by_format.values()), f"{report}\n" + "\n".join(wrong)


def test_optional_tables_are_in_the_corpus(corpus_root: Path) -> None:
    """Each optional table printed with figures in every format, and 政府采购 declared empty."""
    printed: set[tuple[str, str]] = set()
    empty: set[str] = set()
    for doc_id in DOCUMENTS:
        fmt, _, truth, document = _document(corpus_root, doc_id)
        for table in truth.tables:
            if table.key in optional.KEYS:
                assert document.table(table.key) is not None, (doc_id, table.key)
                if table.declared_empty:
                    empty.add(table.key)
                else:
                    printed.add((table.key, fmt))
    assert printed == {(key, fmt) for key in optional.KEYS for fmt in FORMATS}
    assert "procurement" in empty


def test_optional_tables_of_both_families(tmp_path: Path) -> None:
    """A Henan and a Shanghai department printing all three optional tables, each rendered as
    TXT, DOCX and XLSX: every figure as in the truth."""
    chosen: dict[str, Entry] = {}
    for entry in entries(20, range(2023, 2024), ["txt"], seed=1, rate=0.0):
        published = {t.key for t in entry.truth.tables if t.key in optional.KEYS
                     and not t.declared_empty}
        if published == set(optional.KEYS):
            chosen.setdefault(entry.truth.department["template_family"], entry)
    assert set(chosen) == {"henan", "shanghai"}
    for family, entry in chosen.items():
        layout, truth = sections(entry.draft), entry.truth
        for fmt in ("txt", "docx", "xlsx"):
            path = tmp_path / f"{family}.{fmt}"
            if fmt == "txt":
                txt.write(layout, path)
            else:
                (docx if fmt == "docx" else xlsx).write(layout, path, path.stem)
            document = extract_file(path)
            score = compare(truth, document)
            assert all(document.table(key) for key in optional.KEYS), (family, fmt)
            assert not score.wrong, f"{family} {fmt}: {score.summary()}: {score.wrong[:SHOWN]}"
# Tables printed without rules or with horizontal rules only (synth `table_rules`).
UNRULED_SEED = 2
UNRULED_YEARS = range(2023, 2025)


@cache
def _unruled_manifest(root: Path) -> dict[tuple[str, int], dict]:
    out = root / f"unruled-seed{UNRULED_SEED}"
    generate(out, departments=DEPARTMENTS, years=UNRULED_YEARS, formats=["pdf"],
             seed=UNRULED_SEED, faults=0.0)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {
        (entry["path"].split("/")[0], entry["fiscal_year"]): {**entry, "root": out}
        for entry in manifest["documents"]
    }


def _unruled_planned() -> list[tuple[str, str, int, str]]:
    """(family, slug, year, rules) of every department-year printed without full rules."""
    planned = []
    for department in plan_departments(DEPARTMENTS, UNRULED_SEED):
        for year in UNRULED_YEARS:
            rules = table_rules(UNRULED_SEED, department.slug, year)
            if rules != "grid":
                planned.append((department.region.family, department.slug, year, rules))
    return planned


def test_unruled_corpus_holds_both_kinds_in_both_families() -> None:
    kinds = {(family, rules) for family, _, _, rules in _unruled_planned()}
    families = ("henan", "shanghai")
    assert kinds == {(f, r) for f in families for r in ("none", "horizontal")}


@pytest.mark.parametrize(
    "planned", _unruled_planned(), ids=lambda p: f"{p[3]}/{p[1]}/{p[2]}"
)
def test_every_figure_of_an_unruled_pdf_as_in_the_truth(
    corpus_root: Path, planned: tuple[str, str, int, str]
) -> None:
    _, slug, year, rules = planned
    entry = _unruled_manifest(corpus_root)[(slug, year)]
    path = entry["root"] / entry["path"]
    truth = read(entry["root"] / entry["truth"])
    assert truth.department["table_rules"] == rules
    document = _extracted(path)
    score = compare(truth, document)
    assert score.compared > 500
    shown = "\n".join(score.wrong[:SHOWN])
    assert not score.wrong, f"{path.name} ({rules}): {score.summary()}; first mismatches:\n{shown}"
    # every figure read is a whole token of pdfium's text (no two cells read as one)
    assert not [w for w in document.warnings if "missing from pdfium" in w]
