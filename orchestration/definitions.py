"""Juesuan's Dagster definitions: thin, everything lives in `orchestration/defs/`."""

from __future__ import annotations

import os

from dagster import Definitions

from orchestration.defs import dbt, documents, publish, quality, schedules
from orchestration.defs.home import home_from_env

juesuan = home_from_env()
# dbt runs as a subprocess and finds the build database through this variable.
os.environ.setdefault("JUESUAN_BUILD_DB", str(juesuan.paths().build_db))

defs = Definitions(
    assets=[
        documents.extract_inbox,
        dbt.dbt_transform,
        quality.accounting_checks,
        dbt.dbt_marts,
        publish.published_warehouse,
        publish.quality_report,
    ],
    jobs=[schedules.pipeline_job],
    schedules=[schedules.nightly_schedule],
    sensors=[schedules.inbox_sensor],
    resources={"juesuan": juesuan, "dbt": dbt.dbt_resource},
)
