"""Typed intermediate representation of one disclosure, with provenance on every figure.

Every extractor (text dump, PDF, later DOCX/XLSX) produces a `Document`. The loader writes it
to the build database as three long tables (raw.documents, raw.tables, raw.cells); nothing
downstream reads a source file again.

Amounts are kept as printed: `Decimal` in the table's printed unit (万元 or 元). `None`
means the cell was printed as zero (`0`, `0.00`, `-`, `—`) or left blank; `raw` keeps the
printed text so a person can compare.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, Literal

Unit = Literal["万元", "元"]
Side = Literal["income", "expenditure"]

# Yuan per printed unit.
UNIT_MULTIPLIER: dict[str, int] = {"万元": 10000, "元": 1}
# Printed precision (the smallest printed step) per unit, in that unit.
UNIT_PRECISION: dict[str, Decimal] = {"万元": Decimal("0.01"), "元": Decimal("1")}


@dataclass(frozen=True)
class Provenance:
    """Where a figure came from: enough for a person to find it in the source file."""

    file: str
    sha256: str
    page: int | None  # 1-based; None for formats without pages (text dump, DOCX)
    table_key: str | None = None
    row_label: str | None = None


@dataclass
class Cell:
    column_key: str  # canonical column meaning, e.g. "total", "basic", "fiscal_appropriation"
    raw: str  # the printed text ("1,511.89", "-", "")
    value: Decimal | None  # in the table's printed unit; None for a printed zero or blank
    page: int | None


@dataclass
class Row:
    index: int  # 0-based order within the table
    label: str  # row label as printed, whitespace-normalised, wrapped lines joined
    page: int | None
    cells: list[Cell]
    code: str | None = None  # function (2080101) or economic (30101) code, no spaces
    side: Side | None = None  # summary tables: which half of the two-sided table
    line_key: str | None = None  # canonical line (summary tables, totals rows), see catalogue

    def value(self, column_key: str) -> Decimal | None:
        for cell in self.cells:
            if cell.column_key == column_key:
                return cell.value
        return None


@dataclass
class Table:
    key: str  # canonical table key: summary, income, expenditure, fiscal_summary, ...
    title: str  # title as printed
    pages: list[int]  # pages the table spans (empty for formats without pages)
    unit: Unit
    rows: list[Row] = field(default_factory=list)
    declared_empty: bool = False
    empty_statement: str | None = None


@dataclass
class PageInfo:
    page: int
    status: Literal["text", "needs_ocr", "garbled", "empty"]
    chars: int


@dataclass
class Document:
    source_path: str
    sha256: str
    format: Literal["pdf", "txt", "docx", "xlsx"]
    pages: int | None
    department_name: str | None
    fiscal_year: int | None
    unit: Unit | None  # the document's money unit (most tables')
    tables: list[Table] = field(default_factory=list)
    member_units: list[str] = field(default_factory=list)
    stated_unit_count: int | None = None
    page_info: list[PageInfo] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def table(self, key: str) -> Table | None:
        for table in self.tables:
            if table.key == key:
                return table
        return None

    def to_json(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


class ExtractionError(Exception):
    """A file that cannot be read as a disclosure. The message names the file and the problem."""

    def __init__(self, path: str, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


def document_from_json(data: dict[str, Any]) -> Document:
    """Inverse of `Document.to_json` (the extraction cache stores documents as JSON)."""

    def amount(text: str | None) -> Decimal | None:
        return None if text is None else Decimal(text)

    tables = [
        Table(
            key=t["key"],
            title=t["title"],
            pages=t["pages"],
            unit=t["unit"],
            declared_empty=t["declared_empty"],
            empty_statement=t["empty_statement"],
            rows=[
                Row(
                    index=r["index"],
                    label=r["label"],
                    page=r["page"],
                    code=r["code"],
                    side=r["side"],
                    line_key=r["line_key"],
                    cells=[
                        Cell(c["column_key"], c["raw"], amount(c["value"]), c["page"])
                        for c in r["cells"]
                    ],
                )
                for r in t["rows"]
            ],
        )
        for t in data["tables"]
    ]
    scalars = {k: v for k, v in data.items() if k not in ("tables", "page_info")}
    return Document(
        **scalars, tables=tables, page_info=[PageInfo(**p) for p in data["page_info"]]
    )
