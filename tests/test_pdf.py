"""The PDF extractor against the real 上海市普陀区财政局 2024 disclosure and the empty template."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pdfplumber
import pdfplumber.page
import pypdfium2 as pdfium
import pytest

import extractors.pdf
from extractors.ir import Cell, Document, ExtractionError, Row, Table
from extractors.numbers import parse_amount
from extractors.pdf import CANONICAL_TABLES, PdfSettings, extract_pdf
from extractors.pdf_columns import analyse_header, read_lines
from extractors.pdf_crosscheck import unconfirmed_figures
from extractors.pdf_fonts import font_descents
from extractors.pdf_grid import Grid, Slot, cell_texts
from extractors.pdf_meta import find_department, find_stated_count, find_year
from extractors.pdf_objects import PdfiumObjectsPage
from extractors.pdf_pdfium import read_page
from extractors.pdf_tables import BuildContext, build_rows
from extractors.pdf_text import clean_text, is_amount

ROOT = Path(__file__).resolve().parent.parent
PUTUO = ROOT / "samples" / "inbox" / "shanghai-putuo-finance-2024.pdf"
TEMPLATE = ROOT / "tests" / "fixtures" / "shanghai-template-2024.pdf"
HALF_UNIT = Decimal("0.005")


@pytest.fixture(scope="module")
def putuo() -> Document:
    return extract_pdf(PUTUO, "putuo-sha")


@pytest.fixture(scope="module")
def template() -> Document:
    return extract_pdf(TEMPLATE, "template-sha")


def table(doc: Document, key: str) -> Table:
    found = doc.table(key)
    assert found is not None, f"{key} not found"
    return found


def by_code(doc: Document, key: str, code: str) -> Row:
    return next(row for row in table(doc, key).rows if row.code == code)


def by_line(doc: Document, key: str, line_key: str, side: str | None = None) -> Row:
    rows = table(doc, key).rows
    return next(r for r in rows if r.line_key == line_key and (side is None or r.side == side))


def d(text: str) -> Decimal:
    return Decimal(text)


# Document facts


def test_identifies_department_year_and_unit(putuo: Document) -> None:
    assert putuo.format == "pdf"
    assert putuo.pages == 25
    assert putuo.department_name == "上海市普陀区财政局"
    assert putuo.fiscal_year == 2024  # cover prints "年度部门决算" and "2024" on separate lines
    assert putuo.unit == "万元"
    assert putuo.sha256 == "putuo-sha"
    assert putuo.source_path.endswith("shanghai-putuo-finance-2024.pdf")


def test_member_units_are_listed_as_printed(putuo: Document) -> None:
    assert putuo.member_units == [
        "上海市普陀区财政局（本级）",
        "上海市普陀区财政局财政所",
        "上海市普陀区国库收付中心",
    ]
    assert putuo.stated_unit_count is None  # the disclosure states no count


def test_blank_page_14_is_reported_empty_not_dropped(putuo: Document) -> None:
    assert [info.page for info in putuo.page_info] == list(range(1, 26))
    page14 = putuo.page_info[13]
    assert (page14.status, page14.chars) == ("empty", 0)
    assert all(info.status == "text" for info in putuo.page_info if info.page != 14)


def test_document_serialises_to_json(putuo: Document) -> None:
    data = putuo.to_json()
    assert data["department_name"] == "上海市普陀区财政局"
    assert any(t["key"] == "income" for t in data["tables"])


# Table recognition


def test_all_nine_canonical_tables_are_found_once(putuo: Document) -> None:
    keys = [t.key for t in putuo.tables]
    assert sorted(keys) == sorted(CANONICAL_TABLES)
    assert not [w for w in putuo.warnings if "not found" in w or "printed" in w]


def test_three_public_is_recognised_by_title_not_position(putuo: Document) -> None:
    keys = [t.key for t in putuo.tables]
    assert keys.index("three_public") == 6  # Shanghai prints it seventh (Henan: ninth)
    assert table(putuo, "three_public").title == "财政拨款“三公”经费支出决算表"


def test_contents_page_is_not_a_table(putuo: Document) -> None:
    assert min(page for t in putuo.tables for page in t.pages) == 6  # 目录 is pages 2-3


def test_tables_continued_on_the_next_page_are_appended(putuo: Document) -> None:
    pages = {t.key: t.pages for t in putuo.tables}
    assert pages["summary"] == [6, 7]
    assert pages["income"] == [8, 9]
    assert pages["expenditure"] == [10, 11]
    assert pages["fiscal_summary"] == [12, 13]  # page 14 is blank: not part of it
    assert pages["gpb_basic"] == [16, 17]
    assert pages["gpb_expenditure"] == [15]


def test_gov_fund_and_state_capital_are_declared_empty(putuo: Document) -> None:
    for key, fund in (("gov_fund", "政府性基金"), ("state_capital", "国有资本经营")):
        empty = table(putuo, key)
        assert empty.declared_empty
        statement = f"上海市普陀区财政局无{fund}预算财政拨款支出，故本表无数据。"
        assert empty.empty_statement == statement
        assert all(cell.value is None for row in empty.rows for cell in row.cells)


def test_narrative_pages_are_not_searched_for_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    searched: list[int] = []
    original = extractors.pdf.find_tables

    def spy(page: pdfplumber.page.Page, settings: dict[str, Any]) -> object:
        searched.append(page.page_number)
        return original(page, settings)

    monkeypatch.setattr(extractors.pdf, "find_tables", spy)
    extract_pdf(PUTUO, "sha")
    assert searched == [5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 18, 19, 20]


# Figures


def test_income_total_by_source(putuo: Document) -> None:
    total = by_line(putuo, "income", "total")
    assert total.label == "合计" and total.code is None
    assert total.value("total") == d("2946.25")
    assert total.value("fiscal_appropriation") == d("2940.05")
    assert total.value("other_income") == d("6.20")
    assert total.value("business_income") is None  # printed blank


def test_income_columns_are_read_by_meaning(putuo: Document) -> None:
    keys = [cell.column_key for cell in by_line(putuo, "income", "total").cells]
    assert keys == [
        "total",
        "fiscal_appropriation",
        "superior_subsidy",
        "business_income",
        "operating_income",
        "affiliated_remittance",  # header wrapped over three lines: 附属单/位上/缴收入
        "other_income",
    ]


def test_expenditure_total_and_administrative_operation(putuo: Document) -> None:
    assert by_line(putuo, "expenditure", "total").value("total") == d("2940.05")
    row = by_code(putuo, "expenditure", "2010601")
    assert row.label == "行政运行"
    assert (row.value("total"), row.value("basic"), row.value("project")) == (
        d("1511.89"),
        d("1503.52"),
        d("8.37"),
    )
    assert row.value("operating") is None


def test_gpb_expenditure_administrative_operation(putuo: Document) -> None:
    row = by_code(putuo, "gpb_expenditure", "2010601")
    assert row.value("total") == d("1511.89")
    assert row.value("basic") == d("1503.52")
    assert row.value("project") == d("8.37")
    assert by_line(putuo, "gpb_expenditure", "total").value("basic") == d("2336.91")


def test_codes_split_over_class_item_columns_are_joined(putuo: Document) -> None:
    codes = [row.code for row in table(putuo, "income").rows if row.code]
    assert codes[:4] == ["201", "20106", "2010601", "2010602"]
    assert all(code.isdigit() and len(code) in (3, 5, 7) for code in codes)


def test_wrapped_names_are_joined(putuo: Document) -> None:
    assert by_code(putuo, "income", "2080505").label == "机关事业单位基本养老保险缴费支出"
    assert by_code(putuo, "gpb_basic", "30212").label == "因公出国（境）费用"
    fiscal = [row.label for row in table(putuo, "fiscal_summary").rows]
    assert "二十六、抗疫特别国债安排的支出" in fiscal
    assert "二、政府性基金预算财政拨款" in fiscal


def test_summary_totals_and_balances(putuo: Document) -> None:
    assert by_line(putuo, "summary", "income_total").value("amount") == d("2946.25")
    assert by_line(putuo, "summary", "expenditure_total").value("amount") == d("2940.05")
    assert by_line(putuo, "summary", "opening_balance").value("amount") == d("49.14")
    assert by_line(putuo, "summary", "closing_balance").value("amount") == d("55.34")
    for side in ("income", "expenditure"):
        assert by_line(putuo, "summary", "grand_total", side).value("amount") == d("2995.39")


def test_summary_expenditure_lines_name_function_classes(putuo: Document) -> None:
    classes = [r for r in table(putuo, "summary").rows if r.line_key == "function_class"]
    assert len(classes) == 26 and all(r.side == "expenditure" for r in classes)
    by_class = {r.code: r for r in classes}
    assert by_class["201"].value("amount") == d("2106.66")
    assert by_class["222"].label == "二十、粮油物资储备支出"
    assert sum(r.value("amount") or 0 for r in classes) == d("2940.05")


def test_summary_income_lines_are_keyed(putuo: Document) -> None:
    income = [r for r in table(putuo, "summary").rows if r.side == "income"]
    assert [r.line_key for r in income] == [
        "gpb_appropriation",
        "gov_fund_appropriation",
        "state_capital_appropriation",
        "superior_subsidy",
        "business_income",
        "operating_income",
        "affiliated_remittance",
        "other_income",
        "income_total",
        "use_non_fiscal_balance",
        "opening_balance",
        "grand_total",
    ]


def test_fiscal_summary_carryover_sub_lines(putuo: Document) -> None:
    income = [r for r in table(putuo, "fiscal_summary").rows if r.side == "income"]
    assert [r.line_key for r in income] == [
        "gpb_appropriation",
        "gov_fund_appropriation",
        "state_capital_appropriation",
        "income_total",
        "opening_balance",
        "opening_balance.gpb",
        "opening_balance.gov_fund",
        "opening_balance.state_capital",
        "grand_total",
    ]
    assert by_line(putuo, "fiscal_summary", "opening_balance.gpb").value("amount") == d("21.63")
    assert by_line(putuo, "fiscal_summary", "grand_total", "income").value("amount") == d("2961.68")


def test_fiscal_summary_expenditure_columns_by_fund(putuo: Document) -> None:
    closing = by_line(putuo, "fiscal_summary", "closing_balance", "expenditure")
    assert [c.column_key for c in closing.cells] == ["total", "gpb", "gov_fund", "state_capital"]
    assert (closing.value("total"), closing.value("gpb")) == (d("21.63"), d("21.63"))
    housing = next(r for r in table(putuo, "fiscal_summary").rows if r.code == "221")
    assert housing.line_key == "function_class" and housing.value("gpb") == d("445.69")
    spent = by_line(putuo, "fiscal_summary", "expenditure_total")
    assert spent.value("total") == spent.value("gpb") == d("2940.05")


def test_gpb_basic_side_by_side_halves_are_flattened(putuo: Document) -> None:
    basic = table(putuo, "gpb_basic")
    assert by_code(putuo, "gpb_basic", "301").value("amount") == d("2082.85")
    assert by_code(putuo, "gpb_basic", "30101").value("amount") == d("262.33")
    assert by_code(putuo, "gpb_basic", "30201").value("amount") == d("21.21")
    assert by_code(putuo, "gpb_basic", "31002").value("amount") == d("13.58")
    personnel = by_line(putuo, "gpb_basic", "personnel_total").value("amount")
    public = by_line(putuo, "gpb_basic", "public_total").value("amount")
    assert (personnel, public) == (d("2152.26"), d("184.65"))
    gpb_basic_total = by_line(putuo, "gpb_expenditure", "total").value("basic")
    assert personnel + public == gpb_basic_total  # type: ignore[operator]
    codes = [row.code for row in basic.rows if row.code]
    assert len(codes) == len(set(codes)) == 64


def test_three_public_budget_and_actual_rows(putuo: Document) -> None:
    rows = table(putuo, "three_public").rows
    assert [(r.line_key, r.label) for r in rows] == [("budget", "预算数"), ("actual", "决算数")]
    keys = ["total", "abroad", "vehicle_total", "vehicle_purchase", "vehicle_operation"]
    keys.append("reception")
    for row in rows:
        assert [cell.column_key for cell in row.cells] == keys
    budget, actual = rows
    assert budget.value("total") == budget.value("reception") == d("0.95")
    assert all(cell.value is None for cell in actual.cells)


def test_figures_carry_the_page_they_are_printed_on(putuo: Document) -> None:
    assert by_code(putuo, "income", "2010601").page == 8
    assert by_code(putuo, "income", "2101101").page == 9
    assert by_code(putuo, "expenditure", "2080599").page == 11
    assert by_line(putuo, "summary", "grand_total", "expenditure").page == 7
    assert by_code(putuo, "gpb_basic", "30229").page == 17
    housing = next(r for r in table(putuo, "fiscal_summary").rows if r.code == "221")
    assert housing.page == 13 and {cell.page for cell in housing.cells} == {13}
    assert [r.index for r in table(putuo, "income").rows] == list(range(20))


@pytest.mark.parametrize("key", ["income", "expenditure", "gpb_expenditure"])
def test_each_class_equals_the_sum_of_its_items(putuo: Document, key: str) -> None:
    rows = [row for row in table(putuo, key).rows if row.code]
    columns = {cell.column_key for row in rows for cell in row.cells}
    checked = 0
    for parent in rows:
        children = [r for r in rows if r.code and len(r.code) == len(parent.code or "") + 2]
        children = [r for r in children if (r.code or "").startswith(parent.code or "")]
        if not children:
            continue
        for column in columns:
            terms = [r.value(column) or Decimal(0) for r in children]
            tolerance = (len(terms) + 1) * HALF_UNIT
            difference = (parent.value(column) or Decimal(0)) - sum(terms, Decimal(0))
            assert abs(difference) <= tolerance, (parent.code, column)
            checked += 1
    assert checked > 20


# Must-pass figures: (table, code, line_key, side, column, printed value; None for a blank or
# zero). benchmarks/extract.py scores the extractor's accuracy on the sample with this list.

PUTUO_FIGURES: list[tuple[str, str | None, str | None, str | None, str, str | None]] = [
    ("income", None, "total", None, "total", "2946.25"),
    ("income", None, "total", None, "fiscal_appropriation", "2940.05"),
    ("income", None, "total", None, "other_income", "6.20"),
    ("income", None, "total", None, "business_income", None),
    ("income", "2010601", None, None, "total", "1511.90"),
    ("expenditure", None, "total", None, "total", "2940.05"),
    ("expenditure", "2010601", None, None, "total", "1511.89"),
    ("expenditure", "2010601", None, None, "basic", "1503.52"),
    ("expenditure", "2010601", None, None, "project", "8.37"),
    ("expenditure", "2010601", None, None, "operating", None),
    ("gpb_expenditure", "2010601", None, None, "total", "1511.89"),
    ("gpb_expenditure", "2010601", None, None, "basic", "1503.52"),
    ("gpb_expenditure", "2010601", None, None, "project", "8.37"),
    ("gpb_expenditure", None, "total", None, "basic", "2336.91"),
    ("summary", None, "income_total", "income", "amount", "2946.25"),
    ("summary", None, "opening_balance", "income", "amount", "49.14"),
    ("summary", None, "grand_total", "income", "amount", "2995.39"),
    ("summary", None, "expenditure_total", "expenditure", "amount", "2940.05"),
    ("summary", None, "closing_balance", "expenditure", "amount", "55.34"),
    ("summary", None, "grand_total", "expenditure", "amount", "2995.39"),
    ("summary", "201", "function_class", "expenditure", "amount", "2106.66"),
    ("fiscal_summary", None, "opening_balance.gpb", "income", "amount", "21.63"),
    ("fiscal_summary", None, "grand_total", "income", "amount", "2961.68"),
    ("fiscal_summary", None, "closing_balance", "expenditure", "total", "21.63"),
    ("fiscal_summary", None, "closing_balance", "expenditure", "gpb", "21.63"),
    ("fiscal_summary", "221", "function_class", "expenditure", "gpb", "445.69"),
    ("fiscal_summary", None, "expenditure_total", "expenditure", "total", "2940.05"),
    ("fiscal_summary", None, "expenditure_total", "expenditure", "gpb", "2940.05"),
    ("gpb_basic", "301", None, None, "amount", "2082.85"),
    ("gpb_basic", "30101", None, None, "amount", "262.33"),
    ("gpb_basic", "30201", None, None, "amount", "21.21"),
    ("gpb_basic", "31002", None, None, "amount", "13.58"),
    ("gpb_basic", None, "personnel_total", None, "amount", "2152.26"),
    ("gpb_basic", None, "public_total", None, "amount", "184.65"),
    ("three_public", None, "budget", None, "total", "0.95"),
    ("three_public", None, "budget", None, "reception", "0.95"),
    ("three_public", None, "actual", None, "total", None),
    ("three_public", None, "actual", None, "reception", None),
]


@pytest.mark.parametrize("figure", PUTUO_FIGURES, ids=lambda f: "/".join(filter(None, f[:5])))
def test_must_pass_figures(
    putuo: Document, figure: tuple[str, str | None, str | None, str | None, str, str | None]
) -> None:
    key, code, line_key, side, column, printed = figure
    rows = [r for r in table(putuo, key).rows if (r.code, r.line_key, r.side) == figure[1:4]]
    assert len(rows) == 1, f"{key} {code or line_key} {side or ''}: {len(rows)} rows"
    assert column in [cell.column_key for cell in rows[0].cells]
    assert rows[0].value(column) == (None if printed is None else Decimal(printed))


# The empty template


def test_template_tables_are_found_without_figures(template: Document) -> None:
    assert sorted(t.key for t in template.tables) == sorted(CANONICAL_TABLES)
    assert all(c.value is None for t in template.tables for r in t.rows for c in r.cells)
    assert (template.department_name, template.fiscal_year, template.unit) == (
        "上海市XX局",
        2024,
        "万元",
    )
    assert table(template, "gov_fund").declared_empty
    assert "故本表无数据" in (table(template, "state_capital").empty_statement or "")


def test_template_single_column_codes_and_placeholder_rows(template: Document) -> None:
    income = table(template, "income")
    assert [(r.code, r.line_key) for r in income.rows] == [
        (None, "total"),
        ("205", None),
        ("20502", None),
        ("2050205", None),
        ("207", None),
        ("20799", None),
    ]
    assert by_code(template, "gpb_basic", "30101").label == "基本工资"
    assert len(table(template, "three_public").rows) == 2


def test_template_placeholder_member_units_are_skipped(template: Document) -> None:
    assert template.member_units == ["上海市XX局（本级）", "上海市XX中心", "上海市XX研究所"]


# Unreadable files


def _pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A minimal PDF with a correct cross-reference table; object 1 is the catalogue."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\n" % (len(objects) + 1, trailer)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _one_page(content: bytes, resources: bytes, *extra: bytes) -> bytes:
    stream = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R "
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            page + b"/Resources " + resources + b" >>",
            stream,
            *extra,
        ]
    )


def test_corrupt_file_raises_extraction_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"this is not a pdf at all")
    with pytest.raises(ExtractionError, match="junk.pdf: not a readable PDF"):
        extract_pdf(junk, "sha")


def test_truncated_file_raises_extraction_error(tmp_path: Path) -> None:
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(PUTUO.read_bytes()[:4000])
    with pytest.raises(ExtractionError, match="cut.pdf"):
        extract_pdf(cut, "sha")


def test_encrypted_file_raises_extraction_error(tmp_path: Path) -> None:
    encrypt = b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >>" % (b"11" * 32, b"22" * 32)
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(
        _pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
                encrypt,
            ],
            b"/Encrypt 4 0 R /ID [<%s> <%s>] " % (b"33" * 16, b"33" * 16),
        )
    )
    with pytest.raises(ExtractionError, match="locked.pdf: encrypted PDF"):
        extract_pdf(locked, "sha")


def test_missing_file_raises_extraction_error(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError, match="cannot be opened"):
        extract_pdf(tmp_path / "absent.pdf", "sha")


def test_page_of_unmapped_glyphs_is_garbled(tmp_path: Path) -> None:
    font = (
        b"<< /Font << /F1 << /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H "
        b"/DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>] >> >> >>"
    )
    garbled = tmp_path / "garbled.pdf"
    garbled.write_bytes(_one_page(b"BT /F1 12 Tf 10 100 Td <004100420043> Tj ET", font))
    doc = extract_pdf(garbled, "sha")
    assert [(p.status, p.chars) for p in doc.page_info] == [("garbled", 3)]
    assert any("page 1 is garbled" in w for w in doc.warnings)


def test_page_mapped_to_private_use_glyphs_is_garbled(tmp_path: Path) -> None:
    """pdfium reads no `(cid:n)`: glyphs without a meaning are private-use or unmapped."""
    cmap = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap "
    cmap += b"1 begincodespacerange <0000> <FFFF> endcodespacerange "
    cmap += b"1 beginbfrange <0041> <0043> <E000> endbfrange endcmap end end"
    font = (
        b"<< /Font << /F1 << /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H "
        b"/ToUnicode 5 0 R /DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>] >> >> >>"
    )
    to_unicode = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(cmap), cmap)
    private = tmp_path / "private.pdf"
    private.write_bytes(_one_page(b"BT /F1 12 Tf 10 100 Td <004100420043> Tj ET", font, to_unicode))
    doc = extract_pdf(private, "sha")
    assert [(p.status, p.chars) for p in doc.page_info] == [("garbled", 3)]


def test_page_with_only_an_image_needs_ocr(tmp_path: Path) -> None:
    image = b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
    image += b"/BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream"
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(
        _one_page(b"q 180 0 0 180 10 10 cm /Im1 Do Q", b"<< /XObject << /Im1 5 0 R >> >>", image)
    )
    doc = extract_pdf(scan, "sha", PdfSettings(ocr="off"))
    assert [(p.status, p.chars) for p in doc.page_info] == [("needs_ocr", 0)]
    assert doc.tables == [] and doc.department_name is None
    assert "page 1 is needs_ocr: its content is not read (OCR is off)" in doc.warnings


# Text helpers


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("2,940.05", Decimal("2940.05")),
        ("1,238.58", Decimal("1238.58")),
        ("6.20", Decimal("6.20")),
        ("-3.10", Decimal("-3.10")),
        ("(3.10)", Decimal("-3.10")),
        ("0.00", None),
        ("0", None),
        ("-", None),
        ("—", None),
        ("", None),
        ("…", None),
    ],
)
def test_amounts_as_printed(raw: str, value: Decimal | None) -> None:
    assert parse_amount(raw) == value
    assert is_amount(raw) == (raw not in ("-", "—", "", "…"))  # a zero is a figure, a dash not


def test_labels_are_whitespace_normalised() -> None:
    assert clean_text("因 公 出 国 （ 境 ） 费\n用") == "因公出国（境）费用"
    assert clean_text("机关事业单位基本养老保险\n缴费支出") == "机关事业单位基本养老保险缴费支出"
    assert clean_text("上海市 XX 局") == "上海市XX局"


# Variations not in the sample


def _grid(rows: list[list[str | None]]) -> Grid:
    """A grid of one-cell slots; None continues the cell to its left (a merged cell)."""
    slots: list[list[Slot | None]] = []
    cell = 0
    for row in rows:
        line: list[Slot | None] = []
        for text in row:
            if text is None:
                previous = line[-1]
                assert previous is not None
                line.append(Slot(previous.text, False, previous.cell))
            else:
                cell += 1
                line.append(Slot(text, True, cell))
        slots.append(line)
    return Grid(3, (0, 0, 100, 100), [float(x) for x in range(len(rows[0]))], slots)


def test_columns_are_read_by_meaning_in_any_order() -> None:
    grid = _grid(
        [
            ["功能分类科目编码", "科目名称", "项目支出", "基本\n支出", "本年支出合\n计"],
            ["合计", None, "8.37", "1,503.52", "1,511.89"],
            ["2010601", "行政运行", "8.37", "1,503.52", "1,511.89"],
        ]
    )
    layout = analyse_header(grid, "expenditure")
    rows = build_rows(
        read_lines(grid, layout, layout.header_rows), BuildContext("expenditure", 2024)
    )
    assert [(r.line_key, r.code) for r in rows] == [("total", None), (None, "2010601")]
    assert [c.column_key for c in rows[1].cells] == ["project", "basic", "total"]
    assert rows[1].value("total") == d("1511.89") and rows[1].page == 3


def test_two_sided_table_without_side_headers_reads_left_as_income() -> None:
    grid = _grid(
        [
            ["项目", "决算数", "项目", "决算数"],
            ["本年收入合计", "10.00", "本年支出合计", "9.00"],
            ["年初结转和结余", "1.00", "年末结转和结余", "2.00"],
        ]
    )
    layout = analyse_header(grid, "summary")
    rows = build_rows(read_lines(grid, layout, layout.header_rows), BuildContext("summary", 2024))
    assert [(r.side, r.line_key, r.value("amount")) for r in rows] == [
        ("income", "income_total", d("10.00")),
        ("income", "opening_balance", d("1.00")),
        ("expenditure", "expenditure_total", d("9.00")),
        ("expenditure", "closing_balance", d("2.00")),
    ]


def test_three_public_skips_an_unlabelled_row_of_column_numbers() -> None:
    grid = _grid(
        [
            ["预算数", None, "决算数", None],
            ["合计", "公务接待费", "合计", "公务接待费"],
            ["1", "2", "3", "4"],
            ["73,613", "6,675", "67,513", "6,675"],
        ]
    )
    layout = analyse_header(grid, "three_public")
    lines = read_lines(grid, layout, layout.header_rows)
    rows = build_rows(lines, BuildContext("three_public", 2024))
    assert [(r.line_key, r.value("total"), r.value("reception")) for r in rows] == [
        ("budget", d("73613"), d("6675")),
        ("actual", d("67513"), d("6675")),
    ]


def test_department_and_year_from_other_cover_and_header_layouts() -> None:
    assert find_department("2024年度\n上海市XX局\n部门决算", []) == "上海市XX局"
    label = "部门：许昌市人力资源和社会保障局 金额单位：万元"
    assert find_department(None, [label]) == "许昌市人力资源和社会保障局"
    assert find_department(None, ["第二部分 上海市普陀区财政局 2024 年度部门决算表"]) == (
        "上海市普陀区财政局"
    )
    assert find_year(["上海市 XX 局\n2024 年度部门决算"]) == 2024
    assert find_year(["上海市普陀区财政局\n年度部门决算\n2024"]) == 2024
    stated = "纳入本部门2023年度部门决算编制范围的单位共7个，二级预算单位有:"
    assert find_stated_count([stated]) == 7


# pdfium as the reader of pdfplumber's objects, pdfium's text as the second reader


def test_pdfium_and_pdfminer_objects_give_identical_documents(putuo: Document) -> None:
    assert PdfSettings().object_source == "pdfium"
    pdfminer = extract_pdf(PUTUO, "putuo-sha", PdfSettings(object_source="pdfminer"))
    assert pdfminer.to_json() == putuo.to_json()


def test_every_figure_of_the_sample_is_confirmed_by_the_second_reader(putuo: Document) -> None:
    figures = [c for t in putuo.tables for r in t.rows for c in r.cells if is_amount(c.raw)]
    assert len(figures) > 150
    assert not [w for w in putuo.warnings if "pdfium's text" in w]


def test_a_figure_the_second_reader_does_not_see_is_reported(putuo: Document) -> None:
    texts: dict[int, str] = {}
    with pdfium.PdfDocument(PUTUO) as doc:
        for number in table(putuo, "expenditure").pages:
            texts[number] = read_page(doc[number - 1], shapes=False).text
    expenditure = [table(putuo, "expenditure")]
    assert unconfirmed_figures(expenditure, texts) == []
    texts[10] = texts[10].replace("1,511.89", "1,511.98", 1)  # pdfium misreads one figure
    assert unconfirmed_figures(expenditure, texts) == [
        "expenditure p10: figure '1,511.89' (2010601, total) is missing from pdfium's text "
        "of the page"
    ]


def test_a_figure_printed_once_but_read_twice_is_reported() -> None:
    cells = [Cell("total", "8.37", d("8.37"), 3), Cell("project", "8.37", d("8.37"), 3)]
    row = Row(0, "行政运行", 3, cells, code="2010601")
    read = Table("expenditure", "支出决算表", [3], "万元", [row])
    assert unconfirmed_figures([read], {3: "2010601 行政运行 8.37 8.37"}) == []
    assert len(unconfirmed_figures([read], {3: "2010601 行政运行 8.37"})) == 1


def test_cells_are_read_as_pdfplumber_reads_them() -> None:
    with pdfplumber.open(PUTUO) as pdf:
        for number in (6, 16, 18):
            tables = pdf.pages[number - 1].find_tables(PdfSettings().table_settings())
            assert tables and all(cell_texts(t) == t.extract() for t in tables)


_PLAIN_FONT = (
    b"<< /Type /Font /Subtype /TrueType /BaseFont /ABCDEF+Plain /FirstChar 32 /LastChar 126 "
    b"/Widths [" + b" ".join([b"500"] * 95) + b"] /Encoding /WinAnsiEncoding "
    b"/FontDescriptor << /Type /FontDescriptor /FontName /ABCDEF+Plain /Flags 32 "
    b"/FontBBox [0 -200 1000 800] /ItalicAngle 0 /Ascent 800 /Descent -180 /StemV 80 >> >>"
)
_DRAWING = (
    b"BT /F1 12 Tf 20 150 Td (Ab 1,2) Tj ET "
    b"BT 10 0 0 10 40 120 Tm /F1 1 Tf (Scaled) Tj ET "
    b"BT 0 1 -1 0 250 40 Tm /F1 9 Tf (Up) Tj ET "
    b"q 2 0 0 2 10 10 cm 0 0 m 50 0 l S 5 5 20 10 re f 0 20 m 10 30 20 30 30 20 c S Q "
    b"q 1 0 0 1 30 0 cm /X1 Do Q"
)
_FORM = b"0 0 m 0 40 l S BT /F1 8 Tf 2 2 Td (F) Tj ET"


def _drawing(mediabox: bytes, rotate: int) -> bytes:
    form = b"<< /Type /XObject /Subtype /Form /BBox [0 0 100 100] /Matrix [1 0 0 1 5 5] "
    form += b"/Resources << /Font << /F1 5 0 R >> >> /Length %d >>\nstream\n%s\nendstream" % (
        len(_FORM),
        _FORM,
    )
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Rotate %d /Contents 4 0 R " % (
        mediabox,
        rotate,
    )
    page += b"/Resources << /Font << /F1 5 0 R >> /XObject << /X1 6 0 R >> >> >>"
    stream = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(_DRAWING), _DRAWING)
    catalog = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"]
    return _pdf([*catalog, page, stream, _PLAIN_FONT, form])


_COMPARED = {
    "char": ("text", "x0", "x1", "top", "bottom", "doctop", "size", "upright"),
    "line": ("x0", "x1", "top", "bottom"),
    "rect": ("x0", "x1", "top", "bottom"),
    "curve": ("x0", "x1", "top", "bottom", "pts"),
}


def _same(mine: Any, theirs: Any) -> bool:
    if isinstance(theirs, (list, tuple)):
        return len(mine) == len(theirs) and all(map(_same, mine, theirs))
    if isinstance(theirs, float | int) and not isinstance(theirs, bool):
        return abs(mine - theirs) < 0.01
    return bool(mine == theirs)


@pytest.mark.parametrize(
    ("mediabox", "rotate"),
    [(b"[0 0 300 200]", 0), (b"[10 20 310 220]", 0), (b"[10 20 310 220]", 90)]
    + [(b"[0 0 300 200]", 180), (b"[0 0 300 200]", 270)],
)
def test_pdfium_objects_are_the_objects_pdfminer_reads(
    tmp_path: Path, mediabox: bytes, rotate: int
) -> None:
    """Glyphs in scaled, rotated and form text, lines, rects and curves under `cm`."""
    path = tmp_path / "drawing.pdf"
    path.write_bytes(_drawing(mediabox, rotate))
    with pdfplumber.open(path) as pdf, pdfium.PdfDocument(path) as doc:
        page = pdf.pages[0]
        mine = PdfiumObjectsPage(page, read_page(doc[0], shapes=True)).objects
        for kind, keys in _COMPARED.items():
            ours = sorted(mine.get(kind, []), key=lambda o: (round(o["top"]), round(o["x0"])))
            theirs = sorted(page.objects.get(kind, []), key=lambda o: (round(o["top"]), o["x0"]))
            assert len(ours) == len(theirs) > 0, kind
            for a, b in zip(ours, theirs, strict=True):
                assert all(_same(a[k], b[k]) for k in keys), (kind, a, b)


def test_font_descents_are_read_as_pdfminer_reads_them(tmp_path: Path) -> None:
    """The descriptor's /Descent (0 stays 0: pdfium would take the embedded font's own), the
    AFM value of a standard font, a Type0 font's descendant, fonts of a form XObject."""
    zero = _PLAIN_FONT.replace(b"-180", b"0").replace(b"ABCDEF+Plain", b"GHIJKL+Zero")
    type0 = (
        b"<< /Type /Font /Subtype /Type0 /BaseFont /MNOPQR+Hei-Identity-H /Encoding /Identity-H "
        b"/DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /MNOPQR+Hei "
        b"/FontDescriptor << /Type /FontDescriptor /FontName /MNOPQR+Hei /Descent 120 >> >>] >>"
    )
    form = b"<< /Type /XObject /Subtype /Form /BBox [0 0 9 9] /Length 0 /Resources "
    form += b"<< /Font << /F9 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>"
    form += b"\nstream\n\nendstream"
    resources = b"<< /Font << /F1 5 0 R /F2 6 0 R /F3 7 0 R >> /XObject << /X1 8 0 R >> >>"
    path = tmp_path / "fonts.pdf"
    path.write_bytes(_one_page(b"", resources, _PLAIN_FONT, zero, type0, form))
    with pdfplumber.open(path) as pdf:
        descents = font_descents(pdf.pages[0].page_obj.resources)
    assert descents == {
        "ABCDEF+Plain": -0.18,
        "Plain": -0.18,
        "GHIJKL+Zero": 0.0,
        "Zero": 0.0,
        "MNOPQR+Hei-Identity-H": -0.12,
        "Hei-Identity-H": -0.12,
        "MNOPQR+Hei": -0.12,
        "Hei": -0.12,
        "Helvetica": -0.207,
    }


# --- Henan template: totals printed as their own untitled ruled table ------------------


def _slots(rows: list[list[str | None]], cells_from: int = 0) -> list[list[Slot | None]]:
    """Rows of texts; None continues the cell to its left (a merged cell)."""
    out: list[list[Slot | None]] = []
    cell = cells_from
    for row in rows:
        line: list[Slot | None] = []
        for text in row:
            if text is None:
                previous = line[-1]
                assert previous is not None
                line.append(Slot(previous.text, False, previous.cell))
            else:
                cell += 1
                line.append(Slot(text, True, cell))
        out.append(line)
    return out


def test_untitled_totals_table_with_merged_columns_continues_gpb_basic() -> None:
    from extractors.pdf_columns import header_row_count
    from extractors.pdf_grid import fitted_to

    edges = [51.0, 93.0, 232.0, 298.0, 340.0, 478.0, 544.0, 586.0, 725.0]
    half = ["科目代码", "科目名称", "决算数"]
    body = Grid(9, (51.0, 129.0, 790.9, 535.0), edges, _slots([
        ["人员经费", None, None, "公用经费", None, None, None, None, None],
        half * 3,
        ["30101", "基本工资", "1,000.00", "30201", "办公费", "20.00", "31002", "办公设备购置",
         "3.00"],
    ]))
    totals = Grid(10, (51.1, 51.0, 790.9, 63.0), [51.0, 232.0, 298.0, 725.0], _slots(
        [["人员经费合计", "1,000.00", "公用经费合计", "23.00"]], cells_from=100))
    fitted = fitted_to(body, totals, 4.0)
    assert fitted is not None and fitted.n_cols == body.n_cols
    assert fitted_to(body, Grid(10, (51.0, 51.0, 700.0, 63.0), [51.0, 232.0], []), 4.0) is None
    layout = analyse_header(body, "gpb_basic")
    lines = read_lines(body, layout, layout.header_rows)
    lines += read_lines(fitted, layout, header_row_count(fitted, "gpb_basic"))
    rows = build_rows(lines, BuildContext("gpb_basic", 2022))
    totals_read = {r.line_key: r.value("amount") for r in rows if r.line_key}
    assert totals_read == {"personnel_total": d("1000.00"), "public_total": d("23.00")}


def test_department_label_followed_by_the_year() -> None:
    line = "部门：南阳市中心医院 2022 年度 金额单位：万元"
    assert find_department(None, [line]) == "南阳市中心医院"


def test_member_units_listed_as_numbered_lines() -> None:
    from extractors.flow import listed_member_units

    text = ["二、机构设置", "纳入本部门 2022 年度部门决算编制范围的单位共 2 个：",
            "1.南阳市中心医院（本级）", "2.南阳市急救中心", "三、部门决算情况说明"]
    assert listed_member_units(text) == ["南阳市中心医院（本级）", "南阳市急救中心"]
