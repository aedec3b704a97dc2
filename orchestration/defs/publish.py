"""Publish the checked marts as the warehouse file and Parquet, then report on the run."""


from datetime import UTC, datetime

import duckdb
from dagster import AssetExecutionContext, MaterializeResult, asset

from orchestration.defs.dbt import dbt_marts
from orchestration.defs.home import JuesuanHome
from orchestration.publish import publish, record_run
from orchestration.report import write_report


@asset(group_name="publish", deps=list(dbt_marts.keys))
def published_warehouse(context: AssetExecutionContext, juesuan: JuesuanHome) -> MaterializeResult:
    """`<home>/warehouse.duckdb` (replaced atomically) and `<home>/export/<mart>/*.parquet`."""
    home = juesuan.layout()
    stats = context.instance.get_run_stats(context.run.run_id)
    started = datetime.fromtimestamp(stats.start_time, UTC) if stats.start_time else None
    with duckdb.connect(str(home.build_db)) as con:
        counts = con.execute(
            "select count(*), count(*) filter (where status = 'published'), "
            "count(*) filter (where status = 'quarantined') from dq.document_status"
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
        )
    result = publish(home)
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
    """The run's data-quality report, HTML under `<home>/reports/`."""
    report = write_report(juesuan.layout(), context.run.run_id)
    return MaterializeResult(
        metadata={"path": str(report.path), "findings": report.failures}
    )
