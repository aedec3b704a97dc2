"""Nightly operations: partitions per content hash, the inbox sensor, document versions, the
schedule, the runs log and the optional HTTP source (real Dagster, dbt, DuckDB)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest
from dagster import (
    AddDynamicPartitionsRequest,
    AssetKey,
    DagsterInstance,
    RunRequest,
    SensorResult,
    SkipReason,
    build_schedule_context,
    build_sensor_context,
)

from extractors.dispatch import file_sha256
from orchestration import ingest
from orchestration.cli import main, run
from orchestration.definitions import build_defs
from orchestration.defs import documents
from orchestration.defs.home import JuesuanHome
from orchestration.defs.schedules import PIPELINE_JOB, inbox_sensor, nightly_schedule
from orchestration.fetch import fetch_manifest
from orchestration.ingest import inbox_files, scan_inbox
from orchestration.paths import SAMPLE_INBOX, Home

HENAN = "henan-xuchang-hrss-2023.txt"
SHANGHAI = "shanghai-putuo-finance-2024.pdf"
EXTRACTED = AssetKey("extracted_documents")
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def revised_henan() -> str:
    """The Henan sample with one narrative sentence reworded: new bytes, same figures."""
    text = (SAMPLE_INBOX / HENAN).read_text(encoding="utf-8")
    sentence = "（十二）完成市委、市政府交办的其他任务。"
    assert text.count(sentence) == 1
    return text.replace(sentence, "（十二）完成市委、市政府交办的其他工作任务。")


@dataclass(frozen=True)
class Operations:
    home: Home
    original: str  # the Henan sample's sha256, dropped twice
    revised: str  # the revised Henan version's sha256
    ticks: list[SensorResult | SkipReason]  # before the revision, after it, unchanged
    sensor_run_id: str
    sensor_run_extracted: int  # the extraction asset's count of files read
    cache_before: dict[str, int]  # cache file → mtime_ns, before the sensor's run
    nightly: RunRequest


@pytest.fixture(scope="module")
def operations(tmp_path_factory: pytest.TempPathFactory) -> Operations:
    """A `juesuan run` that extracts both samples and fails, three sensor ticks around a
    revised file and the run the sensor requested, all against one home and instance."""
    inbox = tmp_path_factory.mktemp("inbox")
    for name in (HENAN, SHANGHAI):
        shutil.copy(SAMPLE_INBOX / name, inbox / name)
    shutil.copy(SAMPLE_INBOX / HENAN, inbox / "henan-again.txt")  # the same bytes twice
    home = Home(tmp_path_factory.mktemp("home"))

    def broken_load(*args: object, **kwargs: object) -> int:
        raise OSError("disk on fire")

    with pytest.MonkeyPatch.context() as patch:  # the raw load fails: nothing published
        patch.setattr(documents, "load_raw", broken_load)
        assert not run(inbox, home)

    juesuan = JuesuanHome(inbox=str(inbox), home=str(home.root))
    defs = build_defs(juesuan)
    with DagsterInstance.from_config(str(home.dagster_home)) as instance:

        def tick(cursor: str | None) -> SensorResult | SkipReason:
            context = build_sensor_context(
                instance=instance, cursor=cursor, resources={"juesuan": juesuan}, definitions=defs
            )
            result = inbox_sensor(context)
            assert isinstance(result, SensorResult | SkipReason)
            return result

        before = tick(None)
        assert isinstance(before, SensorResult)
        (inbox / "henan-revised.txt").write_text(revised_henan(), encoding="utf-8")
        after = tick(before.cursor)
        assert isinstance(after, SensorResult)
        unchanged = tick(after.cursor)

        cache_before = {p.name: p.stat().st_mtime_ns for p in home.extracted_dir.iterdir()}
        for request in after.dynamic_partitions_requests or ():  # what the daemon does
            assert isinstance(request, AddDynamicPartitionsRequest)
            instance.add_dynamic_partitions(request.partitions_def_name, request.partition_keys)
        [run_request] = after.run_requests or []
        result = defs.resolve_job_def(PIPELINE_JOB).execute_in_process(
            instance=instance,
            tags=run_request.tags,
            asset_selection=run_request.asset_selection,
            run_config=QUIET,
        )
        assert result.success
        [extraction] = [
            event.materialization.metadata["extracted"].value
            for event in result.get_asset_materialization_events()
            if event.materialization.asset_key == EXTRACTED
        ]

        schedule_context = build_schedule_context(
            instance=instance, resources={"juesuan": juesuan},
            repository_def=defs.get_repository_def(),
        )
        nightly = nightly_schedule()(schedule_context)
        assert isinstance(nightly, RunRequest)

    scan = scan_inbox(inbox, home)
    return Operations(
        home=home,
        original=scan.files[str(inbox / HENAN)],
        revised=scan.files[str(inbox / "henan-revised.txt")],
        ticks=[before, after, unchanged],
        sensor_run_id=result.run_id,
        sensor_run_extracted=int(extraction),
        cache_before=cache_before,
        nightly=nightly,
    )


def query(home: Home, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def extractions(home: Home) -> dict[str, list[str]]:
    """The partitions of `extracted_documents` each run materialised."""
    with DagsterInstance.from_config(str(home.dagster_home)) as instance:
        records = instance.fetch_materializations(EXTRACTED, limit=100).records
    runs: dict[str, list[str]] = {}
    for record in records:
        runs.setdefault(record.run_id, []).append(record.partition_key or "")
    return runs


def test_sensor_adds_only_the_new_hash_and_requests_its_extraction(
    operations: Operations,
) -> None:
    before, after, unchanged = operations.ticks
    assert isinstance(before, SensorResult) and isinstance(after, SensorResult)
    # the first tick after `juesuan run`: nothing new, the downstream assets only
    assert not before.dynamic_partitions_requests
    [downstream] = before.run_requests or []
    assert downstream.asset_selection and EXTRACTED not in downstream.asset_selection
    assert after.dynamic_partitions_requests == [
        AddDynamicPartitionsRequest("documents", [operations.revised])
    ]
    [request] = after.run_requests or []
    assert request.partition_key_range is not None
    assert (request.partition_key_range.start, request.partition_key_range.end) == (
        operations.revised, operations.revised)
    assert isinstance(unchanged, SkipReason)


def test_a_run_extracts_only_new_documents(operations: Operations) -> None:
    runs = extractions(operations.home)
    assert runs.pop(operations.sensor_run_id) == [operations.revised]
    assert operations.sensor_run_extracted == 1
    # the failed `juesuan run` extracted both samples
    shanghai = file_sha256(SAMPLE_INBOX / SHANGHAI)
    assert [sorted(keys) for keys in runs.values()] == [sorted([operations.original, shanghai])]
    cache = {p.name: p.stat().st_mtime_ns for p in operations.home.extracted_dir.iterdir()}
    assert {name: cache[name] for name in operations.cache_before} == operations.cache_before
    assert set(cache) - set(operations.cache_before) == {f"{operations.revised}.json"}


def test_same_bytes_twice_are_one_document(operations: Operations) -> None:
    rows = query(operations.home, "select file_name from marts.dim_document where sha256 = ?",
                 [operations.original])
    assert len(rows) == 1 and rows[0][0] in (HENAN, "henan-again.txt")
    assert query(operations.home, "select count(*) from marts.dim_document") == [(3,)]


def test_revised_version_supersedes_the_earlier(operations: Operations) -> None:
    rows = dict(
        (r[0], r[1:]) for r in query(
            operations.home,
            "select document_id, status, superseded_by, loaded_at from marts.dim_document "
            "where department_name = '许昌市人力资源和社会保障局' and fiscal_year = 2023",
        )
    )
    old_status, superseded_by, old_seen = rows[operations.original]
    new_status, _, new_seen = rows[operations.revised]
    assert (old_status, superseded_by, new_status) == (
        "superseded", operations.revised, "published")
    assert isinstance(old_seen, datetime) and old_seen < new_seen
    marts = query(operations.home, "select document_id from marts.mart_department_year "
                  "where fiscal_year = 2023")
    assert marts == [(operations.revised,)]


def test_failed_run_is_in_dq_runs(operations: Operations) -> None:
    runs = query(operations.home, "select published, documents_published from dq.runs "
                 "order by started_at")
    assert runs == [(False, 0), (True, 2)]  # the superseded version is not counted


def test_nightly_schedule_refreshes_the_inbox(operations: Operations) -> None:
    assert operations.nightly.asset_selection  # nothing new since the sensor's run
    assert EXTRACTED not in operations.nightly.asset_selection


def test_schedule_cron_and_timezone_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JUESUAN_CRON", raising=False)
    monkeypatch.delenv("JUESUAN_TIMEZONE", raising=False)
    default = nightly_schedule()
    assert (default.cron_schedule, default.execution_timezone) == ("0 2 * * *", "Asia/Shanghai")
    monkeypatch.setenv("JUESUAN_CRON", "30 23 * * 1-5")
    monkeypatch.setenv("JUESUAN_TIMEZONE", "Europe/Berlin")
    custom = nightly_schedule()
    assert (custom.cron_schedule, custom.execution_timezone) == ("30 23 * * 1-5", "Europe/Berlin")


def test_file_rewritten_in_place_keeps_its_earlier_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, home = tmp_path / "inbox", Home(tmp_path / "home")
    inbox.mkdir()
    target = inbox / "report.txt"
    target.write_text("first", encoding="utf-8")
    first = scan_inbox(inbox, home)
    target.write_text("second", encoding="utf-8")
    second = scan_inbox(inbox, home)
    with monkeypatch.context() as patch:  # unchanged files are not hashed again
        patch.setattr(ingest, "file_sha256", None)
        assert scan_inbox(inbox, home) == second
    [old, new] = second.versions()
    assert (old.sha256, old.current, new.current) == (first.files[str(target)], False, True)
    assert old.path == new.path == target and old.first_seen_at < new.first_seen_at
    target.unlink()
    assert scan_inbox(inbox, home).versions() == []  # a removed file takes its versions along


def test_definitions_validate(tmp_path: Path) -> None:
    env = {**os.environ, "JUESUAN_HOME": str(tmp_path), "DAGSTER_HOME": str(tmp_path)}
    env.pop("JUESUAN_BUILD_DB", None)
    dagster = Path(sys.executable).parent / "dagster"
    result = subprocess.run(
        [str(dagster), "definitions", "validate", "-m", "orchestration.definitions"],
        env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


PDF_BODY = b"%PDF-1.4\n" + b"x" * 2000


class Disclosures(BaseHTTPRequestHandler):
    """/docs/* a document, /big a declared oversize, /stream an undeclared one, /slow late."""

    def do_GET(self) -> None:
        if self.path.startswith("/docs/"):
            self._send(PDF_BODY, "application/pdf", len(PDF_BODY))
        elif self.path == "/big":
            self._send(b"y" * 10_000, "application/pdf", 10_000)
        elif self.path == "/stream":
            self._send(b"z" * 10_000, "application/pdf", None)
        elif self.path == "/slow":
            time.sleep(1.5)
            self._send(PDF_BODY, "application/pdf", len(PDF_BODY))
        else:
            self.send_error(404)

    def _send(self, body: bytes, content_type: str, length: int | None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.end_headers()
        with contextlib.suppress(OSError):  # the client gave up first
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Disclosures)
    httpd.daemon_threads = True
    httpd.block_on_close = False
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_fetch_manifest(server: str, tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "url,department,year\n"
        f"{server}/docs/report.pdf,许昌市人力资源和社会保障局,2023\n"
        f"{server}/docs/../../etc/evil.pdf,../../逃逸/部门 ,2023\n"
        f"{server}/missing.pdf,某局,2023\n"
        f"{server}/big,某局,2023\n"
        f"{server}/stream,某局,2023\n"
        f"{server}/slow,某局,2023\n"
        f"{server}/docs/x.pdf,某局,20x3\n"
        "file:///etc/passwd,某局,2023\n",
        encoding="utf-8",
    )
    inbox = tmp_path / "inbox"
    started = time.monotonic()
    outcomes = fetch_manifest(manifest, inbox, max_bytes=5000, timeout_s=0.5)
    assert time.monotonic() - started < 5
    good, escaped, *failed = outcomes
    assert good.error is None and good.path is not None
    assert good.path.name.startswith("许昌市人力资源和社会保障局-2023-")
    assert good.path.suffix == ".pdf"
    assert good.path.read_bytes() == PDF_BODY
    assert escaped.error is None and escaped.path is not None
    assert escaped.path.parent == inbox and escaped.path.name.startswith("逃逸_部门-2023-")
    errors = [outcome.error or "" for outcome in failed]
    assert "HTTP 404" in errors[0]
    assert "over the limit" in errors[1] and "over the limit" in errors[2]
    assert "no answer within" in errors[3]
    assert "not a year" in errors[4] and "not an http(s) URL" in errors[5]
    assert [o.line for o in outcomes] == list(range(2, 10))
    assert sorted(p.name for p in inbox.iterdir()) == sorted(p.name for p in inbox_files(inbox))
    assert len(inbox_files(inbox)) == 2  # no partial file left behind


def test_fetch_command(server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(f"url,department,year\n{server}/docs/a.pdf,某局,2024\n", encoding="utf-8")
    assert main(["fetch", "--manifest", str(manifest), "--inbox", str(tmp_path / "in")]) == 0
    assert "1 fetched, 0 failed" in capsys.readouterr().out
