"""The data-quality report of a run: HTML under `<home>/reports/`, mailed with its findings.

The report reads the published warehouse. `dq.check_results` holds the latest run only, so
each report appends the run's error and warning counts to `<home>/reports/history.json`,
from which the trend chart is drawn. See docs/report.md.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
from jinja2 import Environment, PackageLoader
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from expectations.registry import BY_ID
from orchestration import charts
from orchestration.mail import (
    Attachment,
    MailOutcome,
    MailSettings,
    build_message,
    deliver,
)
from orchestration.paths import Home

SEVERITIES = {"error": "错误 Errors", "warning": "警告 Warnings", "info": "提示 Info"}
STATUSES = {"published": "已发布", "quarantined": "已隔离", "superseded": "已替代"}
CHART_TITLES = {
    "findings": "各部门问题数 Findings per department",
    "trend": "近期运行的问题数 Findings over recent runs",
    "expenditure": "各部门支出总计 Total expenditure by year (万元)",
}
WAN = Decimal(10000)
CENT = Decimal("0.01")
HISTORY_KEEP = 200  # runs kept in history.json
TREND_RUNS = 20  # runs drawn in the trend chart
MAIL_ROWS = 50  # findings per department and severity in the mail body; all are attached
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would evaluate these
COLUMNS = (
    "部门 department", "年度 year", "文件 file", "检查 check id", "检查说明 check",
    "级别 severity", "表 table", "页 page", "行 row", "列 column", "填报值 value provided",
    "应为 expected", "差额 difference", "单位 unit", "说明 message",
)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class MailNotSent(RuntimeError):
    """`report_command(send=True)` could not deliver; the mail log has the attempts."""


@dataclass(frozen=True)
class Finding:
    """One failed check, its amounts in the unit the document printed (`unit`)."""

    department: str
    fiscal_year: int | None
    file_name: str | None
    check_id: str
    check_title: str
    severity: str
    table: str | None
    page: int | None
    row_label: str | None
    column_key: str | None
    provided: Decimal | int | None
    expected: Decimal | int | None
    difference: Decimal | int | None
    unit: str  # 万元 or 元 for amounts, empty for counts
    message: str | None

    def cells(self) -> tuple[Any, ...]:
        """The row of the CSV and XLSX attachments, in the order of COLUMNS."""
        return (
            self.department, self.fiscal_year, self.file_name, self.check_id,
            self.check_title, self.severity, self.table, self.page, self.row_label,
            self.column_key, self.provided, self.expected, self.difference, self.unit,
            self.message,
        )


@dataclass(frozen=True)
class DepartmentFindings:
    name: str
    errors: int
    warnings: int
    by_severity: list[tuple[str, list[Finding]]]  # (severity, findings), errors first


@dataclass(frozen=True)
class RunSummary:
    run_id: str
    started_at: datetime | None
    finished_at: datetime | None
    seen: int
    published: int
    quarantined: int
    superseded: int
    checked: int  # documents the checks evaluated in this run
    carried_over: int  # documents whose results were carried over (unchanged since)
    passes: int
    errors: int
    warnings: int


@dataclass(frozen=True)
class Report:
    summary: RunSummary
    documents: list[dict[str, Any]]
    findings: list[Finding]
    charts: dict[str, bytes]  # chart name → PNG
    path: Path  # the HTML written under <home>/reports/

    @property
    def departments(self) -> list[DepartmentFindings]:
        return group_by_department(self.findings)

    @property
    def attachment_names(self) -> tuple[str, str]:
        stem = f"juesuan-findings-{self.summary.run_id[:8]}"
        return f"{stem}.csv", f"{stem}.xlsx"

    def html(self, image_src: Mapping[str, str], attachments: Sequence[str] = (),
             row_limit: int | None = None) -> str:
        """The report page; `image_src` maps a chart name to its URL (data: or cid:).

        `row_limit` caps the rows shown per department and severity (the mail's body).
        """
        return _ENV.get_template("report.html").render(
            summary=self.summary, documents=self.documents, departments=self.departments,
            charts=[(image_src[name], CHART_TITLES[name]) for name in self.charts],
            attachments=attachments, row_limit=row_limit, statuses=STATUSES,
            severities=SEVERITIES,
        )

    def text(self) -> str:
        """The plain-text part of the mail: the summary and the count per department."""
        s = self.summary
        lines = [
            "决算数据质量报告 Data-quality report",
            f"运行 Run {s.run_id}，完成 finished {_when(s.finished_at)}",
            f"收到 seen {s.seen} · 发布 published {s.published} · 隔离 quarantined "
            f"{s.quarantined} · 替代 superseded {s.superseded}",
            f"错误 errors {s.errors} · 警告 warnings {s.warnings}",
            f"本次检查 checked {s.checked} · 沿用上次结果 carried over {s.carried_over}",
            "",
        ]
        lines += [f"- {d.name}：错误 {d.errors}，警告 {d.warnings}" for d in self.departments]
        lines += ["", "明细见 HTML 正文及附件 Details in the HTML part and the attachments."]
        return "\n".join(lines) + "\n"


def _when(value: datetime | None) -> str:
    if value is None:
        return ""
    zone = ZoneInfo(os.environ.get("JUESUAN_TIMEZONE", "Asia/Shanghai"))
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _amount(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    return f"{value:,.2f}" if isinstance(value, Decimal) else f"{value:,}"


_ENV = Environment(loader=PackageLoader("orchestration", "templates"), autoescape=True)
_ENV.filters["amount"] = _amount
_ENV.filters["when"] = _when


# -- reading the warehouse


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> Any:
    row = con.execute(sql, params).fetchone()
    return row[0] if row else None


FINDINGS_SQL = """
select coalesce(r.department_name, d.department_name) as department_name,
       coalesce(r.fiscal_year, d.fiscal_year) as fiscal_year, d.file_name, d.source_unit,
       r.check_id, r.severity, r.table_key, r.page, r.row_label, r.column_key,
       r.lhs, r.rhs, r.difference, r.message
from dq.check_results r left join marts.dim_document d using (document_id)
where r.run_id = ? and r.status = 'fail'
order by case r.severity when 'error' then 0 when 'warning' then 1 else 2 end,
         department_name, fiscal_year, r.check_id, r.table_key, r.page, r.row_label
"""


def _findings(con: duckdb.DuckDBPyConnection, run_id: str) -> list[Finding]:
    titles = dict(con.execute(
        "select table_key, arg_min(alias, length(alias)) from catalogue.table_title_aliases "
        "group by table_key"
    ).fetchall())
    return [_finding(row, titles) for row in _rows(con, FINDINGS_SQL, [run_id])]


def _finding(row: dict[str, Any], titles: dict[str, str]) -> Finding:
    # Document-level checks (doc.*) compare counts; the others amounts in 元.
    if row["check_id"].startswith("doc."):
        unit, divisor = "", Decimal(1)
    elif row["source_unit"] == "万元":
        unit, divisor = "万元", WAN
    else:
        unit, divisor = "元", Decimal(1)

    def scaled(value: Decimal | None) -> Decimal | int | None:
        if value is None:
            return None
        return (value / divisor).quantize(CENT) if unit else int(value)

    check = BY_ID.get(row["check_id"])
    key = row["table_key"]
    return Finding(
        department=row["department_name"] or f"（未识别部门 unidentified）{row['file_name']}",
        fiscal_year=row["fiscal_year"],
        file_name=row["file_name"],
        check_id=row["check_id"],
        check_title=check.description_zh if check else "",
        severity=row["severity"],
        table=f"{titles[key]} ({key})" if key in titles else key,
        page=row["page"],
        row_label=row["row_label"],
        column_key=row["column_key"],
        provided=scaled(row["lhs"]),
        expected=scaled(row["rhs"]),
        difference=scaled(row["difference"]),
        unit=unit,
        message=row["message"],
    )


def group_by_department(findings: Sequence[Finding]) -> list[DepartmentFindings]:
    """Per department, the findings by severity; departments with most errors first."""
    grouped: dict[str, dict[str, list[Finding]]] = {}
    for finding in findings:
        grouped.setdefault(finding.department, {}).setdefault(finding.severity, []).append(finding)
    departments = [
        DepartmentFindings(
            name,
            len(by_severity.get("error", [])),
            len(by_severity.get("warning", [])),
            [(s, by_severity[s]) for s in sorted(by_severity, key=_severity_rank)],
        )
        for name, by_severity in grouped.items()
    ]
    return sorted(departments, key=lambda d: (-d.errors, -d.warnings, d.name))


def _severity_rank(severity: str) -> int:
    return list(SEVERITIES).index(severity) if severity in SEVERITIES else len(SEVERITIES)


def _summary(con: duckdb.DuckDBPyConnection, run_id: str, findings: list[Finding]) -> RunSummary:
    run = _rows(con, "select * from dq.runs where run_id = ?", [run_id])
    record = run[0] if run else {}
    checked, carried_over = _check_scope(con, run_id)
    return RunSummary(
        run_id=run_id,
        started_at=record.get("started_at"),
        finished_at=record.get("finished_at"),
        seen=record.get("documents_seen") or 0,
        published=record.get("documents_published") or 0,
        quarantined=record.get("documents_quarantined") or 0,
        superseded=_scalar(
            con, "select count(*) from marts.dim_document where status = 'superseded'", []),
        checked=checked,
        carried_over=carried_over,
        passes=_scalar(con, "select count(*) from dq.check_results "
                            "where run_id = ? and status = 'pass'", [run_id]),
        errors=sum(f.severity == "error" for f in findings),
        warnings=sum(f.severity == "warning" for f in findings),
    )


def _check_scope(con: duckdb.DuckDBPyConnection, run_id: str) -> tuple[int, int]:
    """Documents the run's checks evaluated, and documents whose results it carried over (a
    warehouse from before `dq.check_scope`: every document evaluated)."""
    if not _scalar(con, "select count(*) from information_schema.tables "
                        "where table_schema = 'dq' and table_name = 'check_scope'", []):
        return _scalar(con, "select count(distinct document_id) from dq.check_results", []), 0
    [(checked, carried_over)] = con.execute(
        "select coalesce(sum(documents) filter (where evaluated_run_id = ?), 0)::integer, "
        "coalesce(sum(documents) filter (where evaluated_run_id <> ?), 0)::integer "
        "from dq.check_scope",
        [run_id, run_id],
    ).fetchall()
    return checked, carried_over


# -- history and charts


def _history(home: Home, summary: RunSummary) -> list[dict[str, Any]]:
    """history.json with this run's counts put in (once per run), oldest run first."""
    path = home.reports_dir / "history.json"
    try:
        entries: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        entries = []
    entry = {
        "run_id": summary.run_id,
        "finished_at": summary.finished_at.isoformat() if summary.finished_at else None,
        "documents_seen": summary.seen,
        "documents_published": summary.published,
        "documents_quarantined": summary.quarantined,
        "errors": summary.errors,
        "warnings": summary.warnings,
    }
    entries = [e for e in entries if e.get("run_id") != summary.run_id] + [entry]
    entries = sorted(entries, key=lambda e: e.get("finished_at") or "")[-HISTORY_KEEP:]
    _write_atomic(path, json.dumps(entries, ensure_ascii=False, indent=1).encode("utf-8"))
    return entries


def _charts(
    con: duckdb.DuckDBPyConnection, departments: list[DepartmentFindings],
    history: list[dict[str, Any]],
) -> dict[str, bytes]:
    expenditure = con.execute(
        "select department_name, fiscal_year, total_expenditure / 10000 "
        "from marts.mart_department_year where total_expenditure is not null"
    ).fetchall()
    trend = [
        (_when(datetime.fromisoformat(e["finished_at"])) if e.get("finished_at") else "?",
         e.get("errors", 0), e.get("warnings", 0))
        for e in history[-TREND_RUNS:]
    ]
    drawn = {
        "findings": charts.findings_chart([(d.name, d.errors, d.warnings) for d in departments]),
        "trend": charts.trend_chart(trend),
        "expenditure": charts.expenditure_chart(expenditure),
    }
    return {name: png for name, png in drawn.items() if png is not None}


def _data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _write_atomic(path: Path, data: bytes) -> None:
    fresh = path.with_name(path.name + ".new")
    fresh.write_bytes(data)
    os.replace(fresh, path)


# -- the report, its attachments and its mail


def write_report(home: Home, run_id: str) -> Report:
    """Render the report of `run_id` from the published warehouse (and record its counts)."""
    home.reports_dir.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        findings = _findings(con, run_id)
        summary = _summary(con, run_id, findings)
        documents = _rows(
            con,
            "select department_name, fiscal_year, format, pages, status, file_name "
            "from marts.dim_document order by department_name, fiscal_year, file_name",
            [],
        )
        history = _history(home, summary)
        drawn = _charts(con, group_by_department(findings), history)
    report = Report(summary, documents, findings, drawn, home.reports_dir / f"report-{run_id}.html")
    html = report.html({n: _data_url(png) for n, png in drawn.items()}).encode("utf-8")
    _write_atomic(report.path, html)
    _write_atomic(home.reports_dir / "latest.html", html)
    return report


def _text_cell(value: Any) -> Any:
    """A text cell a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def findings_csv(findings: Sequence[Finding]) -> bytes:
    """UTF-8 with BOM (Excel reads it as UTF-8), formula-like text neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows([_text_cell(v) for v in f.cells()] for f in findings)
    return out.getvalue().encode("utf-8-sig")


def findings_xlsx(findings: Sequence[Finding]) -> bytes:
    """One sheet; text is stored as strings (never formulas), amounts as numbers."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "问题 Findings"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for finding in findings:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v
                      for v in finding.cells()])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
            elif isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for column, width in zip("ABCDEFGHIJKLMNO", (28, 8, 24, 24, 36, 9, 26, 6, 30, 12, 14,
                                                 14, 12, 6, 40), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def send_report(home: Home, report: Report, settings: MailSettings | None = None) -> MailOutcome:
    """Mail the report once per run (or write it to the outbox); failures are returned."""
    settings = settings or MailSettings.from_env()
    s = report.summary
    csv_name, xlsx_name = report.attachment_names
    cids = {name: f"{name}.{s.run_id}@juesuan" for name in report.charts}
    domain = parseaddr(settings.sender)[1].rpartition("@")[2] or "juesuan"
    message = build_message(
        settings,
        subject=f"决算数据质量报告 {_when(s.finished_at)[:10]}：发布 {s.published}，"
                f"隔离 {s.quarantined}，错误 {s.errors}，警告 {s.warnings}",
        text=report.text(),
        html=report.html({n: f"cid:{c}" for n, c in cids.items()}, (csv_name, xlsx_name),
                         MAIL_ROWS),
        images={cids[name]: png for name, png in report.charts.items()},
        attachments=[
            Attachment(csv_name, "text/csv", findings_csv(report.findings)),
            Attachment(xlsx_name, XLSX_TYPE, findings_xlsx(report.findings)),
        ],
        message_id=f"<juesuan-report-{s.run_id}@{domain}>",
    )
    return deliver(home, s.run_id, message, settings)


def _resolve_run(home: Home, run: str) -> str:
    """`latest` or a run id; only the latest run's findings are in the warehouse."""
    if not home.warehouse.exists():
        raise FileNotFoundError(f"no warehouse at {home.warehouse}: run `juesuan run` first")
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        latest = _scalar(con, "select run_id from dq.runs order by finished_at desc limit 1", [])
        known = _scalar(con, "select count(*) from dq.runs where run_id = ?", [run])
    if run in ("latest", latest) and latest is not None:
        return str(latest)
    if known:
        raise LookupError(f"run {run} is not the latest: its findings were replaced; its "
                          f"report is {home.reports_dir / f'report-{run}.html'}")
    raise LookupError(f"no run {run} in {home.warehouse}")


def report_command(home: Home, run: str = "latest", send: bool = False) -> Path:
    """`juesuan report --run latest [--send]`: rewrite the run's report, optionally mail it.

    Returns the HTML report. Raises LookupError for a run whose findings are not in the
    warehouse, MailConfigError for bad mail settings, MailNotSent when delivery failed.
    A run already mailed is not mailed again.
    """
    report = write_report(home, _resolve_run(home, run))
    if send:
        outcome = send_report(home, report)
        if outcome.outcome == "failed":
            raise MailNotSent(f"report of run {report.summary.run_id} not sent after "
                              f"{outcome.attempts} attempts: {outcome.error}")
    return report.path
