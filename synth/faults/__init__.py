"""Planted faults: one kind per check id of docs/spec/identities.md.

A kind is planted in one phase of building a document: `model` (before printing: an unknown
subject code, a restated opening balance), `tables`, `narrative`, `perf` or `document`.
"""

from __future__ import annotations

import random

from synth.catalogue import function_name
from synth.faults.other import DOCUMENT, NARRATIVE, PERF
from synth.faults.tables import PLANTERS as TABLES
from synth.faults.tables import Planter
from synth.model import YearModel

MODEL_KINDS = ("doc.subject_codes", "year.carryover")
PHASES: dict[str, dict[str, Planter]] = {
    "tables": TABLES, "narrative": NARRATIVE, "perf": PERF, "document": DOCUMENT,
}
KINDS: tuple[str, ...] = tuple(sorted([*MODEL_KINDS, *(k for p in PHASES.values() for k in p)]))
# Kinds of the optional tables, added later: queued after the others, so a seed plants the
# faults it planted before they existed.
OPTIONAL_KINDS: tuple[str, ...] = ("cross.gpb_project_vs_gpb", "gpb_project.grand",
                                   "narrative.office_operation", "office_operation.total",
                                   "procurement.total")


def phase(kind: str) -> str:
    if kind in MODEL_KINDS:
        return "model"
    return next(name for name, planters in PHASES.items() if kind in planters)


def unknown_code(model: YearModel, rng: random.Random) -> tuple[str, str] | None:
    """Give one fiscal 项 a code the catalogue does not know (its 款 kept, so sums hold)."""
    taken = {leaf.code for leaf in model.leaves}
    candidates = [leaf for leaf in model.leaves if leaf.fund == "gpb" and leaf.spending("gpb")]
    if not candidates:
        return None
    leaf = rng.choice(candidates)
    for suffix in ("97", "96", "95"):
        code = leaf.code[:5] + suffix
        if code not in taken and function_name(code, model.year) is None:
            old = leaf.code
            leaf.label = function_name(old, model.year)
            leaf.code = code
            return old, code
    return None


def shift_carryover(models: list[YearModel], change: int) -> None:
    """Restate the non-fiscal opening balance of the first model, carried to every later year."""
    for model in models:
        model.opening["nonfiscal"] += change
        model.closing["nonfiscal"] += change
