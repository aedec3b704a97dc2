"""Publish the checked marts as the warehouse file and Parquet, then report on the run."""


from datetime import UTC, datetime

import duckdb
from dagster import AssetExecutionContext, MaterializeResult, asset

from orchestration.defs.dbt import dbt_marts
from orchestration.defs.home import TRANSIENT_RETRY, JuesuanHome
from orchestration.mail import MailConfigError, mail_log
from orchestration.publish import RUNS_LOG, publish, record_run
from orchestration.report import send_report, write_report


@asset(group_name="publish", deps=list(dbt_marts.keys), retry_policy=TRANSIENT_RETRY)
def published_warehouse(context: AssetExecutionContext, juesuan: JuesuanHome) -> MaterializeResult:
    """`<home>/warehouse.duckdb` (replaced atomically) and `<home>/export/<mart>/*.parquet`."""
    home = juesuan.layout()
    stats = context.instance.get_run_stats(context.run.run_id)
    started = datetime.fromtimestamp(stats.start_time, UTC) if stats.start_time else None
    with duckdb.connect(str(home.build_db)) as con:
        counts = con.execute(  # superseded versions are neither published nor quarantined
            "select count(*), count(*) filter (where status = 'published'), "
            "count(*) filter (where status = 'quarantined') from marts.dim_document"
        ).fetchone()
        assert counts is not None
        record_run(
            con,
            home.warehouse,
            {
                "run_id": context.run.run_id,
                "started_at": started,
                "finished_at": datetime.now(UTC),
                "documents_seen": counts[0],
                "documents_published": counts[1],
                "documents_quarantined": counts[2],
                "published": True,
            },
            runs_log=home.root / RUNS_LOG,
        )
    result = publish(home, context.run.run_id)
    return MaterializeResult(
        metadata={
            "path": str(result.warehouse),
            "tables": len(result.tables),
            "export": str(result.exported),
            "documents_published": counts[1],
            "documents_quarantined": counts[2],
        }
    )


@asset(group_name="publish", deps=[published_warehouse])
def quality_report(context: AssetExecutionContext, juesuan: JuesuanHome) -> MaterializeResult:
    """The run's data-quality report: HTML under `<home>/reports/`, mailed once per run.

    Mail trouble never fails the run: it is logged as a warning and shown in the metadata.
    """
    home = juesuan.layout()
    report = write_report(home, context.run.run_id)
    metadata: dict[str, str | int] = {"path": str(report.path), "findings": len(report.findings)}
    try:
        outcome = send_report(home, report)
    except MailConfigError as exc:
        context.log.warning(f"report mail not sent: {exc}")
        metadata["mail"] = "misconfigured"
    except Exception as exc:  # the data is published already: never fail the run here
        context.log.warning(f"report mail not sent: {type(exc).__name__}")
        metadata["mail"] = f"error: {type(exc).__name__}"
    else:
        metadata["mail"] = outcome.outcome
        if outcome.outcome == "failed":
            context.log.warning(f"report mail failed after {outcome.attempts} attempts: "
                                f"{outcome.error} (see {mail_log(home)})")
            metadata["mail_error"] = outcome.error or ""
    return MaterializeResult(metadata=metadata)
