"""When the pipeline runs: nightly, and when the inbox changes."""


import hashlib
import os
from pathlib import Path

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    RunRequest,
    ScheduleDefinition,
    SensorEvaluationContext,
    SkipReason,
    define_asset_job,
    sensor,
)

from orchestration.defs.home import JuesuanHome
from orchestration.ingest import inbox_files

# Every asset and its checks: extract → transform → check → marts → publish → report.
pipeline_job = define_asset_job("juesuan_pipeline", selection=AssetSelection.all())

nightly_schedule = ScheduleDefinition(
    name="nightly",
    job=pipeline_job,
    cron_schedule=os.environ.get("JUESUAN_CRON", "0 2 * * *"),
    execution_timezone=os.environ.get("JUESUAN_TIMEZONE", "Asia/Shanghai"),
    default_status=DefaultScheduleStatus.STOPPED,
)


def inbox_fingerprint(inbox: Path) -> str:
    """Changes when a file is added, removed, renamed or rewritten."""
    digest = hashlib.sha256()
    for path in inbox_files(inbox):
        stat = path.stat()
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


@sensor(job=pipeline_job, minimum_interval_seconds=60)
def inbox_sensor(context: SensorEvaluationContext, juesuan: JuesuanHome):
    """Request a run when the inbox's files differ from those of the last request."""
    fingerprint = inbox_fingerprint(Path(juesuan.inbox))
    if fingerprint == context.cursor:
        return SkipReason("inbox unchanged")
    context.update_cursor(fingerprint)
    return RunRequest(run_key=fingerprint)
