"""Faults in the narrative, the performance tables and the document as a whole."""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import Decimal

from synth.draft import Draft
from synth.faults.common import delta, record
from synth.money import percent, plain_text, round2
from synth.truth import Cell, Claim, Fault

Planter = Callable[[Draft, random.Random], Fault | None]


def _set(claim: Claim, value: Decimal, raw: str) -> tuple[str, str]:
    before = claim.raw
    claim.value, claim.raw = value, raw
    return before, raw


def _claim_fault(draft: Draft, check: str, claim: Claim, value: Decimal, raw: str,
                 note: str) -> Fault:
    before, after = _set(claim, value, raw)
    fault = record(draft, check, check, None, None, None, before, after, note)
    fault.row = {"claim": claim.id}
    return fault


def _claims(draft: Draft, check: str) -> list[Claim]:
    return [c for c in draft.narrative.claims if c.check == check]


def _totals(draft: Draft, rng: random.Random) -> Fault | None:
    claim = next((c for c in draft.narrative.claims if c.id == "income_total"), None)
    if claim is None:
        return None
    value = claim.value + delta(draft.unit, rng)
    return _claim_fault(draft, "narrative.totals", claim, value, plain_text(value, draft.unit),
                        "stated 收入合计 differs from the table")


def _shares(draft: Draft, rng: random.Random) -> Fault | None:
    shares = [c for c in _claims(draft, "narrative.shares") if 5 < c.value < 95]
    if not shares:
        return None
    claim = rng.choice(shares)
    value = claim.value + Decimal(rng.randint(100, 500)) / 100 * rng.choice((1, -1))
    return _claim_fault(draft, "narrative.shares", claim, value, f"{value:.2f}",
                        "stated share 占…% miscomputed")


def _items(draft: Draft, rng: random.Random) -> Fault | None:
    items = _claims(draft, "narrative.items")
    rates = [c for c in items if c.id.endswith("_rate")]
    if rates:
        claim = rng.choice(rates)
        value = claim.value + Decimal(rng.randint(500, 2000)) / 100
        return _claim_fault(draft, "narrative.items", claim, value, f"{value:.2f}",
                            "stated 完成年初预算的x% miscomputed")
    actuals = [c for c in items if c.id.endswith("_actual")]
    if not actuals:
        return None
    claim = rng.choice(actuals)
    value = claim.value + delta(draft.unit, rng)
    return _claim_fault(draft, "narrative.items", claim, value, plain_text(value, draft.unit),
                        "stated 项 决算数 differs from the table")


def _growth(draft: Draft, stem: str) -> tuple[Claim, Claim, Claim] | None:
    by_id = {c.id: c for c in draft.narrative.claims}
    found = (by_id.get(stem), by_id.get(f"{stem}_change"), by_id.get(f"{stem}_rate"))
    if found[0] is None or found[1] is None or found[2] is None:
        return None
    return found[0], found[1], found[2]


def _yoy_rate(draft: Draft, rng: random.Random) -> Fault | None:
    found = _growth(draft, "grand")
    if found is None:
        return None
    rate = found[2]
    step = Decimal(rng.randint(200, 600)) / 100
    value = rate.value + (step if rate.value >= 0 else -step)
    return _claim_fault(draft, "narrative.yoy_rate", rate, value, f"{abs(value):.2f}",
                        "stated growth rate does not follow from the stated change")


def _yoy(draft: Draft, rng: random.Random) -> Fault | None:
    found = _growth(draft, "grand")
    if found is None:
        return None
    current, change, rate = found
    step = delta(draft.unit, rng)
    value = change.value + (step if change.value > 0 else -step)
    if current.value - value <= 0:
        return None
    new_rate = percent(value, current.value - value)
    fault = _claim_fault(draft, "narrative.yoy", change, value,
                         plain_text(abs(value), draft.unit),
                         "stated change against the prior year (and its rate) wrong")
    _set(rate, new_rate, f"{abs(new_rate):.2f}")
    return fault


def _stated_prior(draft: Draft, rng: random.Random) -> Fault | None:
    claim = next((c for c in draft.narrative.claims if c.id == "office_prior"), None)
    if claim is None:
        return None
    value = claim.value + delta(draft.unit, rng)
    return _claim_fault(draft, "year.stated_prior", claim, value, plain_text(value, draft.unit),
                        "stated prior-year 机关运行经费 differs from the prior disclosure")


def _perf(check: str) -> Planter:
    def plant(draft: Draft, rng: random.Random) -> Fault | None:
        if not draft.perf:
            return None
        table = draft.perf[0].table
        row = table.find(line_key="funds_total")
        total = table.find(line_key="total_score")
        if row is None or total is None:
            return None
        rate, score, whole = row.cell("execution_rate"), row.cell("score"), total.cell("score")
        assert rate and score and whole and rate.value is not None and score.value is not None
        assert whole.value is not None
        before = (rate.raw if check == "perf.execution_rate" else
                  score.raw if check == "perf.execution_score" else whole.raw)
        new_score = score.value
        if check == "perf.execution_rate":
            step = Decimal(rng.randint(300, 900)) / 100
            value = rate.value - step if rate.value > step + 1 else rate.value + step
            _write(rate, value, f"{value:.2f}%")
            new_score = round2(row.amount("weight") * min(value / 100, Decimal(1)))
        elif check == "perf.execution_score":
            new_score = score.value + Decimal(rng.randint(30, 90)) / 100
        shift = new_score - score.value
        _write(score, new_score, f"{new_score:.2f}")
        if check == "perf.total_score":
            shift = Decimal(rng.randint(100, 300)) / 100
        _write(whole, whole.value + shift, f"{whole.value + shift:g}")
        after = (rate.raw if check == "perf.execution_rate" else
                 score.raw if check == "perf.execution_score" else whole.raw)
        return record(draft, check, check, table, row if check != "perf.total_score" else total,
                      {"perf.execution_rate": "execution_rate", "perf.execution_score": "score",
                       "perf.total_score": "score"}[check], before, after,
                      "部门整体支出绩效自评情况表 misprinted")
    return plant


def _write(cell: Cell, value: Decimal, raw: str) -> None:
    cell.value, cell.raw = value, raw


def _required(draft: Draft, rng: random.Random) -> Fault | None:
    key = rng.choice(("three_public", "gpb_basic"))
    table = draft.table(key)
    if table is None:
        return None
    draft.tables.remove(table)
    return record(draft, "doc.required_tables", "doc.required_tables", table, None, None,
                  table.title, None, "a core table left out of the document")


def _consistency(draft: Draft, rng: random.Random) -> Fault | None:
    places = sorted(draft.headers)
    place = rng.choice([p for p in places if p != "cover"])
    before = draft.headers[place]
    draft.headers[place] = f"{draft.context['region']}XX局"
    fault = record(draft, "doc.consistency", "doc.consistency", None, None, None, before,
                   draft.headers[place], f"placeholder department name printed at {place}")
    fault.row = {"place": place}
    return fault


def _unit_list(draft: Draft, rng: random.Random) -> Fault | None:
    if len(draft.members) < 3:
        return None
    before = draft.members[-1]
    draft.members[-1] = draft.members[1]
    return record(draft, "doc.unit_list", "doc.unit_list", None, None, None, before,
                  draft.members[-1], "a member unit listed twice (count unchanged)")


def _identified(draft: Draft, rng: random.Random) -> Fault | None:
    draft.unit_printed = False
    return record(draft, "doc.identified", "doc.identified", None, None, None, draft.unit, None,
                  "no money unit printed on any table")


NARRATIVE: dict[str, Planter] = {
    "narrative.totals": _totals,
    "narrative.shares": _shares,
    "narrative.items": _items,
    "narrative.yoy_rate": _yoy_rate,
    "narrative.yoy": _yoy,
    "year.stated_prior": _stated_prior,
}
PERF: dict[str, Planter] = {c: _perf(c) for c in (
    "perf.execution_rate", "perf.execution_score", "perf.total_score")}
DOCUMENT: dict[str, Planter] = {
    "doc.required_tables": _required,
    "doc.consistency": _consistency,
    "doc.unit_list": _unit_list,
    "doc.identified": _identified,
}
