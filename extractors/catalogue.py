"""Curated catalogues the extractors match against, read from the dbt seeds.

The seeds in `dbt_project/seeds/` are the one place these vocabularies live: the
extractors use them to recognise tables, columns and lines, and dbt loads them into the
warehouse so analysts see the same vocabulary.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds"

_SPACE = re.compile(r"\s+")
_ORDINAL = re.compile(r"^[（(]?[一二三四五六七八九十百零]+[)）、.．]\s*")
_TRANSLATE = str.maketrans(
    {"（": "(", "）": ")", "“": "", "”": "", '"': "", "‘": "", "’": "", "'": "", "：": ":"}
)


def normalise(text: str) -> str:
    """Whitespace and quotes removed, full-width brackets made half-width."""
    return _SPACE.sub("", text).translate(_TRANSLATE)


def strip_ordinal(text: str) -> str:
    """`一、一般公共服务支出` -> `一般公共服务支出`."""
    return _ORDINAL.sub("", text)


def _read(name: str) -> list[dict[str, str]]:
    with (SEEDS_DIR / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
def _title_aliases() -> list[tuple[str, str]]:
    rows = [(normalise(r["alias"]), r["table_key"]) for r in _read("table_title_aliases.csv")]
    return sorted(rows, key=lambda r: -len(r[0]))


def match_table_title(text: str) -> str | None:
    """The canonical table key whose longest alias the text contains, or None."""
    norm = normalise(text)
    for alias, key in _title_aliases():
        if alias in norm:
            return key
    return None


@cache
def _column_aliases() -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for r in _read("column_aliases.csv"):
        out.setdefault(r["table_key"], []).append((normalise(r["alias"]), r["column_key"]))
    return out


def match_column(table_key: str, header: str) -> str | None:
    """Column meaning of a header text: an exact alias first, then the longest contained one."""
    norm = normalise(header)
    aliases = _column_aliases().get(table_key, [])
    for alias, key in aliases:
        if alias == norm:
            return key
    for alias, key in sorted(aliases, key=lambda a: -len(a[0])):
        if alias in norm:
            return key
    return None


def is_column_alias(table_key: str, header: str) -> bool:
    """The header text is one of the table's column aliases, exactly."""
    norm = normalise(header)
    return any(alias == norm for alias, _ in _column_aliases().get(table_key, []))


@dataclass(frozen=True)
class LineAlias:
    table_key: str
    side: str
    alias: str
    line_key: str


@cache
def _line_aliases() -> list[LineAlias]:
    rows = [
        LineAlias(r["table_key"], r["side"], normalise(r["alias"]), r["line_key"])
        for r in _read("summary_line_aliases.csv")
    ]
    return sorted(rows, key=lambda r: -len(r.alias))


def match_summary_line(table_key: str, side: str, label: str) -> str | None:
    """Canonical line key of a summary-table line (`income_total`, `grand_total`, ...)."""
    norm = strip_ordinal(normalise(label))
    for alias in _line_aliases():
        if alias.table_key in ("*", table_key) and alias.side == side and alias.alias == norm:
            return alias.line_key
    for alias in _line_aliases():
        if alias.table_key in ("*", table_key) and alias.side == side and norm.startswith(
            alias.alias
        ):
            return alias.line_key
    return None


@cache
def _function_classes() -> list[tuple[str, str, int, int | None]]:
    return [
        (
            r["subject_code"],
            normalise(r["subject_name"]),
            int(r["valid_from_year"]),
            int(r["valid_to_year"]) if r["valid_to_year"] else None,
        )
        for r in _read("function_classes.csv")
    ]


def function_class_code(label: str, year: int | None = None) -> str | None:
    """The 类 code of a summary expenditure line printed by name (`八、社会保障和就业支出`).

    A name valid in the given year wins; any year's name matches otherwise. A name cut by
    wrapping (`粮油物资储备支`) matches the one class it is a prefix of.
    """
    norm = strip_ordinal(normalise(label))
    if not norm:
        return None
    candidates = [c for c in _function_classes() if c[1] == norm]
    if not candidates and len(norm) >= 4:
        candidates = [c for c in _function_classes() if c[1].startswith(norm)]
        if len({c[0] for c in candidates}) != 1:
            return None
    if year is not None:
        in_year = [c for c in candidates if c[2] <= year and (c[3] is None or year <= c[3])]
        candidates = in_year or candidates
    return candidates[0][0] if candidates else None
