"""The publish gate: a run whose checks cannot execute publishes nothing."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from expectations.registry import BY_ID
from orchestration.cli import run
from orchestration.paths import SAMPLE_INBOX, Home


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_check_that_cannot_execute_keeps_the_previous_warehouse(tmp_path: Path) -> None:
    home = Home(tmp_path / "home")
    assert run(SAMPLE_INBOX, home)
    published = digest(home.warehouse)
    exports = {p: digest(p) for p in home.export_dir.rglob("*.parquet")}

    check = BY_ID["summary.balanced"]
    query = check.sql
    object.__setattr__(check, "sql", "select * from staging.no_such_view")  # a broken check
    try:
        assert not run(SAMPLE_INBOX, home)
    finally:
        object.__setattr__(check, "sql", query)

    assert digest(home.warehouse) == published
    assert {p: digest(p) for p in home.export_dir.rglob("*.parquet")} == exports
    logged = [json.loads(line) for line in (home.root / "runs.jsonl").read_text().splitlines()]
    assert [entry["published"] for entry in logged] == [False]
