"""The narrative and the performance self-evaluation of the test documents of checks_support.

`narrative` states figures read from a document's own printed tables, so every narrative check
holds on a clean document; it states only figures no broken table of tests/test_checks.py
moves (so a broken table breaks its own check alone). `prior_year` makes the consistent
prior-year version the cross-year checks compare with. The mutation helpers break one figure.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from extractors.ir import (
    Document,
    Measure,
    PerfEvaluation,
    PerfFunds,
    PerfIndicator,
    StatedUnit,
    Statement,
)

PAGE = 13  # the narrative's page
PERF_PAGE = 14
PERF_ITEM = "测试单位"
ITEM = "一般公共服务支出（类）财政事务（款）行政运行（项）"
ITEM_INITIAL_GAP = Decimal("0.50")  # the item's 年初预算 is its 决算 less this


def _figure(doc: Document, table_key: str, column: str, *, code: str | None = None,
            line: str | None = None, side: str | None = None) -> Decimal:
    table = doc.table(table_key)
    for row in table.rows if table else []:
        if row.code == code and row.line_key == line and (side is None or row.side == side):
            return row.value(column) or Decimal(0)
    return Decimal(0)


def percent(part: Decimal, whole: Decimal) -> Decimal:
    return (100 * part / whole).quantize(Decimal("0.01"), ROUND_HALF_UP)


class _Writer:
    def __init__(self, year: int) -> None:
        self.year = year
        self.statements: list[Statement] = []
        self.paragraph = -1

    def para(self) -> None:
        self.paragraph += 1

    def add(self, key: str, measure: Measure, value: Decimal | None, sentence: str,
            **extra: str) -> None:
        unit: StatedUnit | None = "%" if measure in ("share", "completion", "growth") else "万元"
        self.statements.append(Statement(
            section="说明", key=key, measure=measure, value=value,
            unit=None if measure == "empty" else unit,
            raw="" if value is None else f"{abs(value):.2f}", sentence=sentence, page=PAGE,
            location=None, paragraph=self.paragraph, **extra,
        ))


def narrative(doc: Document, prior: Document | None = None) -> list[Statement]:
    """The stated figures of `doc`'s narrative; with `prior`, its changes against it."""
    year = doc.fiscal_year or 0
    w = _Writer(year)
    if prior is not None:
        grand = _figure(doc, "summary", "amount", line="grand_total", side="income")
        before = _figure(prior, "summary", "amount", line="grand_total", side="income")
        change = grand - before
        w.para()
        sentence = (f"{year}年度收、支总计均为{grand}万元，与上年度相比"
                    f"{'增加' if change >= 0 else '减少'}{abs(change)}万元。")
        w.add("grand_total", "amount", grand, sentence)
        w.add("grand_total", "change", change, sentence)
        w.add("grand_total", "growth", percent(change, before), sentence)
    fiscal = sum((_figure(doc, "summary", "amount", line=line, side="income") for line in (
        "gpb_appropriation", "gov_fund_appropriation", "state_capital_appropriation")),
        Decimal(0))
    w.para()
    w.add("income.fiscal_appropriation", "amount", fiscal, f"财政拨款收入{fiscal}万元。")
    spent = _figure(doc, "summary", "amount", line="expenditure_total", side="expenditure")
    w.add("expenditure_total", "amount", spent, f"{year}年度支出合计{spent}万元。")
    gpb = _figure(doc, "gpb_expenditure", "total", line="total")
    general = _figure(doc, "gpb_expenditure", "total", code="201")
    w.para()
    sentence = f"一般公共预算财政拨款支出{gpb}万元，一般公共服务支出（类）{general}万元。"
    w.add("gpb_expenditure", "amount", gpb, sentence)
    w.add("gpb_class", "amount", general, sentence, subject="一般公共服务支出",
          subject_code="201")
    w.add("gpb_class", "share", percent(general, gpb), sentence, subject="一般公共服务支出",
          subject_code="201", base="gpb_expenditure")
    initial, rate = gpb + 10, percent(gpb, gpb + 10)
    w.para()
    sentence = f"年初预算为{initial}万元，支出决算为{gpb}万元，完成年初预算的{rate}%。"
    w.add("gpb_initial", "amount", initial, sentence)
    w.add("gpb_expenditure", "amount", gpb, sentence)
    w.add("gpb_expenditure", "completion", rate, sentence, base="gpb_initial")
    actual = _figure(doc, "gpb_expenditure", "total", code="2010601")
    _item(w, actual - ITEM_INITIAL_GAP, actual)
    basic = _figure(doc, "gpb_expenditure", "basic", line="total")
    public = _figure(doc, "gpb_basic", "amount", line="public_total")
    w.para()
    sentence = f"基本支出{basic}万元，其中公用经费{public}万元。"
    w.add("basic", "amount", basic, sentence)
    w.add("public", "amount", public, sentence)
    w.para()
    sentence = f"机关运行经费支出{public}万元。"
    w.add("office_expenses", "amount", public, sentence)
    if prior is not None:
        stated = _figure(prior, "gpb_basic", "amount", line="public_total")
        w.add("office_expenses", "prior", stated, f"{year - 1}年度为{stated}万元。")
    for key in ("gov_fund", "state_capital"):
        table = doc.table(key)
        if table is not None and table.declared_empty:
            w.para()
            w.add(key, "empty", None, "本部门没有政府性基金收入，也没有使用政府性基金安排的支出。")
    return w.statements


def _item(w: _Writer, initial: Decimal, actual: Decimal) -> None:
    w.para()
    rate = percent(actual, initial)
    sentence = f"1.{ITEM}年初预算数为{initial}万元，决算数{actual}万元，完成年初预算的{rate}%。"
    extra = {"subject": ITEM, "subject_code": "2010601", "reason": "人员变动"}
    w.add("item.initial", "amount", initial, sentence, **extra)
    w.add("item.actual", "amount", actual, sentence, **extra)
    w.add("item.actual", "completion", rate, sentence, base="item.initial", **extra)


def evaluation() -> PerfEvaluation:
    """A 部门整体 self-evaluation: 80.00 of 100.00 executed (80.00%, 8.00 of 10), indicators
    44 + 45, 总分 97.00."""
    def funds(line_key: str, label: str, **scored: Decimal) -> PerfFunds:
        raw = {"execution_rate": "80.00%", **{k: f"{v:.2f}" for k, v in scored.items()}}
        return PerfFunds(line_key, label, PERF_PAGE, Decimal(100), Decimal(100), Decimal(80),
                         execution_rate=Decimal(80), raw=raw, **scored)

    return PerfEvaluation(
        scope="department", item_name=PERF_ITEM, unit="万元", pages=[PERF_PAGE], location=None,
        funds=[
            funds("funds_total", "部门预算总额", weight=Decimal(10), score=Decimal(8)),
            funds("funds_fiscal", "财政拨款"),
        ],
        indicators=[
            PerfIndicator("产出指标", "数量指标", "任务完成数量", "100%", "98%", Decimal(45),
                          Decimal(44), "2.00", None, PERF_PAGE, "44"),
            PerfIndicator("效益指标", "满意度", "服务对象满意度", "≥90%", "95%", Decimal(45),
                          Decimal(45), "0.00", None, PERF_PAGE, "45"),
        ],
        total_weight=Decimal(100), total_score=Decimal(97), total_raw="97.00",
        total_page=PERF_PAGE,
    )


def prior_year(doc: Document, shift: str = "2.00") -> Document:
    """The same department's consistent prior-year document, its balances raised by `shift`
    万元 (年末结转和结余 3.00 + 2.00 carries to this year's 年初 5.00); `doc`'s narrative then
    states its changes against it."""
    prior = copy.deepcopy(doc)
    prior.fiscal_year = (doc.fiscal_year or 0) - 1
    prior.sha256 = f"{doc.sha256}-prior"
    prior.source_path = doc.source_path.replace(".txt", "-prior.txt")
    shift_balances(prior, Decimal(shift))
    doc.statements = narrative(doc, prior)
    return prior


def shift_balances(doc: Document, step: Decimal) -> None:
    """Raise the document's opening and closing balances (and so its grand totals) by `step`
    万元: every identity still holds, and a prior year can be made to close where the next
    one opens. Its narrative is restated."""
    for table_key in ("summary", "fiscal_summary"):
        table = doc.table(table_key)
        for row in table.rows if table else []:
            if (row.line_key or "").split(".")[0] in ("opening_balance", "closing_balance") or (
                row.line_key == "grand_total"
            ):
                for cell in row.cells:
                    if cell.column_key in ("amount", "total", "gpb"):
                        cell.value = (cell.value or Decimal(0)) + step
                        cell.raw = f"{cell.value:,.2f}"
    doc.statements = narrative(doc)


# -- mutations


def set_statement(doc: Document, key: str, measure: Measure, text: str) -> None:
    """State `text` for the first statement of `key` and `measure`."""
    for i, statement in enumerate(doc.statements):
        if statement.key == key and statement.measure == measure:
            doc.statements[i] = replace(statement, value=Decimal(text), raw=text.lstrip("-"))
            return
    raise KeyError((key, measure))


def add_empty_statement(doc: Document, key: str) -> None:
    doc.statements.append(Statement(
        "说明", key, "empty", None, None, "", "本部门没有政府性基金收入，也没有相关支出。", PAGE,
        None, 99,
    ))


def set_perf(doc: Document, *, rate: str | None = None, score: str | None = None,
             total: str | None = None) -> None:
    """Print other figures in the funds_total line and the 总分 row of the evaluation."""
    evaluation = doc.evaluations[0]
    line = evaluation.funds[0]
    if rate is not None:
        line.execution_rate, line.raw["execution_rate"] = Decimal(rate), f"{rate}%"
    if score is not None:
        line.score, line.raw["score"] = Decimal(score), score
    if total is not None:
        evaluation.total_score, evaluation.total_raw = Decimal(total), total
