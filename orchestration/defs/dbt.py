"""The dbt project as Dagster assets, split at the publish gate.

`dbt_transform` (seeds, staging, intermediate) runs before the checks; `dbt_marts` (every
model downstream of the `dq` source) runs after them, so only documents the checks passed
reach the marts.
"""


import sys
from pathlib import Path

from dagster import AssetExecutionContext
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

from orchestration.paths import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()

GATED = "source:dq+"


@dbt_assets(manifest=dbt_project.manifest_path, exclude=GATED, name="dbt_transform")
def dbt_transform(context: AssetExecutionContext, dbt: DbtCliResource):
    yield from dbt.cli(["build"], context=context).stream()


@dbt_assets(manifest=dbt_project.manifest_path, select=GATED, name="dbt_marts")
def dbt_marts(context: AssetExecutionContext, dbt: DbtCliResource):
    yield from dbt.cli(["build"], context=context).stream()


# The dbt of this interpreter's environment, whether or not the venv is on PATH.
dbt_resource = DbtCliResource(
    project_dir=dbt_project, dbt_executable=str(Path(sys.executable).parent / "dbt")
)
