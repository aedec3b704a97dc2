"""Text-dump extractor: the Henan 2023 sample's figures, and template variations."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from extractors.ir import Document, Row, Table
from extractors.numbers import is_amount_text, parse_amount, parse_count
from extractors.text_dump import extract_text_dump

SAMPLE = (
    Path(__file__).resolve().parent.parent / "samples" / "inbox" / "henan-xuchang-hrss-2023.txt"
)
CANONICAL = (
    "summary",
    "income",
    "expenditure",
    "fiscal_summary",
    "gpb_expenditure",
    "gpb_basic",
    "gov_fund",
    "state_capital",
    "three_public",
)
HALF_UNIT = Decimal("0.005")


@pytest.fixture(scope="module")
def doc() -> Document:
    return extract_text_dump(SAMPLE, "0" * 64)


def table(doc: Document, key: str) -> Table:
    found = doc.table(key)
    assert found is not None, f"table {key} not found"
    return found


def row_by(
    tbl: Table, *, code: str | None = None, line_key: str | None = None, side: str | None = None
) -> Row:
    for row in tbl.rows:
        if code is not None and row.code != code:
            continue
        if line_key is not None and row.line_key != line_key:
            continue
        if side is not None and row.side != side:
            continue
        return row
    raise AssertionError(f"{tbl.key}: no row code={code} line_key={line_key} side={side}")


# --- the Henan 2023 sample --------------------------------------------------------------


def test_document_identity_department_year_unit(doc: Document) -> None:
    assert doc.format == "txt"
    assert doc.pages is None
    assert doc.department_name == "许昌市人力资源和社会保障局"
    assert doc.fiscal_year == 2023
    assert doc.unit == "万元"
    assert doc.warnings == []


def test_all_nine_canonical_tables_found(doc: Document) -> None:
    assert [t.key for t in doc.tables] == list(CANONICAL)
    assert all(t.unit == "万元" for t in doc.tables)


def test_text_dump_has_no_pages(doc: Document) -> None:
    for tbl in doc.tables:
        assert tbl.pages == []
        for row in tbl.rows:
            assert row.page is None
            assert all(cell.page is None for cell in row.cells)


def test_member_units_keep_the_duplicate(doc: Document) -> None:
    assert len(doc.member_units) == 7
    assert doc.member_units.count("许昌市人才交流服务中心") == 2
    assert doc.member_units[0] == "许昌市人力资源和社会保障局（本级）"
    assert doc.stated_unit_count == 7


def test_income_total_row(doc: Document) -> None:
    total = row_by(table(doc, "income"), line_key="total")
    assert total.code is None
    assert total.value("total") == Decimal("11684.56")
    assert total.value("fiscal_appropriation") == Decimal("11664.48")
    assert total.value("other_income") == Decimal("20.08")
    assert total.value("superior_subsidy") is None  # printed 0


def test_expenditure_total_row(doc: Document) -> None:
    total = row_by(table(doc, "expenditure"), line_key="total")
    assert total.value("total") == Decimal("11915.10")


def test_expenditure_row_2080101_by_column_meaning(doc: Document) -> None:
    row = row_by(table(doc, "expenditure"), code="2080101")
    assert row.label == "行政运行"
    assert row.value("total") == Decimal("4062.49")
    assert row.value("basic") == Decimal("4054.88")
    assert row.value("project") == Decimal("7.61")
    cell = next(c for c in row.cells if c.column_key == "total")
    assert cell.raw == "4,062.49"


def test_three_public_budget_and_actual(doc: Document) -> None:
    tbl = table(doc, "three_public")
    assert [r.line_key for r in tbl.rows] == ["budget", "actual"]
    actual = row_by(tbl, line_key="actual")
    assert actual.value("total") == Decimal("12.60")
    assert actual.value("vehicle_total") == Decimal("10.60")
    assert actual.value("vehicle_operation") == Decimal("10.60")
    assert actual.value("vehicle_purchase") is None
    assert actual.value("abroad") is None
    assert actual.value("reception") == Decimal("2.00")


def test_gpb_basic_flattened_with_group_totals(doc: Document) -> None:
    tbl = table(doc, "gpb_basic")
    assert row_by(tbl, line_key="personnel_total").value("amount") == Decimal("7073.99")
    assert row_by(tbl, line_key="public_total").value("amount") == Decimal("571.70")
    assert row_by(tbl, code="30101").value("amount") == Decimal("1590.77")
    assert row_by(tbl, code="302").value("amount") == Decimal("559.48")
    assert row_by(tbl, code="31002").label == "办公设备购置"
    assert all(len(r.cells) == 1 and r.cells[0].column_key == "amount" for r in tbl.rows)


def test_summary_lines_on_their_sides_and_balanced(doc: Document) -> None:
    tbl = table(doc, "summary")
    income_total = row_by(tbl, line_key="income_total", side="income")
    assert income_total.value("amount") == Decimal("11684.56")
    assert row_by(tbl, line_key="expenditure_total", side="expenditure").value("amount") == Decimal(
        "11915.10"
    )
    income_grand = row_by(tbl, line_key="grand_total", side="income")
    expense_grand = row_by(tbl, line_key="grand_total", side="expenditure")
    assert income_grand.value("amount") == expense_grand.value("amount") == Decimal("11917.39")
    assert all(r.label for r in tbl.rows)  # filler lines dropped


def test_summary_function_class_lines_carry_class_codes(doc: Document) -> None:
    tbl = table(doc, "summary")
    row = row_by(tbl, code="208")
    assert (row.side, row.line_key, row.label) == (
        "expenditure",
        "function_class",
        "八、社会保障和就业支出",
    )
    assert row.value("amount") == Decimal("10663.67")
    classes = [r for r in tbl.rows if r.line_key == "function_class"]
    assert len(classes) == 26 and all(r.code and len(r.code) == 3 for r in classes)


def test_fiscal_summary_fund_columns_and_balance_sub_lines(doc: Document) -> None:
    tbl = table(doc, "fiscal_summary")
    assert row_by(tbl, line_key="opening_balance").value("amount") == Decimal("222.21")
    assert row_by(tbl, line_key="opening_balance.gpb").value("amount") == Decimal("222.21")
    assert row_by(tbl, line_key="opening_balance.gov_fund").value("amount") is None
    assert row_by(tbl, line_key="opening_balance.state_capital", side="income")
    social = row_by(tbl, code="208")
    assert social.value("total") == social.value("gpb") == Decimal("10663.65")
    spent = row_by(tbl, line_key="expenditure_total")
    assert {c.column_key for c in spent.cells} == {"total", "gpb", "gov_fund", "state_capital"}
    assert row_by(tbl, line_key="grand_total", side="income").value("amount") == Decimal("11886.69")


@pytest.mark.parametrize("key", ["gov_fund", "state_capital"])
def test_empty_fund_tables_declared_empty_with_statement(doc: Document, key: str) -> None:
    tbl = table(doc, key)
    assert tbl.declared_empty
    assert tbl.empty_statement is not None and tbl.empty_statement.endswith("故本表无数据。")


def test_tables_with_figures_are_not_declared_empty(doc: Document) -> None:
    assert not any(
        t.declared_empty for t in doc.tables if t.key not in ("gov_fund", "state_capital")
    )


@pytest.mark.parametrize("key", ["income", "expenditure", "gpb_expenditure"])
def test_every_class_equals_sum_of_its_kuan(doc: Document, key: str) -> None:
    """Parsing sanity: 类 = Σ 款 per column within n × half-unit."""
    rows = table(doc, key).rows
    classes = [r for r in rows if r.code and len(r.code) == 3]
    assert classes
    for cls in classes:
        kuan = [
            r for r in rows if r.code and len(r.code) == 5 and r.code.startswith(cls.code or "")
        ]
        assert kuan, f"{key} {cls.code}: no 款 rows"
        for cell in cls.cells:
            terms = [r.value(cell.column_key) or Decimal(0) for r in kuan]
            tolerance = HALF_UNIT * (len(terms) + 1)
            assert abs((cell.value or Decimal(0)) - sum(terms)) <= tolerance, (key, cls.code, cell)


# --- template variations (synthetic dumps) ----------------------------------------------


def grid(*rows: list[str]) -> str:
    """Rows in the dump's format: one tab-prefixed line per cell, a blank line after a row."""
    return "".join("".join(f"\t{cell}\n" for cell in row) + "\n" for row in rows)


VARIANT = "\n".join(
    [
        "某某市某某局2024年度部门决算",
        "目录",
        "收入支出决算总表……………………3",
        "收入决算表\t4",
        "支出决算表",
        "一般公共预算财政拨款支出决算表",
        "三、决算单位构成",
        "纳入本部门2024年度部门决算编制范围的单位共二个，二级预算单位有：",
        "1.某某市某某局（本级）",
        "2、某某市某某中心",
        "第二部分",
        "收入决算表",
        grid(["公开02表"], ["部门：某某市某某局", "2024年度", "单位：元"]),
        grid(
            ["项目", "", "", "", "本年收入合计", "财政拨款收入", "其他收入"],
            ["类", "款", "项", "科目名称", "", "", ""],
            ["合计", "", "", "", "1,500", "1,000", "500"],
            ["208", "", "", "社会保障和就业支出", "1,500", "1,000", "500"],
            ["208", "01", "", "人力资源和社会保障管理事务", "1,500", "1,000", "500"],
            ["208", "01", "01", "行政运行", "1,500", "1,000", "500"],
            ["208", "01", "99", "其他人力资源和社会保障管理事务支出", "-", "—", ""],
        ),
        "注：本表反映部门本年度取得的各项收入情况。",
        "一般公共预算财政拨款基本支出决算",
        "明细表",
        grid(
            ["科目编码", "科目名称", "决算数"],
            ["301", "工资福利支出", "800"],
            ["30101", "  基本工资", "800"],
            ["人员经费合计", "", "800"],
        ),
        "政府性基金预算财政拨款",
        "支出决算表",
        grid(
            ["项目", "", "本年支出", "", ""],
            ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
            ["合计", "", "", "", ""],
            ["本部门无政府性基金预算财政拨款支出，本表无数据。", "", "", "", ""],
        ),
        "财政拨款“三公”经费支出决算表",
        grid(
            ["项目", "预算数", "决算数"],
            ["合计", "10", "8"],
            ["因公出国（境）费", "-", "—"],
            ["公务接待费", "10", "8"],
        ),
        "第三部分",
        "一、收入决算情况说明",
        "2024年度收入合计1500元。",
    ]
)


@pytest.fixture(scope="module")
def variant(tmp_path_factory: pytest.TempPathFactory) -> Document:
    path = tmp_path_factory.mktemp("dump") / "variant.txt"
    path.write_text(VARIANT, encoding="utf-8")
    return extract_text_dump(path, "1" * 64)


def test_table_of_contents_lines_are_not_tables(variant: Document) -> None:
    assert [t.key for t in variant.tables] == ["income", "gpb_basic", "gov_fund", "three_public"]
    assert table(variant, "income").rows  # the real table, not the TOC entry


def test_yuan_unit_department_and_year_read(variant: Document) -> None:
    assert (variant.department_name, variant.fiscal_year, variant.unit) == (
        "某某市某某局",
        2024,
        "元",
    )
    assert all(t.unit == "元" for t in variant.tables)
    assert row_by(table(variant, "income"), line_key="total").value("total") == Decimal(1500)


def test_codes_split_over_class_kuan_item_columns_joined(variant: Document) -> None:
    tbl = table(variant, "income")
    assert [r.code for r in tbl.rows] == [None, "208", "20801", "2080101", "2080199"]
    assert row_by(tbl, code="2080101").label == "行政运行"


def test_dash_and_blank_cells_read_as_none_with_raw_kept(variant: Document) -> None:
    row = row_by(table(variant, "income"), code="2080199")
    assert [(c.raw, c.value) for c in row.cells] == [("-", None), ("—", None), ("", None)]


def test_wrapped_titles_joined(variant: Document) -> None:
    assert table(variant, "gpb_basic").title == "一般公共预算财政拨款基本支出决算明细表"
    assert table(variant, "gov_fund").title == "政府性基金预算财政拨款支出决算表"
    assert row_by(table(variant, "gpb_basic"), code="30101").label == "基本工资"


def test_empty_statement_printed_inside_the_grid(variant: Document) -> None:
    tbl = table(variant, "gov_fund")
    assert tbl.declared_empty
    assert tbl.empty_statement == "本部门无政府性基金预算财政拨款支出，本表无数据。"


def test_three_public_transposed_layout(variant: Document) -> None:
    tbl = table(variant, "three_public")
    budget, actual = row_by(tbl, line_key="budget"), row_by(tbl, line_key="actual")
    assert (budget.value("total"), actual.value("total")) == (Decimal(10), Decimal(8))
    assert actual.value("reception") == Decimal(8)
    assert actual.value("abroad") is None


def test_member_units_listed_with_chinese_count(variant: Document) -> None:
    assert variant.member_units == ["某某市某某局（本级）", "某某市某某中心"]
    assert variant.stated_unit_count == 2


def test_member_units_listed_as_a_grid(tmp_path: Path) -> None:
    text = "\n".join(
        [
            "二、决算单位构成",
            "本部门决算包括的二级预算单位共3个：",
            grid(["序号", "单位名称", "单位性质"], ["1", "甲局", "行政"], ["2", "乙中心", "事业"]),
            grid(["3", "乙中心", "事业"]),
            "第二部分",
        ]
    )
    path = tmp_path / "units.txt"
    path.write_text(text, encoding="utf-8")
    document = extract_text_dump(path, "2" * 64)
    assert document.member_units == ["甲局", "乙中心", "乙中心"]
    assert document.stated_unit_count == 3
    assert document.tables == []


def test_missing_tables_are_absent_not_errors(variant: Document) -> None:
    assert variant.table("summary") is None
    assert variant.table("expenditure") is None


# --- printed numbers --------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["", " ", "0", "0.00", "-", "—", "——", "－", "-0.00"])
def test_parse_amount_zero_marks_are_none(raw: str) -> None:
    assert parse_amount(raw) is None
    assert is_amount_text(raw)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("11,664.48", "11664.48"),
        ("1，234", "1234"),
        ("(12.50)", "-12.50"),
        ("-3.1", "-3.1"),
        ("１２．５", "12.5"),
    ],
)
def test_parse_amount_reads_printed_numbers(raw: str, value: str) -> None:
    assert parse_amount(raw) == Decimal(value)


@pytest.mark.parametrize("raw", ["3.25 %", "合计", "2023年度", "1.2.3"])
def test_parse_amount_rejects_text(raw: str) -> None:
    assert parse_amount(raw) is None
    assert not is_amount_text(raw)


@pytest.mark.parametrize(
    ("text", "count"), [("7", 7), ("七", 7), ("十二", 12), ("二十三", 23), ("两", 2), ("共", None)]
)
def test_parse_count_digits_and_chinese_numerals(text: str, count: int | None) -> None:
    assert parse_count(text) == count


def test_cover_with_name_and_year_on_separate_lines_names_the_department() -> None:
    from extractors.flow import Text, build_document

    items = [Text("上海市虹口区财政局", "line 1"), Text("2023年度部门决算", "line 2")]
    document = build_document(items, source_path="cover.txt", sha256="0", fmt="txt", pages=None)
    assert document.department_name == "上海市虹口区财政局"
    assert document.fiscal_year == 2023


# A Shanghai-template 三公 table as a text dump prints it: no merges, a group header printed
# once over its span, 公务接待费 to the right of the vehicle sub-headers.
_THREE_PUBLIC_HEADER = [
    ["财政拨款“三公”经费"] + [""] * 11,
    ["合计", "", "因公出国（境）费", "", "公务用车购置及运行维护费", "", "", "", "", "",
     "公务接待费", ""],
    ["", "", "", "", "小计", "", "公务用车购置费", "", "公务用车运行维护费", "", "", ""],
    ["预算数", "决算数"] * 6,
]
_THREE_PUBLIC_KEYS = ["total", "abroad", "vehicle_total", "vehicle_purchase",
                      "vehicle_operation", "reception"]


def _three_public_dump(data: list[str]) -> Document:
    from extractors.flow import build_document
    from extractors.text_dump import _items

    lines = ["财政拨款“三公”经费支出决算表", "单位：万元"]
    for row in [*_THREE_PUBLIC_HEADER, data]:
        lines += [f"\t{cell}" for cell in row] + [""]
    return build_document(_items(lines), source_path="t.txt", sha256="0", fmt="txt", pages=None)


def test_three_public_header_spread_stays_inside_its_parent() -> None:
    figures = ["18.83", "18.51", "4.72", "4.67", "11.55", "11.55", "", "", "11.55", "11.55",
               "2.56", "2.29"]
    rows = table(_three_public_dump(figures), "three_public").rows
    assert [r.line_key for r in rows] == ["budget", "actual"]
    for row, column in zip(rows, (0, 1), strict=True):
        printed = dict(zip(_THREE_PUBLIC_KEYS, figures[column::2], strict=True))
        assert {c.column_key: c.raw for c in row.cells} == printed


def test_three_public_printed_without_figures_still_has_its_rows() -> None:
    tbl = table(_three_public_dump([""] * 12), "three_public")
    assert [r.line_key for r in tbl.rows] == ["budget", "actual"]
    for row in tbl.rows:
        assert sorted(c.column_key for c in row.cells) == sorted(_THREE_PUBLIC_KEYS)
        assert all(c.value is None for c in row.cells)
