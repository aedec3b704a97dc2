"""The run's single GX validation also writes GX Data Docs when given a docs directory: an
index and the run's validation page, one expectation per check id with its pass/fail status and
unexpected count."""

from __future__ import annotations

import html
import re
from pathlib import Path

import duckdb
import pandas as pd
from checks_support import build_database, clean_document

from expectations import gx_adapter
from expectations.run import run_checks

_ROW = re.compile(
    r'<i class="fas fa-(check-circle|times) text-\w+"\s*></i>.*?check_id == ([^<]+)</span>'
    r"(.*?)(?=<i class=\"fas fa-(?:check-circle|times) text-|\Z)",
    re.S,
)


def page_rows(page: Path) -> dict[str, tuple[bool, str]]:
    """check id -> (passed, the text of its row) on a GX validation page."""
    rows = {}
    for icon, check_id, rest in _ROW.findall(page.read_text(encoding="utf-8")):
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", rest)).split())
        rows[html.unescape(check_id).strip()] = (icon == "check-circle", text)
    return rows


def test_adapter_writes_data_docs_of_the_one_validation(tmp_path: Path) -> None:
    frame = pd.DataFrame({
        "eval_id": [7, 8, 9, 10],
        "check_id": ["a.x", "a.x", "b.y", "b.y"],
        "excess": [-50.0, float("inf"), 0.0, -0.01],
    })
    docs = tmp_path / "reports" / "gx"
    result = gx_adapter.validate(frame, ["a.x", "b.y"], "run-1", docs)
    assert result.unexpected == {"a.x": [8], "b.y": []}
    assert result.docs_index == (docs / "index.html").resolve()
    assert result.docs_index.is_file()
    assert result.docs_page is not None and result.docs_page.is_relative_to(docs.resolve())
    assert "run-1" in result.docs_page.parts
    assert result.docs_seconds > 0
    index = result.docs_index.read_text(encoding="utf-8")
    assert result.docs_page.relative_to(docs.resolve()).as_posix() in index
    rows = page_rows(result.docs_page)
    assert rows.keys() == {"a.x", "b.y"}
    passed, text = rows["a.x"]
    assert not passed and "1 unexpected values found" in text
    passed, text = rows["b.y"]
    assert passed and "0% unexpected" in text and "values found" not in text


def test_adapter_writes_no_docs_without_a_directory() -> None:
    frame = pd.DataFrame({"eval_id": [0], "check_id": ["a.x"], "excess": [1.0]})
    result = gx_adapter.validate(frame, ["a.x"])
    assert result.unexpected == {"a.x": [0]}
    assert (result.docs_index, result.docs_page, result.docs_seconds) == (None, None, 0.0)


def test_run_checks_writes_the_runs_data_docs(tmp_path: Path) -> None:
    """A build database whose `no-total` document lacks its income total: income.grand fails,
    the checks that hold on both documents pass, all on the one validation page."""
    document = clean_document("no-total")
    income = document.table("income")
    assert income is not None
    income.rows = [r for r in income.rows if r.line_key != "total"]
    path = tmp_path / "build.duckdb"
    build_database(path, [clean_document("clean"), document])
    docs = tmp_path / "reports" / "gx"
    with duckdb.connect(str(path)) as con:
        summary = run_checks(con, "docs-run", docs_dir=docs)
    assert summary.docs_index == (docs / "index.html").resolve()
    assert summary.gx_docs_seconds > 0
    [page] = (docs / "validations").rglob("*.html")
    assert "docs-run" in page.parts
    rows = page_rows(page)
    assert rows.keys() == {outcome.check_id for outcome in summary.checks}
    for outcome in summary.checks:
        passed, text = rows[outcome.check_id]
        assert passed == outcome.passed, outcome.check_id
        if not passed:
            assert f"{outcome.failures} unexpected values found" in text, outcome.check_id
    assert not rows["income.grand"][0]
    assert any(passed for passed, _ in rows.values())
