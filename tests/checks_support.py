"""Test documents for the accounting checks, and a build database holding them.

`clean_document` derives every printed figure of a small 万元 disclosure from one set of true
amounts in 元, rounded honestly to 0.01 万元 (half up): all identities hold on the true
amounts, so the printed figures carry real rounding tails (e.g. 20106 财政事务 prints 170.01
over 项 of 120.00 + 50.00). The mutation helpers then break chosen figures.
"""

from __future__ import annotations

import os
import subprocess
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
from narrative_support import evaluation, narrative

from extractors.ir import Cell, Document, NameMention, Row, Side, Table
from extractors.load import create_raw_schema, load_documents

PROJECT = Path(__file__).resolve().parent.parent
WAN = Decimal(10000)

NAMES = {
    "201": "一般公共服务支出",
    "20106": "财政事务",
    "2010601": "行政运行",
    "2010602": "一般行政管理事务",
    "202": "外交支出",
    "208": "社会保障和就业支出",
    "20805": "行政事业单位养老支出",
    "2080505": "机关事业单位基本养老保险缴费支出",
    "2080506": "机关事业单位职业年金缴费支出",
    "212": "城乡社区支出",
    "21208": "国有土地使用权出让收入安排的支出",
    "2120801": "征地和拆迁补偿支出",
    "221": "住房保障支出",
    "22102": "住房改革支出",
    "2210201": "住房公积金",
    "223": "国有资本经营预算支出",
    "22301": "解决历史遗留问题及改革成本支出",
    "2230199": "其他解决历史遗留问题及改革成本支出",
    "301": "工资福利支出",
    "30101": "基本工资",
    "30102": "津贴补贴",
    "302": "商品和服务支出",
    "30201": "办公费",
    "30217": "公务接待费",
    "30231": "公务用车运行维护费",
    "303": "对个人和家庭的补助",
    "30302": "退休费",
    "310": "资本性支出",
    "31002": "办公设备购置",
}


@dataclass(frozen=True)
class Item:
    """True spending of one 项 in 元, by fund and kind; `carryover` = fiscal income minus
    fiscal spending on it (negative: spent from the opening balance)."""

    code: str
    gpb_basic: int = 0
    gpb_project: int = 0
    other_basic: int = 0  # paid from 其他收入
    gov_fund: int = 0  # project spending
    state_capital: int = 0  # project spending
    carryover: int = 0

    @property
    def gpb(self) -> int:
        return self.gpb_basic + self.gpb_project


ITEMS = (
    Item("2010601", gpb_basic=1_000_044, other_basic=200_000, carryover=30_000),
    Item("2010602", gpb_project=500_044, carryover=-50_000),
    Item("2080505", gpb_basic=300_044),
    Item("2080506", gpb_basic=150_044),
    Item("2120801", gov_fund=80_000),
    Item("2210201", gpb_basic=120_000),
    Item("2230199", state_capital=60_000),
)
OPENING = 50_000  # 年初结转和结余, all 一般公共预算
CLOSING = 30_000  # 年末结转和结余, all 一般公共预算
# 基本支出 by economic code; sums to the items' gpb_basic.
ECONOMIC = {
    "30101": 800_044,
    "30102": 400_044,
    "30302": 100_000,
    "30201": 200_000,
    "30217": 20_000,
    "30231": 30_044,
    "31002": 20_000,
}
PERSONNEL = ("301", "303")
# 机关运行经费 lines: the economic codes of gpb_basic each one prints (the rest of 公用经费: other)
OFFICE_LINES = {"office": ("30201",), "reception": ("30217",),
                "vehicle_operation": ("30231",)}
# 政府采购: budget and contract by goods, works and services; contracts awarded to SMEs
PROCUREMENT = {
    "budget": {"goods": 100_044, "works": 0, "services": 50_044},
    "contract": {"goods": 90_000, "works": 30_000, "services": 40_000},
}
SME = 100_000
THREE_PUBLIC = {
    "budget": {"vehicle_operation": 40_000, "reception": 25_000},
    "actual": {"vehicle_operation": 30_044, "reception": 20_000},
}
PAGES = {
    "summary": 3,
    "income": 4,
    "expenditure": 5,
    "fiscal_summary": 6,
    "gpb_expenditure": 7,
    "gpb_basic": 8,
    "gov_fund": 9,
    "state_capital": 10,
    "three_public": 11,
    "office_operation": 12,
    "procurement": 13,
    "gpb_project": 14,
}
MEMBER_UNITS = ["测试市测试局（本级）", "测试市测试中心"]


def printed(yuan: int) -> Decimal | None:
    """The figure as a 万元 table prints it; None for a printed zero."""
    value = (Decimal(yuan) / WAN).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return value or None


def yuan(text: str) -> Decimal:
    """A printed 万元 figure in 元, as the checks report it."""
    return Decimal(text) * WAN


class _TableBuilder:
    def __init__(self, key: str, title: str, omit_blank: bool = False) -> None:
        self.table = Table(key, title, [PAGES[key]], "万元")
        self.omit_blank = omit_blank

    def row(
        self,
        label: str,
        amounts: Mapping[str, int],
        code: str | None = None,
        side: Side | None = None,
        line_key: str | None = None,
    ) -> None:
        page = PAGES[self.table.key]
        cells = []
        for column, amount in amounts.items():
            value = printed(amount)
            if value is None and self.omit_blank:
                continue
            cells.append(Cell(column, f"{value:,.2f}" if value else "0", value, page))
        self.table.rows.append(Row(len(self.table.rows), label, page, cells, code, side, line_key))


def _subject_table(
    key: str,
    title: str,
    leaves: Mapping[str, Mapping[str, int]],
    columns: Iterable[str],
    total_first: bool,
) -> Table:
    """A subject-coded table: 项 rows as given, 款 and 类 rows and the 合计 row summed."""
    columns = list(columns)
    sums: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(columns, 0))
    for code, amounts in leaves.items():
        for prefix in (code[:3], code[:5], code, "total"):
            for column in columns:
                sums[prefix][column] += amounts.get(column, 0)
    builder = _TableBuilder(key, title)
    if total_first:
        builder.row("合计", sums["total"], line_key="total")
    for code in sorted(c for c in sums if c != "total"):
        builder.row(NAMES[code], sums[code], code=code)
    if not total_first:
        builder.row("合计", sums["total"], line_key="total")
    return builder.table


def clean_document(name: str, with_funds: bool = True) -> Document:
    """A consistent disclosure; without `with_funds` it has no 政府性基金 / 国有资本经营
    money and declares those two tables empty."""
    items = [i for i in ITEMS if with_funds or not (i.gov_fund or i.state_capital)]
    classes = sorted({i.code[:3] for i in items})
    tables = [
        _summary(items, classes),
        _subject_table(
            "income", "收入决算表",
            {
                i.code: {
                    "total": i.gpb + i.gov_fund + i.state_capital + i.carryover + i.other_basic,
                    "fiscal_appropriation": i.gpb + i.gov_fund + i.state_capital + i.carryover,
                    "other_income": i.other_basic,
                }
                for i in items
            },
            ("total", "fiscal_appropriation", "superior_subsidy", "business_income",
             "operating_income", "affiliated_remittance", "other_income"),
            total_first=True,
        ),
        _subject_table(
            "expenditure", "支出决算表",
            {
                i.code: {
                    "total": i.gpb + i.other_basic + i.gov_fund + i.state_capital,
                    "basic": i.gpb_basic + i.other_basic,
                    "project": i.gpb_project + i.gov_fund + i.state_capital,
                }
                for i in items
            },
            ("total", "basic", "project", "remit_to_superior", "operating",
             "affiliated_subsidy"),
            total_first=True,
        ),
        _fiscal_summary(items, classes),
        _subject_table(
            "gpb_expenditure", "一般公共预算财政拨款支出决算表",
            {
                i.code: {"total": i.gpb, "basic": i.gpb_basic, "project": i.gpb_project}
                for i in items
                if i.gpb
            },
            ("total", "basic", "project"),
            total_first=False,
        ),
        _gpb_basic(),
        _fund_table("gov_fund", "政府性基金预算财政拨款收入支出决算表",
                    {i.code: i.gov_fund for i in items if i.gov_fund}),
        _fund_table("state_capital", "国有资本经营预算财政拨款支出决算表",
                    {i.code: i.state_capital for i in items if i.state_capital}),
        _three_public(),
        _office_operation(),
        _procurement(),
        _subject_table(
            "gpb_project", "一般公共预算财政拨款项目支出决算表",
            {i.code: {"project": i.gpb_project} for i in items if i.gpb_project},
            ("project",), total_first=True,
        ),
    ]
    document = Document(
        source_path=f"/inbox/{name}.txt",
        sha256=name,
        format="txt",
        pages=14,
        department_name=f"测试市{name}局",
        fiscal_year=2023,
        unit="万元",
        tables=tables,
        member_units=list(MEMBER_UNITS),
        stated_unit_count=len(MEMBER_UNITS),
    )
    document.statements = narrative(document)
    document.evaluations = [evaluation()]
    # the name where it is printed (no year: prior_year copies the document to a year before)
    department = document.department_name
    document.name_mentions = [
        NameMention("cover", department, None, 1),
        NameMention("table:summary", department, None, PAGES["summary"]),
    ]
    return document


def placeholder_header(doc: Document, table: str = "income") -> None:
    """A table header printing a placeholder department name (`部门：测试市XX局`)."""
    doc.name_mentions.append(NameMention(f"table:{table}", "测试市XX局", 2023, PAGES[table]))


def _summary(items: list[Item], classes: list[str]) -> Table:
    gpb = sum(i.gpb + i.carryover for i in items)
    gov = sum(i.gov_fund for i in items)
    capital = sum(i.state_capital for i in items)
    other = sum(i.other_basic for i in items)
    income_total = gpb + gov + capital + other
    spent = {c: 0 for c in classes}
    for i in items:
        spent[i.code[:3]] += i.gpb + i.other_basic + i.gov_fund + i.state_capital
    expenditure_total = sum(spent.values())
    b = _TableBuilder("summary", "收入支出决算总表")
    income_lines = {
        "gpb_appropriation": ("一、一般公共预算财政拨款收入", gpb),
        "gov_fund_appropriation": ("二、政府性基金预算财政拨款收入", gov),
        "state_capital_appropriation": ("三、国有资本经营预算财政拨款收入", capital),
        "superior_subsidy": ("四、上级补助收入", 0),
        "business_income": ("五、事业收入", 0),
        "other_income": ("八、其他收入", other),
        "income_total": ("本年收入合计", income_total),
        "use_non_fiscal_balance": ("使用非财政拨款结余和专用结余", 0),
        "opening_balance": ("年初结转和结余", OPENING),
        "grand_total": ("总计", income_total + OPENING),
    }
    for line_key, (label, amount) in income_lines.items():
        b.row(label, {"amount": amount}, side="income", line_key=line_key)
    for code in sorted([*classes, "202"]):
        b.row(NAMES[code], {"amount": spent.get(code, 0)}, code=code, side="expenditure",
              line_key="function_class")
    for line_key, label, amount in (
        ("expenditure_total", "本年支出合计", expenditure_total),
        ("closing_balance", "年末结转和结余", CLOSING),
        ("grand_total", "总计", expenditure_total + CLOSING),
    ):
        b.row(label, {"amount": amount}, side="expenditure", line_key=line_key)
    return b.table


def _fiscal_summary(items: list[Item], classes: list[str]) -> Table:
    """Blank cells are not emitted here, as a PDF extractor leaves them."""
    gpb = sum(i.gpb + i.carryover for i in items)
    gov = sum(i.gov_fund for i in items)
    capital = sum(i.state_capital for i in items)
    b = _TableBuilder("fiscal_summary", "财政拨款收入支出决算总表", omit_blank=True)
    for line_key, label, amount in (
        ("gpb_appropriation", "一、一般公共预算财政拨款", gpb),
        ("gov_fund_appropriation", "二、政府性基金预算财政拨款", gov),
        ("state_capital_appropriation", "三、国有资本经营预算财政拨款", capital),
        ("income_total", "本年收入合计", gpb + gov + capital),
        ("opening_balance", "年初财政拨款结转和结余", OPENING),
        ("opening_balance.gpb", "一般公共预算财政拨款", OPENING),
        ("opening_balance.gov_fund", "政府性基金预算财政拨款", 0),
        ("opening_balance.state_capital", "国有资本经营预算财政拨款", 0),
        ("grand_total", "总计", gpb + gov + capital + OPENING),
    ):
        b.row(label, {"amount": amount}, side="income", line_key=line_key)
    per_class = {c: {"gpb": 0, "gov_fund": 0, "state_capital": 0} for c in [*classes, "202"]}
    for i in items:
        funds = per_class[i.code[:3]]
        funds["gpb"] += i.gpb
        funds["gov_fund"] += i.gov_fund
        funds["state_capital"] += i.state_capital
    totals = {"gpb": 0, "gov_fund": 0, "state_capital": 0}
    for code, funds in sorted(per_class.items()):
        b.row(NAMES[code], {"total": sum(funds.values()), **funds}, code=code,
              side="expenditure", line_key="function_class")
        for fund, amount in funds.items():
            totals[fund] += amount
    closing = {"gpb": CLOSING, "gov_fund": 0, "state_capital": 0}
    grand = {fund: totals[fund] + closing[fund] for fund in totals}
    for line_key, label, funds in (
        ("expenditure_total", "本年支出合计", totals),
        ("closing_balance", "年末财政拨款结转和结余", closing),
        ("grand_total", "总计", grand),
    ):
        b.row(label, {"total": sum(funds.values()), **funds}, side="expenditure",
              line_key=line_key)
    b.row("一般公共预算财政拨款", {"total": CLOSING}, side="expenditure",
          line_key="closing_balance.gpb")
    return b.table


def _gpb_basic() -> Table:
    b = _TableBuilder("gpb_basic", "一般公共预算财政拨款基本支出决算明细表")
    classes: dict[str, int] = defaultdict(int)
    for code, amount in ECONOMIC.items():
        classes[code[:3]] += amount
    for code in sorted(classes):
        b.row(NAMES[code], {"amount": classes[code]}, code=code)
        for item, amount in sorted(ECONOMIC.items()):
            if item.startswith(code):
                b.row(NAMES[item], {"amount": amount}, code=item)
    personnel = sum(a for c, a in classes.items() if c in PERSONNEL)
    b.row("人员经费合计", {"amount": personnel}, line_key="personnel_total")
    b.row("公用经费合计", {"amount": sum(classes.values()) - personnel}, line_key="public_total")
    return b.table


def _fund_table(key: str, title: str, spending: Mapping[str, int]) -> Table:
    if not spending:
        return Table(key, title, [PAGES[key]], "万元", declared_empty=True,
                     empty_statement="本单位无此项支出，故本表无数据。")
    columns: tuple[str, ...] = ("total", "basic", "project")
    if key == "gov_fund":
        columns = ("opening_balance", "income", *columns, "closing_balance")
    leaves = {
        code: {"income": amount, "total": amount, "project": amount}
        for code, amount in spending.items()
    }
    return _subject_table(key, title, leaves, columns, total_first=False)


def _three_public() -> Table:
    b = _TableBuilder("three_public", '财政拨款"三公"经费支出决算表', omit_blank=True)
    for kind, label in (("budget", "预算数"), ("actual", "决算数")):
        amounts = THREE_PUBLIC[kind]
        vehicle = amounts.get("vehicle_purchase", 0) + amounts.get("vehicle_operation", 0)
        b.row(label, {
            "total": amounts.get("abroad", 0) + vehicle + amounts.get("reception", 0),
            "abroad": amounts.get("abroad", 0),
            "vehicle_total": vehicle,
            "vehicle_purchase": amounts.get("vehicle_purchase", 0),
            "vehicle_operation": amounts.get("vehicle_operation", 0),
            "reception": amounts.get("reception", 0),
        }, line_key=kind)
    return b.table


def _office_operation() -> Table:
    b = _TableBuilder("office_operation", "机关运行经费支出决算表")
    public = {code: amount for code, amount in ECONOMIC.items() if code[:3] not in PERSONNEL}
    b.row("合计", {"amount": sum(public.values())}, line_key="total")
    listed = {code for codes in OFFICE_LINES.values() for code in codes}
    for line_key, codes in OFFICE_LINES.items():
        b.row(line_key, {"amount": sum(public.get(code, 0) for code in codes)},
              line_key=line_key)
    rest = sum(amount for code, amount in public.items() if code not in listed)
    b.row("其他支出", {"amount": rest}, line_key="other")
    return b.table


def _procurement() -> Table:
    b = _TableBuilder("procurement", "政府采购情况表")
    for kind, label in (("budget", "政府采购预算数"), ("contract", "政府采购合同金额")):
        parts = PROCUREMENT[kind]
        amounts = {"total": sum(parts.values()), **parts}
        if kind == "contract":
            amounts["sme"] = SME
        b.row(label, amounts, line_key=kind)
    return b.table


# -- mutations


def find_row(
    doc: Document,
    table_key: str,
    code: str | None = None,
    line_key: str | None = None,
    side: str | None = None,
) -> Row:
    table = doc.table(table_key)
    assert table is not None, table_key
    rows = [
        r
        for r in table.rows
        if r.code == code
        and (line_key is None or r.line_key == line_key)
        and (side is None or r.side == side)
    ]
    assert len(rows) == 1, (table_key, code, line_key, side, rows)
    return rows[0]


def set_figure(
    doc: Document,
    table_key: str,
    column_key: str,
    text: str,
    code: str | None = None,
    line_key: str | None = None,
    side: str | None = None,
) -> None:
    """Print `text` (万元) in a cell, adding the cell when it was blank."""
    row = find_row(doc, table_key, code, line_key, side)
    value = Decimal(text) or None
    for cell in row.cells:
        if cell.column_key == column_key:
            cell.raw, cell.value = text, value
            return
    row.cells.append(Cell(column_key, text, value, row.page))


def shift_figures(
    doc: Document, table_key: str, columns: Iterable[str], delta: str, *codes: str | None
) -> None:
    """Add `delta` 万元 to the columns of the rows with these codes (None: the 合计 row)."""
    for code in codes:
        row = find_row(doc, table_key, code, "total" if code is None else None)
        for column in columns:
            current = row.value(column) or Decimal(0)
            set_figure(doc, table_key, column, str(current + Decimal(delta)), code,
                       "total" if code is None else None)


def drop_table(doc: Document, table_key: str) -> None:
    doc.tables = [t for t in doc.tables if t.key != table_key]


# -- build database

# the staging models the narrative, performance and cross-year checks read
NARRATIVE_MODELS = ("stg_documents", "stg_narrative_statements", "stg_perf_evaluations",
                    "stg_perf_funds", "stg_perf_indicators")


def build_database(
    path: Path,
    documents: Iterable[Document],
    failures: Iterable[tuple[str, str, str]] = (),
    loaded_at: Mapping[str, datetime] | None = None,
) -> None:
    """Load the documents into a new build database and create staging.stg_cells with dbt."""
    with duckdb.connect(str(path)) as con:
        create_raw_schema(con)
        load_documents(con, documents, failures, loaded_at)
    dbt(path, "run", "--select", "stg_cells", *NARRATIVE_MODELS)


def dbt(path: Path, *arguments: str) -> None:
    """Run the real dbt project against the build database at `path`."""
    work = path.parent / "dbt"
    result = subprocess.run(
        [
            str(PROJECT / ".venv" / "bin" / "dbt"),
            *arguments,
            "--profiles-dir",
            ".",
            "--target-path",
            str(work / "target"),
            "--log-path",
            str(work / "logs"),
        ],
        cwd=PROJECT / "dbt_project",
        env={**os.environ, "JUESUAN_BUILD_DB": str(path)},
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"dbt failed:\n{result.stdout[-4000:]}{result.stderr[-2000:]}")
