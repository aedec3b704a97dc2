"""The dbt project as Dagster assets, split at the publish gate.

`dbt_transform` (seeds, staging, intermediate) runs before the checks; `dbt_marts` (every
model downstream of the `dq` source) runs after them, so only documents the checks passed
reach the marts.

dbt's artifacts go to `<home>/build/dbt/<asset>/`, the same folder every run: dbt's partial
parsing reuses the last run's parse there (the profile's build database path is part of what
it compares, so a folder shared by every home would mean a full parse each run), and the
project folder no longer gains a target folder per run.
"""


import sys
from pathlib import Path

from dagster import AssetExecutionContext
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

from orchestration.defs.home import JuesuanHome
from orchestration.paths import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()

GATED = "source:dq+"


def _target_path(juesuan: JuesuanHome, asset: str) -> Path:
    return juesuan.layout().build_db.parent / "dbt" / asset


@dbt_assets(manifest=dbt_project.manifest_path, exclude=GATED, name="dbt_transform")
def dbt_transform(context: AssetExecutionContext, dbt: DbtCliResource, juesuan: JuesuanHome):
    target = _target_path(juesuan, "dbt_transform")
    yield from dbt.cli(["build"], context=context, target_path=target).stream()


@dbt_assets(manifest=dbt_project.manifest_path, select=GATED, name="dbt_marts")
def dbt_marts(context: AssetExecutionContext, dbt: DbtCliResource, juesuan: JuesuanHome):
    target = _target_path(juesuan, "dbt_marts")
    yield from dbt.cli(["build"], context=context, target_path=target).stream()


# The dbt of this interpreter's environment, whether or not the venv is on PATH.
dbt_resource = DbtCliResource(
    project_dir=dbt_project, dbt_executable=str(Path(sys.executable).parent / "dbt")
)
