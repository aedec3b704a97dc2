"""Juesuan's Dagster definitions: thin, everything lives in `orchestration/defs/`."""

from __future__ import annotations

import os

from dagster import Definitions

from orchestration.defs import dbt, documents, publish, quality, schedules
from orchestration.defs.home import JuesuanHome, home_from_env


def build_defs(juesuan: JuesuanHome) -> Definitions:
    """The definitions over one inbox and home (`juesuan run` builds its own)."""
    return Definitions(
        assets=[
            documents.extracted_documents,
            documents.raw_documents,
            dbt.dbt_transform,
            quality.accounting_checks,
            dbt.dbt_marts,
            publish.published_warehouse,
            publish.quality_report,
        ],
        jobs=[schedules.pipeline_job],
        schedules=[schedules.nightly_schedule()],
        sensors=[schedules.inbox_sensor, schedules.failed_run_recorder],
        resources={"juesuan": juesuan, "dbt": dbt.dbt_resource},
    )


juesuan = home_from_env()
# dbt runs as a subprocess and finds the build database through this variable.
os.environ.setdefault("JUESUAN_BUILD_DB", str(juesuan.paths().build_db))
defs = build_defs(juesuan)
