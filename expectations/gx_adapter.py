"""Great Expectations as the validation engine: the only module that imports it.

Set-based: the evaluation rows of every check and every document of a run arrive as one
DataFrame (`eval_id`, `check_id`, `excess`; excess > 0 means outside tolerance, +inf a missing
figure), and are validated in one run of one suite holding one expectation per check id,
restricted to that check's rows by a row condition. Failing rows come back by `eval_id`. GX is
imported lazily: it takes seconds to import.

Given a docs directory, the same validation result is also rendered as GX Data Docs (a static
HTML site: `index.html`, the suite's page and the run's validation page) into that directory.
The context keeps its stores in memory, so the index lists this run's validation only; pages of
earlier runs stay on disk beside it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class GxValidation:
    unexpected: dict[str, list[int]]  # check id -> eval_id of its failing rows
    import_seconds: float
    validate_seconds: float  # context, suite and the validation run
    docs_seconds: float = 0.0  # rendering and writing the Data Docs (0 without a docs dir)
    docs_index: Path | None = None  # the site's index.html
    docs_page: Path | None = None  # the run's validation page


DOCS_SITE = "juesuan"
SUITE = "accounting_identities"


def preload() -> None:
    """Import GX ahead of `validate`, e.g. in a thread while a run's other steps work."""
    import great_expectations  # noqa: F401


def validate(
    evaluations: pd.DataFrame,
    check_ids: Sequence[str],
    run_name: str | None = None,
    docs_dir: Path | None = None,
) -> GxValidation:
    """Validate `excess <= 0` per check id over all rows in one GX validation run; with
    `docs_dir`, also write that run's Data Docs there."""
    started = time.perf_counter()
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )
    from great_expectations.expectations.row_conditions import Column

    imported = time.perf_counter()
    sites = {}
    if docs_dir is not None:
        sites[DOCS_SITE] = {
            "class_name": "SiteBuilder",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(Path(docs_dir).resolve()),
            },
            "site_index_builder": {
                "class_name": "DefaultSiteIndexBuilder",
                "show_cta_footer": False,
            },
        }
    context = gx.get_context(
        mode="ephemeral",
        project_config=DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(),
            analytics_enabled=False,
            progress_bars=ProgressBarsConfig(globally=False),
            data_docs_sites=sites,
        ),
    )
    batch = (
        context.data_sources.add_pandas("dq")
        .add_dataframe_asset("evaluations")
        .add_batch_definition_whole_dataframe("run")
    )
    suite = context.suites.add(gx.ExpectationSuite(name=SUITE))
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
        # check_id as a category: each row condition compares codes, not strings
        batch_parameters={
            "dataframe": evaluations[["eval_id", "check_id", "excess"]].astype(
                {"check_id": "category"}
            )
        },
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["eval_id"]},
        run_id=RunIdentifier(run_name=run_name, run_time=dt.datetime.now(dt.UTC)),
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
    validated = time.perf_counter()
    if docs_dir is None:
        return GxValidation(unexpected, imported - started, validated - imported)
    index, page = _build_docs(context, result)
    return GxValidation(
        unexpected,
        imported - started,
        validated - imported,
        time.perf_counter() - validated,
        index,
        page,
    )


def _build_docs(context: Any, result: Any) -> tuple[Path, Path]:
    """Render the stored validation result and its suite into the docs site, index included
    (what GX's UpdateDataDocsAction does after a checkpoint); return the index and the page."""
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    suite_id = ExpectationSuiteIdentifier(name=SUITE)
    result_id = ValidationResultIdentifier(
        expectation_suite_identifier=suite_id,
        run_id=result.meta["run_id"],
        batch_identifier=result.batch_id,
    )
    built = context.build_data_docs(
        site_names=[DOCS_SITE], resource_identifiers=[result_id, suite_id]
    )
    [page] = context.get_docs_sites_urls(resource_identifier=result_id, site_name=DOCS_SITE)
    index, page_path = _local_path(built[DOCS_SITE]), _local_path(page["site_url"])
    if not index.is_file() or not page_path.is_file():
        raise RuntimeError(f"GX Data Docs were not written: {index}, {page_path}")
    return index, page_path


def _local_path(url: str) -> Path:
    return Path(unquote(urlparse(url).path))
