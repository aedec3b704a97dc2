"""`juesuan`: run the pipeline, fetch a manifest, extract one file, prepare the dbt project."""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration.paths import DBT_PROJECT_DIR, SAMPLE_INBOX, Home

if TYPE_CHECKING:
    from dagster import DagsterInstance

RUN_LOCK = ".run.lock"
PID_TAG = "juesuan/pid"  # on the runs of `juesuan run`: which process executes it

SAMPLE_QUERY = """
select department_name, fiscal_year,
       cast(total_income / 10000 as decimal(20, 2)) as income_wan,
       cast(total_expenditure / 10000 as decimal(20, 2)) as expenditure_wan,
       cast(three_public_actual / 10000 as decimal(20, 2)) as three_public_wan
from marts.mart_department_year
order by department_name, fiscal_year
"""


def prepare() -> None:
    """Parse the dbt project so `@dbt_assets` finds its manifest."""
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(
        ["parse", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
         "--quiet"]
    )
    if not result.success:
        raise SystemExit(f"dbt parse failed: {result.exception}")


def _manifest_stale() -> bool:
    """True when a dbt project file is newer than the manifest `@dbt_assets` loads."""
    manifest = DBT_PROJECT_DIR / "target" / "manifest.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = (p for d in ("models", "seeds", "macros", "tests") for p in
               (DBT_PROJECT_DIR / d).rglob("*") if p.is_file())
    return any(p.stat().st_mtime > built for p in sources) or (
        DBT_PROJECT_DIR / "dbt_project.yml").stat().st_mtime > built


def _configure(inbox: Path, home: Home) -> None:
    """Point the definitions, dbt and the Dagster instance at this inbox and home."""
    home.ensure()
    os.environ["JUESUAN_INBOX"] = str(inbox)
    os.environ["JUESUAN_HOME"] = str(home.root)
    os.environ["JUESUAN_BUILD_DB"] = str(home.build_db)
    os.environ["DAGSTER_HOME"] = str(home.dagster_home)


class RunInProgress(RuntimeError):
    """Another `juesuan run` holds the home."""


@contextmanager
def _run_lock(home: Home) -> Iterator[None]:
    """One `juesuan run` per home at a time (one build database); released when the process
    ends, however it ends."""
    with (home.root / RUN_LOCK).open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunInProgress(f"{home.root}: another juesuan run is in progress") from None
        yield


def run(inbox: Path, home: Home) -> bool:
    """One run of the pipeline job, in process, recorded in the home's Dagster instance: the
    inbox's new content hashes become partitions and are extracted, then everything downstream
    is rebuilt from the extraction cache (what the inbox sensor asks of `dagster dev`).

    What a killed run left is cleared first (`publish.recover`, `_end_orphaned_runs`)."""
    _configure(inbox, home)
    try:
        with _run_lock(home):
            return _run_locked(inbox, home)
    except RunInProgress as exc:
        print(f"error: {exc}", file=sys.stderr)
        return False


def _run_locked(inbox: Path, home: Home) -> bool:
    if _manifest_stale():
        prepare()
    from dagster import DagsterInstance

    from expectations import gx_adapter
    from orchestration.definitions import build_defs
    from orchestration.defs.documents import plan_refresh
    from orchestration.defs.home import home_from_env
    from orchestration.defs.schedules import PIPELINE_JOB, record_failed_run
    from orchestration.publish import recover

    # GX takes seconds to import and is needed only by the checks, after the extraction,
    # load and dbt's first build: import it beside them.
    threading.Thread(target=gx_adapter.preload, name="gx-preload", daemon=True).start()
    recover(home)
    juesuan = home_from_env()  # the inbox and home just configured
    defs = build_defs(juesuan)
    with DagsterInstance.get() as instance:
        _end_orphaned_runs(instance, home)
        refresh = plan_refresh(juesuan, instance, defs.get_repository_def())
        refresh.register(instance)
        result = defs.resolve_job_def(PIPELINE_JOB).execute_in_process(
            instance=instance,
            tags={**refresh.run_request.tags, PID_TAG: str(os.getpid())},
            asset_selection=refresh.run_request.asset_selection,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
        )
        published = result.success or record_failed_run(instance, result.run_id, home)
    if not result.success:
        message = f"run {result.run_id} failed; " + (
            "it published, a later step failed" if published
            else "the previous warehouse stays published"
        )
        print(message, file=sys.stderr)
        return False
    _print_outcome(home, result.run_id)
    return True


def _end_orphaned_runs(instance: DagsterInstance, home: Home) -> None:
    """Runs of `juesuan run` still marked in progress while we hold the run lock were killed:
    mark them failed (else the inbox sensor waits for them forever) and log them for dq.runs."""
    from dagster import RunsFilter

    from orchestration.defs.schedules import IN_PROGRESS, PIPELINE_JOB, record_failed_run

    for orphan in instance.get_runs(RunsFilter(job_name=PIPELINE_JOB, statuses=IN_PROGRESS)):
        if PID_TAG in orphan.tags:
            instance.report_run_failed(orphan, "its process ended without finishing the run")
            record_failed_run(instance, orphan.run_id, home)


def _print_outcome(home: Home, run_id: str) -> None:
    import duckdb

    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        seen, published, quarantined = con.execute(
            "select documents_seen, documents_published, documents_quarantined "
            "from dq.runs where run_id = ?",
            [run_id],
        ).fetchone() or (0, 0, 0)
        answer = con.execute(SAMPLE_QUERY).fetchall()
    print(f"run {run_id}: {seen} documents, {published} published, {quarantined} quarantined")
    print(f"warehouse: {home.warehouse}  (duckdb -readonly {home.warehouse})")
    print(f"parquet:   {home.export_dir}/<table>/data.parquet")
    print(f"report:    {home.reports_dir / f'report-{run_id}.html'}")
    print("sample query (万元):" + SAMPLE_QUERY.rstrip())
    for row in answer:
        print("  " + " | ".join("" if v is None else str(v) for v in row))


def fetch(manifest: Path, inbox: Path | str | None) -> int:
    """Download the manifest's rows into the inbox; 1 when a row failed."""
    from orchestration.fetch import fetch_manifest

    if inbox is None:
        print("error: give --inbox or set JUESUAN_INBOX", file=sys.stderr)
        return 2
    outcomes = fetch_manifest(manifest, Path(inbox).resolve())
    for outcome in outcomes:
        if outcome.error:
            print(f"line {outcome.line}: {outcome.url}: {outcome.error}", file=sys.stderr)
        else:
            print(f"line {outcome.line}: {outcome.path}")
    failed = sum(1 for outcome in outcomes if outcome.error)
    print(f"{len(outcomes) - failed} fetched, {failed} failed")
    return 1 if failed else 0


# The demo corpus: the bundled samples plus generated departments over three years, in every
# format, with planted faults and broken files so the report has something to say.
DEMO_CORPUS = {"departments": 12, "years": range(2022, 2025), "seed": 2026, "faults": 0.1,
               "formats": ["pdf", "docx", "xlsx", "txt"]}


def demo_inbox(home: Home) -> Path:
    """Generate the demo corpus once under the home and lay out its inbox (documents only)."""
    from synth import generate

    inbox = home.root / "demo-inbox"
    if inbox.is_dir() and any(inbox.iterdir()):
        return inbox
    corpus = home.root / "demo-corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    print(f"generating the demo corpus under {corpus} ...", flush=True)
    documents = generate(corpus, **DEMO_CORPUS)  # type: ignore[arg-type]
    staging = inbox.with_name(inbox.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for path in [*documents, *SAMPLE_INBOX.iterdir()]:
        shutil.copy2(path, staging / path.name)
    staging.rename(inbox)
    return inbox


def report(home: Home, run_id: str, send: bool) -> int:
    from orchestration.mail import MailConfigError
    from orchestration.report import MailNotSent, report_command

    try:
        path = report_command(home, run_id, send)
    except (LookupError, FileNotFoundError, MailConfigError, MailNotSent) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"report: {path}")
    return 0


def verify(home: Home) -> int:
    """Check the published warehouse and its export against the manifest; 1 on a problem."""
    from orchestration.publish import verify as verify_warehouse

    problems = verify_warehouse(home)
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    print(f"{home.warehouse}: " + (f"{len(problems)} problems" if problems else "intact"))
    return 1 if problems else 0


HOME_HELP = "default: $JUESUAN_HOME or ./var"


def _home(arg: Path | None) -> Home:
    return Home((arg or Path(os.environ.get("JUESUAN_HOME", "var"))).resolve())


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["synth"]:  # the generator has its own options
        from synth.cli import main as synth_main

        return synth_main(argv[1:])
    parser = argparse.ArgumentParser(prog="juesuan", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run_cmd = commands.add_parser("run", help="extract, check and publish the inbox")
    run_cmd.add_argument("--inbox", type=Path, default=None, help="default: bundled samples")
    run_cmd.add_argument("--home", type=Path, default=None, help=HOME_HELP)
    fetch_cmd = commands.add_parser("fetch", help="download a manifest's files into the inbox")
    fetch_cmd.add_argument("--manifest", type=Path, required=True, help="CSV: url,department,year")
    fetch_cmd.add_argument("--inbox", type=Path, default=None, help="default: $JUESUAN_INBOX")
    extract_cmd = commands.add_parser("extract", help="print one file's extraction as JSON")
    extract_cmd.add_argument("file", type=Path)
    commands.add_parser("prepare", help="parse the dbt project (writes its manifest)")
    verify_cmd = commands.add_parser("verify", help="check the published warehouse's integrity")
    verify_cmd.add_argument("--home", type=Path, default=None, help=HOME_HELP)
    commands.add_parser("synth", help="generate a disclosure corpus (see `juesuan synth -h`)")
    demo_cmd = commands.add_parser("demo", help="run on the samples plus a generated corpus")
    demo_cmd.add_argument("--home", type=Path, default=None, help=HOME_HELP)
    report_cmd = commands.add_parser("report", help="rewrite (and mail) a run's report")
    report_cmd.add_argument("--run", default="latest", help="a run id, or latest")
    report_cmd.add_argument("--send", action="store_true", help="mail it (once per run)")
    report_cmd.add_argument("--home", type=Path, default=None, help=HOME_HELP)
    args = parser.parse_args(argv)

    if args.command == "prepare":
        prepare()
        return 0
    if args.command == "extract":
        from extractors.dispatch import extract_file
        from extractors.ir import ExtractionError

        try:
            document = extract_file(args.file)
        except ExtractionError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        json.dump(document.to_json(), sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    if args.command == "fetch":
        return fetch(args.manifest, args.inbox or os.environ.get("JUESUAN_INBOX"))
    if args.command == "verify":
        return verify(_home(args.home))
    if args.command == "report":
        return report(_home(args.home), args.run, args.send)
    if args.command == "demo":
        home = _home(args.home)
        return 0 if run(demo_inbox(home.ensure()), home) else 1
    inbox = (args.inbox or Path(os.environ.get("JUESUAN_INBOX", SAMPLE_INBOX))).resolve()
    return 0 if run(inbox, _home(args.home)) else 1


if __name__ == "__main__":
    raise SystemExit(main())
