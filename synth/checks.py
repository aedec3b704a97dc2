"""The identities of docs/spec/identities.md evaluated on a truth (a reference implementation).

Used to prove that clean documents hold within tolerance and to record which checks each
planted fault triggers. An identity over n printed figures holds when
`|lhs - rhs| <= n × half_unit`; `strict` counts only the non-zero figures (every generated
rounding tail comes from a non-zero figure, so clean documents pass even then).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from synth.catalogue import function_name
from synth.money import HALF_UNIT, percent, round2
from synth.truth import Row, Table, Truth

ZERO = Decimal(0)
RATE_TOLERANCE = Decimal("0.01")  # percentage points, scores
CORE_TABLES = ("summary", "income", "expenditure", "fiscal_summary", "gpb_expenditure",
               "gpb_basic", "three_public")
ROW_SUMS = {
    "income": ("total", ("fiscal_appropriation", "superior_subsidy", "business_income",
                         "operating_income", "affiliated_remittance", "other_income")),
    "expenditure": ("total", ("basic", "project", "remit_to_superior", "operating",
                              "affiliated_subsidy")),
    "gpb_expenditure": ("total", ("basic", "project")),
    "gov_fund": ("total", ("basic", "project")),
    "state_capital": ("total", ("basic", "project")),
}
PLACEHOLDERS = ("XX", "××", "某某")
WARNING_PREFIXES = ("narrative.", "perf.", "year.")
WARNING_IDS = {"cross.gpb_within_expenditure", "cross.three_public_vs_basic",
               "doc.consistency", "doc.unit_list", "doc.subject_codes",
               "office_operation.total", "procurement.total", "gpb_project.grand",
               "cross.gpb_project_vs_gpb"}
PROCUREMENT_PARTS = ("goods", "works", "services")


def severity(check_id: str) -> str:
    if check_id.startswith(WARNING_PREFIXES) or check_id in WARNING_IDS:
        return "warning"
    return "error"


@dataclass(frozen=True)
class Result:
    check_id: str
    status: str  # pass / fail / skipped
    lhs: Decimal | None
    rhs: Decimal | None
    difference: Decimal | None
    tolerance: Decimal | None
    where: str


class Checker:
    def __init__(self, truth: Truth, prior: Truth | None = None, strict: bool = False):
        self.truth = truth
        self.prior = prior
        self.strict = strict
        self.half = HALF_UNIT[truth.department["unit"]]

    # -- helpers -------------------------------------------------------------------------

    def identity(self, check_id: str, lhs: list[Decimal], rhs: list[Decimal], where: str,
                 half: Decimal | None = None, relation: str = "=") -> Result:
        left, right = sum(lhs, ZERO), sum(rhs, ZERO)
        figures = [*lhs, *rhs]
        n = sum(1 for v in figures if v != 0) if self.strict else len(figures)
        tolerance = n * (self.half if half is None else half)
        difference = left - right
        ok = difference <= tolerance if relation == "<=" else abs(difference) <= tolerance
        return Result(check_id, "pass" if ok else "fail", left, right, difference, tolerance,
                      where)

    def approx(self, check_id: str, stated: Decimal, computed: Decimal, where: str,
               tolerance: Decimal = RATE_TOLERANCE) -> Result:
        difference = stated - computed
        status = "pass" if abs(difference) <= tolerance else "fail"
        return Result(check_id, status, stated, computed, difference, tolerance, where)

    @staticmethod
    def skipped(check_id: str, why: str) -> Result:
        return Result(check_id, "skipped", None, None, None, None, why)

    # -- all checks ----------------------------------------------------------------------

    def run(self) -> list[Result]:
        results: list[Result] = []
        for method in (self.summary, self.code_tables, self.fiscal_summary, self.gpb_basic,
                       self.three_public, self.cross, self.optional, self.narrative, self.perf,
                       self.document, self.years):
            results.extend(method())
        return results

    def summary(self) -> Iterator[Result]:
        t = self.truth.table("summary")
        if t is None:
            return
        income = [r.amount("amount") for r in t.rows
                  if r.side == "income" and r.line_key in _INCOME_LINE_KEYS]
        classes = [r.amount("amount") for r in t.rows if r.line_key == "function_class"]

        def line(side: str, key: str) -> Decimal:
            row = t.find(side=side, line_key=key)
            return row.amount("amount") if row else ZERO

        yield self.identity("summary.income_sum", [line("income", "income_total")], income,
                            "本年收入合计")
        yield self.identity("summary.expense_sum", [line("expenditure", "expenditure_total")],
                            classes, "本年支出合计")
        yield self.identity(
            "summary.income_grand", [line("income", "grand_total")],
            [line("income", k) for k in ("income_total", "use_non_fiscal_balance",
                                         "opening_balance")], "收入总计")
        yield self.identity(
            "summary.expense_grand", [line("expenditure", "grand_total")],
            [line("expenditure", k) for k in ("expenditure_total", "balance_distribution",
                                              "closing_balance")], "支出总计")
        yield self.identity("summary.balanced", [line("income", "grand_total")],
                            [line("expenditure", "grand_total")], "总计")

    def code_tables(self) -> Iterator[Result]:
        for key in ("income", "expenditure", "gpb_expenditure", "gov_fund", "state_capital"):
            t = self.truth.table(key)
            if t is None or t.declared_empty:
                continue
            total, terms = ROW_SUMS[key]
            for row in t.rows:
                if row.cell(total) is not None:
                    yield self.identity(f"{key}.row_sum", [row.amount(total)],
                                        [row.amount(c) for c in terms if row.cell(c)],
                                        row.code or row.label)
            columns = [c.column_key for c in t.rows[0].cells]
            coded = [r for r in t.rows if r.code]
            grand = t.find(line_key="total")
            for column in columns:
                for parent in coded:
                    if len(parent.code or "") == 7:
                        continue
                    size = len(parent.code or "") + 2
                    children = [r.amount(column) for r in coded
                                if len(r.code or "") == size and (r.code or "").startswith(
                                    parent.code or "")]
                    if children:
                        yield self.identity(f"{key}.hierarchy", [parent.amount(column)],
                                            children, f"{parent.code} {column}")
                if grand is not None:
                    yield self.identity(
                        f"{key}.grand", [grand.amount(column)],
                        [r.amount(column) for r in coded if len(r.code or "") == 3],
                        f"合计 {column}")

    def fiscal_summary(self) -> Iterator[Result]:
        t = self.truth.table("fiscal_summary")
        if t is None:
            return
        check = "fiscal_summary"

        def get(side: str, key: str, column: str = "amount") -> Decimal:
            row = t.find(side=side, line_key=key)
            return row.amount(column) if row else ZERO

        funds = ("gpb", "gov_fund", "state_capital")
        yield self.identity(f"{check}.income_sum", [get("income", "income_total")],
                            [get("income", k) for k in _FUND_LINES], "本年收入合计")
        for row in t.rows:
            if row.side == "expenditure" and row.cell("total") is not None:
                yield self.identity(f"{check}.row_sum", [row.amount("total")],
                                    [row.amount(f) for f in funds], row.code or row.label)
        classes = [r for r in t.rows if r.line_key == "function_class"]
        for column in ("total", *funds):
            yield self.identity(f"{check}.expense_sum",
                                [get("expenditure", "expenditure_total", column)],
                                [r.amount(column) for r in classes], f"本年支出合计 {column}")
        yield self.identity(f"{check}.carryover_sum", [get("income", "opening_balance")],
                            [get("income", f"opening_balance.{f}") for f in funds],
                            "年初财政拨款结转和结余")
        yield self.identity(f"{check}.grand", [get("income", "grand_total")],
                            [get("income", "income_total"), get("income", "opening_balance")],
                            "收入总计")
        for column in ("total", *funds):
            yield self.identity(f"{check}.grand", [get("expenditure", "grand_total", column)],
                                [get("expenditure", "expenditure_total", column),
                                 get("expenditure", "closing_balance", column)],
                                f"支出总计 {column}")
        yield self.identity(f"{check}.balanced", [get("income", "grand_total")],
                            [get("expenditure", "grand_total", "total")], "总计")

    def gpb_basic(self) -> Iterator[Result]:
        t = self.truth.table("gpb_basic")
        if t is None:
            return
        coded = [r for r in t.rows if r.code]
        groups: dict[str, list[Decimal]] = {"personnel": [], "public": []}
        for parent in coded:
            if len(parent.code or "") != 3:
                continue
            children = [r.amount("amount") for r in coded if len(r.code or "") == 5
                        and (r.code or "").startswith(parent.code or "")]
            yield self.identity("gpb_basic.hierarchy", [parent.amount("amount")], children,
                                parent.code or "")
            group = "personnel" if parent.code in ("301", "303") else "public"
            groups[group].append(parent.amount("amount"))
        for group in groups:
            row = t.find(line_key=f"{group}_total")
            if row is not None:
                yield self.identity("gpb_basic.split", [row.amount("amount")], groups[group],
                                    row.label)

    def three_public(self) -> Iterator[Result]:
        t = self.truth.table("three_public")
        if t is None:
            return
        for row in t.rows:
            yield self.identity("three_public.total", [row.amount("total")],
                                [row.amount(c) for c in ("abroad", "vehicle_total",
                                                         "reception")], row.label)
            yield self.identity("three_public.vehicle", [row.amount("vehicle_total")],
                                [row.amount(c) for c in ("vehicle_purchase",
                                                         "vehicle_operation")], row.label)

    def cross(self) -> Iterator[Result]:
        truth = self.truth
        s, inc, exp = truth.table("summary"), truth.table("income"), truth.table("expenditure")
        fs, gpb = truth.table("fiscal_summary"), truth.table("gpb_expenditure")
        basic = truth.table("gpb_basic")

        def line(t: Table, side: str, key: str, column: str = "amount") -> Decimal:
            row = t.find(side=side, line_key=key)
            return row.amount(column) if row else ZERO

        def total(t: Table, column: str) -> Decimal:
            row = t.find(line_key="total")
            return row.amount(column) if row else ZERO

        def class_rows(t: Table) -> list[Row]:
            return [r for r in t.rows if r.code and len(r.code) == 3]

        if s and inc:
            yield self.identity("cross.income_vs_summary", [total(inc, "fiscal_appropriation")],
                                [line(s, "income", k) for k in _FUND_LINES], "财政拨款收入")
            for key in _INCOME_LINE_KEYS[3:]:
                yield self.identity("cross.income_vs_summary", [total(inc, key)],
                                    [line(s, "income", key)], key)
        if s and exp:
            yield self.identity("cross.expenditure_vs_summary", [total(exp, "total")],
                                [line(s, "expenditure", "expenditure_total")], "本年支出合计")
            for row in class_rows(exp):
                other = s.find(code=row.code, line_key="function_class")
                yield self.identity("cross.expenditure_vs_summary", [row.amount("total")],
                                    [other.amount("amount") if other else ZERO], row.code or "")
        if s and fs:
            yield self.identity("cross.fiscal_vs_summary", [line(fs, "income", "income_total")],
                                [line(s, "income", k) for k in _FUND_LINES], "财政拨款收入")
        if gpb and fs:
            yield self.identity("cross.gpb_vs_fiscal", [total(gpb, "total")],
                                [line(fs, "expenditure", "expenditure_total", "gpb")], "合计")
            for row in class_rows(gpb):
                other = fs.find(code=row.code, line_key="function_class")
                yield self.identity("cross.gpb_vs_fiscal", [row.amount("total")],
                                    [other.amount("gpb") if other else ZERO], row.code or "")
        if basic and gpb:
            yield self.identity(
                "cross.basic_vs_gpb",
                [_line_amount(basic, k) for k in ("personnel_total", "public_total")],
                [total(gpb, "basic")], "基本支出")
        for key, check in (("gov_fund", "cross.fund_vs_fiscal"),
                           ("state_capital", "cross.capital_vs_fiscal")):
            t = truth.table(key)
            if t is not None and fs is not None:
                yield self.identity(check, [total(t, "total")],
                                    [line(fs, "expenditure", "expenditure_total", key)], "合计")
        if gpb and exp:
            for row in gpb.rows:
                if not row.code:
                    continue
                other = exp.find(code=row.code)
                yield self.identity("cross.gpb_within_expenditure", [row.amount("total")],
                                    [other.amount("total") if other else ZERO], row.code,
                                    relation="<=")
        tp = truth.table("three_public")
        actual = tp.find(line_key="actual") if tp else None
        if actual is not None and basic is not None:
            for column, code in (("abroad", "30212"), ("reception", "30217"),
                                 ("vehicle_operation", "30231"), ("vehicle_purchase", "31013")):
                booked = basic.find(code=code)
                yield self.identity("cross.three_public_vs_basic", [actual.amount(column)],
                                    [booked.amount("amount") if booked else ZERO], code)

    def optional(self) -> Iterator[Result]:
        """The optional tables, where printed: 机关运行经费, 政府采购, the project table."""
        truth = self.truth
        office = truth.table("office_operation")
        if office is not None and not office.declared_empty:
            total = office.find(line_key="total")
            lines = [r.amount("amount") for r in office.rows if r.line_key != "total"]
            yield self.identity("office_operation.total",
                                [total.amount("amount") if total else ZERO], lines, "合计")
            stated = next((c for c in truth.claims if c.id == "office"), None)
            if stated is not None and total is not None:
                yield self.identity("narrative.office_operation", [stated.value],
                                    [total.amount("amount")], "claim office")
        procurement = truth.table("procurement")
        for row in procurement.rows if procurement else []:
            yield self.identity("procurement.total", [row.amount("total")],
                                [row.amount(c) for c in PROCUREMENT_PARTS], row.label)
        project, gpb = truth.table("gpb_project"), truth.table("gpb_expenditure")
        if project is None or project.declared_empty:
            return
        grand = project.find(line_key="total")
        classes = [r.amount("project") for r in project.rows if r.code and len(r.code) == 3]
        yield self.identity("gpb_project.grand", [grand.amount("project") if grand else ZERO],
                            classes, "合计")
        printed = {r.code or "total": r.amount("project") for r in project.rows}
        expected = {r.code or "total": r.amount("project") for r in gpb.rows} if gpb else {}
        for item in sorted(printed.keys() | {k for k, v in expected.items() if v}):
            yield self.identity("cross.gpb_project_vs_gpb", [printed.get(item, ZERO)],
                                [expected.get(item, ZERO)], item)

    def narrative(self) -> Iterator[Result]:
        for claim in self.truth.claims:
            if claim.check != "none":
                yield self.claim(claim.id, claim.check, claim.value, claim.ref)

    def claim(self, claim_id: str, check: str, value: Decimal, ref: dict[str, Any]) -> Result:
        where = f"claim {claim_id}"
        if "empty" in ref:
            t = self.truth.table(ref["empty"])
            ok = t is not None and t.declared_empty and bool(t.empty_statement)
            return Result(check, "pass" if ok else "fail", None, None, None, None, where)
        try:
            if "equals" in ref:
                other = self.evaluate(ref["equals"])
                return self.identity(check, [value], [other], where)
            if "share" in ref:
                num, den = (self.evaluate(e) for e in ref["share"])
                return self.approx(check, value, percent(num, den), where)
            if "change" in ref:
                current, prior = (self.evaluate(e) for e in ref["change"])
                return self.identity(check, [value], [current, -prior], where)
            if "growth" in ref:
                change, current = (self.evaluate(e) for e in ref["growth"])
                return self.approx(check, value, percent(change, current - change), where)
        except _Unavailable as missing:
            return self.skipped(check, f"{where}: {missing}")
        raise ValueError(f"unknown claim reference {ref}")

    def evaluate(self, expr: dict[str, Any], truth: Truth | None = None) -> Decimal:
        """Value of a claim reference: a cell, a sum, another claim, or the prior year's."""
        truth = truth or self.truth
        if "cell" in expr:
            key, selector, column = expr["cell"]
            t = truth.table(key)
            row = t.find(**selector) if t else None
            if row is None:
                if t is None or (t.declared_empty and not selector.get("code")):
                    raise _Unavailable(f"no table {key}")
                return ZERO
            return row.amount(column)
        if "sum" in expr:
            return sum((self.evaluate(e, truth) for e in expr["sum"]), ZERO)
        if "claim" in expr:
            claim = truth.claim(expr["claim"])
            if claim is None:
                raise _Unavailable(f"no claim {expr['claim']}")
            return claim.value
        if "prior" in expr:
            if self.prior is None:
                raise _Unavailable("prior year not loaded")
            return self.evaluate(expr["prior"], self.prior)
        raise ValueError(f"unknown expression {expr}")

    def perf(self) -> Iterator[Result]:
        for t in self.truth.tables:
            if t.key not in ("perf_department", "perf_project"):
                continue
            name = t.caption or t.title
            execution = ZERO
            for row in t.rows:
                rate = row.cell("execution_rate")
                if rate is None or rate.value is None:
                    continue
                computed = percent(row.amount("executed"), row.amount("annual_budget"))
                yield self.approx("perf.execution_rate", rate.value, computed,
                                  f"{name} {row.label}")
                score = row.cell("score")
                if score is not None and score.value is not None:
                    execution = score.value
                    expected = (row.amount("weight") * min(rate.value / 100, Decimal(1)))
                    yield self.approx("perf.execution_score", score.value, round2(expected),
                                      f"{name} {row.label}")
            indicators = [r.amount("score") for r in t.rows if r.line_key == "indicator"]
            total = t.find(line_key="total_score")
            if total is not None:
                yield self.identity("perf.total_score", [total.amount("score")],
                                    [*indicators, execution], name, half=Decimal("0.005"))

    def document(self) -> Iterator[Result]:
        truth, doc = self.truth, self.truth.department
        identified = bool(doc["department_name"]) and bool(doc["fiscal_year"]) and doc.get(
            "unit_printed", True)
        yield Result("doc.identified", "pass" if identified else "fail", None, None, None, None,
                     "document")
        missing = [k for k in CORE_TABLES if truth.table(k) is None]
        yield Result("doc.required_tables", "fail" if missing else "pass", None, None, None,
                     None, ",".join(missing) or "all core tables")
        names = set(truth.headers.values())
        odd = sorted(n for n in names if n != doc["department_name"] or any(
            p in n for p in PLACEHOLDERS))
        yield Result("doc.consistency", "fail" if odd else "pass", None, None, None, None,
                     ",".join(odd) or "headers agree")
        units = truth.member_units
        ok = len(set(units)) == len(units) == truth.stated_unit_count
        yield Result("doc.unit_list", "pass" if ok else "fail", Decimal(len(set(units))),
                     Decimal(truth.stated_unit_count), None, None, "决算单位构成")
        year = doc["fiscal_year"]
        unknown = sorted({
            f"{r.code} {r.label}" for t in truth.tables
            if t.key in ("income", "expenditure", "gpb_expenditure", "gov_fund", "state_capital")
            for r in t.rows if r.code and function_name(r.code, year) != r.label
        })
        yield Result("doc.subject_codes", "fail" if unknown else "pass", None, None, None, None,
                     ",".join(unknown) or "all codes known")

    def years(self) -> Iterator[Result]:
        s = self.truth.table("summary")
        if self.prior is None:
            yield self.skipped("year.carryover", "prior year not loaded")
            return
        before = self.prior.table("summary")
        if s is None or before is None:
            yield self.skipped("year.carryover", "no summary table")
            return
        opening = s.find(side="income", line_key="opening_balance")
        closing = before.find(side="expenditure", line_key="closing_balance")
        yield self.identity("year.carryover", [opening.amount("amount") if opening else ZERO],
                            [closing.amount("amount") if closing else ZERO], "年初结转和结余")


class _Unavailable(Exception):
    pass


def _line_amount(t: Table, key: str) -> Decimal:
    row = t.find(line_key=key)
    return row.amount("amount") if row else ZERO


_INCOME_LINE_KEYS = ("gpb_appropriation", "gov_fund_appropriation",
                     "state_capital_appropriation", "superior_subsidy", "business_income",
                     "operating_income", "affiliated_remittance", "other_income")
_FUND_LINES = _INCOME_LINE_KEYS[:3]


def run(truth: Truth, prior: Truth | None = None, strict: bool = False) -> list[Result]:
    return Checker(truth, prior, strict).run()


def failed_ids(truth: Truth, prior: Truth | None = None) -> list[str]:
    return sorted({r.check_id for r in run(truth, prior) if r.status == "fail"})
