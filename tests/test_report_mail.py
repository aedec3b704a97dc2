"""The data-quality report mail, against real SMTP servers on localhost (aiosmtpd).

The warehouse comes from one real `juesuan run` (a subprocess, so the run reads the SMTP
settings from its environment like a deployment would) over the bundled samples plus a
Henan copy whose department name carries a `<script>` and whose one figure is broken.
"""

from __future__ import annotations

import csv
import datetime as dt
import email
import io
import ipaddress
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from decimal import Decimal
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from orchestration import charts
from orchestration.mail import MailConfigError, MailSettings, mail_log, outbox_dir
from orchestration.paths import PROJECT_ROOT, SAMPLE_INBOX, Home
from orchestration.report import (
    findings_csv,
    findings_xlsx,
    report_command,
    send_report,
    write_report,
)

HENAN = "henan-xuchang-hrss-2023.txt"
SCRIPT_NAME = "许昌市<script>alert(1)</script>人社局"
ESCAPED_NAME = "许昌市&lt;script&gt;alert(1)&lt;/script&gt;人社局"
RECIPIENTS = "finance@example.cn, audit@example.cn"
USER, PASSWORD = "juesuan", "s3cret-Pa55"


class Inbox:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.logins: list[bytes | None] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.logins.append(getattr(session.auth_data, "login", None))
        parsed = email.message_from_bytes(envelope.content, policy=default_policy)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(**kwargs: Any) -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), **kwargs)
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


def authenticate(server: Any, session: Any, envelope: Any, mechanism: str,
                 auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(), PASSWORD.encode())
    # handled=False: the server itself replies 235 or 535.
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


def env(port: int, security: str = "none", **extra: str) -> dict[str, str]:
    return {
        "JUESUAN_SMTP_HOST": "127.0.0.1",
        "JUESUAN_SMTP_PORT": str(port),
        "JUESUAN_SMTP_SECURITY": security,
        "JUESUAN_MAIL_FROM": "决算 <juesuan@example.cn>",
        "JUESUAN_MAIL_TO": RECIPIENTS,
        **extra,
    }


@pytest.fixture(autouse=True)
def no_mail_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HOST", "PORT", "SECURITY", "USER", "PASSWORD", "CAFILE"):
        monkeypatch.delenv(f"JUESUAN_SMTP_{name}", raising=False)
    monkeypatch.delenv("JUESUAN_MAIL_FROM", raising=False)
    monkeypatch.delenv("JUESUAN_MAIL_TO", raising=False)


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ssl.SSLContext]:
    """A self-signed certificate for 127.0.0.1 (the client's CA file) and a server context."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "juesuan test SMTP")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(
            [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return cert_file, context


@pytest.fixture(scope="module")
def plain_server() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as server:
        yield server


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory,
             plain_server: tuple[Inbox, int]) -> Home:
    """One `juesuan run` mailing its report to the plain SMTP server."""
    inbox = tmp_path_factory.mktemp("inbox")
    for sample in SAMPLE_INBOX.iterdir():
        shutil.copy(sample, inbox / sample.name)
    lines = (SAMPLE_INBOX / HENAN).read_text(encoding="utf-8").splitlines(keepends=True)
    # 支出决算表, row 2080101 行政运行: basic 4,054.88 printed as 4,064.88.
    assert lines[1151].strip() == "4,054.88"
    lines[1151] = lines[1151].replace("4,054.88", "4,064.88")
    text = "".join(lines).replace("部门：许昌市人力资源和社会保障局", f"部门：{SCRIPT_NAME}")
    (inbox / "henan-script.txt").write_text(text, encoding="utf-8")
    home = Home(tmp_path_factory.mktemp("home"))
    run_env = {k: v for k, v in os.environ.items()
               if not k.startswith(("JUESUAN_", "DAGSTER_"))}
    done = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "run", "--inbox", str(inbox),
         "--home", str(home.root)],
        cwd=PROJECT_ROOT, env={**run_env, **env(plain_server[1])},
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return home


@pytest.fixture
def fresh_home(pipeline: Home, tmp_path: Path) -> Home:
    """The run's warehouse in a home that has mailed nothing yet."""
    home = Home(tmp_path / "home")
    home.root.mkdir()
    shutil.copy(pipeline.warehouse, home.warehouse)
    return home


def latest_run(home: Home) -> str:
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        row = con.execute("select run_id from dq.runs order by finished_at desc").fetchone()
    assert row is not None
    return str(row[0])


def log_entries(home: Home) -> list[dict[str, Any]]:
    return [json.loads(line) for line in mail_log(home).read_text(encoding="utf-8").splitlines()]


def html_of(message: EmailMessage) -> str:
    body = message.get_body(("html",))
    assert body is not None
    return str(body.get_content())


def attachment(message: EmailMessage, suffix: str) -> bytes:
    for part in message.iter_attachments():
        if (part.get_filename() or "").endswith(suffix):
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload
    raise AssertionError(f"no {suffix} attachment")


# -- the mail the run sent


@pytest.fixture
def mailed(pipeline: Home, plain_server: tuple[Inbox, int]) -> EmailMessage:
    """The message the run mailed."""
    return plain_server[0].messages[0]


def test_run_mails_report_once(pipeline: Home, plain_server: tuple[Inbox, int]) -> None:
    inbox, _ = plain_server
    run_id = latest_run(pipeline)
    assert len(inbox.messages) == 1
    assert report_command(pipeline, "latest", send=True).exists()  # already sent: not again
    assert len(inbox.messages) == 1
    assert inbox.envelopes[0] == ("juesuan@example.cn", ["finance@example.cn",
                                                         "audit@example.cn"])
    [entry] = log_entries(pipeline)
    assert (entry["run_id"], entry["outcome"], entry["attempts"]) == (run_id, "sent", 1)
    assert entry["recipients"] == ["finance@example.cn", "audit@example.cn"]
    assert inbox.messages[0]["Message-ID"] == f"<juesuan-report-{run_id}@example.cn>"


def test_mail_is_html_with_inline_charts(mailed: EmailMessage) -> None:
    assert mailed.get_content_type() == "multipart/mixed"
    html = html_of(mailed)
    images = [p for p in mailed.walk() if p.get_content_type() == "image/png"]
    assert len(images) == 3
    for image in images:
        cid = str(image["Content-ID"]).strip("<>")
        assert f'src="cid:{cid}"' in html
        assert bytes(image.get_content()).startswith(b"\x89PNG")
    related = next(p for p in mailed.walk() if p.get_content_type() == "multipart/related")
    assert next(related.iter_parts()).get_content_type() == "text/html"


def test_chinese_text_intact_and_document_text_escaped(mailed: EmailMessage) -> None:
    assert str(mailed["Subject"]).startswith("决算数据质量报告")
    html = html_of(mailed)
    assert "许昌市人力资源和社会保障局" in html and "上海市普陀区财政局" in html
    assert ESCAPED_NAME in html
    assert "<script" not in html
    # 2080101 行政运行 in 万元 as printed: total 4,062.49 against 4,072.49.
    assert "2080101 行政运行" in html and "4,062.49" in html and "4,072.49" in html
    text_part = mailed.get_body(("plain",))
    assert text_part is not None and SCRIPT_NAME in str(text_part.get_content())


def test_csv_and_xlsx_attachments(mailed: EmailMessage) -> None:
    raw = attachment(mailed, ".csv")
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    [row] = [r for r in rows if r["检查 check id"] == "expenditure.row_sum"]
    assert row["部门 department"] == SCRIPT_NAME and row["年度 year"] == "2023"
    assert row["行 row"] == "2080101 行政运行" and row["单位 unit"] == "万元"
    assert (row["填报值 value provided"], row["应为 expected"], row["差额 difference"]) == (
        "4062.49", "4072.49", "-10.00")
    sheet = openpyxl.load_workbook(io.BytesIO(attachment(mailed, ".xlsx"))).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == tuple(rows[0].keys())
    found = [r for r in values if r[3] == "expenditure.row_sum"]
    assert found and found[0][10:14] == (4062.49, 4072.49, -10, "万元")


# -- formula injection


def test_attachments_neutralise_formulas(fresh_home: Home) -> None:
    finding = write_report(fresh_home, latest_run(fresh_home)).findings[0]
    hostile = replace(finding, department='=HYPERLINK("http://x","y")', row_label="-1+2",
                      message="@SUM(A1)", file_name="\tcmd", table="+x")
    rows = list(csv.reader(io.StringIO(findings_csv([hostile]).decode("utf-8-sig"))))
    assert rows[1][0] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert (rows[1][2], rows[1][6], rows[1][8], rows[1][14]) == ("'\tcmd", "'+x", "'-1+2",
                                                                 "'@SUM(A1)")
    data = findings_xlsx([hostile])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    cell = sheet["A2"]
    assert cell.value == '=HYPERLINK("http://x","y")' and cell.data_type == "s"
    assert sheet["I2"].value == "-1+2" and sheet["I2"].data_type == "s"
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        assert b"<f>" not in book.read("xl/worksheets/sheet1.xml")


# -- TLS, authentication, outbox, failures


def test_starttls_with_auth(fresh_home: Home, tls_files: tuple[Path, ssl.SSLContext]) -> None:
    cafile, context = tls_files
    with smtp_server(tls_context=context, require_starttls=True, authenticator=authenticate,
                     auth_required=True, auth_require_tls=True) as (inbox, port):
        settings = MailSettings.from_env(env(port, "starttls", JUESUAN_SMTP_USER=USER,
                                             JUESUAN_SMTP_PASSWORD=PASSWORD,
                                             JUESUAN_SMTP_CAFILE=str(cafile)))
        report = write_report(fresh_home, latest_run(fresh_home))
        assert send_report(fresh_home, report, settings).outcome == "sent"
        assert send_report(fresh_home, report, settings).outcome == "already_sent"
    assert inbox.logins == [USER.encode()]
    assert ESCAPED_NAME in html_of(inbox.messages[0])
    assert PASSWORD not in mail_log(fresh_home).read_text(encoding="utf-8")


def test_implicit_tls_with_auth(fresh_home: Home, tls_files: tuple[Path, ssl.SSLContext]) -> None:
    cafile, context = tls_files
    # aiosmtpd counts only STARTTLS as TLS for `auth_require_tls`; this session is all TLS.
    with smtp_server(ssl_context=context, authenticator=authenticate,
                     auth_require_tls=False) as (inbox, port):
        settings = MailSettings.from_env(env(port, "ssl", JUESUAN_SMTP_USER=USER,
                                             JUESUAN_SMTP_PASSWORD=PASSWORD,
                                             JUESUAN_SMTP_CAFILE=str(cafile)))
        report = write_report(fresh_home, latest_run(fresh_home))
        assert send_report(fresh_home, report, settings).outcome == "sent"
    assert inbox.logins == [USER.encode()]


def test_wrong_password_is_not_retried(fresh_home: Home,
                                       tls_files: tuple[Path, ssl.SSLContext]) -> None:
    cafile, context = tls_files
    with smtp_server(tls_context=context, require_starttls=True, authenticator=authenticate,
                     auth_required=True) as (inbox, port):
        settings = MailSettings.from_env(env(port, "starttls", JUESUAN_SMTP_USER=USER,
                                             JUESUAN_SMTP_PASSWORD="wrong-Pa55",
                                             JUESUAN_SMTP_CAFILE=str(cafile)))
        outcome = send_report(fresh_home, write_report(fresh_home, latest_run(fresh_home)),
                              settings)
    assert (outcome.outcome, outcome.attempts, outcome.error) == (
        "failed", 1, "SMTPAuthenticationError 535")
    assert inbox.messages == []
    assert "wrong-Pa55" not in mail_log(fresh_home).read_text(encoding="utf-8")


def test_untrusted_certificate_and_missing_starttls_fail(
    fresh_home: Home, tls_files: tuple[Path, ssl.SSLContext],
    plain_server: tuple[Inbox, int],
) -> None:
    _, context = tls_files
    report = write_report(fresh_home, latest_run(fresh_home))
    with smtp_server(tls_context=context, require_starttls=True) as (inbox, port):
        untrusted = MailSettings.from_env(env(port, "starttls"))
        assert send_report(fresh_home, report, untrusted).error == "SSLCertVerificationError"
    no_tls = MailSettings.from_env(env(plain_server[1], "starttls"))
    assert send_report(fresh_home, report, no_tls).error == "SMTPNotSupportedError"
    assert [e["attempts"] for e in log_entries(fresh_home)] == [1, 1]
    assert inbox.messages == []


def test_no_smtp_host_writes_eml_to_outbox(fresh_home: Home) -> None:
    path = report_command(fresh_home, "latest", send=True)
    assert path.exists() and ESCAPED_NAME in path.read_text(encoding="utf-8")
    [eml] = list(outbox_dir(fresh_home).glob("*.eml"))
    message = email.message_from_bytes(eml.read_bytes(), policy=default_policy)
    assert isinstance(message, EmailMessage)
    assert ESCAPED_NAME in html_of(message)
    assert [e["outcome"] for e in log_entries(fresh_home)] == ["outbox"]


def test_smtp_down_is_retried_and_recorded(fresh_home: Home) -> None:
    settings = replace(MailSettings.from_env(env(free_port())), backoff=0.01)
    report = write_report(fresh_home, latest_run(fresh_home))
    outcome = send_report(fresh_home, report, settings)  # no exception
    assert (outcome.outcome, outcome.attempts, outcome.error) == (
        "failed", 3, "ConnectionRefusedError")
    [entry] = log_entries(fresh_home)
    assert (entry["outcome"], entry["attempts"], entry["error"]) == (
        "failed", 3, "ConnectionRefusedError")
    assert entry["recipients"] == ["finance@example.cn", "audit@example.cn"]


# -- settings, runs, history, charts


def test_settings_mask_the_password_and_refuse_unsafe_setups() -> None:
    settings = MailSettings.from_env(env(25, "starttls", JUESUAN_SMTP_USER=USER,
                                         JUESUAN_SMTP_PASSWORD=PASSWORD))
    assert PASSWORD not in repr(settings) and PASSWORD not in str(settings)
    assert settings.recipients == ("finance@example.cn", "audit@example.cn")
    assert MailSettings.from_env({}).host is None
    for bad in (
        env(25, "none", JUESUAN_SMTP_USER=USER, JUESUAN_SMTP_PASSWORD=PASSWORD),
        env(25, "starttls", JUESUAN_MAIL_TO=""),
        env(25, "tls"),
        env(25, JUESUAN_MAIL_TO="finance@example.cn\r\nBcc: x@example.cn"),
    ):
        with pytest.raises(MailConfigError):
            MailSettings.from_env(bad)


def test_report_command_for_unknown_run(fresh_home: Home) -> None:
    with pytest.raises(LookupError):
        report_command(fresh_home, "no-such-run")


def test_trend_keeps_earlier_runs(fresh_home: Home) -> None:
    history = fresh_home.reports_dir / "history.json"
    history.parent.mkdir(parents=True)
    earlier = {"run_id": "earlier", "finished_at": "2024-01-01T00:00:00+00:00",
               "errors": 5, "warnings": 1}
    history.write_text(json.dumps([earlier]), encoding="utf-8")
    run_id = latest_run(fresh_home)
    report = write_report(fresh_home, run_id)
    write_report(fresh_home, run_id)  # once per run
    entries = json.loads(history.read_text(encoding="utf-8"))
    assert [e["run_id"] for e in entries] == ["earlier", run_id]
    with duckdb.connect(str(fresh_home.warehouse), read_only=True) as con:
        counted = con.execute(
            "select count(*) filter (where severity = 'error'), "
            "count(*) filter (where severity = 'warning') "
            "from dq.check_results where status = 'fail'"
        ).fetchall()
    assert [(entries[1]["errors"], entries[1]["warnings"])] == counted
    assert counted[0][0] == 2
    assert set(report.charts) == {"findings", "trend", "expenditure"}
    assert report.summary.errors == 2 and report.summary.superseded == 0
    # one run: every document checked in it, none carried over
    with duckdb.connect(str(fresh_home.warehouse), read_only=True) as con:
        [(documents,)] = con.execute(
            "select count(distinct document_id) from dq.check_results").fetchall()
    assert (report.summary.checked, report.summary.carried_over) == (documents, 0)
    assert f"本次检查 checked {documents} · 沿用上次结果 carried over 0" in report.text()


def test_mail_body_caps_rows_per_group(fresh_home: Home) -> None:
    report = write_report(fresh_home, latest_run(fresh_home))
    html = report.html({name: "cid:x" for name in report.charts}, row_limit=1)
    assert "另有 1 条见附件" in html  # the second error of the <script> department
    assert html.count("2080101 行政运行") == 0 and "expenditure.hierarchy" in html


def test_charts_without_a_cjk_font(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts, "cjk_family", lambda: None)
    png = charts.findings_chart([("上海市$普陀区$财政局", 1, 2)])
    assert png is not None and png.startswith(b"\x89PNG")
    assert charts.expenditure_chart([]) is None
    assert charts.expenditure_chart([("部门", 2023, Decimal("1.5"))]) is not None
