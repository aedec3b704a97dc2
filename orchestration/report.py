"""The data-quality report of a run: an HTML page under `<home>/reports/`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from jinja2 import Environment, PackageLoader, select_autoescape

from orchestration.paths import Home

_ENV = Environment(
    loader=PackageLoader("orchestration", "templates"),
    autoescape=select_autoescape(["html"]),
)


@dataclass(frozen=True)
class ReportResult:
    path: Path
    documents: int
    failures: int


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def write_report(home: Home, run_id: str) -> ReportResult:
    """Render the report of `run_id` from the published warehouse."""
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        run = _rows(con, "select * from dq.runs where run_id = ?", [run_id])
        documents = _rows(
            con,
            "select department_name, fiscal_year, format, pages, status, source_path, "
            "document_id from marts.dim_document order by department_name, fiscal_year",
            [],
        )
        failures = _rows(
            con,
            "select * from dq.check_results where run_id = ? and status = 'fail' "
            "order by case severity when 'error' then 0 when 'warning' then 1 else 2 end, "
            "department_name, fiscal_year, check_id, table_key, page, row_label",
            [run_id],
        )
        passes = con.execute(
            "select count(*) from dq.check_results where run_id = ? and status = 'pass'",
            [run_id],
        ).fetchone()
    by_severity: dict[str, list[dict[str, Any]]] = {}
    for failure in failures:
        by_severity.setdefault(failure["severity"], []).append(failure)
    html = _ENV.get_template("report.html").render(
        run=run[0] if run else {"run_id": run_id},
        documents=documents,
        by_severity=by_severity,
        passes=passes[0] if passes else 0,
    )
    path = home.reports_dir / f"report-{run_id}.html"
    path.write_text(html, encoding="utf-8")
    (home.reports_dir / "latest.html").write_text(html, encoding="utf-8")
    return ReportResult(path, len(documents), len(failures))
