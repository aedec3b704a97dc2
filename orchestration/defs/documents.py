"""Inbox → extracted documents → the build database's raw schema."""


from pathlib import Path

import duckdb
from dagster import AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, multi_asset

from extractors.load import create_raw_schema, load_documents
from orchestration.defs.home import JuesuanHome
from orchestration.ingest import ingest

RAW_KEYS = [AssetKey(["raw", name]) for name in ("documents", "tables", "cells")]


@multi_asset(
    specs=[
        AssetSpec(
            key,
            group_name="documents",
            description=f"Extracted disclosures, long form: raw.{key.path[-1]} of the build DB.",
        )
        for key in RAW_KEYS
    ],
    name="extract_inbox",
)
def extract_inbox(context: AssetExecutionContext, juesuan: JuesuanHome):
    """Extract every file in the inbox (cached by content hash) into a fresh build database.

    A file that cannot be read is recorded with its error and skipped; the run goes on.
    """
    home = juesuan.layout()
    result = ingest(Path(juesuan.inbox), home, juesuan.max_file_bytes)
    for path, _sha, problem in result.failures:
        context.log.warning(f"skipped {path}: {problem}")
    home.build_db.unlink(missing_ok=True)  # the build is rebuilt from the cache every run
    with duckdb.connect(str(home.build_db)) as con:
        create_raw_schema(con)
        cells = load_documents(con, result.documents, result.failures)
    summary = {
        "documents": len(result.documents),
        "failed": len(result.failures),
        "extracted": len(result.extracted),
        "cached": len(result.cached),
    }
    yield MaterializeResult(asset_key=RAW_KEYS[0], metadata=summary)
    yield MaterializeResult(asset_key=RAW_KEYS[1], metadata={"documents": len(result.documents)})
    yield MaterializeResult(asset_key=RAW_KEYS[2], metadata={"cells": cells})
