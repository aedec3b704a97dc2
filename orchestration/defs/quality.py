"""The accounting-identity checks: the publish gate between the transform and the marts.

The checks evaluate the departments whose documents (or the checks) changed since the last
published run and carry the other departments' results over (see `expectations.scope`). Their
results land in `dq.check_results` and `dq.document_status` of the build database and surface as one
Dagster asset check per check id. The run's GX Data Docs go to `<home>/reports/gx/`.
"""


import duckdb
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    MaterializeResult,
    MetadataValue,
    multi_asset,
)

from expectations.registry import CHECKS
from orchestration.defs.dbt import dbt_transform
from orchestration.defs.home import JuesuanHome

CHECK_RESULTS = AssetKey(["dq", "check_results"])
DOCUMENT_STATUS = AssetKey(["dq", "document_status"])


def check_name(check_id: str) -> str:
    """Dagster check names are identifiers: `summary.income_sum` → `summary__income_sum`."""
    return check_id.replace(".", "__")


@multi_asset(
    specs=[
        AssetSpec(
            CHECK_RESULTS,
            group_name="quality",
            deps=list(dbt_transform.keys),
            description="One row per check per document (and per failing row), with evidence.",
        ),
        AssetSpec(
            DOCUMENT_STATUS,
            group_name="quality",
            deps=list(dbt_transform.keys),
            description="Publish status per document: quarantined when an error-level check fails.",
        ),
    ],
    check_specs=[
        AssetCheckSpec(check_name(check.id), asset=CHECK_RESULTS, description=check.description_en)
        for check in CHECKS
    ],
    name="accounting_checks",
)
def accounting_checks(context: AssetExecutionContext, juesuan: JuesuanHome):
    from expectations.run import run_checks

    home = juesuan.layout()
    with duckdb.connect(str(home.build_db)) as con:
        summary = run_checks(
            con,
            context.run.run_id,
            docs_dir=home.reports_dir / "gx",
            previous=home.warehouse,
        )
    for outcome in summary.checks:
        yield AssetCheckResult(
            asset_key=CHECK_RESULTS,
            check_name=check_name(outcome.check_id),
            passed=outcome.failures == 0,
            severity=(
                AssetCheckSeverity.ERROR
                if outcome.severity == "error"
                else AssetCheckSeverity.WARN
            ),
            metadata={
                "severity": outcome.severity,
                "failures": outcome.failures,
                "documents_failed": outcome.documents_failed,
            },
        )
    yield MaterializeResult(
        asset_key=CHECK_RESULTS,
        metadata={
            "failures": sum(o.failures for o in summary.checks),
            "documents_evaluated": summary.documents_evaluated,
            "documents_reused": summary.documents_reused,
            **(
                {"gx_data_docs": MetadataValue.path(str(summary.docs_index))}
                if summary.docs_index is not None
                else {}
            ),
        },
    )
    yield MaterializeResult(
        asset_key=DOCUMENT_STATUS,
        metadata={
            "published": summary.documents_published,
            "quarantined": summary.documents_quarantined,
        },
    )
