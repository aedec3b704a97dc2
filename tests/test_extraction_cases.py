"""The extraction failure modes of issue 4, one test per case, each on a PDF that shows it.

The PDFs are printed here the way departments print them: Word tables (synth's DOCX writer)
converted by LibreOffice with the Noto CJK fonts, most without ruling lines (the path of
`extractors.pdf_unruled`). Where a case is also pinned on a ruled PDF (the Putuo sample and
the Shanghai template, tests/test_pdf.py) or on a text dump (tests/test_text_dump.py), the
docstring names that test; it is not repeated here.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from test_consistency import consistency_rows, failing

from extractors.dispatch import extract_file
from extractors.ir import Document, Row, Table
from synth.layout.blocks import Block, Fig, Grid, Para, Rules, Section
from synth.render import docx, pdf

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None,
    reason="LibreOffice (soffice) is needed to print the PDFs",
)

SPEND = ["合计", "基本支出", "项目支出"]
INCOME = ["本年收入合计", "财政拨款收入", "事业收入", "其他收入"]
EMPTY = ("注：本部门2024年度没有政府性基金预算财政拨款收入，也没有使用政府性基金预算财政拨款"
         "安排的支出，故本表无数据。")
Line = tuple[str, str, list[str]]  # code ("" for 合计), name, printed figures


def code_table(head: list[str], lines: list[Line], split: bool, rules: Rules = "none",
               repeat: bool = False, name_width: float = 4.2) -> Grid:
    """A function-subject table as synth prints it: codes over 类/款/项 (`split`) or in one
    column, the value columns under `head`, figures right-aligned."""
    n = len(head)
    if split:
        rows = [["项目", "", "", "", *head],
                ["支出功能分类科目编码", "", "", "科目名称", *[""] * n],
                ["类", "款", "项", "", *[""] * n]]
        merges = [(0, 0, 0, 3), (1, 0, 1, 2), (1, 3, 2, 3),
                  *((0, 4 + c, 2, 4 + c) for c in range(n))]
        widths = [1.1, 0.9, 0.9, name_width]
    else:
        rows = [["项目", "", *head], ["科目代码", "科目名称", *[""] * n]]
        merges = [(0, 0, 0, 1), *((0, 2 + c, 1, 2 + c) for c in range(n))]
        widths = [2.0, name_width]
    first = len(widths)
    header = len(rows)
    for code, name, figures in lines:
        values = [Fig(raw, None) for raw in figures]
        r = len(rows)
        if not code:
            rows.append(["合计", *[""] * (first - 1), *values])
            merges.append((r, 0, r, first - 1))
        elif split:
            rows.append([code[:3], code[3:5], code[5:7], name, *values])
        else:
            rows.append([code, name, *values])
    return Grid(rows, widths + [2.6] * n, merges, header, repeat, rules, numeric_from=first)


def table_page(title: str, unit: str, grid: Grid, *notes: str,
               heading: str | None = None) -> Section:
    blocks: list[Block] = [Para(title, "title")]
    blocks.append(Para(heading or f"单位：{unit}", "unit"))
    blocks += [grid, *(Para(note, "note") for note in notes)]
    return Section(title[:20], blocks, landscape=False)


def cover(name: str = "测试市测试局", year: str = "2024") -> Section:
    return Section("封面", [Para(name, "cover"), Para(f"{year}年度部门决算", "cover")])


@cache
def printed(folder: Path) -> dict[str, Path]:
    """Every case file, printed in one LibreOffice run."""
    documents = _documents()
    folder.mkdir(parents=True, exist_ok=True)
    sources = []
    for name, sections in documents.items():
        source = folder / f"{name}.docx"
        docx.write(sections, source, name)
        sources.append(source)
    pdf.convert(sources, folder)
    return {name: folder / f"{name}.pdf" for name in documents}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return printed(tmp_path_factory.getbasetemp() / "extraction-cases")


@cache
def extracted(path: Path) -> Document:
    return extract_file(path)


def _classes(count: int, long_names: bool = False) -> list[Line]:
    """Lines 2080500, 2080501, … with figures that add up (合计 = 基本 + 项目)."""
    tail = "行政事业单位养老保险及职业年金缴费其他支出" if long_names else "支出"
    return [(f"20805{n:02d}", f"第{n + 1}项{tail}",
             [f"{100 + n:,}.{n:02d}", f"{60 + n}.00", f"{40 + n}.{n:02d}"])
            for n in range(count)]


def _documents() -> dict[str, list[Section]]:
    wan = [("", "", ["1,234,567.89", "1,000,000.00", "234,567.89"]),
           ("201", "一般公共服务支出", ["1,234,567.89", "1,000,000.00", "234,567.89"]),
           ("20106", "财政事务", ["1,234,567.89", "1,000,000.00", "234,567.89"]),
           ("2010601", "行政运行", ["1,234,567.89", "1,000,000.00", "234,567.89"])]
    reordered = [("", "", ["30.00", "70.00", "100.00"]),
                 ("208", "社会保障和就业支出", ["30.00", "70.00", "100.00"]),
                 ("20805", "行政事业单位养老支出", ["30.00", "70.00", "100.00"]),
                 ("2080505", "机关事业单位基本养老保险缴费支出", ["30.00", "70.00", "100.00"])]
    zeros = [("", "", ["12.00", "12.00", "0", "0.00"]),
             ("205", "教育支出", ["12.00", "12.00", "-", "—"]),
             ("20502", "普通教育", ["12.00", "12.00", "", "0"]),
             ("2050203", "初中教育", ["12.00", "12.00", "0.00", "-"])]
    cases = [
        cover(),
        table_page("一般公共预算财政拨款\n支出决算表", "万元", code_table(SPEND, wan, split=False)),
        table_page("支出决算表", "元", code_table(["项目支出", "基本支出", "合计"], reordered,
                                            split=True, name_width=3.0)),
        table_page("收入决算表", "万元", code_table(INCOME, zeros, split=True)),
        table_page("政府性基金预算财政拨款收入支出决算表", "万元",
                   code_table(SPEND, [("", "", ["", "", ""])], split=True), EMPTY),
    ]
    spanning = [
        cover(),
        table_page("支出决算表", "万元",
                   code_table(SPEND, [("", "", ["9,999.00", "5,000.00", "4,999.00"]),
                                      *_classes(70)], split=True, repeat=True)),
        table_page("收入决算表", "万元",
                   code_table(["本年收入合计", "财政拨款收入", "其他收入"],
                              [("", "", ["9,999.00", "5,000.00", "4,999.00"]), *_classes(70)],
                              split=False, repeat=False)),
    ]
    split_row = [
        cover(),
        table_page("一般公共预算财政拨款支出决算表", "万元",
                   code_table(SPEND, _classes(16, long_names=True), split=True,
                              name_width=1.6)),
    ]
    contents = [
        cover(),
        Section("说明", [Para("第二部分 测试市测试局2024年度部门决算表", "h2"),
                       *(Para(f"{n}、{t}……………………{p}", "item") for n, t, p in (
                           ("一", "收入支出决算总表", 3), ("二", "收入决算表", 4),
                           ("三", "支出决算表", 5))),
                       Para("本部门收入决算表反映本年度取得的各项收入，支出决算表反映各项支出。")]),
    ]
    placeholder = [
        cover("XX部门", "20XX"),
        table_page("支出决算表", "万元", code_table(SPEND, wan, split=True),
                   heading="部门：XX部门    20XX年度    单位：万元"),
    ]
    return {
        "cases-unruled": cases,
        "cases-horizontal": [*cases[:1], *(_ruled(s, "horizontal") for s in cases[1:])],
        "spanning": spanning,
        "split-row": split_row,
        "contents": contents,
        "placeholder": placeholder,
    }


def _ruled(section: Section, rules: Rules) -> Section:
    blocks = [Grid(b.rows, b.widths, b.merges, b.header_rows, b.repeat_header, rules,
                   b.numeric_from) if isinstance(b, Grid) else b for b in section.blocks]
    return Section(section.name, blocks, section.landscape)


def _row(table: Table, code: str | None = None, line_key: str | None = None) -> Row:
    found = [r for r in table.rows
             if r.code == code and (line_key is None or r.line_key == line_key)]
    assert len(found) == 1, (code, line_key, [(r.code, r.label) for r in table.rows])
    return found[0]


def _values(row: Row) -> dict[str, Decimal | None]:
    return {cell.column_key: cell.value for cell in row.cells}


def _table(document: Document, key: str) -> Table:
    table = document.table(key)
    assert table is not None, (key, document.warnings)
    return table


# The cases


def test_wrapped_table_title(files: dict[str, Path]) -> None:
    """Also: tests/test_text_dump.py::test_wrapped_titles_joined (text dump)."""
    table = _table(extracted(files["cases-unruled"]), "gpb_expenditure")
    assert table.title == "一般公共预算财政拨款支出决算表"
    assert _values(_row(table, "2010601"))["total"] == Decimal("1234567.89")


def test_table_of_contents_line_is_not_a_table(files: dict[str, Path]) -> None:
    """Also: test_pdf.py::test_contents_page_is_not_a_table (a 目录 page),
    test_text_dump.py::test_table_of_contents_lines_are_not_tables."""
    document = extracted(files["contents"])
    assert document.tables == []
    assert not any("without a known title" in w for w in document.warnings)


def test_empty_table_with_its_statement_is_declared_empty(files: dict[str, Path]) -> None:
    """Also: test_pdf.py::test_gov_fund_and_state_capital_are_declared_empty (ruled)."""
    table = _table(extracted(files["cases-unruled"]), "gov_fund")
    assert table.declared_empty and table.empty_statement
    assert "故本表无数据" in table.empty_statement
    assert all(cell.value is None for row in table.rows for cell in row.cells)


def test_table_spanning_pages_with_repeated_header(files: dict[str, Path]) -> None:
    """Also: test_pdf.py::test_tables_continued_on_the_next_page_are_appended (ruled)."""
    table = _table(extracted(files["spanning"]), "expenditure")
    assert len(table.pages) >= 2
    assert len([r for r in table.rows if r.code]) == 70  # no header line read as a row
    assert _values(_row(table, "2080569"))["project"] == Decimal("109.69")
    assert {r.page for r in table.rows} == set(table.pages)


def test_table_spanning_pages_with_unrepeated_header(files: dict[str, Path]) -> None:
    document = extracted(files["spanning"])
    table = _table(document, "income")
    assert len(table.pages) >= 2
    assert len([r for r in table.rows if r.code]) == 70
    last = _row(table, "2080569")
    assert last.page == table.pages[-1]
    assert _values(last) == {"total": Decimal("169.69"), "fiscal_appropriation": Decimal("129"),
                             "other_income": Decimal("109.69")}


def test_row_split_by_a_page_break(files: dict[str, Path]) -> None:
    table = _table(extracted(files["split-row"]), "gpb_expenditure")
    assert len(table.pages) >= 2
    names = {row.code: row.label for row in table.rows}
    assert len(names) == 16 and None not in names
    for n, (code, name, figures) in enumerate(_classes(16, long_names=True)):
        assert names[code] == name, (n, names[code])
        assert _values(_row(table, code))["total"] == Decimal(figures[0].replace(",", ""))


def test_header_parsed_by_meaning_columns_in_another_order(files: dict[str, Path]) -> None:
    """Also: test_pdf.py::test_columns_are_read_by_meaning_in_any_order (a ruled grid)."""
    table = _table(extracted(files["cases-unruled"]), "expenditure")
    assert _values(_row(table, "2080505")) == {
        "project": Decimal("30.00"), "basic": Decimal("70.00"), "total": Decimal("100.00")}


def test_codes_in_one_column(files: dict[str, Path]) -> None:
    """Also: test_pdf.py::test_template_single_column_codes_and_placeholder_rows (ruled)."""
    table = _table(extracted(files["cases-unruled"]), "gpb_expenditure")
    assert [r.code for r in table.rows] == [None, "201", "20106", "2010601"]


def test_codes_split_over_class_item_columns(files: dict[str, Path]) -> None:
    """Also: test_pdf.py::test_codes_split_over_class_item_columns_are_joined (ruled)."""
    table = _table(extracted(files["cases-unruled"]), "expenditure")
    assert [r.code for r in table.rows] == [None, "208", "20805", "2080505"]


def test_names_wrapped_over_lines(files: dict[str, Path]) -> None:
    """Also: test_pdf.py::test_wrapped_names_are_joined (ruled)."""
    table = _table(extracted(files["cases-unruled"]), "expenditure")  # a 3 cm name column
    assert _row(table, "2080505").label == "机关事业单位基本养老保险缴费支出"


def test_zero_printed_as_0_000_dash_emdash_blank(files: dict[str, Path]) -> None:
    """Also: test_text_dump.py::test_parse_amount_zero_marks_are_none (the parser)."""
    table = _table(extracted(files["cases-unruled"]), "income")
    printed_zeros = {"0", "0.00", "-", "—", ""}
    for code in ("205", "20502", "2050203"):
        row = _row(table, code)
        zeros = {c.raw: c.value for c in row.cells if c.column_key != "total"
                 and c.column_key != "fiscal_appropriation"}
        assert set(zeros) <= printed_zeros and all(v is None for v in zeros.values())
        assert _values(row)["total"] == Decimal("12.00")
    raws = {c.raw for code in ("205", "20502", "2050203") for c in _row(table, code).cells}
    assert printed_zeros <= raws


def test_thousands_separators(files: dict[str, Path]) -> None:
    table = _table(extracted(files["cases-unruled"]), "gpb_expenditure")
    row = _row(table, None, "total")
    assert [c.raw for c in row.cells] == ["1,234,567.89", "1,000,000.00", "234,567.89"]
    assert _values(row) == {"total": Decimal("1234567.89"), "basic": Decimal("1000000.00"),
                            "project": Decimal("234567.89")}


def test_wan_yuan_vs_yuan_per_table(files: dict[str, Path]) -> None:
    document = extracted(files["cases-unruled"])
    units = {key: _table(document, key).unit for key in ("gpb_expenditure", "expenditure",
                                                         "income")}
    assert units == {"gpb_expenditure": "万元", "expenditure": "元", "income": "万元"}


def test_placeholder_text_in_the_metadata_detected(files: dict[str, Path]) -> None:
    """The name printed in a table heading is recorded as printed and the consistency check
    flags the placeholder; `20XX` is no fiscal year. Also: test_consistency.py."""
    document = extracted(files["placeholder"])
    assert document.fiscal_year is None
    mentions = {m.place: m.name for m in document.name_mentions}
    assert "XX部门" in (mentions.get("table:expenditure") or "")
    flagged = failing(consistency_rows([document]))
    assert any("XX部门" in row["message"] for row in flagged)


@pytest.mark.parametrize("kind", ["cases-unruled", "cases-horizontal"])
def test_a_table_without_ruling_lines(files: dict[str, Path], kind: str) -> None:
    """Without rules and with horizontal rules only: the same tables, every figure with the
    page it is printed on, confirmed by the second reader."""
    document = extracted(files[kind])
    assert [t.key for t in document.tables] == ["gpb_expenditure", "expenditure", "income",
                                                "gov_fund"]
    for table in document.tables:
        assert all(cell.page in table.pages for row in table.rows for cell in row.cells)
    assert not [w for w in document.warnings if "missing from pdfium" in w]
    assert _values(_row(_table(document, "income"), None, "total"))["total"] == Decimal("12.00")


def test_a_narrative_page_is_not_a_table(files: dict[str, Path]) -> None:
    """A sentence naming a table and its columns (收入决算表, 支出决算表) is no table."""
    document = extracted(files["contents"])
    assert not document.tables
