"""Helpers shared by the fault planters."""

from __future__ import annotations

import random
from decimal import ROUND_DOWN, Decimal

from synth.checks import severity
from synth.draft import Draft
from synth.money import PRECISION
from synth.truth import Fault, Row, Table


def delta(unit: str, rng: random.Random) -> Decimal:
    """A typo-sized error, far above any rounding tolerance (1–90 万元, or 100–9,000 元)."""
    scale = Decimal("1.00") if unit == "万元" else Decimal(100)
    return scale * rng.randint(1, 9) * (10 ** rng.choice((0, 1)))


def where(row: Row) -> dict[str, str | None]:
    if row.code:
        return {"code": row.code}
    return {"line_key": row.line_key, "side": row.side}


def record(draft: Draft, kind: str, check: str, table: Table | None, row: Row | None,
           column: str | None, before: str | None, after: str | None, note: str) -> Fault:
    fault = Fault(kind, check, severity(check), table.key if table else None,
                  where(row) if row else None, column, before, after, note)
    draft.faults.append(fault)
    return fault


def bump(draft: Draft, row: Row, column: str, change: Decimal) -> tuple[str, str]:
    return draft.set_amount(row, column, row.amount(column) + change)


def leaves(table: Table) -> list[Row]:
    return [r for r in table.rows if r.code and len(r.code) == 7]


def path(table: Table, code: str) -> list[Row]:
    """The 项 row of `code`, its 款 and its 类."""
    return [r for r in table.rows if r.code in (code, code[:5], code[:3])]


def largest(rows: list[Row], column: str) -> Row | None:
    rows = [r for r in rows if r.amount(column) > 0]
    return max(rows, key=lambda r: (r.amount(column), r.code or "")) if rows else None


def capped(change: Decimal, value: Decimal, unit: str) -> Decimal:
    """`change`, but at most half of `value` (so a figure moved down stays positive)."""
    return min(change, (value / 2).quantize(PRECISION[unit], ROUND_DOWN))
