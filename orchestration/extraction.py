"""Extraction over a pool of worker processes; each worker writes its file's cache entry.

A pebble `ProcessPool` of `workers` processes. The workers fork from a forkserver that
imported the extractors once (not from the Dagster process and its threads), and each is
replaced after `TASKS_PER_WORKER` files, so a parser that leaks cannot make memory grow with
the corpus. Only the problem text (or None) travels back; the document goes to the cache.

A file that kills its worker (a crash in a native parser, the OOM killer) or runs past the
timeout costs that one task only: it is recorded in the cache as the file's error and the
other files go on. Any other exception (the cache cannot be written) fails the step, which
is retried; files already cached are not extracted again.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import Future, as_completed
from concurrent.futures import TimeoutError as TaskTimeout
from dataclasses import dataclass
from pathlib import Path

from pebble import ProcessExpired, ProcessPool

from orchestration.ingest import extract_to_cache, record_failure
from orchestration.paths import Home

TASKS_PER_WORKER = 20  # files a worker extracts before a fresh one replaces it


@dataclass(frozen=True)
class Extracted:
    path: Path
    sha256: str
    problem: str | None  # why the file cannot be read; None: extracted


def _extract(path: str, sha256: str, home_root: str, max_bytes: int) -> str | None:
    """In a worker: extract one file into the cache."""
    return extract_to_cache(Path(path), sha256, Home(Path(home_root)), max_bytes)


def extract_files(
    files: list[tuple[Path, str]],
    home: Home,
    max_bytes: int,
    workers: int,
    timeout_seconds: float,
) -> Iterator[Extracted]:
    """Extract (path, sha256) pairs into the cache, `workers` at a time, as they finish."""
    if not files:
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    with ProcessPool(
        max_workers=min(workers, len(files)), max_tasks=TASKS_PER_WORKER, context=context
    ) as pool:
        futures: dict[Future[str | None], tuple[Path, str]] = {
            pool.submit(_extract, timeout_seconds, str(path), sha256, str(home.root), max_bytes):
            (path, sha256)
            for path, sha256 in files
        }
        for future in as_completed(futures):
            path, sha256 = futures[future]
            try:
                problem = future.result()
            except ProcessExpired as exc:
                problem = f"the extractor process died on this file (exit code {exc.exitcode})"
                record_failure(path, sha256, home, problem)
            except TaskTimeout:
                problem = f"extraction took longer than {timeout_seconds:g} s"
                record_failure(path, sha256, home, problem)
            yield Extracted(path, sha256, problem)
