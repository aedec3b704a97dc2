"""When the pipeline runs: when the inbox changes, and nightly; what a failed run leaves.

There is one job, every asset. A run extracts the new content hashes (a key range of the
"documents" partitions) and rebuilds everything downstream; with nothing new it runs the
downstream assets only (`plan_refresh`). No automation conditions: the sensor, the schedule
and `juesuan run` request the runs themselves.
"""

import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from dagster import (
    AssetSelection,
    DagsterInstance,
    DagsterRunStatus,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunFailureSensorContext,
    RunRequest,
    RunsFilter,
    ScheduleDefinition,
    ScheduleEvaluationContext,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    define_asset_job,
    in_process_executor,
    run_failure_sensor,
    schedule,
    sensor,
)

from orchestration.defs.documents import documents_partitions, plan_refresh
from orchestration.defs.home import JuesuanHome
from orchestration.ingest import inbox_files
from orchestration.paths import Home
from orchestration.publish import log_run

PIPELINE_JOB = "juesuan_pipeline"

# extract → raw → transform → checks → marts → publish → report, with every asset check. The
# steps run one after the other anyway: in one process, not a process (and code load) each.
pipeline_job = define_asset_job(
    PIPELINE_JOB, selection=AssetSelection.all(), executor_def=in_process_executor
)

IN_PROGRESS = [DagsterRunStatus.QUEUED, DagsterRunStatus.STARTING, DagsterRunStatus.STARTED]


def nightly_schedule() -> ScheduleDefinition:
    """The whole pipeline at JUESUAN_CRON (default 02:00) in JUESUAN_TIMEZONE (default
    Asia/Shanghai), read when the definitions load."""

    @schedule(
        name="nightly",
        job=pipeline_job,
        cron_schedule=os.environ.get("JUESUAN_CRON", "0 2 * * *"),
        execution_timezone=os.environ.get("JUESUAN_TIMEZONE", "Asia/Shanghai"),
        default_status=DefaultScheduleStatus.STOPPED,
    )
    def nightly(context: ScheduleEvaluationContext, juesuan: JuesuanHome) -> RunRequest:
        assert context.repository_def is not None
        refresh = plan_refresh(juesuan, context.instance, context.repository_def)
        refresh.register(context.instance)  # a schedule cannot ask for partitions
        return refresh.run_request

    return nightly


def inbox_fingerprint(inbox: Path) -> str:
    """Changes when a file is added, removed, renamed or rewritten."""
    digest = hashlib.sha256()
    for path in inbox_files(inbox):
        stat = path.stat()
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


@sensor(job=pipeline_job, minimum_interval_seconds=60)
def inbox_sensor(
    context: SensorEvaluationContext, juesuan: JuesuanHome
) -> SensorResult | SkipReason:
    """When the inbox's files differ from the last tick's: add the new content hashes as
    partitions and request the run that extracts them and rebuilds the warehouse."""
    fingerprint = inbox_fingerprint(Path(juesuan.inbox))
    if fingerprint == context.cursor:
        return SkipReason("inbox unchanged")
    running = RunsFilter(job_name=PIPELINE_JOB, statuses=IN_PROGRESS)
    if context.instance.get_runs_count(running):  # one build database: one run at a time
        return SkipReason("a pipeline run is in progress; the next tick looks again")
    assert context.repository_def is not None
    refresh = plan_refresh(juesuan, context.instance, context.repository_def)
    return SensorResult(
        run_requests=[refresh.run_request],
        dynamic_partitions_requests=(
            [documents_partitions.build_add_request(refresh.new_partitions)]
            if refresh.new_partitions else []
        ),
        cursor=fingerprint,
    )


@run_failure_sensor(monitored_jobs=[pipeline_job], default_status=DefaultSensorStatus.RUNNING)
def failed_run_recorder(context: RunFailureSensorContext, juesuan: JuesuanHome) -> None:
    """A failed run (under `dagster dev`) goes into the runs log for dq.runs."""
    record_failed_run(context.instance, context.dagster_run.run_id, juesuan.paths())


def record_failed_run(instance: DagsterInstance, run_id: str, home: Home) -> bool:
    """Log a run that failed before it published (the previous warehouse cannot take it);
    the next publish carries it into dq.runs with published = false. True when the run had
    published (and failed later, in the report): dq.runs has it already."""
    if _published(home.warehouse, run_id):
        return True
    stats = instance.get_run_stats(run_id)
    started, ended = stats.start_time, stats.end_time
    log_run(
        home,
        {
            "run_id": run_id,
            "started_at": datetime.fromtimestamp(started, UTC) if started else None,
            "finished_at": datetime.fromtimestamp(ended, UTC) if ended else datetime.now(UTC),
            "documents_seen": None,
            "documents_published": 0,
            "documents_quarantined": None,
            "published": False,
        },
    )
    return False


def _published(warehouse: Path, run_id: str) -> bool:
    if not warehouse.exists():
        return False
    with duckdb.connect(str(warehouse), read_only=True) as con:
        row = con.execute("select count(*) from dq.runs where run_id = ?", [run_id]).fetchone()
    return row is not None and row[0] > 0
