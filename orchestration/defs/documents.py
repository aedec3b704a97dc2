"""Inbox → extraction cache, one partition per content hash → the build database's raw schema.

`extracted_documents` is partitioned by the dynamic partitions "documents" (a key is a
file's sha256): a run extracts only the keys it is given. `raw_documents` is unpartitioned:
it loads every cached extraction of the inbox's files into a fresh build database, and the
transform, checks, marts, publish and report follow it in the same run.

`plan_refresh` decides what a run has to do for the inbox as it is now; the inbox sensor,
the nightly schedule and `juesuan run` all use it.
"""

import warnings
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSelection,
    AssetSpec,
    BackfillPolicy,
    BetaWarning,
    DagsterInstance,
    DynamicPartitionsDefinition,
    MaterializeResult,
    RepositoryDefinition,
    RunRequest,
    asset,
    multi_asset,
)
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
)

from extractors.dispatch import file_sha256
from orchestration.defs.home import TRANSIENT_RETRY, JuesuanHome
from orchestration.extraction import extract_files
from orchestration.ingest import is_cached, load_cached, scan_inbox
from orchestration.raw_store import load_raw

# The single-run backfill policy is what the extraction wants, beta or not (Dagster 1.13).
warnings.filterwarnings("ignore", "Parameter `backfill_policy`", BetaWarning)

DOCUMENTS = "documents"  # the dynamic partitions: one key per content hash
documents_partitions = DynamicPartitionsDefinition(name=DOCUMENTS)

RAW_KEYS = [AssetKey(["raw", name]) for name in ("documents", "tables", "cells")]


@asset(
    partitions_def=documents_partitions,
    backfill_policy=BackfillPolicy.single_run(),  # many new files: one run, not one each
    retry_policy=TRANSIENT_RETRY,
    group_name="documents",
)
def extracted_documents(context: AssetExecutionContext, juesuan: JuesuanHome) -> MaterializeResult:
    """`<home>/extracted/<sha256>.json`: one file's extraction, or `.error.json` for a file
    that cannot be read.

    The files are extracted by `extract_workers` processes (`orchestration.extraction`),
    each writing its own cache file. A key already in the cache is not extracted again (a
    retry goes on where the failure was); delete its cache file to extract it anew.
    """
    home = juesuan.layout()
    holders = scan_inbox(Path(juesuan.inbox), home).holders()
    counts: Counter[str] = Counter()
    todo: list[tuple[Path, str]] = []
    for sha256 in context.partition_keys:
        if is_cached(home, sha256):
            counts["cached"] += 1
            continue
        path = holders.get(sha256)
        if path is None or file_sha256(path) != sha256:
            context.log.warning(f"{sha256}: no longer in the inbox")
            counts["gone"] += 1
            continue
        todo.append((path, sha256))
    workers = juesuan.extract_workers
    for done in extract_files(
        todo, home, juesuan.max_file_bytes, workers, juesuan.extract_timeout_seconds
    ):
        if done.problem:
            context.log.warning(f"cannot read {done.path}: {done.problem}")
        counts["failed" if done.problem else "extracted"] += 1
    return MaterializeResult(
        metadata={
            **{key: counts[key] for key in ("extracted", "failed", "cached", "gone")},
            "workers": min(workers, len(todo)),
        }
    )


@multi_asset(
    specs=[
        AssetSpec(
            key,
            group_name="documents",
            deps=[extracted_documents],
            description=f"Extracted disclosures, long form: raw.{key.path[-1]} of the build DB.",
        )
        for key in RAW_KEYS
    ],
    name="raw_documents",
)
def raw_documents(
    context: AssetExecutionContext, juesuan: JuesuanHome
) -> Iterator[MaterializeResult]:
    """Every cached extraction of the inbox's files, and every earlier version of a file
    rewritten in place, into a fresh build database, stamped with when its bytes were first
    seen. A file that cannot be read is loaded as its error; the run goes on.

    The rows are copied from the raw store (`orchestration.raw_store`), which reads only the
    documents it does not hold yet from their cache files.
    """
    home = juesuan.layout()
    inbox = load_cached(scan_inbox(Path(juesuan.inbox), home), home)
    for path in inbox.pending:
        context.log.warning(f"{path} is not extracted yet; the next run loads it")
    for stale in (home.build_db, home.build_db.with_name(home.build_db.name + ".wal")):
        stale.unlink(missing_ok=True)  # a fresh file every run; a killed run's WAL too
    with duckdb.connect(str(home.build_db)) as con:
        home.build_db.chmod(0o600)  # private to the pipeline
        loaded = load_raw(con, inbox, home, context.log)
    yield MaterializeResult(
        asset_key=RAW_KEYS[0],
        metadata={
            "documents": len(inbox.cached),
            "failed": len(inbox.failures),
            "pending": len(inbox.pending),
            "parsed": loaded.parsed,  # read from the extraction cache; the rest from the store
        },
    )
    yield MaterializeResult(asset_key=RAW_KEYS[1], metadata={"documents": len(inbox.cached)})
    yield MaterializeResult(asset_key=RAW_KEYS[2], metadata={"cells": loaded.cells})


# Everything but the extraction: what a run does when no file is new or changed.
DOWNSTREAM = AssetSelection.all() - AssetSelection.assets(extracted_documents)


@dataclass(frozen=True)
class Refresh:
    """What brings the warehouse up to date with the inbox."""

    new_partitions: list[str]  # content hashes to add to the "documents" partitions
    run_request: RunRequest  # for the pipeline job

    def register(self, instance: DagsterInstance) -> None:
        """Add the new partitions (a sensor asks for it in its result instead)."""
        instance.add_dynamic_partitions(DOCUMENTS, self.new_partitions)


def plan_refresh(
    juesuan: JuesuanHome, instance: DagsterInstance, repository: RepositoryDefinition
) -> Refresh:
    """Scan the inbox: its new contents become partitions, and the run extracts the ones not
    in the cache, then rebuilds everything downstream; with nothing to extract it runs the
    downstream assets only.

    One run takes a contiguous range of keys. Keys are in the order they were added, so the
    keys to extract are the newest ones unless an earlier extraction failed; cached keys in
    the range are skipped by the asset.
    """
    home = juesuan.layout()
    hashes = scan_inbox(Path(juesuan.inbox), home).hashes()
    known = instance.get_dynamic_partitions(DOCUMENTS)
    registered = set(known)
    new = [sha for sha in hashes if sha not in registered]
    missing = {sha for sha in hashes if not is_cached(home, sha)}
    if not missing:
        downstream = DOWNSTREAM.resolve(repository.asset_graph)
        return Refresh(new, RunRequest(asset_selection=sorted(downstream)))
    span = [sha for sha in [*known, *new] if sha in missing]
    tags = {ASSET_PARTITION_RANGE_START_TAG: span[0], ASSET_PARTITION_RANGE_END_TAG: span[-1]}
    return Refresh(new, RunRequest(tags=tags))
