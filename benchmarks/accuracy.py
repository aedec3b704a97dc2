"""Figures an extraction got right: the sample's must-pass list, every figure of a synth truth.

A figure is keyed by table, row (subject code, line key and side) and column; a printed zero
or blank is no value, as in the IR.
"""

from __future__ import annotations

import importlib.util
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from extractors.ir import Document
from extractors.pdf_tables import SUPPORTED_TABLES

ROOT = Path(__file__).resolve().parent.parent
MUST_PASS = ROOT / "tests" / "test_pdf.py"  # PUTUO_FIGURES
Key = tuple[str, str | None, str | None, str | None, str]  # table, code, line_key, side, column
_WRONG_SHOWN = 20


@dataclass(frozen=True)
class Figure:
    key: Key
    value: Decimal | None  # None: printed blank or zero


@dataclass
class Score:
    compared: int = 0
    right: int = 0
    extra: int | None = None  # against a complete reference: figures read that it lacks
    wrong: list[str] = field(default_factory=list)  # expected against read
    wrong_by_table: Counter[str] = field(default_factory=Counter)
    not_extracted: Counter[str] = field(default_factory=Counter)  # reference figures by table

    def to_json(self) -> dict[str, Any]:
        return {
            "figures_compared": self.compared,
            "right": self.right,
            "accuracy": round(self.right / self.compared, 6) if self.compared else None,
            "extra_figures_read": self.extra,
            "wrong_by_table": dict(self.wrong_by_table),
            "wrong_examples": self.wrong[:_WRONG_SHOWN],
            "figures_in_tables_not_extracted": dict(self.not_extracted),
        }


def score(doc: Document, figures: Iterable[Figure], complete: bool, into: Score) -> None:
    """Compare `doc` with the reference `figures`; `complete`: they are all that is printed."""
    read: dict[Key, Decimal | None] = {}
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                key = (table.key, row.code, row.line_key, row.side, cell.column_key)
                read.setdefault(key, cell.value)
    expected = {figure.key for figure in figures}
    if complete:
        extra = sum(1 for key, value in read.items() if value and key not in expected)
        into.extra = (into.extra or 0) + extra
    for figure in figures:
        into.compared += 1
        if figure.key in read and (read[figure.key] or 0) == (figure.value or 0):
            into.right += 1
        else:
            got = read.get(figure.key, "no such cell")
            into.wrong_by_table[figure.key[0]] += 1
            into.wrong.append(f"{Path(doc.source_path).name} {figure.key}: {figure.value} != {got}")


def sample_figures() -> list[Figure]:
    """The must-pass figures of tests/test_pdf.py (`PUTUO_FIGURES`)."""
    spec = importlib.util.spec_from_file_location("juesuan_test_pdf", MUST_PASS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [
        Figure((table, code, line, side, column), None if value is None else Decimal(value))
        for table, code, line, side, column, value in module.PUTUO_FIGURES
    ]


def truth_figures(truth: dict[str, Any]) -> tuple[list[Figure], Counter[str]]:
    """Every printed figure of a synth truth.json in the tables the PDF extractor reads, and
    the count of figures in the tables it does not read (performance tables)."""
    figures: list[Figure] = []
    skipped: Counter[str] = Counter()
    for table in truth["tables"]:
        for row in table["rows"]:
            for cell in row["cells"]:
                if table["key"] not in SUPPORTED_TABLES:
                    skipped[table["key"]] += 1
                    continue
                key = (table["key"], row["code"], row["line_key"], row["side"], cell["column_key"])
                value = Decimal(cell["value"]) if cell["value"] is not None else None
                figures.append(Figure(key, value or None))
    return figures, skipped
