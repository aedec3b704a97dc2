"""Great Expectations as the validation engine: the only module that imports it.

Set-based: the evaluation rows of every check and every document of a run arrive as one
DataFrame (`eval_id`, `check_id`, `excess`; excess > 0 means outside tolerance, +inf a missing
figure), and are validated in one run of one suite holding one expectation per check id,
restricted to that check's rows by a row condition. Failing rows come back by `eval_id`. GX is
imported lazily: it takes seconds to import.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class GxValidation:
    unexpected: dict[str, list[int]]  # check id -> eval_id of its failing rows
    import_seconds: float
    validate_seconds: float  # context, suite and the validation run


def validate(evaluations: pd.DataFrame, check_ids: Sequence[str]) -> GxValidation:
    """Validate `excess <= 0` per check id over all rows in one GX validation run."""
    started = time.perf_counter()
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )
    from great_expectations.expectations.row_conditions import Column

    imported = time.perf_counter()
    context = gx.get_context(
        mode="ephemeral",
        project_config=DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(),
            analytics_enabled=False,
            progress_bars=ProgressBarsConfig(globally=False),
        ),
    )
    batch = (
        context.data_sources.add_pandas("dq")
        .add_dataframe_asset("evaluations")
        .add_batch_definition_whole_dataframe("run")
    )
    suite = context.suites.add(gx.ExpectationSuite(name="accounting_identities"))
    for check_id in check_ids:
        suite.add_expectation(
            gxe.ExpectColumnValuesToBeBetween(
                column="excess",
                max_value=0,
                row_condition=Column("check_id") == check_id,
                meta={"check_id": check_id},
            )
        )
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name="run", data=batch, suite=suite)
    )
    result = definition.run(
        batch_parameters={"dataframe": evaluations[["eval_id", "check_id", "excess"]]},
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["eval_id"]},
    )
    unexpected: dict[str, list[int]] = {}
    for outcome in result.results:
        config = outcome.expectation_config
        if config is None or not config.meta:
            raise RuntimeError("GX returned a result without its expectation")
        check_id = config.meta["check_id"]
        if outcome.exception_info.get("raised_exception"):
            raise RuntimeError(
                f"GX could not validate {check_id}: {outcome.exception_info['exception_message']}"
            )
        rows = outcome.result.get("unexpected_index_list") or []
        unexpected[check_id] = [int(row["eval_id"]) for row in rows]
    return GxValidation(unexpected, imported - started, time.perf_counter() - imported)
