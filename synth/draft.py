"""One document before layout: its printed tables, narrative, evaluations and front matter."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from synth.layout.blocks import Rules
from synth.money import table_text
from synth.narrative import Narrative
from synth.perf import PerfTable
from synth.truth import Fault, Row, Table, Truth


@dataclass
class Draft:
    context: dict[str, Any]  # department, region, kind, fiscal year, unit, family, format, file
    tables: list[Table]
    members: list[str]
    stated_count: int
    headers: dict[str, str]  # place -> department name printed there
    narrative: Narrative = field(default_factory=Narrative)
    perf: list[PerfTable] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    unit_printed: bool = True
    rules: Rules = "grid"  # how the nine tables are ruled (synth.layout.blocks.RULES)

    @property
    def unit(self) -> str:
        return str(self.context["unit"])

    @property
    def family(self) -> str:
        return str(self.context["family"])

    def table(self, key: str) -> Table | None:
        for table in self.tables:
            if table.key == key:
                return table
        return None

    def by_key(self) -> dict[str, Table]:
        return {t.key: t for t in self.tables}

    def set_amount(self, row: Row, column: str, value: Decimal) -> tuple[str, str]:
        """Reprint one figure; returns its text before and after."""
        cell = row.cell(column)
        if cell is None:
            raise KeyError(column)
        before = cell.raw
        cell.value = value
        cell.raw = table_text(value, self.unit, self.family == "shanghai")
        return before, cell.raw

    def truth(self) -> Truth:
        department = {
            "department_name": self.context["department"],
            "department_slug": self.context["slug"],
            "department_kind": self.context["kind"],
            "region": self.context["region"],
            "fiscal_year": self.context["year"],
            "unit": self.unit,
            "unit_printed": self.unit_printed,
            "template_family": self.family,
            "format": self.context["format"],
            "file": self.context["file"],
            "table_rules": self.rules,
        }
        tables = [*self.tables, *(p.table for p in self.perf)]
        return Truth(department, tables, list(self.narrative.claims), list(self.members),
                     self.stated_count, list(self.faults), dict(self.headers))
