"""DOCX and XLSX extractors: every printed figure against the synthetic corpus' truth, the
same document as the text dump of the same disclosure, and files that cannot be read."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest

from extractors import ooxml
from extractors.dispatch import extract_file
from extractors.docx import extract_docx
from extractors.flow import GridRow, Item, Text, build_document
from extractors.ir import Document, ExtractionError
from extractors.text_dump import _items, _read_lines, extract_text_dump
from extractors.xlsx import _number_text, extract_xlsx
from synth import generate

SAMPLE = (
    Path(__file__).resolve().parent.parent / "samples" / "inbox" / "henan-xuchang-hrss-2023.txt"
)
CANONICAL = frozenset(
    {
        "summary",
        "income",
        "expenditure",
        "fiscal_summary",
        "gpb_expenditure",
        "gpb_basic",
        "gov_fund",
        "state_capital",
        "three_public",
    }
)
FORMATS = ("txt", "docx", "xlsx")
SEED = 7
Figure = tuple[str, str | None, str | None, str | None, str]  # table, side, code, line, column


# --- the synthetic corpus: 3 departments × 2 years in each format ---------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    out = tmp_path_factory.mktemp("synth")
    return {fmt: generate(out / fmt, 3, range(2022, 2024), [fmt], SEED) for fmt in FORMATS}


@pytest.fixture(scope="module")
def extracted(corpus: dict[str, list[Path]]) -> dict[str, list[Document]]:
    return {fmt: [extract_file(path) for path in paths] for fmt, paths in corpus.items()}


def truth_figures(path: Path) -> dict[Figure, Decimal]:
    """Every figure truth.json lists for the canonical tables (a blank printed as 0)."""
    truth = json.loads((path.parent / "truth.json").read_text(encoding="utf-8"))
    return {
        (table["key"], row["side"], row["code"], row["line_key"], cell["column_key"]): Decimal(
            cell["value"] or 0
        )
        for table in truth["tables"]
        if table["key"] in CANONICAL
        for row in table["rows"]
        for cell in row["cells"]
    }


def figures(document: Document) -> dict[Figure, Decimal]:
    return {
        (table.key, row.side, row.code, row.line_key, cell.column_key): cell.value or Decimal(0)
        for table in document.tables
        for row in table.rows
        for cell in row.cells
    }


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_every_truth_figure_extracted(
    corpus: dict[str, list[Path]], extracted: dict[str, list[Document]], fmt: str
) -> None:
    compared, wrong = 0, []
    for path, document in zip(corpus[fmt], extracted[fmt], strict=True):
        got = figures(document)
        for figure, value in truth_figures(path).items():
            compared += 1
            if got.get(figure) != value:
                wrong.append((path.name, figure, value, got.get(figure)))
    assert compared > 4000
    assert wrong == []


def test_docx_and_xlsx_give_the_same_figures(extracted: dict[str, list[Document]]) -> None:
    for word, excel in zip(extracted["docx"], extracted["xlsx"], strict=True):
        assert figures(word) == figures(excel)


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_document_facts_as_in_the_text_dump(extracted: dict[str, list[Document]], fmt: str) -> None:
    def facts(document: Document) -> tuple[object, ...]:
        tables = [(t.key, t.unit, t.declared_empty, t.empty_statement) for t in document.tables]
        return (
            document.department_name,
            document.fiscal_year,
            document.unit,
            document.member_units,
            document.stated_unit_count,
            tables,
            document.warnings,
        )

    for text, other in zip(extracted["txt"], extracted[fmt], strict=True):
        assert other.format == fmt and other.pages is None
        assert facts(other) == facts(text)


def test_merged_header_spans_read_from_the_file(extracted: dict[str, list[Document]]) -> None:
    """公务接待费 spans two rows over its 预算数 | 决算数 columns: only the recorded merge
    keeps the 公务用车运行维护费 header to its left from spreading over it."""
    for fmt in ("docx", "xlsx"):
        for document in extracted[fmt]:
            three_public = document.table("three_public")
            assert three_public is not None
            for row in three_public.rows:
                assert {c.column_key for c in row.cells} >= {"vehicle_operation", "reception"}


# --- the Henan sample written as DOCX and XLSX ------------------------------------------

_AMOUNT = re.compile(r"^-?\d{1,3}(,\d{3})*\.\d+$|^-?\d+\.\d+$")


def blocks(items: list[Item]) -> Iterator[str | list[list[str]]]:
    """Paragraph texts, and runs of grid rows as one table each."""
    grid: list[list[str]] = []
    for item in items:
        if isinstance(item, GridRow):
            grid.append(item.cells)
            continue
        if grid:
            yield grid
            grid = []
        yield item.text
    if grid:
        yield grid


def write_docx(items: list[Item], path: Path) -> None:
    word = docx.Document()
    for block in blocks(items):
        if isinstance(block, str):
            word.add_paragraph(block)
            continue
        table = word.add_table(rows=0, cols=max(map(len, block)))
        for cells in block:
            for cell, text in zip(table.add_row().cells, cells, strict=False):
                cell.text = text
    word.save(str(path))


def write_xlsx(items: list[Item], path: Path) -> None:
    """One sheet; amounts as numbers with the number format that prints them as in the dump."""
    book = openpyxl.Workbook()
    sheet = book.active
    for block in blocks(items):
        if isinstance(block, str):
            sheet.append([block])
            continue
        for cells in block:
            sheet.append([float(t.replace(",", "")) if _AMOUNT.match(t) else t for t in cells])
            for cell, text in zip(sheet[sheet.max_row], cells, strict=False):
                if text.startswith("="):
                    cell.data_type = "s"  # text such as "=100%" (a target), not a formula
                if _AMOUNT.match(text):
                    decimals = len(text.split(".")[1])
                    cell.number_format = ("#,##0." if "," in text else "0.") + "0" * decimals
        sheet.append([])  # a blank row after each table
    book.save(str(path))


@pytest.fixture(scope="module")
def henan(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Document]:
    folder = tmp_path_factory.mktemp("henan")
    items = _items(_read_lines(SAMPLE))
    write_docx(items, folder / "henan.docx")
    write_xlsx(items, folder / "henan.xlsx")
    return {
        "txt": extract_text_dump(SAMPLE, "0" * 64),
        "docx": extract_docx(folder / "henan.docx", "0" * 64),
        "xlsx": extract_xlsx(folder / "henan.xlsx", "0" * 64),
    }


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_henan_sample_same_document_as_the_text_dump(henan: dict[str, Document], fmt: str) -> None:
    def comparable(document: Document) -> dict[str, object]:
        data = document.to_json()
        for record in [*data["statements"], *data["evaluations"]]:
            del record["location"]  # line / paragraph / sheet row: each format's own
        return {k: v for k, v in data.items() if k not in ("source_path", "format")}

    assert henan[fmt].format == fmt
    assert len(figures(henan[fmt])) > 1000
    assert comparable(henan[fmt]) == comparable(henan["txt"])


# --- reading the formats ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "number_format", "printed"),
    [
        (4583.06, "#,##0.00", "4,583.06"),
        (81.385, "0.00", "81.39"),
        (0, "0.00", "0.00"),
        (1234567, "#,##0", "1,234,567"),
        (0.9012, "0.00%", "90.12%"),
        (10.0, "General", "10"),
        (0.1 + 0.2, "General", "0.3"),
        (-12.5, "#,##0.00_);[Red](#,##0.00)", "-12.50"),
        (7, '0"个"', "7"),
    ],
)
def test_xlsx_numbers_printed_by_their_format(
    value: float, number_format: str, printed: str
) -> None:
    assert _number_text(value, number_format) == printed


# 公务接待费 is merged down over two header rows: without the merge, the 公务用车运行维护费
# header printed once to its left would spread over its columns.
MERGED_HEADER = [
    ["公务用车购置及运行维护费", "", "公务接待费", ""],
    ["公务用车运行维护费", "", "", ""],
    ["预算数", "决算数", "预算数", "决算数"],
    ["10.60", "10.50", "2.00", "1.90"],
]
MERGES = [(0, 0, 0, 1), (0, 2, 1, 3), (1, 0, 1, 1)]  # first row, first column, last row, last


def merged_docx(path: Path) -> None:
    word = docx.Document()
    word.add_paragraph("财政拨款“三公”经费支出决算表")
    word.add_paragraph("单位：万元")
    table = word.add_table(rows=len(MERGED_HEADER), cols=4)
    for r, cells in enumerate(MERGED_HEADER):
        for c, text in enumerate(cells):
            table.cell(r, c).text = text
    for r0, c0, r1, c1 in MERGES:
        table.cell(r0, c0).merge(table.cell(r1, c1)).text = MERGED_HEADER[r0][c0]
    word.save(str(path))


def merged_xlsx(path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["财政拨款“三公”经费支出决算表"])
    sheet.append(["单位：万元"])
    for cells in MERGED_HEADER[:-1]:
        sheet.append([text or None for text in cells])
    sheet.append([float(text) for text in MERGED_HEADER[-1]])
    for cell in sheet[sheet.max_row]:
        cell.number_format = "0.00"
    for r0, c0, r1, c1 in MERGES:
        sheet.merge_cells(start_row=r0 + 3, start_column=c0 + 1, end_row=r1 + 3, end_column=c1 + 1)
    book.save(str(path))


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_header_spread_by_the_recorded_merges(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"merged.{fmt}"
    (merged_docx if fmt == "docx" else merged_xlsx)(path)
    tbl = extract_file(path).table("three_public")
    assert tbl is not None
    actual = next(r for r in tbl.rows if r.line_key == "actual")
    assert [(c.column_key, c.raw) for c in actual.cells] == [
        ("vehicle_operation", "10.50"),
        ("reception", "1.90"),
    ]


def test_flow_keeps_pages_and_locations() -> None:
    items: list[Item] = [
        Text("收入决算表", "p1", 3),
        Text("单位：万元", "p1", 3),
        GridRow(["项目", "", "本年收入合计", "财政拨款收入"], "r1", 3),
        GridRow(["科目编码", "科目名称", "", ""], "r2", 3),
        GridRow(["201", "一般公共服务支出", "5.00", "5.00"], "r3", 3),
        GridRow(["合计", "", "5.00", "5.00"], "r4", 4),
        Text("收入决算表", "p2", 5),
        GridRow(["合计", "", "9.00", "9.00"], "r5", 5),
    ]
    document = build_document(items, source_path="x", sha256="0", fmt="docx", pages=5)
    income = document.table("income")
    assert income is not None and income.pages == [3, 4]
    assert [(r.page, [c.page for c in r.cells]) for r in income.rows] == [
        (3, [3, 3]),
        (4, [4, 4]),
    ]
    assert document.warnings == ["income: printed again at p2"]


# --- files that cannot be read ----------------------------------------------------------


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_not_a_zip_file(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"plain{suffix}"
    path.write_text("收入决算表\n", encoding="utf-8")
    with pytest.raises(ExtractionError, match=rf"not a {suffix[1:].upper()} \(zip\) file"):
        extract_file(path)


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_encrypted_or_legacy_office_file(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"locked{suffix}"
    path.write_bytes(ooxml.OLE_SIGNATURE + b"\0" * 4096)  # how encrypted OOXML is stored
    with pytest.raises(ExtractionError, match="encrypted or legacy Office file"):
        extract_file(path)


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_zip_bomb_by_compression_ratio(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"bomb{suffix}"
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package,
        package.open("word/document.xml", "w") as entry,
    ):
        for _ in range(50):
            entry.write(b"\0" * (1 << 20))
    with pytest.raises(ExtractionError, match=r"zip bomb refused: compression ratio \d+, over"):
        extract_file(path)


def test_zip_bomb_by_uncompressed_size(
    corpus: dict[str, list[Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ooxml, "MAX_UNCOMPRESSED", 100_000)
    with pytest.raises(ExtractionError, match=r"zip bomb refused: \d+ bytes uncompressed"):
        extract_file(corpus["docx"][0])


@pytest.mark.parametrize(
    ("suffix", "part"), [(".docx", "word/document.xml"), (".xlsx", "xl/workbook.xml")]
)
def test_zip_that_is_not_an_office_package(tmp_path: Path, suffix: str, part: str) -> None:
    path = tmp_path / f"archive{suffix}"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("readme.txt", "收入决算表")
    with pytest.raises(ExtractionError, match=f"a zip file but not a .*: no {part}"):
        extract_file(path)


def test_zip_with_encrypted_entries(tmp_path: Path) -> None:
    path = tmp_path / "secret.docx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("word/document.xml", "<w:document/>")
    data = bytearray(path.read_bytes())
    data[data.find(b"PK\x01\x02") + 8] |= 0x1  # the central directory's "encrypted" flag
    path.write_bytes(data)
    with pytest.raises(ExtractionError, match="encrypted zip entries"):
        extract_file(path)


@pytest.mark.parametrize(
    ("fmt", "part"), [("docx", "word/document.xml"), ("xlsx", "xl/worksheets/sheet4.xml")]
)
def test_broken_xml_inside_the_package(
    tmp_path: Path, corpus: dict[str, list[Path]], fmt: str, part: str
) -> None:
    path = tmp_path / f"broken.{fmt}"
    with (
        zipfile.ZipFile(corpus[fmt][0]) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, data[:200] if info.filename == part else data)
    read = extract_docx if fmt == "docx" else extract_xlsx
    with pytest.raises(ExtractionError, match=f"not a readable {fmt.upper()}"):
        read(path, "0" * 64)
