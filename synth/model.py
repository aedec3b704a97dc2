"""The exact accounts of one department-year, in integer 分, built from the 项 leaves up.

Every total a table prints is a sum of these leaves, and every balance obeys
`opening + income (+ use of reserves) = spending (+ distribution) + closing` per fund, so the
printed tables are consistent up to rounding. Closing balances carry to the next year.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field

from synth.catalogue import function_name
from synth.money import FEN_PER_UNIT, MIN_FEN, keep
from synth.profiles import Kind, Leaf

FUNDS = ("gpb", "gov_fund", "state_capital")
NONFISCAL_SOURCES = (
    "superior_subsidy", "business_income", "operating_income", "affiliated_remittance",
    "other_income",
)
# Unmapped basic spending: salary mix (personnel) and goods-and-services mix (public).
_WAGES_ADMIN = {"30101": 25, "30102": 35, "30103": 15, "30112": 2, "30199": 3, "30305": 1}
_WAGES_INST = {"30101": 22, "30107": 30, "30102": 10, "30103": 8, "30112": 2, "30199": 4,
               "30305": 1}
_PUBLIC = {
    "30201": 18, "30202": 3, "30203": 1, "30205": 1, "30206": 3, "30207": 3, "30209": 8,
    "30211": 6, "30213": 4, "30214": 1, "30215": 1, "30216": 2, "30218": 2, "30226": 5,
    "30227": 3, "30228": 5, "30229": 5, "30239": 12, "30299": 5, "31002": 3, "31007": 1,
}
THREE_PUBLIC_ECON = {"abroad": "30212", "reception": "30217", "vehicle_operation": "30231",
                     "vehicle_purchase": "31013"}


@dataclass
class LeafYear:
    key: str
    code: str
    fund: str
    basic: dict[str, int] = field(default_factory=dict)  # fund or "nonfiscal" -> fen
    project: dict[str, int] = field(default_factory=dict)
    operating: int = 0
    income: dict[str, int] = field(default_factory=dict)  # fund or non-fiscal source -> fen
    opening: int = 0  # balances of gov_fund / state_capital leaves
    closing: int = 0
    initial_budget: int = 0  # 年初预算 of the fiscal spending
    project_name: str | None = None
    label: str | None = None  # printed 项 name when the code is not in the catalogue

    def spending(self, fund: str) -> int:
        return self.basic.get(fund, 0) + self.project.get(fund, 0)

    def total(self) -> int:
        return sum(self.basic.values()) + sum(self.project.values()) + self.operating


@dataclass
class PerfLine:
    initial: int
    annual: int
    executed: int


@dataclass
class YearModel:
    year: int
    leaves: list[LeafYear]
    opening: dict[str, int]  # gpb, gov_fund, state_capital, nonfiscal
    closing: dict[str, int]
    use_balance: int  # 使用非财政拨款结余
    distribution: int  # 结余分配
    economic: dict[str, int]  # gpb basic spending by economic 款
    three_public: dict[str, dict[str, int]]  # budget / actual -> category -> fen
    vehicles: int
    perf_funds: dict[str, PerfLine]  # total / fiscal / special / unit
    perf_projects: list[tuple[LeafYear, PerfLine]]
    procurement: dict[str, int]


@dataclass
class DeptState:
    """What carries from one year to the next."""

    size: int  # yearly spending, fen
    leaves: tuple[Leaf, ...]
    opening: dict[str, int]
    leaf_balances: dict[str, int]
    vehicles: int
    started: bool = False  # a subject new after the first year starts with no balance


def _split(total: int, weights: Mapping[str, float], rng: random.Random, chance: float = 0.85
           ) -> dict[str, int]:
    """`total` over the keys by weight; each part is zero or at least MIN_FEN; sums exactly."""
    if total <= 0:
        return {}
    chosen = {k: w * rng.uniform(0.6, 1.4) for k, w in weights.items() if rng.random() < chance}
    if not chosen:
        chosen = {max(weights, key=lambda k: weights[k]): 1.0}
    whole = sum(chosen.values())
    parts = {k: keep(int(total * w / whole)) for k, w in chosen.items()}
    largest = max(chosen, key=lambda k: chosen[k])
    parts[largest] += total - sum(parts.values())
    return {k: v for k, v in parts.items() if v}


def new_state(kind: Kind, rng: random.Random) -> DeptState:
    leaves = tuple(leaf for leaf in kind.leaves if rng.random() < leaf.chance)
    size = rng.randint(*kind.size) * FEN_PER_UNIT["万元"] + rng.randint(0, 999_999)
    own = 0.04 if not kind.admin else 0.004
    opening = {
        "gpb": keep(int(size * rng.uniform(0.0, 0.03))),
        "gov_fund": 0,
        "state_capital": 0,
        "nonfiscal": keep(int(size * rng.uniform(0.0, own))),
    }
    vehicles = rng.randint(2, 12) if rng.random() < 0.85 else 0
    return DeptState(size, leaves, opening, {}, vehicles)


def _settle(opening: int, income: int, spending: int) -> tuple[int, int]:
    """Income adjusted so that the closing balance is zero or at least MIN_FEN."""
    closing = opening + income - spending
    if closing < 0:
        income -= closing
    elif 0 < closing < MIN_FEN:
        income = income - closing if income - closing >= MIN_FEN else income + MIN_FEN - closing
    return income, opening + income - spending


def _leaf_year(leaf: Leaf, code: str, amount: int, kind: Kind, rng: random.Random) -> LeafYear:
    out = LeafYear(leaf.key, code, leaf.fund, project_name=leaf.project)
    share = leaf.basic if leaf.basic in (0.0, 1.0) else min(1.0, leaf.basic + rng.uniform(
        -0.03, 0.03))
    own = keep(int(amount * leaf.nonfiscal * rng.uniform(0.8, 1.2))) if leaf.nonfiscal else 0
    fiscal = keep(amount - own)
    basic = keep(int(fiscal * share))
    out.basic[leaf.fund] = basic
    out.project[leaf.fund] = keep(fiscal - basic)
    if own:
        operating = keep(int(own * rng.uniform(0.01, 0.03))) if kind.key == "hospital" else 0
        own_basic = keep(int((own - operating) * share))
        out.operating = operating
        out.basic["nonfiscal"] = own_basic
        out.project["nonfiscal"] = keep(own - operating - own_basic)
        receipts = int((own - operating) * rng.uniform(0.97, 1.08))
        for source, weight in kind.sources.items():
            out.income[source] = keep(int(receipts * weight * rng.uniform(0.9, 1.1)))
        out.income["operating_income"] = keep(int(operating * rng.uniform(1.0, 1.1)))
    spent = out.spending(leaf.fund)
    if leaf.fund == "gpb" and spent:
        roll = rng.random()
        ratio = 1.0 if roll < 0.3 else (0.0 if roll < 0.37 and not basic else rng.uniform(
            0.75, 1.2))
        out.initial_budget = keep(int(spent * ratio))
        out.income["gpb"] = keep(int(spent * rng.uniform(0.92, 1.06)))
    elif spent:
        out.initial_budget = keep(int(spent * rng.uniform(0.8, 1.1)))
    return out


def _economic(leaves: list[LeafYear], kind: Kind, state: DeptState, rng: random.Random
              ) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """gpb basic spending by economic 款, and the 三公 budget and actuals inside it."""
    econ: dict[str, int] = {}
    rest = 0
    by_key = {leaf.key: leaf for leaf in kind.leaves}
    for leaf in leaves:
        amount = leaf.basic.get("gpb", 0)
        target = by_key[leaf.key].econ
        if target:
            econ[target] = econ.get(target, 0) + amount
        else:
            rest += amount
    public = keep(int(rest * (rng.uniform(0.1, 0.2) if kind.admin else rng.uniform(0.15, 0.3))))
    actual = {
        "vehicle_operation": keep(int(public * rng.uniform(0.015, 0.04))) if state.vehicles else 0,
        "reception": keep(int(public * rng.uniform(0.003, 0.01))) if rng.random() < 0.85 else 0,
        "abroad": keep(int(public * rng.uniform(0.01, 0.03))) if rng.random() < 0.12 else 0,
        "vehicle_purchase": 0,
    }
    if state.vehicles and rng.random() < 0.1 and public > 3_000_000_00:
        actual["vehicle_purchase"] = rng.randint(150_000, 300_000) * 100
    for category, code in THREE_PUBLIC_ECON.items():
        if actual[category]:
            econ[code] = actual[category]
    others = _split(public - sum(actual.values()), _PUBLIC, rng)
    wages = _split(rest - public, _WAGES_ADMIN if kind.admin else _WAGES_INST, rng, chance=0.95)
    for part in (others, wages):
        for code, amount in part.items():
            econ[code] = econ.get(code, 0) + amount
    budget = {}
    for category, amount in actual.items():
        if amount:
            budget[category] = amount if rng.random() < 0.4 else keep(int(amount * rng.uniform(
                1.0, 1.25)))
        else:
            budget[category] = keep(rng.randint(5_000, 30_000) * 100) if rng.random() < 0.1 else 0
    return econ, {"budget": budget, "actual": actual}


def _perf(leaves: list[LeafYear], rng: random.Random) -> tuple[
        dict[str, PerfLine], list[tuple[LeafYear, PerfLine]]]:
    fiscal = sum(leaf.spending(f) for leaf in leaves for f in FUNDS)
    own = sum(leaf.spending("nonfiscal") + leaf.operating for leaf in leaves)
    fiscal_line = PerfLine(
        sum(leaf.initial_budget for leaf in leaves), keep(int(fiscal * rng.uniform(1.0, 1.12))),
        fiscal)
    unit_line = PerfLine(keep(int(own * rng.uniform(0.85, 1.0))), keep(int(own * rng.uniform(
        1.0, 1.1))), own)
    funds = {
        "fiscal": fiscal_line,
        "special": PerfLine(0, 0, 0),
        "unit": unit_line,
        "total": PerfLine(*(getattr(fiscal_line, a) + getattr(unit_line, a)
                            for a in ("initial", "annual", "executed"))),
    }
    candidates = [leaf for leaf in leaves if leaf.project_name and leaf.spending(leaf.fund)
                  and leaf.project.get(leaf.fund)]
    candidates.sort(key=lambda leaf: (-leaf.project[leaf.fund], leaf.code))
    projects = []
    for leaf in candidates[:5]:
        executed = leaf.project[leaf.fund]
        annual = executed if rng.random() < 0.5 else keep(int(executed * rng.uniform(1.0, 1.15)))
        projects.append((leaf, PerfLine(leaf.initial_budget, annual, executed)))
    return funds, projects


def build_year(kind: Kind, state: DeptState, year: int, rng: random.Random) -> YearModel:
    """One year's exact accounts; updates `state` with the closing balances."""
    state.size = int(state.size * rng.uniform(0.92, 1.15))
    active = []
    for spec in state.leaves:
        code = spec.code(year)
        if function_name(code, year) is not None:
            active.append((spec, code, spec.weight * rng.uniform(0.75, 1.3)))
    whole = sum(w for _, _, w in active)
    leaves = [
        _leaf_year(spec, code, int(state.size * w / whole) + rng.randint(0, 99), kind, rng)
        for spec, code, w in active
    ]
    leaves.sort(key=lambda item: item.code)
    for leaf in leaves:
        if leaf.fund != "gpb":
            first = 0 if state.started else keep(int(leaf.spending(leaf.fund) * rng.uniform(
                0.0, 0.2)))
            leaf.opening = state.leaf_balances.get(leaf.key, first)
            income = keep(int(leaf.spending(leaf.fund) * rng.uniform(0.85, 1.15)))
            leaf.income[leaf.fund], leaf.closing = _settle(leaf.opening, income,
                                                           leaf.spending(leaf.fund))
            state.leaf_balances[leaf.key] = leaf.closing
    opening = dict(state.opening)
    closing = {}
    for fund in ("gov_fund", "state_capital"):
        mine = [leaf for leaf in leaves if leaf.fund == fund]
        opening[fund] = sum(leaf.opening for leaf in mine)
        closing[fund] = sum(leaf.closing for leaf in mine)
    closing["gpb"] = _settle_pool(leaves, "gpb", opening["gpb"], 0)
    use_balance = distribution = 0
    if not kind.admin and rng.random() < 0.3:
        use_balance = keep(int(state.size * rng.uniform(0.002, 0.01)))
    if not kind.admin and rng.random() < 0.3:
        distribution = keep(int(state.size * rng.uniform(0.001, 0.005)))
    closing["nonfiscal"] = _settle_pool(leaves, "nonfiscal", opening["nonfiscal"],
                                        use_balance - distribution)
    economic, three_public = _economic(leaves, kind, state, rng)
    funds, projects = _perf(leaves, rng)
    goods = sum(v for k, v in economic.items() if k.startswith(("302", "310")))
    procurement = {
        "goods": keep(int(goods * rng.uniform(0.02, 0.08))),
        "works": keep(int(goods * rng.uniform(0.0, 0.05))) if rng.random() < 0.3 else 0,
        "services": keep(int(goods * rng.uniform(0.05, 0.2))),
    }
    state.opening = dict(closing)
    state.started = True
    return YearModel(year, leaves, opening, closing, use_balance, distribution, economic,
                     three_public, state.vehicles, funds, projects, procurement)


def _settle_pool(leaves: list[LeafYear], pool: str, opening: int, extra: int) -> int:
    """Closing balance of a pooled fund; the largest income line absorbs what must be fixed."""
    keys = ("gpb",) if pool == "gpb" else NONFISCAL_SOURCES
    lines = [(leaf, key) for leaf in leaves for key in keys if leaf.income.get(key)]
    spent = sum(leaf.spending(pool) + (leaf.operating if pool == "nonfiscal" else 0)
                for leaf in leaves)
    if not lines:
        if opening + extra - spent >= 0:
            return opening + extra - spent
        host = max(leaves, key=lambda leaf: (leaf.spending(pool), leaf.code))
        key = keys[-1]
        host.income[key] = MIN_FEN
        lines = [(host, key)]
    received = sum(leaf.income[key] for leaf, key in lines)
    leaf, key = max(lines, key=lambda line: (line[0].income[line[1]], line[0].code, line[1]))
    others = received - leaf.income[key]
    leaf.income[key], closing = _settle(opening + extra + others, leaf.income[key], spent)
    return closing
