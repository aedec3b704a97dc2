"""The ground truth of one generated document: every printed figure, claim and fault.

Tables mirror `extractors.ir` (table → row → cell, with the same table, column and line keys)
so extracted documents can be compared cell by cell. Amounts are Decimals in the printed unit
(`value` is the printed figure, zero included; `raw` the printed text, "" for a blank cell).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

SCHEMA = "juesuan-synth-truth/1"


@dataclass
class Cell:
    column_key: str
    raw: str
    value: Decimal | None  # None only for text cells (indicator names, targets)


@dataclass
class Row:
    label: str
    cells: list[Cell]
    code: str | None = None
    side: str | None = None
    line_key: str | None = None

    def cell(self, column_key: str) -> Cell | None:
        for cell in self.cells:
            if cell.column_key == column_key:
                return cell
        return None

    def text(self, column_key: str) -> str:
        cell = self.cell(column_key)
        return cell.raw if cell is not None else ""

    def amount(self, column_key: str) -> Decimal:
        cell = self.cell(column_key)
        return cell.value if cell is not None and cell.value is not None else Decimal(0)


@dataclass
class Table:
    key: str
    title: str
    number: str  # 公开01表 / 一 …
    unit: str
    rows: list[Row] = field(default_factory=list)
    declared_empty: bool = False
    empty_statement: str | None = None
    caption: str | None = None  # project name of a project self-evaluation table

    def find(self, *, code: str | None = None, line_key: str | None = None,
             side: str | None = None) -> Row | None:
        for row in self.rows:
            if code is not None and row.code != code:
                continue
            if line_key is not None and row.line_key != line_key:
                continue
            if side is not None and row.side != side:
                continue
            return row
        return None


@dataclass
class Claim:
    """A figure stated in the narrative and what it must agree with (see README)."""

    id: str
    check: str
    raw: str
    value: Decimal
    ref: dict[str, Any] = field(default_factory=dict)


@dataclass
class Fault:
    kind: str
    check_id: str
    severity: str
    table_key: str | None
    row: dict[str, Any] | None
    column_key: str | None
    before: str | None
    after: str | None
    note: str
    triggers: list[str] = field(default_factory=list)


@dataclass
class Truth:
    department: dict[str, Any]
    tables: list[Table]
    claims: list[Claim]
    member_units: list[str]
    stated_unit_count: int
    faults: list[Fault] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # where the name is printed -> name
    bad_file: dict[str, Any] | None = None  # a deliberately broken file: what is wrong

    def table(self, key: str) -> Table | None:
        for table in self.tables:
            if table.key == key:
                return table
        return None

    def claim(self, claim_id: str) -> Claim | None:
        for claim in self.claims:
            if claim.id == claim_id:
                return claim
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "document": self.department,
            "headers": self.headers,
            "member_units": self.member_units,
            "stated_unit_count": self.stated_unit_count,
            "tables": [_table_json(t) for t in self.tables],
            "claims": [
                {"id": c.id, "check": c.check, "raw": c.raw, "value": str(c.value), "ref": c.ref}
                for c in self.claims
            ],
            "faults": [vars(f) for f in self.faults],
            "bad_file": self.bad_file,
        }


def _table_json(table: Table) -> dict[str, Any]:
    return {
        "key": table.key,
        "title": table.title,
        "number": table.number,
        "unit": table.unit,
        "caption": table.caption,
        "declared_empty": table.declared_empty,
        "empty_statement": table.empty_statement,
        "rows": [
            {
                "index": i,
                "label": r.label,
                "code": r.code,
                "side": r.side,
                "line_key": r.line_key,
                "cells": [
                    {"column_key": c.column_key, "raw": c.raw,
                     "value": None if c.value is None else str(c.value)}
                    for c in r.cells
                ],
            }
            for i, r in enumerate(table.rows)
        ],
    }


def from_json(data: dict[str, Any]) -> Truth:
    """Inverse of `Truth.to_json`."""
    tables = [
        Table(
            t["key"], t["title"], t["number"], t["unit"],
            rows=[
                Row(r["label"],
                    [Cell(c["column_key"], c["raw"],
                          None if c["value"] is None else Decimal(c["value"]))
                     for c in r["cells"]],
                    r["code"], r["side"], r["line_key"])
                for r in t["rows"]
            ],
            declared_empty=t["declared_empty"], empty_statement=t["empty_statement"],
            caption=t["caption"],
        )
        for t in data["tables"]
    ]
    claims = [Claim(c["id"], c["check"], c["raw"], Decimal(c["value"]), c["ref"])
              for c in data["claims"]]
    faults = [Fault(**f) for f in data["faults"]]
    return Truth(data["document"], tables, claims, data["member_units"],
                 data["stated_unit_count"], faults, data["headers"], data["bad_file"])


def write(truth: Truth, path: Path) -> None:
    text = json.dumps(truth.to_json(), ensure_ascii=False, indent=1, sort_keys=False)
    path.write_text(text + "\n", encoding="utf-8")


def read(path: Path) -> Truth:
    return from_json(json.loads(path.read_text(encoding="utf-8")))
