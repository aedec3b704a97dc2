"""SIGKILL `juesuan run` 20 times across extraction, dbt build, checks and publish: the
published warehouse stays intact and complete after each kill, and a rerun converges to a
clean run's warehouse (tests/crash_harness.py)."""

from __future__ import annotations

from pathlib import Path

from crash_harness import STAGES, crash

KILLS = 20


def test_kills_lose_nothing(tmp_path: Path) -> None:
    outcome = crash(tmp_path, KILLS, seed=9, report=False)
    assert outcome.problems == []
    assert (outcome.kills, outcome.survived, outcome.rows_lost) == (KILLS, KILLS, 0)
    assert set(outcome.stages) >= set(STAGES)  # a kill landed in every stage
