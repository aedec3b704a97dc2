"""`docs/checks.md`, written from the registry: `python -m expectations.docs`."""

from __future__ import annotations

from pathlib import Path

from expectations.registry import CHECKS

DOC = Path(__file__).resolve().parent.parent / "docs" / "checks.md"

HEADER = """# The checks

Generated from `expectations/registry.py` by `python -m expectations.docs`; a test keeps it
in step. Tolerance `rounding`: |lhs − rhs| ≤ n × half the printed unit (n printed figures);
`exact`: counts compared exactly. Comparison `at_most`: lhs ≤ rhs within the tolerance.

| id | severity | tables | tolerance | comparison | 说明 | description |
|---|---|---|---|---|---|---|
"""


def render() -> str:
    rows = [
        f"| `{c.id}` | {c.severity} | {', '.join(c.tables)} | {c.tolerance} | {c.comparison} "
        f"| {c.description_zh} | {c.description_en} |"
        for c in CHECKS
    ]
    return HEADER + "\n".join(rows) + "\n"


if __name__ == "__main__":
    DOC.write_text(render(), encoding="utf-8")
    print(f"written {DOC} ({len(CHECKS)} checks)")
