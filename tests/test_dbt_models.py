"""The dbt models on a small hand-built raw schema: one real `dbt build`, then the marts.

Two departments over two years, built as `extractors.ir.Document`s and loaded with the real
loader; the publish gate (dq.document_status, dq.check_results) is written with plain SQL.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from extractors.ir import Cell, Document, Row, Table
from extractors.load import create_raw_schema, load_documents

DBT_PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"
DBT = Path(sys.executable).with_name("dbt")
WAN = Decimal(10000)

# document ids (the loader takes them from Document.sha256)
A_2022 = "a2022".ljust(64, "0")
A_2023 = "a2023".ljust(64, "0")
A_2023_OLD = "a2023old".ljust(64, "0")  # an earlier version of A 2023, loaded first
B_2022 = "b2022".ljust(64, "0")  # quarantined by the checks
B_2023 = "b2023".ljust(64, "0")  # printed in 元
BROKEN = "broken".ljust(64, "0")  # could not be read

DEPT_A = "河南省许昌市测试局"
DEPT_B = "上海市普陀区财政局"


def _row(index: int, label: str, values: dict[str, str | None], *, code: str | None = None,
         side: str | None = None, line_key: str | None = None) -> Row:
    """A row on page 3; a value of None is a printed blank (the loader stores null)."""
    cells = [
        Cell(key, raw=value or "", value=Decimal(value.replace(",", "")) if value else None,
             page=3)
        for key, value in values.items()
    ]
    return Row(index=index, label=label, page=3, cells=cells, code=code,
               side=side, line_key=line_key)  # type: ignore[arg-type]


def _summary(unit: str, income_total: str, expenditure_total: str,
             classes: dict[str, str]) -> Table:
    rows = [
        _row(0, "一般公共预算财政拨款收入", {"amount": income_total}, side="income",
             line_key="gpb_appropriation"),
        _row(1, "其他收入", {"amount": None}, side="income", line_key="other_income"),
        _row(2, "本年收入合计", {"amount": income_total}, side="income", line_key="income_total"),
    ]
    for code, amount in classes.items():
        rows.append(_row(len(rows), f"支出{code}", {"amount": amount}, side="expenditure",
                         line_key="function_class", code=code))
    rows.append(_row(len(rows), "本年支出合计", {"amount": expenditure_total},
                     side="expenditure", line_key="expenditure_total"))
    return Table("summary", "收入支出决算总表", [3], unit, rows)  # type: ignore[arg-type]


def _document(sha: str, name: str, year: int, unit: str, tables: list[Table]) -> Document:
    return Document(
        source_path=f"/inbox/{sha[:8]}.pdf", sha256=sha, format="pdf", pages=20,
        department_name=name, fiscal_year=year, unit=unit,  # type: ignore[arg-type]
        tables=tables,
    )


def doc_a_2023() -> Document:
    """万元; gpb_basic prints its 人员经费合计 / 公用经费合计."""
    unit = "万元"
    income = Table("income", "收入决算表", [4], unit, [
        _row(0, "合计", {"total": "1,511.89", "fiscal_appropriation": "1,511.89",
                        "other_income": None}, line_key="total"),
        _row(1, "社会保障和就业支出", {"total": "1,411.77", "fiscal_appropriation": "1,411.77",
                                "other_income": None}, code="208"),
        _row(2, "行政事业单位养老支出", {"total": "1,411.77",
                                  "fiscal_appropriation": "1,411.77", "other_income": None},
             code="20805"),
        _row(3, "行政单位离退休", {"total": "1,411.77", "fiscal_appropriation": "1,411.77",
                              "other_income": None}, code="2080501"),
        _row(4, "卫生健康支出", {"total": "100.12", "fiscal_appropriation": "100.12",
                            "other_income": None}, code="210"),
    ])
    expenditure = Table("expenditure", "支出决算表", [5], unit, [
        _row(0, "合计", {"total": "1,500.12", "basic": "1,200.34", "project": "299.78"},
             line_key="total"),
        _row(1, "社会保障和就业支出", {"total": "1,400.00", "basic": "1,100.22",
                                "project": "299.78"}, code="208"),
        _row(2, "卫生健康支出", {"total": "100.12", "basic": "100.12", "project": None},
             code="210"),
    ])
    gpb_expenditure = Table("gpb_expenditure", "一般公共预算财政拨款支出决算表", [6], unit, [
        _row(0, "合计", {"total": "1,500.12", "basic": "1,200.34", "project": "299.78"},
             line_key="total"),
        _row(1, "社会保障和就业支出", {"total": "1,400.00", "basic": "1,100.22",
                                "project": "299.78"}, code="208"),
    ])
    gpb_basic = Table("gpb_basic", "一般公共预算财政拨款基本支出决算明细表", [7], unit, [
        _row(0, "工资福利支出", {"amount": "1,000.00"}, code="301"),
        _row(1, "基本工资", {"amount": "600.00"}, code="30101"),
        _row(2, "津贴补贴", {"amount": "400.00"}, code="30102"),
        _row(3, "商品和服务支出", {"amount": "200.34"}, code="302"),
        _row(4, "办公费", {"amount": "200.34"}, code="30201"),
        _row(5, "人员经费合计", {"amount": "1,000.00"}, line_key="personnel_total"),
        _row(6, "公用经费合计", {"amount": "200.34"}, line_key="public_total"),
    ])
    three_categories = ("total", "abroad", "vehicle_total", "vehicle_purchase",
                        "vehicle_operation", "reception")
    three_public = Table("three_public", '财政拨款"三公"经费支出决算表', [8], unit, [
        _row(0, "预算数", dict(zip(three_categories,
                                ("12.00", None, "10.00", None, "10.00", "2.00"), strict=True)),
             line_key="budget"),
        _row(1, "决算数", dict(zip(three_categories,
                                ("10.60", None, "8.60", None, "8.60", "2.00"), strict=True)),
             line_key="actual"),
    ])
    summary = _summary(unit, "1,511.89", "1,500.12", {"208": "1,400.00", "210": "100.12"})
    return _document(A_2023, DEPT_A, 2023, unit,
                     [summary, income, expenditure, gpb_expenditure, gpb_basic, three_public,
                      *optional_tables(unit)])


def optional_tables(unit: str) -> list[Table]:
    """机关运行经费, 政府采购 (the budget line with a blank SME cell) and the project table."""
    office = Table("office_operation", "机关运行经费支出决算表", [9], unit, [
        _row(0, "合计", {"amount": "200.34"}, line_key="total"),
        _row(1, "办公费", {"amount": "150.00"}, line_key="office"),
        _row(2, "其他商品和服务支出", {"amount": "50.34"}, line_key="other_goods"),
    ])
    parts = ("total", "goods", "works", "services", "sme")
    procurement = Table("procurement", "政府采购情况表", [10], unit, [
        _row(0, "政府采购预算数", dict(zip(parts, ("30.00", "20.00", None, "10.00", None),
                                         strict=True)), line_key="budget"),
        _row(1, "政府采购合同金额", dict(zip(parts, ("28.50", "18.50", None, "10.00", "20.00"),
                                          strict=True)), line_key="contract"),
    ])
    project = Table("gpb_project", "一般公共预算财政拨款项目支出决算表", [11], unit, [
        _row(0, "合计", {"project": "299.78"}, line_key="total"),
        _row(1, "社会保障和就业支出", {"project": "299.78"}, code="208"),
    ])
    return [office, procurement, project]


def doc_b_2023() -> Document:
    """元; gpb_basic prints no group totals, so the mart sums the classes."""
    unit = "元"
    gpb_basic = Table("gpb_basic", "一般公共预算财政拨款基本支出决算表", [7], unit, [
        _row(0, "工资福利支出", {"amount": "500,000"}, code="301"),
        _row(1, "商品和服务支出", {"amount": "30,000"}, code="302"),
        _row(2, "办公费", {"amount": "30,000"}, code="30201"),
        _row(3, "对个人和家庭的补助", {"amount": "20,000"}, code="303"),
        _row(4, "合计", {"amount": "550,000"}, line_key="total"),
    ])
    expenditure = Table("expenditure", "支出决算表", [5], unit, [
        _row(0, "合计", {"total": "2,345,678", "basic": "550,000", "project": "1,795,678"},
             line_key="total"),
        _row(1, "一般公共服务支出", {"total": "2,345,678", "basic": "550,000",
                               "project": "1,795,678"}, code="201"),
    ])
    summary = _summary(unit, "2,345,679", "2,345,678", {"201": "2,345,678"})
    # printed name with spaces: normalised away
    return _document(B_2023, "上海市 普陀区　财政局", 2023, unit,
                     [summary, expenditure, gpb_basic])


def doc_simple(sha: str, name: str, year: int, total: str) -> Document:
    unit = "万元"
    income = Table("income", "收入决算表", [4], unit, [
        _row(0, "合计", {"total": total}, line_key="total"),
        _row(1, "一般公共服务支出", {"total": total}, code="201"),
    ])
    tables = [_summary(unit, total, total, {"201": total}), income]
    if sha == B_2022:  # quarantined: its optional tables stay out of the marts
        tables += optional_tables(unit)
    return _document(sha, name, year, unit, tables)


def _build_raw(db: Path) -> None:
    with duckdb.connect(str(db)) as con:
        create_raw_schema(con)
        # the earlier version of A 2023 is loaded first (an earlier loaded_at)
        load_documents(con, [doc_simple(A_2023_OLD, DEPT_A, 2023, "9.99")])
        load_documents(
            con,
            [
                doc_simple(A_2022, DEPT_A, 2022, "1,000.00"),
                doc_a_2023(),
                doc_simple(B_2022, DEPT_B, 2022, "5.00"),
                doc_b_2023(),
            ],
            failures=[("/inbox/broken.pdf", BROKEN, "/inbox/broken.pdf: not a PDF")],
        )
        con.execute("""
            create schema dq;
            create table dq.document_status (
                document_id varchar, status varchar, error_count integer, warning_count integer
            );
            create table dq.check_results (
                run_id varchar, document_id varchar, department_name varchar,
                fiscal_year integer, check_id varchar, severity varchar, status varchar,
                lhs decimal(20, 2), rhs decimal(20, 2), difference decimal(20, 2),
                tolerance decimal(20, 2), table_key varchar, page integer, row_label varchar,
                message varchar
            );
        """)
        con.executemany(
            "insert into dq.document_status values (?, ?, ?, ?)",
            [
                (A_2022, "published", 0, 0),
                (A_2023_OLD, "published", 0, 0),
                (A_2023, "published", 0, 1),
                (B_2022, "quarantined", 1, 0),
                (B_2023, "published", 0, 0),
                (BROKEN, "quarantined", 1, 0),
            ],
        )
        con.executemany(
            "insert into dq.check_results (run_id, document_id, check_id, severity, status) "
            "values ('run1', ?, ?, ?, ?)",
            [
                (A_2023, "summary.income_sum", "error", "pass"),
                (A_2023, "cross.three_public_vs_basic", "warning", "fail"),
                (A_2023, "doc.subject_codes", "info", "fail"),
                (B_2022, "summary.balanced", "error", "fail"),
                (BROKEN, "doc.readable", "error", "fail"),
            ],
        )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Raw schema and gate tables, then one real `dbt build` (seeds, models, tests)."""
    work = tmp_path_factory.mktemp("dbt")
    db = work / "build.duckdb"
    _build_raw(db)
    env = {**os.environ, "JUESUAN_BUILD_DB": str(db), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    result = subprocess.run(
        [str(DBT), "build", "--profiles-dir", ".", "--target-path", str(work / "target"),
         "--log-path", str(work / "logs")],
        cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    return db


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_amounts_converted_to_yuan_exactly(warehouse: Path) -> None:
    rows = query(warehouse, "select subject_code, subject_level, is_total, total, "
                 "fiscal_appropriation, other_income from marts.fct_income "
                 "where document_id = ? order by subject_code nulls first", [A_2023])
    assert rows == [
        (None, None, True, Decimal("1511.89") * WAN, Decimal("1511.89") * WAN, 0),
        ("208", 1, False, Decimal("1411.77") * WAN, Decimal("1411.77") * WAN, 0),
        ("20805", 2, False, Decimal("1411.77") * WAN, Decimal("1411.77") * WAN, 0),
        ("2080501", 3, False, Decimal("1411.77") * WAN, Decimal("1411.77") * WAN, 0),
        ("210", 1, False, Decimal("100.12") * WAN, Decimal("100.12") * WAN, 0),
    ]
    # columns the income table does not print are null, not 0
    assert query(warehouse, "select count(*) from marts.fct_income where document_id = ? "
                 "and superior_subsidy is null", [A_2023]) == [(5,)]
    # 元 documents as printed
    assert query(warehouse, "select total, basic, project from marts.fct_expenditure "
                 "where document_id = ? and subject_code = '201'", [B_2023]) == [
        (Decimal("2345678.00"), Decimal("550000.00"), Decimal("1795678.00"))]


def test_amount_columns_are_decimal_20_2(warehouse: Path) -> None:
    types = query(warehouse, "select table_name, column_name, data_type "
                  "from information_schema.columns where table_schema = 'marts' "
                  "and column_name in ('amount', 'total', 'basic', 'personnel')")
    assert types and all(t[2] == "DECIMAL(20,2)" for t in types), types


def test_quarantined_and_superseded_absent_from_facts(warehouse: Path) -> None:
    hidden = [B_2022, A_2023_OLD, BROKEN]
    for table in ("fct_income", "fct_expenditure", "fct_gpb_expenditure",
                  "fct_basic_expenditure", "fct_summary_line", "fct_three_public",
                  "fct_fund_expenditure", "mart_department_year", "fct_office_operation",
                  "fct_procurement", "fct_gpb_project_expenditure"):
        count = query(warehouse, f"select count(*) from marts.{table} "
                      "where document_id in (?, ?, ?)", hidden)
        assert count == [(0,)], table
    published = query(warehouse, "select distinct document_id from marts.fct_summary_line "
                      "order by 1")
    assert published == sorted([(A_2022,), (A_2023,), (B_2023,)])


def test_dim_document_shows_every_document(warehouse: Path) -> None:
    rows = query(warehouse, "select document_id, status, status_reason, superseded_by, "
                 "department_name, fiscal_year, source_unit from marts.dim_document")
    by_id = {r[0]: r[1:] for r in rows}
    assert len(rows) == 6
    assert by_id[A_2023] == ("published", None, None, DEPT_A, 2023, "万元")
    assert by_id[A_2023_OLD] == ("superseded", "newer_version", A_2023, DEPT_A, 2023, "万元")
    assert by_id[B_2022] == ("quarantined", "check_failed", None, DEPT_B, 2022, "万元")
    assert by_id[B_2023][:4] == ("published", None, None, DEPT_B)  # whitespace removed
    assert by_id[BROKEN] == ("quarantined", "extraction_error", None, None, None, None)


def test_dim_department(warehouse: Path) -> None:
    rows = query(warehouse, "select department_name, region, first_fiscal_year, fiscal_year, "
                 "document_count, published_document_count, length(department_id) "
                 "from marts.dim_department order by department_name")
    assert sorted(rows) == sorted([
        (DEPT_A, "河南省许昌市", 2022, 2023, 3, 2, 16),
        (DEPT_B, "上海市", 2022, 2023, 2, 1, 16),
    ])


def test_mart_department_year(warehouse: Path) -> None:
    rows = query(warehouse, "select department_name, fiscal_year, document_id, total_income, "
                 "total_expenditure, basic, project, personnel, public_funds, "
                 "three_public_actual, error_count, warning_count "
                 "from marts.mart_department_year order by department_name, fiscal_year")
    assert rows == [
        (DEPT_B, 2023, B_2023, Decimal("2345679.00"), Decimal("2345678.00"),
         Decimal("550000.00"), Decimal("1795678.00"),
         Decimal("520000.00"), Decimal("30000.00"),  # Σ 301+303, Σ 302 (no printed totals)
         None, 0, 0),
        (DEPT_A, 2022, A_2022, Decimal("1000.00") * WAN, Decimal("1000.00") * WAN,
         None, None, None, None, None, 0, 0),
        (DEPT_A, 2023, A_2023, Decimal("1511.89") * WAN, Decimal("1500.12") * WAN,
         Decimal("1200.34") * WAN, Decimal("299.78") * WAN,
         Decimal("1000.00") * WAN, Decimal("200.34") * WAN, Decimal("10.60") * WAN, 0, 1),
    ]


def test_facts_detail(warehouse: Path) -> None:
    assert query(warehouse, "select line_item, amount from marts.fct_summary_line "
                 "where document_id = ? and side = 'expenditure' order by line_item",
                 [A_2023]) == [
        ("expenditure_total", Decimal("1500.12") * WAN),
        ("function_class.208", Decimal("1400.00") * WAN),
        ("function_class.210", Decimal("100.12") * WAN),
    ]
    assert query(warehouse, "select kind, category, amount from marts.fct_three_public "
                 "where document_id = ? and category in ('total', 'abroad') "
                 "order by kind, category", [A_2023]) == [
        ("actual", "abroad", 0), ("actual", "total", Decimal("10.60") * WAN),
        ("budget", "abroad", 0), ("budget", "total", Decimal("12.00") * WAN),
    ]
    assert query(warehouse, "select economic_code, economic_level, economic_name, "
                 "expense_group, amount from marts.fct_basic_expenditure "
                 "where document_id = ? order by economic_code", [A_2023]) == [
        ("301", 1, "工资福利支出", "personnel", Decimal("1000.00") * WAN),
        ("30101", 2, "基本工资", "personnel", Decimal("600.00") * WAN),
        ("30102", 2, "津贴补贴", "personnel", Decimal("400.00") * WAN),
        ("302", 1, "商品和服务支出", "public", Decimal("200.34") * WAN),
        ("30201", 2, "办公费", "public", Decimal("200.34") * WAN),
    ]
    assert query(warehouse, "select count(*), count(distinct expense_group) "
                 "from marts.dim_economic_subject") == [(109, 2)]


def test_optional_table_facts(warehouse: Path) -> None:
    """The optional tables of the published document, in 元, one row per line, measure or code."""
    assert query(warehouse, "select item, is_total, amount from marts.fct_office_operation "
                 "where document_id = ? order by item", [A_2023]) == [
        ("office", False, Decimal("1500000.00")),
        ("other_goods", False, Decimal("503400.00")),
        ("total", True, Decimal("2003400.00")),
    ]
    # the budget line's blank SME cell is no figure; blank works are 0
    assert query(warehouse, "select kind, category, amount from marts.fct_procurement "
                 "where document_id = ? order by kind, category", [A_2023]) == [
        ("budget", "goods", Decimal("200000.00")),
        ("budget", "services", Decimal("100000.00")),
        ("budget", "total", Decimal("300000.00")),
        ("budget", "works", Decimal("0.00")),
        ("contract", "goods", Decimal("185000.00")),
        ("contract", "services", Decimal("100000.00")),
        ("contract", "sme", Decimal("200000.00")),
        ("contract", "total", Decimal("285000.00")),
        ("contract", "works", Decimal("0.00")),
    ]
    assert query(warehouse, "select subject_code, subject_level, is_total, project "
                 "from marts.fct_gpb_project_expenditure where document_id = ? "
                 "order by subject_code nulls first", [A_2023]) == [
        (None, None, True, Decimal("2997800.00")),
        ("208", 1, False, Decimal("2997800.00")),
    ]


def test_optional_table_queries(warehouse: Path) -> None:
    """The queries of docs/optional_tables.md on the published document's optional tables."""
    text = (DBT_PROJECT_DIR.parent / "docs" / "optional_tables.md").read_text(encoding="utf-8")
    office, procurement, project = re.findall(r"```sql\n(.*?)```", text, flags=re.DOTALL)
    assert query(warehouse, office) == [
        (DEPT_A, 2023, "办公费", Decimal("1500000.00"), Decimal("74.87")),
        (DEPT_A, 2023, "其他商品和服务支出", Decimal("503400.00"), Decimal("25.13")),
    ]
    assert query(warehouse, procurement) == [
        (DEPT_A, 2023, Decimal("300000.00"), Decimal("285000.00"), Decimal("95.00"),
         Decimal("70.18")),
    ]
    assert query(warehouse, project) == [
        (DEPT_A, 2023, "208", "社会保障和就业支出", Decimal("2997800.00"),
         Decimal("2997800.00")),
    ]
