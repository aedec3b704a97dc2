"""The raw store: the raw rows of every cached document, kept between runs.

`Home.raw_store`, beside the build database, holds the `raw` tables of `extractors.load` for
every document among the inbox's cached versions, keyed by document id (the content hash), and
`store.loaded`: the ids loaded, each with the size and mtime of the cache file read (a
document extracted anew is loaded anew). A run drops the documents gone from the inbox, loads
the missing ones from their JSON (a batch and its ids in one transaction: a load killed midway
leaves a consistent store, DuckDB rolling the open transaction back), then copies the current
documents' rows into the fresh build database. raw.documents' source_path, file_name and
loaded_at depend on the inbox, not on the bytes: they come from the run's scan. Files that
cannot be read are loaded from the scan, as before, never stored.

The store is a cache of the extraction cache, never the source of truth: one written by other
code (its fingerprint differs) or one that cannot be read is deleted and rebuilt.
"""

from __future__ import annotations

import fcntl
import hashlib
import inspect
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from extractors import EXTRACTOR_VERSION, insert, ir, load, load_narrative
from extractors.insert import insert_frame
from extractors.load import BATCH_DOCUMENTS, batches, create_raw_schema, load_batch, load_documents
from orchestration.ingest import CachedInbox, cache_sha256
from orchestration.paths import Home

STORE_DDL = """
create schema store;
create table store.meta (fingerprint varchar not null);
create table store.loaded (
    document_id varchar not null,
    cache_size bigint not null,        -- of the cache file read: another file is loaded anew
    cache_mtime_ns bigint not null
);
"""

# raw.documents' columns taken from the run's scan, not from the store.
SCAN_COLUMNS = ("source_path", "file_name", "loaded_at")
_LOADED_COLUMNS = ["document_id", "cache_size", "cache_mtime_ns"]


@dataclass(frozen=True)
class RawLoad:
    cells: int  # raw.cells rows in the build database
    parsed: int  # documents read from their JSON into the store
    reused: int  # documents copied from the store as stored
    dropped: int  # documents deleted from the store: gone from the inbox, or extracted anew


@cache
def fingerprint() -> str:
    """What the stored rows depend on besides the cached JSON: the extractor version, the raw
    DDL and the code that turns the JSON into rows."""
    digest = hashlib.sha256(f"{EXTRACTOR_VERSION}\n{STORE_DDL}".encode())
    for module in (ir, insert, load, load_narrative):
        digest.update(inspect.getsource(module).encode())
    return digest.hexdigest()


def load_raw(
    con: duckdb.DuckDBPyConnection, inbox: CachedInbox, home: Home, log: logging.Logger
) -> RawLoad:
    """Create the raw schema in `con` (the build database) and fill it with the inbox's cached
    documents, through the store, and its files that cannot be read."""
    with _locked(home.raw_store):
        try:
            loaded = _load(con, inbox, home.raw_store, log)
        except duckdb.Error as exc:
            log.warning(f"raw store {home.raw_store} unusable ({exc}); rebuilt from the cache")
            _discard(home.raw_store)
            loaded = _load(con, inbox, home.raw_store, log)
    load_documents(con, (), inbox.failures, inbox.first_seen)
    return loaded


def _load(
    con: duckdb.DuckDBPyConnection, inbox: CachedInbox, path: Path, log: logging.Logger
) -> RawLoad:
    create_raw_schema(con)  # again after a failed attempt: `create or replace`
    wanted = {cache_sha256(file): _signature(file) for file, _ in inbox.cached}
    with _open(path, log) as store:
        rows = store.execute("select * from store.loaded").fetchall()
        loaded = {document_id: (size, mtime_ns) for document_id, size, mtime_ns in rows}
        gone = [sha for sha, signature in loaded.items() if wanted.get(sha) != signature]
        _delete(store, gone)
        missing = {sha for sha in wanted if sha not in loaded or sha in gone}
        now = datetime.now(UTC)
        for batch in batches(inbox.documents(missing), BATCH_DOCUMENTS):
            store.begin()  # the rows and their ids together, or neither
            load_batch(store, batch, {}, now)
            ids = [(doc.sha256, *wanted[doc.sha256]) for doc in batch]
            insert_frame(store, "store.loaded", pd.DataFrame(ids, columns=_LOADED_COLUMNS))
            store.commit()
    cells = _copy(con, path, inbox) if inbox.cached else 0
    return RawLoad(cells, len(missing), len(wanted) - len(missing), len(gone))


def _signature(file: Path) -> tuple[int, int]:
    stat = file.stat()
    return stat.st_size, stat.st_mtime_ns


def _open(path: Path, log: logging.Logger) -> duckdb.DuckDBPyConnection:
    """The store; a new one when there is none or it has another fingerprint. A file DuckDB
    cannot read raises."""
    if path.exists():
        con = duckdb.connect(str(path))
        try:
            stored = _stored_fingerprint(con)
        except BaseException:
            con.close()
            raise
        if stored == fingerprint():
            return con
        con.close()
        log.info(f"raw store {path} was written by other loader code: rebuilt")
    _discard(path)  # and a WAL left without its database
    con = duckdb.connect(str(path))
    path.chmod(0o600)  # private to the pipeline, like the build database
    con.begin()  # a store killed while created has no fingerprint: it is rebuilt
    con.execute(STORE_DDL)
    create_raw_schema(con)
    con.execute("insert into store.meta values (?)", [fingerprint()])
    con.commit()
    return con


def _stored_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    try:
        row = con.execute("select fingerprint from store.meta").fetchone()
    except duckdb.CatalogException:
        return None
    return row[0] if row else None


def _raw_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables of the raw schema of `con`'s own database."""
    rows = con.execute(
        "select table_name from duckdb_tables() "
        "where database_name = current_database() and schema_name = 'raw' order by table_name"
    ).fetchall()
    return [name for (name,) in rows]


def _delete(store: duckdb.DuckDBPyConnection, document_ids: list[str]) -> None:
    """Delete the documents' rows and ids from the store, in one transaction."""
    if not document_ids:
        return
    store.register("_gone", pd.DataFrame({"document_id": document_ids}))
    store.begin()
    for table in [*(f'raw."{name}"' for name in _raw_tables(store)), "store.loaded"]:
        store.execute(f"delete from {table} where document_id in (select document_id from _gone)")
    store.commit()
    store.unregister("_gone")


def _copy(con: duckdb.DuckDBPyConnection, path: Path, inbox: CachedInbox) -> int:
    """Copy the current documents' rows from the store into `con`'s raw schema, their
    inbox-dependent columns from the scan; returns the cells copied."""
    shas = [cache_sha256(cache) for cache, _ in inbox.cached]
    current = pd.DataFrame(
        {
            "document_id": shas,
            "source_path": [inbox_path for _, inbox_path in inbox.cached],
            "file_name": [inbox_path.rsplit("/", 1)[-1] for _, inbox_path in inbox.cached],
            "loaded_at": [inbox.first_seen[sha] for sha in shas],
        }
    )
    con.execute("attach ? as raw_store (read_only)", [str(path)])
    con.register("_current", current)
    try:
        for table in _raw_tables(con):
            columns = [
                name
                for (name,) in con.execute(
                    "select column_name from duckdb_columns() where database_name = "
                    "current_database() and schema_name = 'raw' and table_name = ? "
                    "order by column_index",
                    [table],
                ).fetchall()
            ]
            scanned = SCAN_COLUMNS if table == "documents" else ()
            names = ", ".join(f'"{c}"' for c in columns)
            select = ", ".join(f'{"c" if c in scanned else "s"}."{c}"' for c in columns)
            con.execute(
                f'insert into raw."{table}" ({names}) select {select} '
                f'from raw_store.raw."{table}" s '
                "join _current c on s.document_id = c.document_id"
            )
    finally:
        con.unregister("_current")
        con.execute("detach raw_store")
    (cells,) = con.execute("select count(*) from raw.cells").fetchone() or (0,)
    return int(cells)


def _discard(path: Path) -> None:
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """The store to one run at a time (a second waits, rather than take it for broken)."""
    with path.with_name(f".{path.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
