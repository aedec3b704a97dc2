"""Grids of the nine tables in the two template families.

Henan 2023: a single 科目代码 column (printed across three merged grid columns, as the Word
dump shows), 行次 and 栏次 rows, zeros printed `0`. Shanghai 2024: 类/款/项 code columns,
zeros left blank, 合计 last in the 一般公共预算 table.
"""

from __future__ import annotations

from itertools import zip_longest

from synth.layout.blocks import Cells, Fig, Grid, Text
from synth.truth import Row, Table

INCOME_HEAD = ("本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入",
               "附属单位上缴收入", "其他收入")
EXPENDITURE_HEAD = ("本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出",
                    "对附属单位补助支出")
FISCAL_HEAD = ("合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款")


def figs(row: Row | None, columns: tuple[str, ...] | list[str]) -> list[Text]:
    out: list[Text] = []
    for column in columns:
        cell = row.cell(column) if row else None
        out.append(Fig(cell.raw, cell.value) if cell else "")
    return out


def columns_of(table: Table) -> list[str]:
    return [c.column_key for c in table.rows[0].cells] if table.rows else []


# -- code tables (income, expenditure, gpb, funds) -------------------------------------------

def _code_cells(row: Row, henan: bool) -> list[Text]:
    code = row.code or ""
    if henan:
        return [code, "", "", row.label]
    return [code[:3], code[3:5], code[5:7], row.label]


def code_grid(table: Table, family: str, head: list[str], sub: list[str] | None = None,
              group: tuple[int, int] | None = None) -> Grid:
    """Header (项目 | value columns, `group` of them under one heading with `sub` names),
    栏次 (Henan), then the 合计 and code rows."""
    henan = family == "henan"
    n = len(head)
    width = 4 + n
    second = sub if sub else [""] * n
    if henan:
        rows: list[list[Text]] = [
            ["项目", "", "", "", *head], ["科目代码", "", "", "科目名称", *second],
            [""] * width, [""] * width, ["栏次", "", "", "", *(str(i) for i in range(1, n + 1))]]
        merges = [(0, 0, 0, 3), (1, 0, 3, 2), (1, 3, 3, 3), (4, 0, 4, 3)]
        bottom = 3
    else:
        rows = [["项目", "", "", "", *head], ["支出功能分类科目编码", "", "", "科目名称", *second],
                ["类", "款", "项", "", *[""] * n]]
        merges = [(0, 0, 0, 3), (1, 0, 1, 2), (1, 3, 2, 3)]
        bottom = 2
    grouped = set(range(group[0], group[1] + 1)) if group else set()
    if group:
        merges.append((0, 4 + group[0], 0, 4 + group[1]))
    for c in range(n):
        merges.append((1 if c in grouped else 0, 4 + c, bottom, 4 + c))
    header = len(rows)
    columns = columns_of(table)
    body: list[list[Text]] = []
    for row in table.rows:
        r = header + len(body)
        if row.line_key == "total":
            body.append(["合计", "", "", "", *figs(row, columns)])
            merges.append((r, 0, r, 3))
        else:
            body.append([*_code_cells(row, henan), *figs(row, columns)])
            if henan:
                merges.append((r, 0, r, 2))
    if table.declared_empty:
        body = [["合计", "", "", "", *[""] * n], [""] * width]
        merges.append((header, 0, header, 3))
    widths = [0.7, 0.7, 0.7, 4.6] if henan else [1.1, 0.9, 0.9, 4.2]
    value_width = max(2.0, (23.5 - sum(widths)) / n) if n > 3 else 2.6
    return Grid(rows + body, widths + [value_width] * n, merges, header, numeric_from=4)


def gpb_expenditure(table: Table, family: str) -> Grid:
    if family == "henan":
        return code_grid(table, family, ["本年支出", "", ""], ["小计", "基本支出", "项目支出"],
                         (0, 2))
    return code_grid(table, family, ["合计", "基本支出", "项目支出"])


def fund(table: Table, family: str) -> Grid:
    if table.key == "state_capital" and family == "henan":
        return code_grid(table, family, ["本年支出", "", ""], ["合计", "基本支出", "项目支出"],
                         (0, 2))
    return code_grid(table, family,
                     ["年初结转和结余", "本年收入", "本年支出", "", "", "年末结转和结余"],
                     ["", "", "小计" if family == "henan" else "合计", "基本支出", "项目支出", ""],
                     (2, 4))


# -- two-sided summary tables ----------------------------------------------------------------

def _sides(table: Table) -> tuple[list[Row], list[Row]]:
    left = [r for r in table.rows if r.side == "income"]
    right = [r for r in table.rows if r.side == "expenditure"]
    return left, right


def summary(table: Table, family: str) -> Grid:
    left, right = _sides(table)
    lines = [r for r in left if r.line_key not in _TOTAL_KEYS]
    classes = [r for r in right if r.line_key == "function_class"]
    left_totals = [r for r in left if r.line_key in _TOTAL_KEYS]
    right_totals = [r for r in right if r.line_key in _TOTAL_KEYS]
    henan = family == "henan"
    body: list[list[Text]] = []
    k = max(len(lines), len(classes))
    for i, (a, b) in enumerate(zip_longest(lines, classes)):
        body.append(_pair(a, b, i + 1, k + 5 + i + 1, henan))
    offset = len(body)
    pairs = list(zip(left_totals[:-1], right_totals[:-1], strict=True))
    for j, (a, b) in enumerate(pairs):
        body.append(_pair(a, b, offset + j + 1, 2 * k + 6 + j, henan))
    if henan:
        body.append(["", str(k + 4), "", "", str(2 * k + 9), ""])
    body.append(_pair(left_totals[-1], right_totals[-1], k + 5, 2 * k + 10, henan))
    if henan:
        head: Cells = [["收入", "", "", "支出", "", ""],
                       ["项目", "行次", "金额", "项目", "行次", "金额"],
                       ["栏次", "", "1", "栏次", "", "2"]]
        return Grid(head + body, [6.2, 1.1, 2.6, 6.2, 1.1, 2.6], [(0, 0, 0, 2), (0, 3, 0, 5)], 3,
                    numeric_from=99)
    head = [["收入", "", "支出", ""], ["项目", "决算数", "项目", "决算数"]]
    return Grid(head + body, [5.6, 2.6, 5.6, 2.6], [(0, 0, 0, 1), (0, 2, 0, 3)], 2,
                numeric_from=99)


def _pair(a: Row | None, b: Row | None, left_no: int, right_no: int, henan: bool
          ) -> list[Text]:
    def side(row: Row | None, number: int) -> list[Text]:
        cells: list[Text] = [row.label if row else ""]
        if henan:
            cells.append(str(number))
        cells += figs(row, ["amount"]) if row else [""]
        return cells
    return [*side(a, left_no), *side(b, right_no)]


_TOTAL_KEYS = ("income_total", "use_non_fiscal_balance", "opening_balance", "grand_total",
               "expenditure_total", "balance_distribution", "closing_balance")


def fiscal_summary(table: Table, family: str) -> Grid:
    left, right = _sides(table)
    henan = family == "henan"
    lines = [r for r in left if r.line_key and r.line_key.endswith("_appropriation")]
    classes = [r for r in right if r.line_key == "function_class"]
    k = max(len(lines), len(classes))
    right_no = k + 7
    cols = list(FISCAL_HEAD)
    keys = ["total", "gpb", "gov_fund", "state_capital"]

    def row_of(a: Row | None, b: Row | None, i: int, j: int) -> list[Text]:
        out: list[Text] = [a.label if a else ""]
        if henan:
            out.append(str(i))
        out += figs(a, ["amount"]) if a else [""]
        out.append(b.label if b else "")
        if henan:
            out.append(str(j))
        out += figs(b, keys) if b else ["", "", "", ""]
        return out

    body = [row_of(a, b, i + 1, right_no + i) for i, (a, b) in enumerate(zip_longest(lines,
                                                                                     classes))]
    find = table.find
    extra = [
        (find(side="income", line_key="income_total"),
         find(side="expenditure", line_key="expenditure_total")),
        (find(side="income", line_key="opening_balance"),
         find(side="expenditure", line_key="closing_balance")),
        *((find(side="income", line_key=f"opening_balance.{f}"), None)
          for f in ("gpb", "gov_fund", "state_capital")),
        (find(side="income", line_key="grand_total"),
         find(side="expenditure", line_key="grand_total")),
    ]
    for j, (a, b) in enumerate(extra):
        body.append(row_of(a, b, k + j + 1, right_no + k + j))
    if henan:
        head: Cells = [["收     入", "", "", "支     出", "", "", "", "", ""],
                ["项目", "行次", "金额", "项目", "行次", *cols], [""] * 9,
                ["栏次", "", "1", "栏次", "", "2", "3", "4", "5"]]
        merges = [(0, 0, 0, 2), (0, 3, 0, 8), (1, 0, 2, 0), (1, 1, 2, 1), (1, 2, 2, 2),
                  (1, 3, 2, 3), (1, 4, 2, 4), *((1, c, 2, c) for c in range(5, 9))]
        return Grid(head + body, [5.2, 1.0, 2.4, 5.2, 1.0, 2.4, 2.4, 2.4, 2.4], merges, 4,
                    numeric_from=99)
    head = [["收入", "", "支出", "", "", "", ""], ["项目", "决算数", "项目", *cols]]
    return Grid(head + body, [5.4, 2.4, 5.4, 2.4, 2.4, 2.4, 2.4], [(0, 0, 0, 1), (0, 2, 0, 6)],
                2, numeric_from=99)


# -- basic expenditure by economic class -----------------------------------------------------

def gpb_basic(table: Table, family: str, groups: list[list[str]]) -> Grid:
    henan = family == "henan"
    lists = []
    for codes in groups:
        cells = []
        for code in codes:
            row = table.find(code=code)
            if row is None:
                continue
            name = row.label if len(code) == 3 or not henan else "  " + row.label
            if henan:
                cells.append([code, name, *figs(row, ["amount"])])
            else:
                cells.append([code[:3], code[3:], name, *figs(row, ["amount"])])
        lists.append(cells)
    per = 3 if henan else 4
    body: list[list[Text]] = []
    for parts in zip_longest(*lists):
        line: list[Text] = []
        for part in parts:
            line += part if part else [""] * per
        body.append(line)
    personnel = table.find(line_key="personnel_total")
    public = table.find(line_key="public_total")
    width = per * len(groups)
    last: list[Text] = ["人员经费合计", *[""] * (per - 2), *figs(personnel, ["amount"]),
                        "公用经费合计", *[""] * (width - per - 2), *figs(public, ["amount"])]
    if henan:
        head: Cells = [["人员经费", "", "", "公用经费", "", "", "", "", ""],
                       ["科目代码", "科目名称", "决算数"] * 3, [""] * 9]
        end = len(head) + len(body)
        merges = [(0, 0, 0, 2), (0, 3, 0, 8), (end, 0, end, 1), (end, 3, end, 7)]
        return Grid(head + body + [last], [1.4, 4.6, 2.2] * 3, merges, 3, numeric_from=99)
    head = [["经济分类科目编码", "", "科目名称", "决算数"] * 2, ["类", "款", "", ""] * 2]
    end = len(head) + len(body)
    merges = [(0, 0, 0, 1), (0, 4, 0, 5), (0, 2, 1, 2), (0, 3, 1, 3), (0, 6, 1, 6), (0, 7, 1, 7),
              (end, 0, end, 2), (end, 4, end, 6)]
    return Grid(head + body + [last], [1.0, 0.8, 4.6, 2.2] * 2, merges, 2, numeric_from=99)


def three_public(table: Table, family: str) -> Grid:
    budget, actual = table.find(line_key="budget"), table.find(line_key="actual")
    order = ["total", "abroad", "vehicle_total", "vehicle_purchase", "vehicle_operation",
             "reception"]
    if family == "henan":
        top: list[Text] = ["预算数", *[""] * 5, "决算数", *[""] * 5]
        mid: list[Text] = ["合计", "因公出国（境）费", "公务用车购置及运行维护费", "", "",
                           "公务接待费"] * 2
        low: list[Text] = ["", "", "小计", "公务用车购置费", "公务用车运行维护费",
                           ""] * 2
        numbers: list[Text] = [str(i) for i in range(1, 13)]
        values = figs(budget, order) + figs(actual, order)
        merges = [(0, 0, 0, 5), (0, 6, 0, 11), (1, 2, 1, 4), (1, 8, 1, 10),
                  *((1, c, 2, c) for c in (0, 1, 5, 6, 7, 11))]
        return Grid([top, mid, low, numbers, values], [2.0] * 12, merges, 4, numeric_from=0)
    top = ["财政拨款“三公”经费", *[""] * 11]
    mid = ["合计", "", "因公出国（境）费", "", "公务用车购置及运行维护费", "", "", "", "", "",
           "公务接待费", ""]
    low = ["", "", "", "", "小计", "", "公务用车购置费", "", "公务用车运行维护费", "", "", ""]
    kinds = ["预算数", "决算数"] * 6
    pairs: list[Text] = []
    for column in order:
        pairs += figs(budget, [column]) + figs(actual, [column])
    merges = [(0, 0, 0, 11), (1, 0, 2, 1), (1, 2, 2, 3), (1, 4, 1, 9), (1, 10, 2, 11),
              (2, 4, 2, 5), (2, 6, 2, 7), (2, 8, 2, 9)]
    rows: Cells = [top, list(mid), list(low), list(kinds), pairs]
    return Grid(rows, [2.0] * 12, merges, 4, numeric_from=0)


# -- optional tables -------------------------------------------------------------------------

def office_operation(table: Table, family: str) -> Grid:
    """项目 | 金额 lines (Henan with 行次 and 栏次, 合计 first; Shanghai 合计 last)."""
    if family == "henan":
        rows: Cells = [["项目", "行次", "金额"], ["栏次", "", "1"]]
        rows += [[row.label, str(i), *figs(row, ["amount"])]
                 for i, row in enumerate(table.rows, 1)]
        return Grid(rows, [7.0, 1.2, 3.0], [], 2, numeric_from=2)
    lines: Cells = [["项目", "决算数"]]
    lines += [[row.label, *figs(row, ["amount"])] for row in table.rows]
    return Grid(lines, [8.0, 3.4], [], 1, numeric_from=1)


_PROCUREMENT_PARTS = ["total", "goods", "works", "services"]


def procurement(table: Table, family: str) -> Grid:
    """Henan: one 合计 line under 采购计划金额 | 实际采购金额 column groups (授予中小企业合同金额
    among the latter). Shanghai: a line per measure, 合同 figures of SMEs in their own columns."""
    budget, contract = table.find(line_key="budget"), table.find(line_key="contract")
    parts = ["合计", "货物", "工程", "服务"]
    if family == "henan":
        head: Cells = [["项目", "采购计划金额", "", "", "", "实际采购金额", "", "", "", ""],
                       ["", *parts, *parts, "其中：授予中小企业合同金额"]]
        merges = [(0, 0, 1, 0), (0, 1, 0, 4), (0, 5, 0, 9)]
        line: list[Text] = ["合计", *figs(budget, _PROCUREMENT_PARTS),
                            *figs(contract, [*_PROCUREMENT_PARTS, "sme"])]
        return Grid([*head, line], [2.4] + [2.0] * 9, merges, 2, numeric_from=1)
    head = [["项目", *parts, "授予中小企业合同金额", "其中：授予小微企业合同金额"]]
    columns = [*_PROCUREMENT_PARTS, "sme", "small_micro"]
    if table.declared_empty:
        body: Cells = [["合计", *[""] * len(columns)]]
    else:
        body = [[row.label, *figs(row, columns)] for row in (budget, contract) if row]
    return Grid([*head, *body], [4.0] + [2.6] * 6, [], 1, numeric_from=1)


def gpb_project(table: Table, family: str) -> Grid:
    return code_grid(table, family, ["项目支出" if family == "henan" else "决算数"])
