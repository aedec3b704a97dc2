"""`juesuan`: run the pipeline, extract one file, prepare the dbt project."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from orchestration.paths import DBT_PROJECT_DIR, SAMPLE_INBOX, Home

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


def run(inbox: Path, home: Home) -> bool:
    """Run every asset once, in process, recorded in the home's Dagster instance."""
    _configure(inbox, home)
    if _manifest_stale():
        prepare()
    from dagster import DagsterInstance

    from orchestration.definitions import defs

    job = defs.resolve_job_def("juesuan_pipeline")
    with DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
        )
    if not result.success:
        message = f"run {result.run_id} failed; the previous warehouse stays published"
        print(message, file=sys.stderr)
        return False
    _print_outcome(home, result.run_id)
    return True


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="juesuan", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run_cmd = commands.add_parser("run", help="extract, check and publish the inbox")
    run_cmd.add_argument("--inbox", type=Path, default=None, help="default: bundled samples")
    run_cmd.add_argument("--home", type=Path, default=None, help="default: $JUESUAN_HOME or ./var")
    extract_cmd = commands.add_parser("extract", help="print one file's extraction as JSON")
    extract_cmd.add_argument("file", type=Path)
    commands.add_parser("prepare", help="parse the dbt project (writes its manifest)")
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
    inbox = (args.inbox or Path(os.environ.get("JUESUAN_INBOX", SAMPLE_INBOX))).resolve()
    home = Home((args.home or Path(os.environ.get("JUESUAN_HOME", "var"))).resolve())
    return 0 if run(inbox, home) else 1


if __name__ == "__main__":
    raise SystemExit(main())
