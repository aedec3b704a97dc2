"""Typed intermediate representation of one disclosure, with provenance on every figure.

Every extractor (text dump, PDF, later DOCX/XLSX) produces a `Document`. The loader writes it
to the build database as three long tables (raw.documents, raw.tables, raw.cells); nothing
downstream reads a source file again.

Amounts are kept as printed: `Decimal` in the table's printed unit (万元 or 元). `None`
means the cell was printed as zero (`0`, `0.00`, `-`, `—`) or left blank; `raw` keeps the
printed text so a person can compare.

Besides the tables a document carries the figures stated in its narrative (`Statement`, see
`extractors.narrative`) and its performance self-evaluations (`PerfEvaluation`, see
`extractors.performance`), each with its page or, for page-less formats, its location.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, Literal

Unit = Literal["万元", "元"]
Side = Literal["income", "expenditure"]
Reader = Literal["text", "ocr"]  # a figure read from the file's text, or by OCR from a scan

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
    reader: Reader = "text"


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
    # ocr: a scan read by OCR; needs_ocr: a scan not read (OCR off or not installed);
    # unreadable: a corrupt content stream that draws nothing
    status: Literal["text", "needs_ocr", "ocr", "garbled", "empty", "unreadable"]
    chars: int


# --- the narrative (情况说明) and the performance self-evaluations ----------------------

StatedUnit = Literal["万元", "元", "%", "count"]
# amount: a figure; share / completion: a percentage of `base` (占…%, 完成预算的…%); change /
# growth: against the prior year (signed: 减少 / 下降 negative); prior: the prior year's figure;
# count: 辆, 个, 人次 …; empty: the table of `key` has no data (value None).
Measure = Literal["amount", "share", "completion", "change", "growth", "prior", "count", "empty"]
PerfScope = Literal["department", "project"]


@dataclass
class Statement:
    """One figure stated in the narrative, as printed, with the sentence it is in."""

    section: str  # the heading it is printed under
    key: str  # what it is: the vocabulary of extractors.narrative_vocab
    measure: Measure
    value: Decimal | None  # as printed; None for an `empty` statement
    unit: StatedUnit | None
    raw: str  # the printed figure (or the phrase of an `empty` statement)
    sentence: str
    page: int | None
    location: str | None  # for page-less formats: "line 2960", "paragraph 40"
    paragraph: int  # statements of one paragraph (one itemised 项) share it
    subject: str | None = None  # item: 类/款/项 names as printed; gpb_class: the class name
    subject_code: str | None = None  # item (7 digits) or class (3 digits)
    base: str | None = None  # share / completion: the key of the whole
    reason: str | None = None  # item: the stated reason for 决算 differing from 年初预算


@dataclass
class PerfFunds:
    """A funds line of a self-evaluation table (年度资金总额, 财政拨款, …), as printed."""

    line_key: str  # funds_total, funds_fiscal, funds_special, funds_unit, funds_other
    label: str
    page: int | None
    initial_budget: Decimal | None = None  # 年初预算数, in the evaluation's unit
    annual_budget: Decimal | None = None  # 全年预算数
    executed: Decimal | None = None  # 全年执行数
    weight: Decimal | None = None  # 分值
    execution_rate: Decimal | None = None  # 执行率, percent as printed (3.25 for "3.25 %")
    score: Decimal | None = None  # 得分
    raw: dict[str, str] = field(default_factory=dict)  # column key -> printed text


@dataclass
class PerfIndicator:
    level1: str | None  # 一级指标 (carried down over a merged cell); 资金管理情况 lines too
    level2: str | None
    name: str  # 三级指标
    target: str | None  # 年度指标值 (情况说明 for 资金管理情况)
    actual: str | None  # 实际完成值
    weight: Decimal | None  # 分值
    score: Decimal | None  # 得分
    deviation: str | None  # 偏差度 as printed
    note: str | None  # 偏差原因分析及改进措施
    page: int | None
    score_raw: str = ""


@dataclass
class PerfEvaluation:
    """One 部门整体 / 项目支出绩效自评情况表."""

    scope: PerfScope
    item_name: str | None  # the department or project name printed in the table
    unit: Unit
    pages: list[int]
    location: str | None
    funds: list[PerfFunds] = field(default_factory=list)
    indicators: list[PerfIndicator] = field(default_factory=list)
    total_weight: Decimal | None = None  # 总分 row: 分值 (100)
    total_score: Decimal | None = None  # 总分 row: 得分
    total_raw: str = ""
    total_page: int | None = None


@dataclass
class NameMention:
    """One place the department name (and year) is printed: the cover, a part heading, a
    table's 部门：/编制单位： header, the department self-evaluation table."""

    place: str  # "cover", "第二部分", "table:income", "perf"
    name: str | None  # as printed, whitespace removed; None when only a year is printed
    year: int | None
    page: int | None  # None for formats without pages: the place alone locates it


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
    statements: list[Statement] = field(default_factory=list)
    evaluations: list[PerfEvaluation] = field(default_factory=list)
    name_mentions: list[NameMention] = field(default_factory=list)

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


class SettingsError(ValueError):
    """A setting (or its environment variable) has a value it cannot have: the run's problem,
    never one file's."""


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
                        Cell(c["column_key"], c["raw"], amount(c["value"]), c["page"],
                             c.get("reader", "text"))
                        for c in r["cells"]
                    ],
                )
                for r in t["rows"]
            ],
        )
        for t in data["tables"]
    ]
    lists = ("tables", "page_info", "statements", "evaluations", "name_mentions")
    scalars = {k: v for k, v in data.items() if k not in lists}
    return Document(
        **scalars,
        tables=tables,
        page_info=[PageInfo(**p) for p in data["page_info"]],
        statements=[
            Statement(**{**s, "value": amount(s["value"])}) for s in data.get("statements", [])
        ],
        evaluations=[_evaluation(e) for e in data.get("evaluations", [])],
        name_mentions=[NameMention(**m) for m in data.get("name_mentions", [])],
    )


def _evaluation(data: dict[str, Any]) -> PerfEvaluation:
    def decimals(record: dict[str, Any], *names: str) -> dict[str, Any]:
        return {**record, **{n: None if record[n] is None else Decimal(record[n]) for n in names}}

    money = ("initial_budget", "annual_budget", "executed", "weight", "execution_rate", "score")
    scalars = decimals(data, "total_weight", "total_score")
    scalars.update(
        funds=[PerfFunds(**decimals(f, *money)) for f in data["funds"]],
        indicators=[PerfIndicator(**decimals(i, "weight", "score")) for i in data["indicators"]],
    )
    return PerfEvaluation(**scalars)
