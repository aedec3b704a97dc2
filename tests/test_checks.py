"""Every registry check fails on a document with its identity broken, with evidence, and passes
on a clean document whose printed figures carry honest rounding tails.

One build database (real loader, real dbt staging model) holds the clean documents and one
broken document per check id; the checks run once over all of them.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from checks_support import (
    MEMBER_UNITS,
    build_database,
    clean_document,
    dbt,
    drop_table,
    find_row,
    placeholder_header,
    set_figure,
    shift_figures,
    yuan,
)
from narrative_support import ITEM, add_empty_statement, prior_year, set_perf, set_statement

from expectations import gx_adapter
from expectations.registry import CHECKS, Check
from expectations.run import CheckQueryError, CheckRunSummary, run_checks
from extractors.ir import Document, Measure

RUN = "test-run"
Edit = Callable[[Document], None]


def put(table: str, column: str, text: str, code: str | None = None,
        line: str | None = None, side: str | None = None) -> Edit:
    return lambda doc: set_figure(doc, table, column, text, code, line, side)


def shift(table: str, columns: tuple[str, ...], delta: str, *codes: str | None) -> Edit:
    return lambda doc: shift_figures(doc, table, columns, delta, *codes)


def attribute(name: str, value: Any) -> Edit:
    return lambda doc: setattr(doc, name, value)


def stated(key: str, measure: Measure, text: str) -> Edit:
    return lambda doc: set_statement(doc, key, measure, text)


@dataclass(frozen=True)
class Broken:
    """A clean document with `edits` applied, and the failure row expected for the check.
    `also` lists the other checks the same edit necessarily breaks (figures shared across
    tables); `failure` loads the document as a file that could not be extracted instead;
    `prior` loads its prior-year version too (narrative_support.prior_year)."""

    edits: tuple[Edit, ...]
    table_key: str | None
    row_label: str  # the failing row's label starts with this (a code, a line, a field)
    column_key: str | None
    lhs: Decimal
    rhs: Decimal
    also: frozenset[str] = field(default_factory=frozenset)
    failure: str | None = None
    prior: str | None = None  # load a prior-year version, balances shifted by this (万元)


def put_line(
    side: str, line: str, text: str, table: str = "summary", column: str = "amount"
) -> Edit:
    return put(table, column, text, line=line, side=side)


BASIC = ("total", "basic")
INCOME_COLUMNS = ("total", "fiscal_appropriation")
FUND_COLUMNS = ("income", "total", "project")
CAPITAL_COLUMNS = ("total", "project")

CASES: dict[str, Broken] = {
    "summary.income_sum": Broken(
        (put_line("income", "other_income", "21.00"),),
        "summary", "本年收入合计", "amount", yuan("239.02"), yuan("240.02"),
        also=frozenset({"cross.income_vs_summary"}),
    ),
    "summary.expense_sum": Broken(
        (put("summary", "amount", "13.00", "221", "function_class"),),
        "summary", "本年支出合计", "amount", yuan("241.02"), yuan("242.02"),
        also=frozenset({"cross.expenditure_vs_summary"}),
    ),
    "summary.income_grand": Broken(
        (put_line("income", "opening_balance", "6.00"),),
        "summary", "收入总计", "amount", yuan("244.02"), yuan("245.02"),
    ),
    "summary.expense_grand": Broken(
        (put_line("expenditure", "closing_balance", "4.00"),),
        "summary", "支出总计", "amount", yuan("244.02"), yuan("245.02"),
    ),
    "summary.balanced": Broken(
        (put_line("income", "opening_balance", "6.00"),
         put_line("income", "grand_total", "245.02")),
        "summary", "总计", "amount", yuan("245.02"), yuan("244.02"),
    ),
    # moved between two 项 of one 款: every column sum still holds, two row sums do not
    "income.row_sum": Broken(
        (put("income", "fiscal_appropriation", "104.00", "2010601"),
         put("income", "fiscal_appropriation", "44.00", "2010602")),
        "income", "2010601", "total", yuan("123.00"), yuan("124.00"),
    ),
    "income.hierarchy": Broken(
        (shift("income", INCOME_COLUMNS, "1.00", "20106"),),
        "income", "20106", "fiscal_appropriation", yuan("149.01"), yuan("148.00"),
    ),
    "income.grand": Broken(
        (shift("income", INCOME_COLUMNS, "1.00", "221", "22102", "2210201"),),
        "income", "合计", "fiscal_appropriation", yuan("219.02"), yuan("220.02"),
    ),
    "expenditure.row_sum": Broken(
        (put("expenditure", "basic", "31.00", "2080505"),
         put("expenditure", "basic", "14.00", "2080506")),
        "expenditure", "2080505", "total", yuan("30.00"), yuan("31.00"),
    ),
    "expenditure.hierarchy": Broken(
        (shift("expenditure", BASIC, "1.00", "20805"),),
        "expenditure", "20805", "total", yuan("46.01"), yuan("45.00"),
    ),
    "expenditure.grand": Broken(
        (shift("expenditure", BASIC, "1.00", None),),
        "expenditure", "合计", "basic", yuan("178.01"), yuan("177.01"),
        also=frozenset({"cross.expenditure_vs_summary"}),
    ),
    "fiscal_summary.income_sum": Broken(
        (put_line("income", "gov_fund_appropriation", "9.00", "fiscal_summary"),),
        "fiscal_summary", "本年收入合计", "amount", yuan("219.02"), yuan("220.02"),
    ),
    # the total column moved between two lines: the column sums hold, the row sums do not
    "fiscal_summary.row_sum": Broken(
        (put("fiscal_summary", "total", "151.01", "201", "function_class"),
         put("fiscal_summary", "total", "44.01", "208", "function_class")),
        "fiscal_summary", "201", "total", yuan("151.01"), yuan("150.01"),
    ),
    "fiscal_summary.expense_sum": Broken(
        (put("fiscal_summary", "gpb", "13.00", "221", "function_class"),
         put("fiscal_summary", "total", "13.00", "221", "function_class")),
        "fiscal_summary", "本年支出合计", "gpb", yuan("207.02"), yuan("208.02"),
        also=frozenset({"cross.gpb_vs_fiscal"}),
    ),
    "fiscal_summary.carryover_sum": Broken(
        (put_line("income", "opening_balance.gpb", "4.00", "fiscal_summary"),),
        "fiscal_summary", "年初结转和结余", "amount", yuan("5.00"), yuan("4.00"),
    ),
    "fiscal_summary.grand": Broken(
        (put_line("income", "grand_total", "225.02", "fiscal_summary"),
         put_line("expenditure", "grand_total", "225.02", "fiscal_summary", "total"),
         put_line("expenditure", "grand_total", "211.02", "fiscal_summary", "gpb")),
        "fiscal_summary", "收入总计", "amount", yuan("225.02"), yuan("224.02"),
    ),
    "fiscal_summary.balanced": Broken(
        (put_line("income", "opening_balance", "6.00", "fiscal_summary"),
         put_line("income", "opening_balance.gpb", "6.00", "fiscal_summary"),
         put_line("income", "grand_total", "225.02", "fiscal_summary")),
        "fiscal_summary", "总计", "amount", yuan("225.02"), yuan("224.02"),
    ),
    "gpb_expenditure.row_sum": Broken(
        (put("gpb_expenditure", "basic", "31.00", "2080505"),
         put("gpb_expenditure", "basic", "14.00", "2080506")),
        "gpb_expenditure", "2080505", "total", yuan("30.00"), yuan("31.00"),
    ),
    "gpb_expenditure.hierarchy": Broken(
        (shift("gpb_expenditure", BASIC, "-1.00", "20805"),),
        "gpb_expenditure", "20805", "total", yuan("44.01"), yuan("45.00"),
    ),
    "gpb_expenditure.grand": Broken(
        (shift("gpb_expenditure", BASIC, "-1.00", "221", "22102", "2210201"),),
        "gpb_expenditure", "合计", "total", yuan("207.02"), yuan("206.02"),
        also=frozenset({"cross.gpb_vs_fiscal"}),
    ),
    "gpb_basic.hierarchy": Broken(
        (put("gpb_basic", "amount", "21.00", "30201"),),
        "gpb_basic", "302", "amount", yuan("25.00"), yuan("26.00"),
    ),
    # 303 and 302 each moved by 1.00 with their items: hierarchy and total hold, the split not
    "gpb_basic.split": Broken(
        (put("gpb_basic", "amount", "11.00", "303"), put("gpb_basic", "amount", "11.00", "30302"),
         put("gpb_basic", "amount", "24.00", "302"), put("gpb_basic", "amount", "19.00", "30201")),
        "gpb_basic", "人员经费合计", "amount", yuan("130.01"), yuan("131.01"),
    ),
    "gov_fund.row_sum": Broken(
        (shift("gov_fund", ("project",), "-1.00", "212", "21208", "2120801", None),),
        "gov_fund", "2120801", "total", yuan("8.00"), yuan("7.00"),
    ),
    "gov_fund.hierarchy": Broken(
        (shift("gov_fund", FUND_COLUMNS, "1.00", "21208"),),
        "gov_fund", "21208", "total", yuan("9.00"), yuan("8.00"),
    ),
    "gov_fund.grand": Broken(
        (shift("gov_fund", FUND_COLUMNS, "1.00", None),),
        "gov_fund", "合计", "income", yuan("9.00"), yuan("8.00"),
        also=frozenset({"cross.fund_vs_fiscal"}),
    ),
    "state_capital.row_sum": Broken(
        (shift("state_capital", ("project",), "-1.00", "223", "22301", "2230199", None),),
        "state_capital", "2230199", "total", yuan("6.00"), yuan("5.00"),
    ),
    "state_capital.hierarchy": Broken(
        (shift("state_capital", CAPITAL_COLUMNS, "1.00", "22301"),),
        "state_capital", "22301", "total", yuan("7.00"), yuan("6.00"),
    ),
    "state_capital.grand": Broken(
        (shift("state_capital", CAPITAL_COLUMNS, "1.00", None),),
        "state_capital", "合计", "total", yuan("7.00"), yuan("6.00"),
        also=frozenset({"cross.capital_vs_fiscal"}),
    ),
    "three_public.total": Broken(
        (put("three_public", "total", "6.00", line="actual"),),
        "three_public", "决算数", "total", yuan("6.00"), yuan("5.00"),
    ),
    "three_public.vehicle": Broken(
        (put("three_public", "vehicle_total", "5.00", line="budget"),
         put("three_public", "total", "7.50", line="budget")),
        "three_public", "预算数", "vehicle_total", yuan("5.00"), yuan("4.00"),
    ),
    # -- optional tables: 机关运行经费 27.00 = 20.00 + 2.00 + 3.00 + 2.00 (其他), 办公费 misprinted
    "office_operation.total": Broken(
        (put("office_operation", "amount", "21.00", line="office"),),
        "office_operation", "合计", "amount", yuan("27.00"), yuan("28.00"),
    ),
    "procurement.total": Broken(
        (put("procurement", "total", "16.50", line="contract"),),
        "procurement", "政府采购合同金额", "total", yuan("16.50"), yuan("16.00"),
    ),
    # the project table's 合计 alone misprinted: it no longer matches gpb_expenditure either
    "gpb_project.grand": Broken(
        (put("gpb_project", "project", "51.00", line="total"),),
        "gpb_project", "合计", "project", yuan("51.00"), yuan("50.00"),
        also=frozenset({"cross.gpb_project_vs_gpb"}),
    ),
    # 项 → 款 → 类 → 合计 moved together: the table adds up, gpb_expenditure does not agree
    "cross.gpb_project_vs_gpb": Broken(
        (shift("gpb_project", ("project",), "1.00", "201", "20106", "2010602", None),),
        "gpb_project", "2010602", "project", yuan("51.00"), yuan("50.00"),
    ),
    # summary other_income and 本年收入合计 up, 年初结转和结余 down: the summary still adds up
    "cross.income_vs_summary": Broken(
        (put_line("income", "other_income", "21.00"), put_line("income", "income_total", "240.02"),
         put_line("income", "opening_balance", "4.00")),
        "income", "合计", "other_income", yuan("20.00"), yuan("21.00"),
    ),
    "cross.expenditure_vs_summary": Broken(
        (put("summary", "amount", "171.01", "201", "function_class"),
         put("summary", "amount", "44.01", "208", "function_class")),
        "expenditure", "201", "total", yuan("170.01"), yuan("171.01"),
    ),
    "cross.fiscal_vs_summary": Broken(
        (put_line("income", "gpb_appropriation", "206.02", "fiscal_summary"),
         put_line("income", "income_total", "220.02", "fiscal_summary"),
         put_line("income", "opening_balance", "4.00", "fiscal_summary"),
         put_line("income", "opening_balance.gpb", "4.00", "fiscal_summary")),
        "fiscal_summary", "本年收入合计", "amount", yuan("220.02"), yuan("219.02"),
    ),
    "cross.gpb_vs_fiscal": Broken(
        tuple(
            put("fiscal_summary", column, text, code, "function_class")
            for code, text in (("201", "151.01"), ("208", "44.01"))
            for column in ("total", "gpb")
        ),
        "gpb_expenditure", "201", "total", yuan("150.01"), yuan("151.01"),
    ),
    "cross.basic_vs_gpb": Broken(
        (put("gpb_basic", "amount", "11.00", "303"), put("gpb_basic", "amount", "11.00", "30302"),
         put("gpb_basic", "amount", "131.01", line="personnel_total")),
        "gpb_basic", "合计", "amount", yuan("158.01"), yuan("157.01"),
    ),
    "cross.fund_vs_fiscal": Broken(
        (shift("gov_fund", FUND_COLUMNS, "1.00", "212", "21208", "2120801", None),),
        "gov_fund", "212", "total", yuan("9.00"), yuan("8.00"),
    ),
    "cross.capital_vs_fiscal": Broken(
        (shift("state_capital", CAPITAL_COLUMNS, "1.00", "223", "22301", "2230199", None),),
        "state_capital", "223", "total", yuan("7.00"), yuan("6.00"),
    ),
    "cross.gpb_within_expenditure": Broken(
        (shift("expenditure", BASIC, "1.00", "2080505"),
         shift("expenditure", BASIC, "-1.00", "2080506")),
        "gpb_expenditure", "2080506", "total", yuan("15.00"), yuan("14.00"),
    ),
    "cross.three_public_vs_basic": Broken(
        (put("three_public", "reception", "3.00", line="actual"),
         put("three_public", "total", "6.00", line="actual")),
        "three_public", "决算数", "reception", yuan("3.00"), yuan("2.00"),
    ),
    "doc.readable": Broken(
        (), None, "broken-doc.readable.pdf", None, Decimal(0), Decimal(1),
        failure="cannot be read: PdfiumError: Failed to load document",
    ),
    "doc.identified": Broken(
        (attribute("department_name", None),),
        None, "department_name", None, Decimal(0), Decimal(1),
    ),
    "doc.required_tables": Broken(
        (lambda doc: drop_table(doc, "three_public"),),
        "three_public", "three_public", None, Decimal(0), Decimal(1),
    ),
    "doc.unit_list": Broken(
        (attribute("member_units", [*MEMBER_UNITS, MEMBER_UNITS[1]]),),
        None, MEMBER_UNITS[1], None, Decimal(2), Decimal(1),
    ),
    # a known code printed with a name the catalogue does not know (住房公积金 in 2023)
    "doc.subject_codes": Broken(
        (lambda doc: setattr(find_row(doc, "expenditure", "2210201"), "label", "住房公积金补贴"),),
        "expenditure", "2210201 住房公积金补贴", None, Decimal(0), Decimal(1),
    ),
    # a table header printing a placeholder department name
    "doc.consistency": Broken(
        (placeholder_header,),
        "income", "table:income", None, Decimal(0), Decimal(1),
    ),
    # a page the extractor could not read, as it names it in the warnings
    "doc.pages_read": Broken(
        (lambda doc: doc.warnings.append("page 3 is garbled: its content is not read"),),
        None, "garbled", None, Decimal(0), Decimal(1),
    ),
    # a file name stating another year
    "doc.file_name": Broken(
        (attribute("source_path", "/inbox/测试市broken局-2021.txt"),),
        None, "file name year", None, Decimal(0), Decimal(1),
    ),
    # -- narrative and performance (tests/narrative_support.py)
    "narrative.totals": Broken(
        (stated("expenditure_total", "amount", "242.02"),),
        "narrative", "2023年度支出合计", "expenditure_total", yuan("242.02"), yuan("241.02"),
    ),
    "narrative.shares": Broken(
        (stated("gpb_class", "share", "73.46"),),
        "narrative", "一般公共预算财政拨款支出207.02万元", "gpb_class.share",
        Decimal("73.46"), Decimal("72.46"),
    ),
    # the 项 决算数 off the table, its completion rate consistent with it
    "narrative.items": Broken(
        (stated("item.actual", "amount", "101.00"), stated("item.actual", "completion", "101.51")),
        "narrative", ITEM, "item.actual", yuan("101.00"), yuan("100.00"),
    ),
    "narrative.office_operation": Broken(
        (stated("office_expenses", "amount", "28.00"),),
        "narrative", "机关运行经费支出", "office_expenses", yuan("28.00"), yuan("27.00"),
    ),
    "narrative.empty_tables": Broken(
        (lambda doc: add_empty_statement(doc, "gov_fund"),),
        "narrative", "本部门没有政府性基金收入", "gov_fund", Decimal(1), Decimal(0),
    ),
    "narrative.yoy_rate": Broken(
        (stated("grand_total", "growth", "-1.81"),),
        "narrative", "2023年度收、支总计", "grand_total.growth", Decimal("-1.81"),
        Decimal("-0.81"), also=frozenset({"narrative.yoy"}), prior="2.00",
    ),
    # the change off the tables, its growth rate consistent with it: -3.00 / 247.02
    "narrative.yoy": Broken(
        (stated("grand_total", "change", "-3.00"), stated("grand_total", "growth", "-1.21")),
        "narrative", "2023年度收、支总计", "grand_total.change", yuan("-3.00"), yuan("-2.00"),
        prior="2.00",
    ),
    # the prior year closes with 6.00, this year opens with 5.00
    "year.carryover": Broken(
        (), "summary", "年初结转和结余", "amount", yuan("5.00"), yuan("6.00"), prior="3.00",
    ),
    "year.stated_prior": Broken(
        (stated("office_expenses", "prior", "28.00"),),
        "narrative", "2022年度为", "office_expenses.prior", yuan("28.00"), yuan("27.00"),
        prior="2.00",
    ),
    # the rate misprinted, score and total consistent with it
    "perf.execution_rate": Broken(
        (lambda doc: set_perf(doc, rate="75.00", score="7.50", total="96.50"),),
        "perf_department", "测试单位 部门预算总额", "execution_rate", Decimal("75.00"),
        Decimal("80.00"),
    ),
    "perf.execution_score": Broken(
        (lambda doc: set_perf(doc, score="8.50", total="97.50"),),
        "perf_department", "测试单位 部门预算总额", "score", Decimal("8.50"), Decimal("8.00"),
    ),
    "perf.total_score": Broken(
        (lambda doc: set_perf(doc, total="98.00"),),
        "perf_department", "测试单位 总分", "score", Decimal("98.00"), Decimal("97.00"),
    ),
}
# clean and sparse have their prior year loaded too, and so have the cases with `prior`
PRIOR_YEARS = 2 + sum(case.prior is not None for case in CASES.values())


def broken_id(check_id: str) -> str:
    return f"broken-{check_id}"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, CheckRunSummary]]:
    """The build database after one run over clean, sparse (each with its prior year) and every
    broken document."""
    path = tmp_path_factory.mktemp("checks") / "build.duckdb"
    documents = [clean_document("clean"), clean_document("sparse", with_funds=False)]
    documents += [prior_year(document) for document in documents]
    failures = []
    for check_id, case in CASES.items():
        name = broken_id(check_id)
        if case.failure:
            failures.append((f"/inbox/{name}.pdf", name, f"/inbox/{name}.pdf: {case.failure}"))
            continue
        document = clean_document(name)
        if case.prior is not None:
            documents.append(prior_year(document, case.prior))
        for edit in case.edits:
            edit(document)
        documents.append(document)
    build_database(path, documents, failures)
    with duckdb.connect(str(path)) as con:
        summary = run_checks(con, RUN)
    yield path, summary


def query(path: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def failures(path: Path, document_id: str) -> list[dict[str, Any]]:
    """The failing result rows, figures as exact Decimals (percentages are not whole 元)."""
    with duckdb.connect(str(path), read_only=True) as con:
        cursor = con.execute(
            "select * from dq.check_results where run_id = ? and document_id = ? "
            "and status = 'fail'",
            [RUN, document_id],
        )
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.id)
def test_check_fails_on_its_broken_document(
    database: tuple[Path, CheckRunSummary], check: Check
) -> None:
    assert check.id in CASES, f"{check.id} has no broken document in CASES"
    case = CASES[check.id]
    path, _ = database
    rows = failures(path, broken_id(check.id))
    assert {r["check_id"] for r in rows} == {check.id} | case.also
    evidence = [
        r
        for r in rows
        if r["check_id"] == check.id
        and r["row_label"].startswith(case.row_label)
        and r["column_key"] == case.column_key
    ]
    assert len(evidence) == 1, rows
    row = evidence[0]
    assert row["severity"] == check.severity
    assert row["table_key"] == case.table_key
    assert (row["lhs"], row["rhs"]) == (case.lhs, case.rhs)
    assert row["difference"] == case.lhs - case.rhs
    assert abs(row["difference"]) > row["tolerance"]
    if case.table_key is not None and not check.id.startswith("doc."):
        assert row["page"] is not None
    status = query(path, "select status from dq.document_status where document_id = ?",
                   [broken_id(check.id)])
    assert status == [("quarantined" if check.severity == "error" else "published",)]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.id)
def test_check_passes_on_clean_document(
    database: tuple[Path, CheckRunSummary], check: Check
) -> None:
    path, _ = database
    rows = query(
        path,
        "select status from dq.check_results where run_id = ? and document_id = 'clean' "
        "and check_id = ?",
        [RUN, check.id],
    )
    assert rows == [("pass",)]


def test_clean_documents_are_published_with_rounding_tails(
    database: tuple[Path, CheckRunSummary],
) -> None:
    path, _ = database
    for document_id in ("clean", "sparse"):
        assert failures(path, document_id) == []
        assert query(path, "select status, error_count, warning_count from dq.document_status "
                     "where document_id = ?", [document_id]) == [("published", 0, 0)]
    # 20106 财政事务 prints 170.01 over 项 of 120.00 + 50.00: a tail of 100 元, within 3 × 50
    tail = query(
        path,
        "select lhs, rhs, difference, tolerance from dq.check_results where run_id = ? "
        "and document_id = 'clean' and check_id = 'expenditure.hierarchy'",
        [RUN],
    )
    assert tail == [(yuan("170.01"), yuan("170.00"), Decimal(100), Decimal(150))]


def test_dq_column_types(database: tuple[Path, CheckRunSummary]) -> None:
    """The types the dbt sources and mart contracts rely on."""
    path, _ = database
    types = dict(query(path, "select table_name || '.' || column_name, data_type "
                       "from information_schema.columns where table_schema = 'dq'"))
    for column in ("lhs", "rhs", "difference", "tolerance"):
        assert types[f"check_results.{column}"] == "DECIMAL(20,2)"
    assert types["check_results.page"] == types["document_status.error_count"] == "INTEGER"
    assert types["document_status.warning_count"] == "INTEGER"


def test_declared_empty_tables_are_skipped_not_failed(
    database: tuple[Path, CheckRunSummary],
) -> None:
    path, _ = database
    skipped = query(
        path,
        "select check_id, message from dq.check_results where run_id = ? "
        "and document_id = 'sparse' and status = 'skipped' order by check_id",
        [RUN],
    )
    assert {c for c, _ in skipped} == {
        f"{table}.{kind}"
        for table in ("gov_fund", "state_capital")
        for kind in ("row_sum", "hierarchy", "grand")
    } | {"cross.fund_vs_fiscal", "cross.capital_vs_fiscal"}
    assert all(m.startswith("skipped: no figures to compare") for _, m in skipped)


def test_one_result_row_per_check_and_document_unless_failing(
    database: tuple[Path, CheckRunSummary],
) -> None:
    path, _ = database
    rows = query(
        path,
        "select check_id, document_id, count(*) from dq.check_results where run_id = ? "
        "group by all having count(*) > 1 and bool_or(status <> 'fail')",
        [RUN],
    )
    assert rows == []
    documents = len(CASES) + 2 + PRIOR_YEARS
    assert query(path, "select count(distinct (check_id, document_id)) from dq.check_results "
                 "where run_id = ?", [RUN]) == [(documents * len(CHECKS),)]


def test_unreadable_file_is_quarantined_and_other_checks_skipped(
    database: tuple[Path, CheckRunSummary],
) -> None:
    path, _ = database
    statuses = query(
        path,
        "select status, count(*) from dq.check_results where run_id = ? and document_id = ? "
        "group by status order by status",
        [RUN, broken_id("doc.readable")],
    )
    assert statuses == [("fail", 1), ("skipped", len(CHECKS) - 1)]
    [(message,)] = query(path, "select message from dq.check_results where run_id = ? "
                         "and check_id = 'doc.readable' and status = 'fail'", [RUN])
    assert "broken-doc.readable.pdf" in message and "PdfiumError" in message


def test_summary_per_check(database: tuple[Path, CheckRunSummary]) -> None:
    path, summary = database
    assert [o.check_id for o in summary.checks] == [c.id for c in CHECKS]
    for outcome in summary.checks:
        expected = {outcome.check_id} | {c for c, case in CASES.items()
                                          if outcome.check_id in case.also}
        assert not outcome.passed
        assert outcome.documents_failed == len(expected)
        assert outcome.failures >= outcome.documents_failed
    errors = sum(1 for c in CHECKS if c.severity == "error")
    assert summary.documents_quarantined == errors
    assert summary.documents_published == len(CASES) + 2 + PRIOR_YEARS - errors
    assert summary.gx_validate_seconds > 0


def test_missing_total_row_fails(tmp_path: Path) -> None:
    """A table with figures but no 合计 row fails; absent optional lines do not."""
    document = clean_document("no-total")
    income = document.table("income")
    assert income is not None
    income.rows = [r for r in income.rows if r.line_key != "total"]
    summary = document.table("summary")
    assert summary is not None
    summary.rows = [r for r in summary.rows if r.line_key not in (
        "superior_subsidy", "business_income", "use_non_fiscal_balance")]
    build_database(tmp_path / "build.duckdb", [document])
    with duckdb.connect(str(tmp_path / "build.duckdb")) as con:
        run_checks(con, RUN)
    rows = failures(tmp_path / "build.duckdb", "no-total")
    assert {r["check_id"] for r in rows} == {"income.grand", "cross.income_vs_summary"}
    grand = [r for r in rows if r["check_id"] == "income.grand"]
    assert len(grand) == 7  # every column of the table
    assert all(pd.isna(r["lhs"]) and "not printed" in r["message"] for r in grand)


def test_economic_groups_come_from_the_seed_when_loaded(
    database: tuple[Path, CheckRunSummary], tmp_path: Path
) -> None:
    path = tmp_path / "seeded.duckdb"
    shutil.copy(database[0], path)
    dbt(path, "seed", "--select", "economic_classes")
    with duckdb.connect(str(path)) as con:
        run_checks(con, "seeded")
        clean = (
            "select row_label from dq.check_results where document_id = 'clean' "
            "and status = 'fail'"
        )
        assert con.execute(clean).fetchall() == []
        # booked as public in the seed, 303 no longer adds up to the printed 人员经费合计
        con.execute("update catalogue.economic_classes set expense_group = 'public' "
                    "where economic_code = '303'")
        run_checks(con, "reseeded")
        assert sorted(con.execute(clean).fetchall()) == [("人员经费合计",), ("公用经费合计",)]


def test_failing_check_query_raises_and_writes_nothing(
    database: tuple[Path, CheckRunSummary], tmp_path: Path
) -> None:
    path = tmp_path / "bad.duckdb"
    shutil.copy(database[0], path)
    bad = Check("bad.query", "error", (), "坏", "bad", "select * from no_such_table")
    with duckdb.connect(str(path)) as con, pytest.raises(CheckQueryError, match="bad.query"):
        run_checks(con, "bad", [CHECKS[0], bad])
    assert query(path, "select distinct run_id from dq.check_results") == [(RUN,)]


def test_gx_adapter_maps_failing_rows_back() -> None:
    frame = pd.DataFrame({
        "eval_id": [7, 8, 9, 10],
        "check_id": ["a.x", "a.x", "b.y", "b.y"],
        "excess": [-50.0, float("inf"), 0.0, 0.01],
    })
    result = gx_adapter.validate(frame, ["a.x", "b.y", "c.z"])
    assert result.unexpected == {"a.x": [8], "b.y": [10], "c.z": []}


def test_checks_doc_is_written_from_the_registry() -> None:
    from expectations.docs import DOC, render

    assert DOC.read_text(encoding="utf-8") == render(), "run python -m expectations.docs"
