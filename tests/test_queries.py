"""Every analyst query of docs/queries.md answers its question on a published warehouse.

The warehouse is the one of tests/test_catalogue_marts.py: documents of two departments over
2018–2020 (and one quarantined document) built from true amounts, through the loader, dbt,
the checks and the publish. The expected rows are computed from those true amounts.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from checks_support import Item
from test_catalogue_marts import (
    DEPT_A,
    DEPT_B,
    DEPT_C,
    NAMES,
    THREE_PUBLIC_ACTUAL,
    UNKNOWN_CODE,
    economic,
    items_a,
    items_b,
    names,
    published_warehouse,
)

from orchestration.paths import Home

QUERIES = Path(__file__).resolve().parent.parent / "docs" / "queries.md"
YEARS = {DEPT_A: (2018, 2019, 2020), DEPT_B: (2019, 2020)}
CENT = Decimal("0.01")
Row = tuple[Any, ...]


@dataclass(frozen=True)
class Query:
    number: int
    title: str
    text: str  # the question, in Chinese and English
    sql: str


def parse(markdown: str) -> list[Query]:
    """One query per `## n. title` section: its prose and its one ```sql block."""
    sections = re.split(r"^## (\d+)\. (.+)$", markdown, flags=re.MULTILINE)[1:]
    queries = []
    for number, title, body in zip(sections[::3], sections[1::3], sections[2::3], strict=True):
        blocks = re.findall(r"```sql\n(.*?)```", body, flags=re.DOTALL)
        assert len(blocks) == 1, f"question {number} has {len(blocks)} sql blocks"
        text = body.split("```sql")[0].strip()
        queries.append(Query(int(number), title.strip(), text, blocks[0].strip()))
    return queries


def items(department: str, year: int) -> list[Item]:
    return items_a(year) if department == DEPT_A else items_b(year)


def spent(rows: list[Item], prefix: str = "") -> Decimal:
    return Decimal(sum(i.gpb + i.other_basic + i.gov_fund + i.state_capital
                       for i in rows if i.code.startswith(prefix)))


def pct(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part * 100 / whole).quantize(CENT, rounding=ROUND_HALF_UP) if whole else None


def health_by_year() -> list[Row]:
    rows = []
    for department in sorted(YEARS):
        prior = None
        for year in YEARS[department]:
            amount = spent(items(department, year), "210")
            if prior is None:
                rows.append((department, year, names(year)["210"], amount, None, None, None))
            else:
                rows.append((department, year, names(year)["210"], amount, prior,
                             amount - prior, pct(amount - prior, prior)))
            prior = amount
    return rows


def fastest_growing() -> list[Row]:
    rows = []
    for department in YEARS:
        before = {i.code: spent([i]) for i in items(department, 2019)}
        for item in items(department, 2020):
            prior = before.get(item.code)
            if prior:
                amount = spent([item])
                rows.append((department, item.code, NAMES[item.code], prior, amount,
                             pct(amount - prior, prior)))
    rows.sort(key=lambda r: (-r[5], r[0], r[1]))
    return rows[:5]


def class_shares(department: str, year: int) -> list[tuple[str, Decimal, Decimal | None]]:
    spending = items(department, year)
    total = spent(spending)
    return [(code, spent(spending, code), pct(spent(spending, code), total))
            for code in sorted({i.code[:3] for i in spending})]


def ranked(shares: list[tuple[str, Decimal, Decimal | None]]) -> list[tuple[int, str]]:
    """(rank, class) with SQL rank(): ties share a rank."""
    amounts = sorted((s[1] for s in shares), reverse=True)
    return [(amounts.index(amount) + 1, code) for code, amount, _ in shares]


def structure_2020() -> list[Row]:
    rows = []
    for department in sorted(YEARS):
        shares = class_shares(department, 2020)
        rank = dict((code, r) for r, code in ranked(shares))
        rows += [(department, code, names(2020)[code], amount, share, rank[code])
                 for code, amount, share in shares]
    return sorted(rows, key=lambda r: (r[0], r[5], r[1]))


def largest_on_208() -> list[Row]:
    rows = []
    for year in (2018, 2019, 2020):
        spenders = [(spent(items(d, year), "208"), d) for d in YEARS if year in YEARS[d]]
        amount, department = max(spenders)
        share = dict((c, s) for c, _, s in class_shares(department, year))["208"]
        rows.append((year, department, amount, share, len(spenders)))
    return rows


def three_public() -> list[Row]:
    rows = []
    for department in sorted(YEARS):
        prior = None
        for year in YEARS[department]:
            actual = Decimal(sum(THREE_PUBLIC_ACTUAL[(department, year)]))
            budget = Decimal(65_000)
            change = None if prior is None else actual - prior
            change_pct = None if prior is None else pct(actual - prior, prior)
            rows.append((department, year, budget, actual, pct(actual, budget), change,
                         change_pct))
            prior = actual
    return rows


def personnel_public() -> list[Row]:
    rows = []
    for department in sorted(YEARS):
        prior = None
        for year in YEARS[department]:
            split = economic(items(department, year), *THREE_PUBLIC_ACTUAL[(department, year)])
            personnel = Decimal(sum(a for c, a in split.items() if c[:3] in ("301", "303")))
            public = Decimal(sum(split.values())) - personnel
            rows.append((department, year, personnel, public, pct(personnel, personnel + public),
                         None if prior is None else personnel - prior))
            prior = personnel
    return rows


def quarantined() -> list[Row]:
    # C 2020 prints 2080102 (expenditure), 2080505 (income) and 2080506 (gpb_expenditure) by
    # name only: their 款 no longer add up by printed code, in the two columns each prints.
    return [(DEPT_C, 2020, "check_failed", check, 2) for check in (
        "expenditure.hierarchy", "gpb_expenditure.hierarchy", "income.hierarchy")]


def department_years() -> list[Row]:
    rows = []
    for department in sorted(YEARS):
        for year in YEARS[department]:
            spending = items(department, year)
            basic = Decimal(sum(i.gpb_basic + i.other_basic for i in spending))
            # the unknown code, in the four tables printing it
            warnings = 4 if (department, year) == (DEPT_B, 2020) else 0
            rows.append((department, year, spent(spending), basic, spent(spending) - basic,
                         warnings))
    return rows


EXPECTED: dict[int, Callable[[], list[Row]]] = {
    1: health_by_year,
    2: fastest_growing,
    3: structure_2020,
    4: largest_on_208,
    5: three_public,
    6: personnel_public,
    7: quarantined,
    8: lambda: [(DEPT_B, 2020, UNKNOWN_CODE, "expenditure, gpb_expenditure, gpb_project, income")],
    9: lambda: [
        ("207", "文化体育与传媒支出", "文化旅游体育与传媒支出"),
        ("210", "医疗卫生与计划生育支出", "卫生健康支出"),
        ("215", "资源勘探信息等支出", "资源勘探工业信息等支出"),
        ("220", "国土海洋气象等支出", "自然资源海洋气象等支出"),
    ],
    10: department_years,
}

PARSED = parse(QUERIES.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home: Home = published_warehouse(tmp_path_factory)
    yield home.warehouse


def test_ten_questions_in_chinese_and_english() -> None:
    assert [q.number for q in PARSED] == list(range(1, 11))
    for query in PARSED:
        assert re.search(r"[\u4e00-\u9fff]", query.title) and re.search(r"[A-Za-z]", query.title)
        chinese, english = query.text.split("\n\n")[:2]
        assert re.search(r"[\u4e00-\u9fff]{6}", chinese), query.number
        assert re.match(r"[A-Z]", english), query.number


def test_queries_read_only_the_published_schemas() -> None:
    for query in PARSED:
        tables = re.findall(r"\b(?:from|join)\s+([\w.]+)", query.sql, flags=re.IGNORECASE)
        assert tables, query.number
        for table in tables:
            assert table.split(".")[0] in ("marts", "dq", "catalogue"), (query.number, table)


@pytest.mark.parametrize("query", PARSED, ids=lambda q: f"q{q.number}")
def test_query_returns_the_expected_rows(warehouse: Path, query: Query) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(query.sql).fetchall()
    assert rows == EXPECTED[query.number](), query.title


def test_expected_rows_are_not_trivial() -> None:
    """The truths the queries are held to differ between years and departments."""
    growth = defaultdict(set)
    for department, *_, change_pct in health_by_year():
        growth[department].add(change_pct)
    assert len(growth[DEPT_A]) == 3
    assert [r[1] for r in largest_on_208()] == [DEPT_A, DEPT_A, DEPT_A]
    assert len({r[4] for r in personnel_public()}) > 1
