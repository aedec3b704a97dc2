"""Exact amounts (integer 分) and how disclosures print them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

Unit = Literal["万元", "元"]

FEN_PER_UNIT: dict[str, int] = {"万元": 1_000_000, "元": 100}
PRECISION: dict[str, Decimal] = {"万元": Decimal("0.01"), "元": Decimal("1")}
HALF_UNIT: dict[str, Decimal] = {"万元": Decimal("0.005"), "元": Decimal("0.5")}
# The smallest non-zero exact amount the generator keeps, so that every non-zero amount
# prints as a non-zero figure (1,000 元).
MIN_FEN = 100_000


def printed(fen: int, unit: str) -> Decimal:
    """The exact amount rounded half-up to the printed precision of the unit."""
    return (Decimal(fen) / FEN_PER_UNIT[unit]).quantize(PRECISION[unit], ROUND_HALF_UP)


def table_text(value: Decimal, unit: str, blank_zero: bool) -> str:
    """A table cell: thousands separators; zero as `0` (Henan) or a blank cell (Shanghai)."""
    if value == 0:
        return "" if blank_zero else "0"
    return f"{value:,.2f}" if unit == "万元" else f"{value:,.0f}"


def plain_text(value: Decimal, unit: str) -> str:
    """A figure inside a sentence: no separators, `0.00` for zero in 万元."""
    return f"{value:.2f}" if unit == "万元" else f"{value:.0f}"


def percent(numerator: Decimal, denominator: Decimal) -> Decimal:
    """A share or rate in percent, rounded to two decimals as the narratives print it."""
    if denominator == 0:
        return Decimal("0.00")
    return (numerator * 100 / denominator).quantize(Decimal("0.01"), ROUND_HALF_UP)


def round2(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), ROUND_HALF_UP)


def keep(fen: int) -> int:
    """An amount below the minimum is not spent at all (keeps every printed non-zero visible)."""
    return fen if fen >= MIN_FEN else 0
