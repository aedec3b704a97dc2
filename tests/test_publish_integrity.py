"""`verify` finds a warehouse or export that differs from its manifest; `recover` clears what a
killed publish left and relinks the export the warehouse names."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest
from test_concurrent_readers import build

from orchestration.cli import main
from orchestration.paths import Home
from orchestration.publish import exports_dir, publish, published_export, recover, verify


@pytest.fixture
def home(tmp_path: Path) -> Home:
    home = Home(tmp_path / "home")
    for run in ("run-1", "run-2"):
        build(home, run)
        publish(home, run)
    return home


def test_intact_warehouse_verifies(home: Home, capsys: pytest.CaptureFixture[str]) -> None:
    assert verify(home) == []
    assert main(["verify", "--home", str(home.root)]) == 0
    assert "intact" in capsys.readouterr().out


def test_a_changed_row_is_found(home: Home) -> None:
    with duckdb.connect(str(home.warehouse)) as con:
        con.execute("update marts.fct_1 set n = n + 1 where n = 7")
    [problem] = verify(home)
    assert problem.startswith("marts.fct_1:") and "manifest" in problem
    assert main(["verify", "--home", str(home.root)]) == 1


def test_a_missing_parquet_file_is_found(home: Home) -> None:
    (home.export_dir / "fct_2" / "data.parquet").unlink()
    assert any("fct_2/data.parquet: missing" in p for p in verify(home))


def test_recover_after_a_kill_between_commit_and_link(home: Home) -> None:
    current = published_export(home)
    assert current is not None and home.export_dir.resolve() == current
    [previous] = [p for p in exports_dir(home).iterdir() if p != current]
    home.export_dir.unlink()
    home.export_dir.symlink_to(os.path.relpath(previous, home.root))  # the link not yet switched
    staging = home.warehouse.with_name("warehouse.duckdb.new")
    staging.write_bytes(b"half a database")
    partial = exports_dir(home) / ".run-3-0000.part"
    partial.mkdir()
    assert verify(home) == []  # the old export is complete; the warehouse names the new one

    recover(home)
    assert home.export_dir.resolve() == current
    assert not staging.exists() and not partial.exists()
    assert verify(home) == []
