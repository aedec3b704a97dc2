"""The figures stated in the narrative (情况说明): extraction on the real samples, on lines as a
PDF wraps them and on a generated corpus (every claim of truth.json), the narrative checks on
planted faults, and the budget-execution mart."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import duckdb
import pytest
from checks_support import dbt
from corpus_support import (
    RUN,
    Corpus,
    corpus,
    failed_checks,
    henan,
    henan_database,
    shanghai,
    shanghai_database,
)

from extractors.ir import Measure, Statement, document_from_json
from extractors.narrative import statements_from_lines

CROSS_YEAR = ("narrative.yoy", "year.carryover", "year.stated_prior")


def find(statements: list[Statement], key: str, measure: Measure = "amount",
         code: str | None = None) -> list[Statement]:
    return [s for s in statements
            if s.key == key and s.measure == measure and (code is None or s.subject_code == code)]


def one(statements: list[Statement], key: str, measure: Measure = "amount",
        code: str | None = None) -> Statement:
    found = find(statements, key, measure, code)
    assert len(found) == 1, (key, measure, code, found)
    return found[0]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return corpus(tmp_path_factory.getbasetemp())


# -- the Henan 2023 sample (text dump)


def test_henan_stated_totals() -> None:
    statements = henan().statements
    grand = one(statements, "grand_total")
    assert (grand.value, grand.unit, grand.location) == (Decimal("11917.39"), "万元", "line 2958")
    assert grand.sentence.startswith("2023年度收、支总计均为11917.39万元")
    assert grand.section == "一、收入支出决算总体情况说明"
    assert one(statements, "grand_total", "change").value == Decimal("2606.50")
    assert one(statements, "grand_total", "growth").value == Decimal("27.99")
    assert one(statements, "income_total").value == Decimal("11684.56")
    assert one(statements, "income.fiscal_appropriation").value == Decimal("11664.48")
    share = one(statements, "income.fiscal_appropriation", "share")
    assert (share.value, share.unit, share.base) == (Decimal("99.83"), "%", "income_total")
    assert one(statements, "expenditure_total").value == Decimal("11915.10")
    assert one(statements, "fiscal_grand_total").value == Decimal("11886.69")
    assert one(statements, "basic").value == Decimal("7645.69")
    assert one(statements, "three_public.total.actual").value == Decimal("12.60")


def test_henan_itemised_2080101() -> None:
    statements = henan().statements
    initial = one(statements, "item.initial", code="2080101")
    actual = one(statements, "item.actual", code="2080101")
    rate = one(statements, "item.actual", "completion", code="2080101")
    assert (initial.value, actual.value, rate.value) == (
        Decimal("3709.08"), Decimal("4062.49"), Decimal("109.53"))
    assert rate.base == "item.initial"
    assert actual.subject == "社会保障和就业支出(类)人力资源和社会保障管理事务(款)行政运行(项)"
    assert actual.reason == "我部门人员变动及工作量增多导致决算数多于预算数"
    # 30 items itemised; those with 决算 0.00 are not in the table, their code from the catalogue
    assert len(find(statements, "item.actual")) == 30
    assert one(statements, "item.actual", code="2080507").value == Decimal("0.00")


def test_henan_no_data_statements_and_office_change() -> None:
    statements = henan().statements
    assert {s.key for s in find(statements, "gov_fund", "empty") + find(
        statements, "state_capital", "empty")} == {"gov_fund", "state_capital"}
    assert one(statements, "office_expenses").value == Decimal("479.84")
    assert one(statements, "office_expenses", "change").value == Decimal("83.02")
    assert one(statements, "three_public.vehicles_held", "count").value == 8


def test_henan_narrative_checks_pass(tmp_path_factory: pytest.TempPathFactory) -> None:
    """No narrative warning on the real sample (its one finding is perf.execution_score)."""
    path = henan_database(tmp_path_factory.getbasetemp())
    assert {c for c in failed_checks(path, henan().sha256) if c.startswith("narrative.")} == set()


def test_statements_and_evaluations_survive_the_extraction_cache() -> None:
    cached = json.loads(json.dumps(henan().to_json()))
    assert document_from_json(cached) == henan()
    del cached["statements"], cached["evaluations"]  # a cache written before them
    assert document_from_json(cached).statements == []


# -- lines as a PDF prints them


def test_wrapped_pdf_lines_keep_their_page() -> None:
    lines = [
        ("目 录", 2), ("一、收入支出决算总体情况说明", 2),
        ("三、支出决算情况说明", 21),
        ("本年支出合计2940.05万元，其中：基本支出2336.91万元，占79.49%； 项目支出", 21),
        ("21", 21),  # a page number
        ("603.14万", 22), ("元，占20.51%；", 22),
        ("五、一般公共预算财政拨款支出决算情况说明", 22),
        ("一般公共预算财政拨款支出2940.05万元。与2023年度相比，一般公共预算财政拨款支出减少", 22),
        ("63.14万元，下降2.10%。", 22),
    ]
    statements = statements_from_lines(lines, 2024)
    project = one(statements, "expenditure.project")
    assert (project.value, project.page, project.raw) == (Decimal("603.14"), 22, "603.14")
    share = one(statements, "expenditure.project", "share")
    assert (share.value, share.base, share.page) == (Decimal("20.51"), "expenditure_total", 22)
    assert one(statements, "expenditure.basic", "share").value == Decimal("79.49")
    assert one(statements, "gpb_expenditure", "change").value == Decimal("-63.14")
    assert one(statements, "gpb_expenditure", "growth").value == Decimal("-2.10")


def test_full_width_digits_thousands_separators_and_yuan() -> None:
    lines = [
        ("二、收入决算情况说明", None),
        ("２０２３年度本年收入合计１，２３４，５６７.００元，其中：财政拨款收入1,000,000元，"
         "占本年收入合计的81.00％；其他收入234,567元，占比19.00%。", None),
    ]
    statements = statements_from_lines(lines, 2023, locations=["paragraph 7", "paragraph 8"])
    total = one(statements, "income_total")
    assert (total.value, total.unit) == (Decimal("1234567.00"), "元")
    assert total.raw == "１，２３４，５６７.００"  # as printed
    assert total.location == "paragraph 8"
    share = one(statements, "income.fiscal_appropriation", "share")
    assert (share.value, share.base) == (Decimal("81.00"), "income_total")
    other = one(statements, "income.other_income", "share")  # 占比: of the section's whole
    assert (other.value, other.base) == (Decimal("19.00"), "income_total")


def test_shanghai_pdf_narrative_read_from_pypdfium2_text() -> None:
    """The PDF hook: page texts (pypdfium2) -> page_lines -> add_narrative. Page 21 states
    财政拨款收入支出总计 "0.3" 万元 (the table: 2961.68)."""
    statements = shanghai().statements
    fiscal = one(statements, "fiscal_grand_total")
    assert (fiscal.value, fiscal.raw, fiscal.page) == (Decimal("0.3"), "0.3", 21)
    assert one(statements, "gpb_class", "share", code="201").value == Decimal("71.73")
    item = one(statements, "item.actual", code="2010601")
    assert (item.value, item.page) == (Decimal("1511.89"), 22)
    assert item.reason == "人员进出及退休变化，减少人员经费开支"
    assert one(statements, "office_expenses", "growth").value == Decimal("1.40")


def test_shanghai_pdf_narrative_warnings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Its two findings: the stated 0.3 万元, and 一般公共服务支出 stated as 71.73% of
    2940.05 where 2106.66 is 71.65%."""
    path = shanghai_database(tmp_path_factory.getbasetemp())
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            "select check_id, lhs, rhs, tolerance, page, row_label, column_key "
            "from dq.check_results where run_id = ? and status = 'fail' "
            "and check_id like 'narrative.%' order by check_id",
            [RUN],
        ).fetchall()
    assert rows == [
        ("narrative.shares", Decimal("71.73"), Decimal("71.65"), Decimal("0.01"), 21,
         "一般公共预算财政拨款支出2940.05万元，主要用于以下方面：一般公共服务支出（类）2106.66万元，"
         "占71.73%；社会保障和就业支出（类）326.72万元，占11.11%；卫生健康支出（类）60.99万元，"
         "占2.07%；住房保障支出（类）445.69万元，占15.16%；", "gpb_class.share"),
        ("narrative.totals", Decimal("3000.00"), Decimal("29616800.00"), Decimal("1000.00"), 21,
         "上海市普陀区财政局2024年度财政拨款收入支出总计0.3万元。", "fiscal_grand_total"),
    ]


# -- the generated corpus


def claim_target(claim_id: str) -> tuple[Measure, str, str | None]:
    """The statement a truth.json claim is: (measure, key, subject code)."""
    if found := re.fullmatch(r"item_(\d+)_(actual|initial|rate)", claim_id):
        code, what = found.groups()
        measure: Measure = "completion" if what == "rate" else "amount"
        return measure, "item.initial" if what == "initial" else "item.actual", code
    if found := re.fullmatch(r"class_(\d+)(_share)?", claim_id):
        return ("share" if found.group(2) else "amount"), "gpb_class", found.group(1)
    if found := re.fullmatch(r"empty_(\w+)", claim_id):
        return "empty", found.group(1), None
    stems = {"grand": "grand_total", "fiscal_grand": "fiscal_grand_total",
             "gpb_total": "gpb_expenditure", "office": "office_expenses"}
    for stem, key in stems.items():
        suffixes: dict[str, Measure] = {"": "amount", "_change": "change", "_rate": "growth",
                                        "_prior": "prior"}
        for suffix, measure in suffixes.items():
            if claim_id == stem + suffix:
                return measure, key, None
    fixed: dict[str, tuple[Measure, str]] = {
        "income_total": ("amount", "income_total"),
        "expense_total": ("amount", "expenditure_total"),
        "gpb_initial": ("amount", "gpb_initial"), "basic_total": ("amount", "basic"),
        "personnel": ("amount", "personnel"), "public": ("amount", "public"),
        "tp_budget": ("amount", "three_public.total.budget"),
        "tp_actual": ("amount", "three_public.total.actual"),
        "gpb_share": ("share", "gpb_expenditure"),
        "gpb_completion": ("completion", "gpb_expenditure"),
        "tp_completion": ("completion", "three_public.total.actual"),
    }
    if claim_id in fixed:
        return (*fixed[claim_id], None)
    if found := re.fullmatch(r"(income|spend)_(\w+?)(_share)?", claim_id):
        part = "fiscal_appropriation" if found.group(2) == "fiscal" else found.group(2)
        side = "income" if found.group(1) == "income" else "expenditure"
        return ("share" if found.group(3) else "amount"), f"{side}.{part}", None
    if found := re.fullmatch(r"tp_(\w+?)(_share)?", claim_id):
        key = f"three_public.{found.group(1)}.actual"
        return ("share" if found.group(2) else "amount"), key, None
    if found := re.fullmatch(r"(gov_fund|state_capital)_(income|spent)", claim_id):
        what = "income" if found.group(2) == "income" else "expenditure"
        return "amount", f"{found.group(1)}.{what}", None
    raise KeyError(claim_id)


def test_every_claim_found_with_its_value(generated: Corpus) -> None:
    found = missed = 0
    misses = []
    for doc in generated.documents:
        for claim in doc.truth.claims:
            measure, key, code = claim_target(claim.id)
            candidates = find(doc.document.statements, key, measure, code)
            if candidates if measure == "empty" else any(
                    s.value == claim.value for s in candidates):
                found += 1
            else:
                missed += 1
                misses.append((doc.path.name, claim.id, claim.raw))
    accuracy = found / (found + missed)
    print(f"narrative claims found with their value: {found} of {found + missed} "
          f"({accuracy:.2%})")
    assert found > 500 and misses == []


def test_planted_narrative_faults_reported_under_their_check_ids(generated: Corpus) -> None:
    planted: set[str] = set()
    for doc in generated.documents:
        document = doc.document
        failed = failed_checks(generated.database, document.sha256)
        for fault in doc.truth.faults:
            if not fault.check_id.startswith(("narrative.", "year.")):
                continue
            # the cross-year checks need the department identified (the text extractors read
            # a Shanghai-template cover's department as "2023年度": a known flow.py issue)
            if fault.check_id in CROSS_YEAR and (
                    document.department_name != doc.truth.department["department_name"]):
                continue
            planted.add(fault.check_id)
            assert fault.check_id in failed, (doc.path.name, fault.check_id, failed)
    assert planted >= {"narrative.totals", "narrative.shares", "narrative.items",
                       "narrative.yoy", "narrative.yoy_rate"}


# -- the mart


def test_budget_execution_mart(tmp_path_factory: pytest.TempPathFactory) -> None:
    path = henan_database(tmp_path_factory.getbasetemp())
    dbt(path, "run", "--select", "+fct_budget_execution")
    with duckdb.connect(str(path), read_only=True) as con:
        row = con.execute(
            "select initial_budget, actual, completion_rate, stated_reason, location "
            "from marts.fct_budget_execution where subject_code = '2080101'"
        ).fetchall()
        [(count,)] = con.execute("select count(*) from marts.fct_budget_execution").fetchall()
        status = con.execute("select distinct run_id from dq.check_results").fetchall()
    assert row == [(Decimal("37090800.00"), Decimal("40624900.00"), Decimal("1.095300"),
                    "我部门人员变动及工作量增多导致决算数多于预算数", "line 2975")]
    # 30 itemised; three with 决算 0.00 are in neither the tables nor the catalogue seed
    # (2080508, 2082602, 2082699), so their code is unknown and they are left out
    assert count == 27
    assert status == [(RUN,)]


def test_statement_location_for_page_less_formats(generated: Corpus) -> None:
    kinds = {doc.path.suffix: doc.document.statements[0].location for doc in generated.documents}
    assert kinds[".txt"].startswith("line ") and kinds[".docx"].startswith("paragraph ")
    assert kinds[".xlsx"].startswith("sheet ")

