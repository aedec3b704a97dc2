"""Departments of the corpus and the drafting of one department-year document."""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass

from synth import faults, narrative, optional, perf, printed
from synth.draft import Draft
from synth.faults.common import record
from synth.layout.blocks import RULES, Rules
from synth.model import YearModel
from synth.profiles import KINDS, REGIONS, Kind, Region
from synth.truth import Table

EXTENSIONS = {"pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "txt": "txt"}
# How often a department-year prints its nine tables ruled, with horizontal rules only, or
# without any rules (synth.layout.blocks.RULES).
RULE_WEIGHTS = (0.6, 0.15, 0.25)


@dataclass(frozen=True)
class Department:
    index: int
    name: str
    slug: str
    kind: Kind
    region: Region
    unit: str
    members: tuple[str, ...]  # member units, 本级 first


def plan_departments(count: int, seed: int) -> list[Department]:
    """`count` distinct departments, kinds balanced, regions and units seeded."""
    rng = random.Random(f"{seed}/departments")
    by_kind = {kind.key: [region for region in REGIONS] for kind in KINDS}
    for regions in by_kind.values():
        rng.shuffle(regions)
    kinds = list(KINDS)
    rng.shuffle(kinds)
    if count > sum(len(r) for r in by_kind.values()):
        raise ValueError(f"at most {len(KINDS) * len(REGIONS)} departments can be generated")
    out: list[Department] = []
    while len(out) < count:
        for kind in kinds:
            if len(out) == count or not by_kind[kind.key]:
                continue
            region = by_kind[kind.key].pop()
            name = region.name + kind.names[region.family]
            unit = "元" if rng.random() < (0.15 if kind.admin else 0.4) else "万元"
            chosen = [m for m in kind.members if rng.random() < 0.7]
            members = (f"{name}（本级）", *(region.name + m for m in chosen))
            out.append(Department(len(out), name, f"{region.slug}-{kind.key}", kind, region,
                                  unit, members))
    return out


def file_name(department: Department, year: int, fmt: str) -> str:
    return f"{year}年度{department.name}部门决算.{EXTENSIONS[fmt]}"


def headers(department: Department) -> dict[str, str]:
    """Where the department name is printed: cover, overview, table headers, narrative."""
    places = ["cover", "overview", "perf"]
    if department.region.family == "henan":
        places += [f"table:{key}" for key in printed.ORDER["henan"]]
    else:
        places += ["tables", "narrative"]
    return {place: department.name for place in places}


def table_rules(seed: int, slug: str, year: int) -> Rules:
    """How a department-year prints its nine tables: seeded, `RULE_WEIGHTS`."""
    return random.Random(f"{seed}/{slug}/{year}/layout").choices(RULES, RULE_WEIGHTS)[0]


def draft(department: Department, model: YearModel, prior: dict[str, Table], fmt: str,
          seed: int, fault: str | None) -> Draft | None:
    """The document of one year, with `fault` planted; None if the fault cannot be planted."""
    year, family = model.year, department.region.family

    def rng(purpose: str) -> random.Random:
        return random.Random(f"{seed}/{department.slug}/{year}/{purpose}")

    stage = faults.phase(fault) if fault else None
    renamed = None
    if fault == "doc.subject_codes":
        model = copy.deepcopy(model)
        renamed = faults.unknown_code(model, rng("fault"))
        if renamed is None:
            return None
    context = {
        "department": department.name, "slug": department.slug, "kind": department.kind.key,
        "region": department.region.name, "year": year, "unit": department.unit,
        "family": family, "format": fmt, "file": file_name(department, year, fmt),
        "duties": department.kind.duties,
    }
    doc = Draft(context, printed.tables(model, family, department.unit),
                list(department.members), len(department.members), headers(department))
    chosen = optional.chosen(department.slug, department.kind.admin, seed)
    doc.tables += optional.tables(model, family, department.unit, chosen, rng("optional"))
    if family == "henan":
        doc.headers.update({f"table:{key}": department.name for key in chosen})
    doc.rules = table_rules(seed, department.slug, year)
    if renamed:
        table = doc.table("expenditure")
        row = table.find(code=renamed[1]) if table else None
        record(doc, fault or "", "doc.subject_codes", table, row, None, renamed[0], renamed[1],
               "a 项 printed with a code the catalogue does not know")
    if stage == "tables" and faults.PHASES["tables"][fault or ""](doc, rng("fault")) is None:
        return None
    purpose = department.kind.purpose
    doc.perf = [perf.department(model, department.name, department.unit, purpose, rng("perf")),
                *perf.projects(model, department.unit, family, rng("perf-projects"))]
    context = {**context, "reason": f"本年度{purpose}相关支出变化", "purpose": purpose,
               "perf": doc.perf}
    doc.narrative = narrative.write(doc.by_key(), prior, model, context, rng("narrative"))
    for later in ("narrative", "perf", "document"):
        if stage == later and faults.PHASES[later][fault or ""](doc, rng("fault")) is None:
            return None
    return doc
