"""Subject catalogues of the generator (data in `synth/data/`, sources in its SOURCES.md)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Subject:
    code: str
    name: str
    valid_from: int
    valid_to: int | None
    source: str

    def valid(self, year: int) -> bool:
        return self.valid_from <= year and (self.valid_to is None or year <= self.valid_to)


def _read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
def function_subjects() -> tuple[Subject, ...]:
    return tuple(
        Subject(
            r["code"],
            r["name"],
            int(r["valid_from"]),
            int(r["valid_to"]) if r["valid_to"] else None,
            r["source"],
        )
        for r in _read("function_subjects.csv")
    )


def function_name(code: str, year: int) -> str | None:
    """The name a function code is printed with in that year, or None if not valid then."""
    for subject in function_subjects():
        if subject.code == code and subject.valid(year):
            return subject.name
    return None


# Expenditure lines of the two summary tables, in print order (Henan 2023 and Shanghai 2024
# samples list the 2020+ set; 224 came in 2019, 234 in 2020).
_SUMMARY_CLASSES = (
    "201", "202", "203", "204", "205", "206", "207", "208", "210", "211", "212", "213", "214",
    "215", "216", "217", "219", "220", "221", "222", "223", "224", "229", "231", "232", "234",
)


def summary_classes(year: int) -> list[tuple[str, str]]:
    """(code, name) of every function class the summary tables list in that year."""
    out = []
    for code in _SUMMARY_CLASSES:
        name = function_name(code, year)
        if name is not None:
            out.append((code, name))
    return out


@dataclass(frozen=True)
class Economic:
    code: str
    name: str
    group: str  # personnel / public


@cache
def economic_subjects() -> dict[str, Economic]:
    return {r["code"]: Economic(r["code"], r["name"], r["group"]) for r in _read(
        "economic_subjects.csv")}


def economic_columns(family: str) -> list[list[str]]:
    """Economic codes of the basic-expenditure table, one list per printed column group.

    Henan 2023 prints three groups (301+303 | 302 | 307+310+399); Shanghai 2024 prints two
    (301+303 | 302+310).
    """
    codes = list(economic_subjects())
    by_class: dict[str, list[str]] = {}
    for code in codes:
        by_class.setdefault(code[:3], []).append(code)
    if family == "henan":
        groups = [["301", "303"], ["302"], ["307", "310", "399"]]
        return [[code for cls in group for code in by_class[cls]] for group in groups]
    capital = [c for c in by_class["310"] if c not in _SHANGHAI_CAPITAL_OMITTED]
    return [by_class["301"] + by_class["303"], by_class["302"] + capital]


# 资本性支出 款 the Shanghai 2024 template does not print.
_SHANGHAI_CAPITAL_OMITTED = {"31005", "31006", "31008", "31009", "31010", "31011", "31012"}
