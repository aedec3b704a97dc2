"""The 情况说明: stated figures (claims) taken from the printed tables, and the text around them.

Each stated figure is a `Claim` whose `ref` says what it must agree with (a table cell, a share
of two cells, a change against the prior year's published tables, …); the text is a list of
paragraph templates with `⟦claim_id⟧` slots filled after faults are planted.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from synth.model import YearModel
from synth.money import percent, plain_text, printed
from synth.printed import cn_number
from synth.truth import Claim, Table

SLOT = re.compile(r"⟦([a-z0-9_]+)⟧")
ZERO = Decimal(0)
SOURCE_NAMES = (
    ("superior_subsidy", "上级补助收入"), ("business_income", "事业收入"),
    ("operating_income", "经营收入"), ("affiliated_remittance", "附属单位上缴收入"),
    ("other_income", "其他收入"),
)
SPENDING_NAMES = (
    ("basic", "基本支出"), ("project", "项目支出"), ("remit_to_superior", "上缴上级支出"),
    ("operating", "经营支出"), ("affiliated_subsidy", "对附属单位补助支出"),
)


def cell(table: str, column: str, **selector: str) -> dict[str, Any]:
    return {"cell": [table, selector, column]}


def fund_lines() -> dict[str, Any]:
    return {"sum": [cell("summary", "amount", side="income", line_key=k) for k in (
        "gpb_appropriation", "gov_fund_appropriation", "state_capital_appropriation")]}


@dataclass
class Narrative:
    claims: list[Claim] = field(default_factory=list)
    paragraphs: list[tuple[str, str]] = field(default_factory=list)  # (style, template)

    def text(self) -> list[tuple[str, str]]:
        by_id = {c.id: c.raw for c in self.claims}
        return [(style, SLOT.sub(lambda m: by_id[m.group(1)], t)) for style, t in self.paragraphs]


class Writer:
    def __init__(self, tables: dict[str, Table], prior: dict[str, Table], model: YearModel,
                 context: dict[str, Any], rng: random.Random):
        self.tables = tables
        self.prior = prior
        self.model = model
        self.ctx = context
        self.rng = rng
        self.unit = context["unit"]
        self.year = model.year
        self.henan = context["family"] == "henan"
        self.out = Narrative()
        self.section = 0

    # -- values --------------------------------------------------------------------------

    def value(self, expr: dict[str, Any], tables: dict[str, Table] | None = None) -> Decimal:
        tables = self.tables if tables is None else tables
        if "sum" in expr:
            return sum((self.value(e, tables) for e in expr["sum"]), ZERO)
        if "claim" in expr:
            return next(c.value for c in self.out.claims if c.id == expr["claim"])
        key, selector, column = expr["cell"]
        table = tables.get(key)
        row = table.find(**selector) if table else None
        return row.amount(column) if row else ZERO

    def has_prior(self, expr: dict[str, Any]) -> bool:
        if "sum" in expr:
            return all(self.has_prior(e) for e in expr["sum"])
        return expr["cell"][0] in self.prior

    # -- claims --------------------------------------------------------------------------

    def claim(self, claim_id: str, check: str, value: Decimal, ref: dict[str, Any],
              raw: str | None = None) -> str:
        text = raw if raw is not None else plain_text(value, self.unit)
        self.out.claims.append(Claim(claim_id, check, text, value, ref))
        return f"⟦{claim_id}⟧"

    def amount(self, claim_id: str, expr: dict[str, Any], check: str = "narrative.totals"
               ) -> str:
        return self.claim(claim_id, check, self.value(expr), {"equals": expr})

    def share(self, claim_id: str, num: dict[str, Any], den: dict[str, Any],
              check: str = "narrative.shares") -> str:
        value = percent(self.value(num), self.value(den))
        return self.claim(claim_id, check, value, {"share": [num, den]}, f"{value:.2f}")

    def yoy(self, stem: str, expr: dict[str, Any], what: str) -> str:
        """`与上年度相比，…增加x万元，增长y%` with its change and growth-rate claims."""
        if not self.has_prior(expr):
            return f"与上年度相比，{what}口径调整，不可比"
        current, prior = self.value(expr), self.value(expr, self.prior)
        change = current - prior
        if change == 0:
            return f"与上年度相比，{what}持平"
        up = change > 0
        c = self.claim(f"{stem}_change", "narrative.yoy", change,
                       {"change": [expr, {"prior": expr}]}, plain_text(abs(change), self.unit))
        text = f"与上年度相比，{what}{'增加' if up else '减少'}{c}{self.unit}"
        if prior == 0:
            return text
        rate = percent(change, current - change)
        r = self.claim(f"{stem}_rate", "narrative.yoy_rate", rate,
                       {"growth": [{"claim": f"{stem}_change"}, {"claim": stem}]},
                       f"{abs(rate):.2f}")
        return f"{text}，{'增长' if up else '下降'}{r}%"

    def para(self, text: str, style: str = "body") -> None:
        self.out.paragraphs.append((style, text))

    # -- sections ------------------------------------------------------------------------

    def heading(self, title: str) -> None:
        self.section += 1
        self.para(f"{cn_number(self.section)}、{title}", "h2")

    def write(self) -> Narrative:
        y, u = self.year, self.unit
        reason = self.ctx["reason"]
        self.heading("收入支出决算总体情况说明")
        grand = cell("summary", "amount", side="income", line_key="grand_total")
        g = self.amount("grand", grand)
        self.para(f"{y}年度收、支总计均为{g}{u}。{self.yoy('grand', grand, '收、支总计各')}。"
                  f"主要原因是{reason}。")
        self.income()
        self.spending()
        self.heading("财政拨款收入支出决算总体情况说明")
        fgrand = cell("fiscal_summary", "amount", side="income", line_key="grand_total")
        f = self.amount("fiscal_grand", fgrand)
        change = self.yoy("fiscal_grand", fgrand, "财政拨款收、支总计各")
        self.para(f"{y}年度财政拨款收、支总计均为{f}{u}。{change}。主要原因是{reason}。")
        self.gpb()
        self.basic()
        if self.henan:
            self.funds()
            self.three_public()
            self.office(None)
            self.procurement(None)
            self.assets(None)
            self.performance()
        else:
            self.three_public()
            self.funds()
            self.performance()
            self.heading("其他重要事项的情况说明")
            self.office("（一）")
            self.procurement("（二）")
            self.assets("（三）")
        return self.out

    def income(self) -> None:
        self.heading("收入决算情况说明")
        total = cell("summary", "amount", side="income", line_key="income_total")
        parts = [f"{self.year}年度收入合计{self.amount('income_total', total)}{self.unit}，其中："]
        items = [("fiscal", "财政拨款收入", fund_lines())] + [
            (k, name, cell("summary", "amount", side="income", line_key=k))
            for k, name in SOURCE_NAMES]
        stated = []
        for key, name, expr in items:
            if not self.henan and self.value(expr) == 0:
                continue
            a = self.amount(f"income_{key}", expr)
            s = self.share(f"income_{key}_share", expr, total)
            stated.append(f"{name}{a}{self.unit}，占{s}%")
        self.para(parts[0] + "；".join(stated) + "。")

    def spending(self) -> None:
        self.heading("支出决算情况说明")
        total = cell("summary", "amount", side="expenditure", line_key="expenditure_total")
        head = f"{self.year}年度支出合计{self.amount('expense_total', total)}{self.unit}，其中："
        stated = []
        for key, name in SPENDING_NAMES:
            expr = cell("expenditure", key, line_key="total")
            if not self.henan and self.value(expr) == 0:
                continue
            a = self.amount(f"spend_{key}", expr)
            s = self.share(f"spend_{key}_share", expr, total)
            stated.append(f"{name}{a}{self.unit}，占{s}%")
        self.para(head + "；".join(stated) + "。")

    def gpb(self) -> None:
        y, u = self.year, self.unit
        gpb = self.tables["gpb_expenditure"]
        total = cell("gpb_expenditure", "total", line_key="total")
        spent = cell("summary", "amount", side="expenditure", line_key="expenditure_total")
        self.heading("一般公共预算财政拨款支出决算情况说明")
        self.para("（一）总体情况", "h3")
        t = self.amount("gpb_total", total)
        self.para(f"{y}年度一般公共预算财政拨款支出{t}{u}，占支出合计的"
                  f"{self.share('gpb_share', total, spent)}%。"
                  f"{self.yoy('gpb_total', total, '一般公共预算财政拨款支出')}。"
                  f"主要原因是{self.ctx['reason']}。")
        self.para("（二）结构情况", "h3")
        parts = []
        for row in gpb.rows:
            if row.code and len(row.code) == 3:
                expr = cell("gpb_expenditure", "total", code=row.code)
                a = self.amount(f"class_{row.code}", expr)
                s = self.share(f"class_{row.code}_share", expr, total)
                parts.append(f"{row.label}（类）{a}{u}，占{s}%")
        self.para(f"{y}年度一般公共预算财政拨款支出{t}{u}，主要用于以下方面："
                  + "；".join(parts) + "。")
        self.para("（三）具体情况", "h3")
        initial = {leaf.code: leaf.initial_budget for leaf in self.model.leaves
                   if leaf.fund == "gpb"}
        whole = self.claim("gpb_initial", "none", printed(sum(initial.values()), self.unit), {})
        rate = self.share("gpb_completion", {"claim": "gpb_total"}, {"claim": "gpb_initial"},
                          "narrative.items") if sum(initial.values()) else None
        done = f"，完成年初预算的{rate}%" if rate else ""
        self.para(f"{y}年度一般公共预算财政拨款支出年初预算为{whole}{u}，"
                  f"支出决算为⟦gpb_total⟧{u}{done}。其中：")
        names = {row.code: row.label for row in gpb.rows if row.code}
        items = [row for row in gpb.rows if row.code and len(row.code) == 7]
        for i, row in enumerate(items, 1):
            code = row.code or ""
            label = (f"{names.get(code[:3], '')}（类）{names.get(code[:5], '')}（款）"
                     f"{row.label}（项）")
            self.item(i, code, label, printed(initial.get(code, 0), self.unit))

    def item(self, i: int, code: str, label: str, initial: Decimal) -> None:
        u = self.unit
        actual_expr = cell("gpb_expenditure", "total", code=code)
        actual = self.value(actual_expr)
        a = self.amount(f"item_{code}_actual", actual_expr, "narrative.items")
        b = self.claim(f"item_{code}_initial", "none", initial, {})
        reason = self.rng.choice(_REASONS) if actual != initial else ""
        if self.henan:
            rate = ""
            if initial:
                r = self.share(f"item_{code}_rate", {"claim": f"item_{code}_actual"},
                               {"claim": f"item_{code}_initial"}, "narrative.items")
                rate = f"完成年初预算的{r}%，"
            why = (f"决算数与年初预算数存在差异的主要原因是{reason}。" if reason
                   else "决算数与年初预算数不存在差异。")
            self.para(f"{i}.{label}年初预算数为{b}{u}，决算数{a}{u},{rate}{why}")
            return
        if actual == initial:
            why = "决算数与预算数基本持平。"
        else:
            why = f"决算数{'大于' if actual > initial else '小于'}预算数的主要原因：{reason}。"
        self.para(f"{i}、{label}。主要用于：{self.ctx['purpose']}。年初预算为{b}{u}，"
                  f"支出决算为{a}{u}。{why}")

    def basic(self) -> None:
        u = self.unit
        self.heading("一般公共预算财政拨款基本支出决算情况说明")
        b = self.amount("basic_total", cell("gpb_expenditure", "basic", line_key="total"))
        p = self.amount("personnel", cell("gpb_basic", "amount", line_key="personnel_total"))
        q = self.amount("public", cell("gpb_basic", "amount", line_key="public_total"))
        table = self.tables.get("gpb_basic")
        rows = table.rows if table else []
        groups: dict[str, list[str]] = {"personnel": [], "public": []}
        for row in rows:
            if row.code and len(row.code) == 5 and row.amount("amount"):
                groups["personnel" if row.code[:3] in ("301", "303") else "public"].append(
                    row.label)
        self.para(f"{self.year}年度一般公共预算财政拨款基本支出{b}{u}。其中：人员经费{p}{u}，"
                  f"主要包括：{'、'.join(groups['personnel'])}。公用经费{q}{u}，"
                  f"主要包括：{'、'.join(groups['public'])}。")

    def funds(self) -> None:
        for key, name in (("gov_fund", "政府性基金"), ("state_capital", "国有资本经营")):
            self.heading(f"{name}预算财政拨款支出决算情况说明")
            table = self.tables.get(key)
            if table is None or table.declared_empty:
                self.claim(f"empty_{key}", "narrative.empty_tables", ZERO, {"empty": key}, "")
                self.para(f"本部门{self.year}年度没有{name}收入，也没有使用{name}安排的支出。"
                          f"⟦empty_{key}⟧")
                continue
            income = self.amount(f"{key}_income", cell(key, "income", line_key="total")) if (
                table.rows[0].cell("income")) else None
            spent = self.amount(f"{key}_spent", cell(key, "total", line_key="total"))
            got = f"收入{income}{self.unit}，" if income else ""
            self.para(f"{self.year}年度{name}预算财政拨款{got}支出{spent}{self.unit}，"
                      f"主要用于{self.ctx['purpose']}。")

    def three_public(self) -> None:
        u = self.unit
        self.heading("财政拨款“三公”经费支出决算情况说明")
        budget = cell("three_public", "total", line_key="budget")
        actual = cell("three_public", "total", line_key="actual")
        b = self.amount("tp_budget", budget)
        a = self.amount("tp_actual", actual)
        done = ""
        if self.value(budget):
            done = "，完成预算的" + self.share("tp_completion", {"claim": "tp_actual"},
                                            {"claim": "tp_budget"}) + "%"
        self.para(f"{self.year}年度“三公”经费财政拨款支出预算为{b}{u}，支出决算为{a}{u}{done}。")
        parts = []
        for column, name in (("abroad", "因公出国（境）费"),
                             ("vehicle_total", "公务用车购置及运行费"),
                             ("reception", "公务接待费")):
            expr = cell("three_public", column, line_key="actual")
            x = self.amount(f"tp_{column}", expr)
            share = f"，占{self.share(f'tp_{column}_share', expr, actual)}%" if self.value(
                actual) else ""
            parts.append(f"{name}支出决算{x}{u}{share}")
        self.para(f"{self.year}年度“三公”经费财政拨款支出决算中，" + "；".join(parts) + "。")
        m = self.model
        purchase = printed(m.three_public["actual"]["vehicle_purchase"], u)
        bought = 1 if purchase else 0
        self.para(f"公务用车购置支出{plain_text(purchase, u)}{u}，购置车辆{bought}台。"
                  f"{self.year}年期末，部门开支财政拨款的公务用车保有量为{m.vehicles}辆。")
        visits = self.rng.randint(0, 40) if m.three_public["actual"]["reception"] else 0
        self.para(f"国内公务接待{visits}批次、{visits * self.rng.randint(3, 6)}人次"
                  f"（不包括陪同人员）。")

    def sub(self, prefix: str | None, title: str) -> None:
        if prefix is None:
            self.heading(title)
        else:
            self.para(f"{prefix}{title}", "h3")

    def office(self, prefix: str | None) -> None:
        y, u = self.year, self.unit
        self.sub(prefix, "机关运行经费支出情况说明")
        expr = cell("gpb_basic", "amount", line_key="public_total")
        o = self.amount("office", expr)
        prior = ""
        if self.has_prior(expr):
            value = self.value(expr, self.prior)
            p = self.claim("office_prior", "year.stated_prior", value,
                           {"equals": {"prior": expr}})
            prior = f"{y - 1}年度为{p}{u}，"
        self.para(f"{y}年度机关运行经费支出{o}{u}，{prior}{self.yoy('office', expr, '')}。"
                  f"主要原因是{self.ctx['reason']}。")

    def procurement(self, prefix: str | None) -> None:
        y, u = self.year, self.unit
        self.sub(prefix, "政府采购支出情况说明")
        table = self.tables.get("procurement")
        if table is not None and table.declared_empty:
            self.para(f"{y}年度本部门无政府采购支出。")
            return
        p = {k: printed(v, u) for k, v in self.model.procurement.items()}
        whole = sum(p.values(), ZERO)
        goods, works, services = (plain_text(p[k], u) for k in ("goods", "works", "services"))
        self.para(f"{y}年度政府采购支出总额{plain_text(whole, u)}{u}，其中：政府采购货物支出"
                  f"{goods}{u}、政府采购工程支出{works}{u}、政府采购服务支出{services}{u}。")

    def assets(self, prefix: str | None) -> None:
        self.sub(prefix, "国有资产占用情况说明")
        self.para(f"截至{self.year}年12月31日，本部门共有车辆{self.model.vehicles}辆；单价100万元"
                  f"（含）以上设备（不含车辆）{self.rng.randint(0, 3)}台（套）。")

    def performance(self) -> None:
        u = self.unit
        self.heading("预算绩效情况说明" if self.henan else "预算绩效管理情况")
        self.para("本部门认真贯彻全面实施预算绩效管理的要求，建立了预算绩效管理工作机制，"
                  "对本年度部门整体支出和项目支出开展了绩效自评。")
        perf = self.ctx["perf"]
        if perf:
            whole = perf[0].table
            funds = whole.find(line_key="funds_total")
            total = whole.find(line_key="total_score")
            money = funds.text("annual_budget") if funds else ""
            score = total.text("score") if total else ""
            self.para(f"1.部门整体绩效自评。涉及预算资金{money}{u}，自评得分为{score}分。")
        if len(perf) > 1:
            self.para(f"2.项目绩效自评。本部门对{len(perf) - 1}个项目开展了绩效自评，其中：")
        for i, item in enumerate(perf[1:], 1):
            total = item.table.find(line_key="total_score")
            score = total.text("score") if total else ""
            self.para(f"（{i}）{item.table.caption}，自评得分为{score}分。")


_REASONS = (
    "人员变动及工作量增加",
    "年中追加项目经费",
    "部分项目按合同进度支付",
    "据实结算，节约支出",
    "上级转移支付资金年中下达",
    "退休人员变动",
)


def write(tables: dict[str, Table], prior: dict[str, Table], model: YearModel,
          context: dict[str, Any], rng: random.Random) -> Narrative:
    return Writer(tables, prior, model, context, rng).write()
