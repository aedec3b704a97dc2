"""Subject codes across years and departments, and the marts analysts compare with.

A small corpus of 2018–2020 disclosures built from true amounts (every identity holds, figures
rounded to 0.01 万元 as printed) goes through the real pipeline steps: loader, `dbt build` of
everything before the publish gate, the registry checks, `dbt build` of the gated marts, and
the publish into `warehouse.duckdb`. Department A spends on health (210) in all three years,
under 医疗卫生与计划生育支出 / 21005 医疗保障 / 2100501 in 2018 and 卫生健康支出 / 21011 /
2101101 from 2019. Department B prints a code the catalogue does not know in 2020, and a
summary line the extractor could not name in 2019. Department C's 2020 document prints rows
by name only (quarantined: its tables no longer add up by code).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import ExitStack
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from unittest.mock import patch

import checks_support
import duckdb
import pytest
from checks_support import Item, clean_document, dbt, find_row
from narrative_support import shift_balances

from expectations.registry import BY_ID
from expectations.run import run_checks
from expectations.sql_catalogue import normalised
from extractors.ir import Document
from extractors.load import create_raw_schema, load_documents
from orchestration.paths import Home
from orchestration.publish import publish

PROJECT = Path(__file__).resolve().parent.parent
RUN = "subjects-run"
DEPT_A = "河南省测试市人力资源和社会保障局"
DEPT_B = "上海市测试区财政局"
DEPT_C = "测试市测试局"
UNKNOWN_CODE = "2010688"  # not a subject of the catalogue (2010699 is)

# The names printed in the documents: the catalogue names of 2019 and later ...
NAMES = {
    "201": "一般公共服务支出",
    "20106": "财政事务",
    "2010601": "行政运行",
    "2010602": "一般行政管理事务",
    UNKNOWN_CODE: "数据治理试点支出",
    "202": "外交支出",
    "208": "社会保障和就业支出",
    "20801": "人力资源和社会保障管理事务",
    "2080101": "行政运行",
    "2080102": "一般行政管理事务",
    "20805": "行政事业单位养老支出",
    "2080505": "机关事业单位基本养老保险缴费支出",
    "2080506": "机关事业单位职业年金缴费支出",
    "210": "卫生健康支出",
    "21005": "医疗保障",
    "2100501": "行政单位医疗",
    "2100503": "公务员医疗补助",
    "21011": "行政事业单位医疗",
    "2101101": "行政单位医疗",
    "2101103": "公务员医疗补助",
    "212": "城乡社区支出",
    "21208": "国有土地使用权出让收入安排的支出",
    "2120801": "征地和拆迁补偿支出",
    "221": "住房保障支出",
    "22102": "住房改革支出",
    "2210201": "住房公积金",
    "223": "国有资本经营预算支出",
    "22301": "解决历史遗留问题及改革成本支出",
    "2230199": "其他解决历史遗留问题及改革成本支出",
}
# ... and the names of 2018, before the 2019 renamings.
NAMES_2018 = {"210": "医疗卫生与计划生育支出", "20805": "行政事业单位离退休"}


def names(year: int) -> dict[str, str]:
    return {**NAMES, **(NAMES_2018 if year <= 2018 else {})}


def items_a(year: int) -> list[Item]:
    """Department A: 人社局. Health is 21005 医疗保障 in 2018, 21011 行政事业单位医疗 after."""
    health = {
        2018: [Item("2100501", gpb_basic=80_000), Item("2100503", gpb_basic=20_000)],
        2019: [Item("2101101", gpb_basic=90_000), Item("2101103", gpb_basic=25_000)],
        2020: [Item("2101101", gpb_basic=95_000, other_basic=10_000),
               Item("2101103", gpb_basic=20_000)],
    }[year]
    project = {2018: 500_000, 2019: 560_000, 2020: 420_000}[year]
    return [
        Item("2080101", gpb_basic=1_000_000, other_basic=200_000, carryover=30_000),
        Item("2080102", gpb_project=project, carryover=-50_000),
        Item("2080505", gpb_basic=300_000),
        Item("2080506", gpb_basic=150_000),
        *health,
        Item("2120801", gov_fund=80_000),
        Item("2210201", gpb_basic=120_000),
        Item("2230199", state_capital=60_000),
    ]


def items_b(year: int) -> list[Item]:
    """Department B: 财政局; in 2020 it prints a code the catalogue does not know."""
    unknown = [Item(UNKNOWN_CODE, gpb_project=70_000)] if year == 2020 else []
    return [
        Item("2010601", gpb_basic=2_000_000 + (year - 2019) * 100_000, carryover=20_000),
        Item("2010602", gpb_project=300_000, carryover=-40_000),
        *unknown,
        Item("2080505", gpb_basic=250_000),
        Item("2101101", gpb_basic=60_000),
        Item("2210201", gpb_basic=180_000),
    ]


# 三公 actuals by year (the budget stays 40,000 vehicles + 25,000 reception).
THREE_PUBLIC_ACTUAL = {
    (DEPT_A, 2018): (30_000, 20_000),
    (DEPT_A, 2019): (30_000, 18_000),
    (DEPT_A, 2020): (28_000, 15_000),
    (DEPT_B, 2019): (36_000, 24_000),
    (DEPT_B, 2020): (32_000, 12_000),
    (DEPT_C, 2020): (30_000, 20_000),
}


def economic(items: list[Item], vehicle: int, reception: int) -> dict[str, int]:
    """Basic expenditure by economic code adding up to the items' gpb_basic, 30231 and 30217
    equal to the 三公 actuals; 30101 takes the rest."""
    fixed = {"30102": 400_000, "30302": 100_000, "30201": 200_000, "30217": reception,
             "30231": vehicle, "31002": 20_000}
    return {"30101": sum(i.gpb_basic for i in items) - sum(fixed.values()), **fixed}


def disclosure(department: str, year: int, items: list[Item], last_year: int = 2020) -> Document:
    """A consistent disclosure of the department and year (checks_support.clean_document with
    these items, names and economic split), its balances carried on to `last_year`."""
    vehicle, reception = THREE_PUBLIC_ACTUAL[(department, year)]
    three_public = {
        "budget": {"vehicle_operation": 40_000, "reception": 25_000},
        "actual": {"vehicle_operation": vehicle, "reception": reception},
    }
    document_id = f"{department}-{year}"
    with ExitStack() as stack:
        stack.enter_context(patch.object(checks_support, "ITEMS", tuple(items)))
        stack.enter_context(patch.object(checks_support, "ECONOMIC",
                                         economic(items, vehicle, reception)))
        stack.enter_context(patch.object(checks_support, "THREE_PUBLIC", three_public))
        stack.enter_context(patch.dict(checks_support.NAMES, names(year)))
        document = clean_document(document_id)
    document.department_name = department
    document.fiscal_year = year
    for mention in document.name_mentions:  # printed on the cover and table headers too
        mention.name = department
    document.source_path = f"/inbox/{document_id}.txt"
    # clean_document opens at 5.00 and closes at 3.00: each earlier year closes 2.00 higher.
    shift_balances(document, Decimal(2 * (last_year - year)))
    return document


def name_only(document: Document, table_key: str, code: str, label: str | None = None) -> None:
    """Print the row without its code (and with `label` when given)."""
    row = find_row(document, table_key, code)
    row.code = None
    if label is not None:
        row.label = label


def corpus() -> list[Document]:
    documents = [disclosure(DEPT_A, year, items_a(year)) for year in (2018, 2019, 2020)]
    b_2019 = disclosure(DEPT_B, 2019, items_b(2019))
    # 202 外交支出 (0) printed as a line the extractor did not name: resolved by its name
    line = find_row(b_2019, "summary", "202", "function_class", "expenditure")
    line.code, line.line_key = None, None
    b_2020 = disclosure(DEPT_B, 2020, items_b(2020))
    # its income table prints health with the codes and the class name of 2018
    for code, old_code, old_name in (("21011", "21005", "医疗保障"),
                                     ("2101101", "2100501", "行政单位医疗")):
        row = find_row(b_2020, "income", code)
        row.code, row.label = old_code, old_name
    find_row(b_2020, "income", "210").label = NAMES_2018["210"]
    documents += [b_2019, b_2020]
    c_2020 = disclosure(DEPT_C, 2020, items_a(2020))
    name_only(c_2020, "expenditure", "2080102")  # under 2080101: 2080102, not 2010602
    name_only(c_2020, "income", "2080505", "机关事业单位基本养老保险缴费 支出")
    name_only(c_2020, "gpb_expenditure", "2080506", "机关事业单位职业年金缴")  # cut by wrapping
    name_only(c_2020, "expenditure", "2210201")  # under 22102: not 30113 住房公积金
    return [*documents, c_2020]


def document_id(department: str, year: int) -> str:
    return f"{department}-{year}"


def build_warehouse(home: Home) -> Home:
    """The corpus through loader, dbt (transform), checks, dbt (marts) and publish."""
    home.build_db.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(home.build_db)) as con:
        create_raw_schema(con)
        load_documents(con, corpus())
    dbt(home.build_db, "build", "--exclude", "source:dq+")
    with duckdb.connect(str(home.build_db)) as con:
        run_checks(con, RUN)
    dbt(home.build_db, "build", "--select", "source:dq+")
    publish(home, RUN)
    return home


_BUILT: dict[str, Home] = {}


def published_warehouse(factory: pytest.TempPathFactory) -> Home:
    """The corpus's published warehouse, built once per test session (tests/test_queries.py
    queries the same one)."""
    if "home" not in _BUILT:
        _BUILT["home"] = build_warehouse(Home(factory.mktemp("subjects")))
    return _BUILT["home"]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Home]:
    yield published_warehouse(tmp_path_factory)


def query(path: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def spent(items: list[Item], prefix: str) -> Decimal:
    """True 本年支出合计 of the subjects under `prefix`, in 元."""
    return Decimal(sum(i.gpb + i.other_basic + i.gov_fund + i.state_capital
                       for i in items if i.code.startswith(prefix)))


def pct(change: Decimal, prior: Decimal) -> Decimal:
    return (change * 100 / prior).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_health_is_one_series_across_the_2019_renaming(home: Home) -> None:
    a = query(home.warehouse, "select department_id from marts.dim_department "
              "where department_name = ?", [DEPT_A])[0][0]
    printed = query(home.warehouse, "select fiscal_year, subject_name from marts.fct_expenditure "
                    "where department_id = ? and subject_code = '210' order by 1", [a])
    assert printed == [
        (2018, "医疗卫生与计划生育支出"), (2019, "卫生健康支出"), (2020, "卫生健康支出")]

    truth = {year: spent(items_a(year), "210") for year in (2018, 2019, 2020)}
    assert truth == {2018: 100_000, 2019: 115_000, 2020: 125_000}
    rows = query(home.warehouse, """
        select fiscal_year, subject_name, amount, prior_year_amount, change, change_pct,
            crosswalk_relation, prior_subject_name
        from marts.mart_subject_yoy
        where department_id = ? and subject_code = '210' order by fiscal_year""", [a])
    assert rows == [
        (2018, "医疗卫生与计划生育支出", truth[2018], None, None, None, None, None),
        (2019, "卫生健康支出", truth[2019], truth[2018], truth[2019] - truth[2018],
         pct(truth[2019] - truth[2018], truth[2018]), "renamed", "医疗卫生与计划生育支出"),
        (2020, "卫生健康支出", truth[2020], truth[2019], truth[2020] - truth[2019],
         pct(truth[2020] - truth[2019], truth[2019]), None, "卫生健康支出"),
    ]


def test_moved_code_carried_and_split_not_compared(home: Home) -> None:
    rows = query(home.warehouse, """
        select fiscal_year, subject_code, amount, prior_year_amount, change, crosswalk_relation,
            printed_subject_codes, prior_subject_codes
        from marts.mart_subject_yoy
        where department_name = ? and left(subject_code, 3) = '210' and subject_level > 1
        order by fiscal_year, subject_code""", [DEPT_A])
    old = {i.code: spent([i], i.code) for i in items_a(2018) if i.code.startswith("210")}
    new = {i.code: spent([i], i.code) for i in items_a(2019) if i.code.startswith("210")}
    assert rows[:6] == [
        (2018, "21005", sum(old.values()), None, None, None, "21005", None),
        (2018, "2100501", old["2100501"], None, None, None, "2100501", None),
        (2018, "2100503", old["2100503"], None, None, None, "2100503", None),
        # 21011 is new from the split of 21005: nothing to compare with; 21005 ends
        (2019, "21011", sum(new.values()), None, None, "split", "21011", None),
        (2019, "2101101", new["2101101"], old["2100501"], new["2101101"] - old["2100501"],
         "moved", "2101101", "2100501"),
        (2019, "2101103", new["2101103"], old["2100503"], new["2101103"] - old["2100503"],
         "moved", "2101103", "2100503"),
    ]
    assert [r[:2] for r in rows[6:]] == [(2020, "21011"), (2020, "2101101"), (2020, "2101103")]


def test_unknown_code_reported_with_evidence(home: Home) -> None:
    check = BY_ID["doc.subject_codes"]
    rows = query(home.warehouse, """
        select table_key, row_label, severity, lhs, rhs, message, page
        from dq.check_results
        where check_id = 'doc.subject_codes' and status = 'fail' and document_id = ?
        order by table_key""", [document_id(DEPT_B, 2020)])
    label = f"{UNKNOWN_CODE} {NAMES[UNKNOWN_CODE]}"
    assert [(t, r, s, lhs, rhs) for t, r, s, lhs, rhs, _, _ in rows] == [
        (table, label, check.severity, 0, 1) for table in
        ("expenditure", "gpb_expenditure", "gpb_project", "income")
    ]
    assert all(f"unknown function code {UNKNOWN_CODE} in 2020" in m and "not in the catalogue"
               in m for *_, m, _ in rows)
    assert {p for *_, p in rows} == {checks_support.PAGES[t] for t, *_ in rows}
    # a warning: the document is published all the same
    assert query(home.warehouse, "select status from marts.dim_document where document_id = ?",
                 [document_id(DEPT_B, 2020)]) == [("published",)]
    # and the catalogue can grow from it
    observed = query(home.build_db, """
        select code_status, is_catalogued, printed_name, document_count, table_keys
        from intermediate.int_observed_subjects where subject_code = ?""", [UNKNOWN_CODE])
    assert observed == [("unknown_code", False, NAMES[UNKNOWN_CODE], 1,
                         "expenditure, gpb_expenditure, gpb_project, income")]


def test_renamed_subjects_pass_the_check_in_their_years(home: Home) -> None:
    failing = query(home.warehouse, """
        select distinct document_id from dq.check_results
        where check_id = 'doc.subject_codes' and status = 'fail'""")
    assert failing == [(document_id(DEPT_B, 2020),)]
    for department, year in ((DEPT_A, 2018), (DEPT_A, 2019), (DEPT_B, 2019)):
        assert query(home.warehouse, "select status from dq.check_results where check_id = "
                     "'doc.subject_codes' and document_id = ?",
                     [document_id(department, year)]) == [("pass",)]
    # the other documents have no failure at all (C's are from its name-only rows)
    assert query(home.warehouse, """
        select distinct check_id from dq.check_results
        where status = 'fail' and document_id not in (?, ?)""",
                 [document_id(DEPT_B, 2020), document_id(DEPT_C, 2020)]) == []


def test_codes_and_names_of_other_years_declared_by_the_crosswalk(home: Home) -> None:
    """B's 2020 income table prints 2018's 210 name and the 2018 codes 21005 / 2100501: the
    crosswalk declares all three, so the check accepts them."""
    rows = query(home.build_db, """
        select printed_code, row_label, catalogue_name, code_status, crosswalk_declaration
        from intermediate.int_printed_subjects
        where document_id = ? and table_key = 'income' and printed_code like '210%'
        order by printed_code""", [document_id(DEPT_B, 2020)])
    assert rows == [
        ("210", "医疗卫生与计划生育支出", "卫生健康支出", "crosswalk", None),
        ("21005", "医疗保障", None, "crosswalk", "split 21005 → 21011 in 2019"),
        ("2100501", "行政单位医疗", None, "crosswalk", "moved 2100501 → 2101101 in 2019"),
    ]
    failing = query(home.warehouse, """
        select count(*) from dq.check_results where check_id = 'doc.subject_codes'
        and document_id = ? and table_key = 'income' and row_label not like ?""",
                    [document_id(DEPT_B, 2020), f"{UNKNOWN_CODE}%"])
    assert failing == [(0,)]


def test_check_and_catalogue_model_agree(home: Home) -> None:
    """The check (expectations/sql_catalogue.py) and int_printed_subjects give every coded row
    the same verdict."""
    check = set(query(home.build_db, """
        select document_id, table_key, split_part(row_label, ' ', 1)
        from dq.check_results where check_id = 'doc.subject_codes' and status = 'fail'"""))
    model = set(query(home.build_db, """
        select document_id, table_key, printed_code from intermediate.int_printed_subjects
        where code_status in ('unknown_code', 'name_mismatch')"""))
    assert check == model and len(check) == 4  # the project table prints the code too
    statuses = query(home.build_db, "select code_status, count(*) from "
                     "intermediate.int_printed_subjects where printed_code is not null "
                     "group by 1 order by 1")
    assert [s for s, _ in statuses] == ["crosswalk", "known", "unknown_code"]
    # the name normalisation of the check is the dbt macro's
    assert query(home.build_db, f"""
        select count(*), count(*) filter (where name_normalised != {normalised('row_label')})
        from intermediate.int_printed_subjects""")[0][1] == 0


def test_rows_printed_by_name_resolved_with_method(home: Home) -> None:
    rows = query(home.build_db, """
        select table_key, row_label, subject_code, match_method, code_status
        from intermediate.int_printed_subjects
        where document_id = ? and printed_code is null order by table_key, row_index""",
                 [document_id(DEPT_C, 2020)])
    assert rows == [
        ("expenditure", "一般行政管理事务", "2080102", "exact_name", "known"),
        ("expenditure", "住房公积金", "2210201", "exact_name", "known"),
        ("gpb_expenditure", "机关事业单位职业年金缴", "2080506", "prefix_name", "known"),
        ("income", "机关事业单位基本养老保险缴费 支出", "2080505", "normalised_name", "known"),
    ]
    # the facts' intermediate rows carry the resolved code
    assert query(home.build_db, """
        select subject_code, printed_code, match_method from intermediate.int_subject_rows
        where document_id = ? and table_key = 'gpb_expenditure' and printed_code is null
            and line_key is null""",
                 [document_id(DEPT_C, 2020)]) == [("2080506", None, "prefix_name")]
    # quarantined: its tables no longer add up by printed code
    assert query(home.warehouse, "select status from marts.dim_document where document_id = ?",
                 [document_id(DEPT_C, 2020)]) == [("quarantined",)]
    # a summary line the extractor could not name, in a published document
    line = query(home.warehouse, """
        select line_item, line_key, subject_code, match_method, amount
        from marts.fct_summary_line where document_id = ? and row_label = '外交支出'""",
                 [document_id(DEPT_B, 2019)])
    assert line == [("function_class.202", "function_class", "202", "exact_name", 0)]


def test_catalogue_published(home: Home) -> None:
    seed = list(csv.DictReader(
        (PROJECT / "dbt_project/seeds/function_subjects.csv").open(encoding="utf-8")))
    assert query(home.warehouse, "select count(*) from marts.dim_function_subject") == [
        (len(seed),)]
    assert query(home.warehouse, """
        select subject_name, valid_from_year, valid_to_year, previous_subject_name
        from marts.dim_function_subject where subject_code = '210' and valid_from_year >= 2014
        order by valid_from_year""") == [
        ("医疗卫生与计划生育支出", 2014, 2018, "医疗卫生支出"),
        ("卫生健康支出", 2019, None, "医疗卫生与计划生育支出"),
    ]
    assert query(home.warehouse, """
        select relation, to_code from catalogue.subject_crosswalk
        where from_code = '2100501'""") == [("moved", "2101101")]


def test_seed_is_a_superset_of_the_generator_catalogue() -> None:
    """synth/data/function_subjects.csv (the corpus generator's catalogue) is contained in the
    seed, so the generator can read the seed instead."""
    seed = {
        (r["subject_code"], r["subject_name"], r["valid_from_year"], r["valid_to_year"])
        for r in csv.DictReader(
            (PROJECT / "dbt_project/seeds/function_subjects.csv").open(encoding="utf-8"))
    }
    generator = PROJECT / "synth/data/function_subjects.csv"
    if not generator.exists():
        pytest.skip("no generator catalogue")
    missing = [
        r for r in csv.DictReader(generator.open(encoding="utf-8"))
        if (r["code"], r["name"], r["valid_from"], r["valid_to"]) not in seed
    ]
    assert missing == []


def test_item_builder_keeps_every_identity() -> None:
    """The corpus's documents are consistent by construction (the economic split adds up)."""
    for year in (2018, 2019, 2020):
        items = items_a(year)
        split = economic(items, *THREE_PUBLIC_ACTUAL[(DEPT_A, year)])
        assert sum(split.values()) == sum(i.gpb_basic for i in items)
        assert min(split.values()) > 0
