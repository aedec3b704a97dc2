"""Which documents a check run evaluates, and which results it carries over.

A check reads one department's documents only: the identities read one document, and the checks
across years join a document to its department's prior year by
`staging.stg_documents.department_id`. So a department whose documents are unchanged since the
last published run (every row of every `raw` table of its documents, paths included, and the
order in which its versions were first seen) has the same results as then, provided the checks
are the same too: the fingerprint covers every check's definition, the staging views and the
catalogue they read, and the versions that produce the rows. Such a department's results are
carried over from the published warehouse (`dq.check_results`); the other departments are
evaluated, on a copy of their rows only (`evaluation_scope`), so that a nightly run with a few
changed documents costs a few departments' checks. `dq.check_scope` records, per department,
what was compared and which run evaluated it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from expectations.registry import PERSONNEL_CLASSES, PUBLIC_CLASSES, Check
from extractors import EXTRACTOR_VERSION

INPUT_SCHEMAS = ("raw", "staging", "catalogue")  # what the checks' SQL reads
SCOPE_CATALOG = "dq_scope"  # the evaluated departments' rows, in memory
PREVIOUS_CATALOG = "dq_previous"  # the published warehouse, read-only

SCOPE_DDL = """
create or replace table dq.check_scope (
    department_key varchar not null,   -- staging department_id, or the document_id
    signature varchar not null,        -- md5 over the department's documents' raw rows
    documents integer not null,
    fingerprint varchar not null,      -- the checks and what they read
    evaluated_run_id varchar not null  -- the run whose evaluation these results are
)"""


@dataclass(frozen=True)
class Scope:
    fingerprint: str
    groups: pd.DataFrame  # department_key, signature, documents, evaluated_run_id (None: now)
    evaluated: list[str]  # document ids evaluated in this run
    reused: list[str]  # document ids whose results are carried over

    @property
    def full(self) -> bool:
        return not self.reused


def plan_scope(
    con: duckdb.DuckDBPyConnection, checks: Sequence[Check], previous: Path | None
) -> Scope:
    """Compare the build database's departments with the last published run's.

    With `previous` (the published warehouse) attached as `PREVIOUS_CATALOG` when it holds
    results of the same fingerprint; the caller detaches it (`detach_previous`).
    """
    fingerprint = _fingerprint(con, checks)
    documents = _document_groups(con)
    earlier = _previous_groups(con, previous, fingerprint)
    groups = documents.groupby(["department_key", "signature"], as_index=False).agg(
        documents=("document_id", "size")
    )
    groups = groups.merge(earlier, on=["department_key", "signature"], how="left")
    kept = set(groups.loc[groups["evaluated_run_id"].notna(), "department_key"])
    reuse = documents["department_key"].isin(kept)
    return Scope(
        fingerprint,
        groups,
        sorted(documents.loc[~reuse, "document_id"]),
        sorted(documents.loc[reuse, "document_id"]),
    )


def detach_previous(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"detach database if exists {PREVIOUS_CATALOG}")


def _fingerprint(con: duckdb.DuckDBPyConnection, checks: Sequence[Check]) -> str:
    digest = hashlib.sha256()
    for check in checks:
        digest.update(repr(check).encode())
    digest.update(repr((PERSONNEL_CLASSES, PUBLIC_CLASSES, EXTRACTOR_VERSION)).encode())
    digest.update(duckdb.__version__.encode())
    views = con.execute(
        "select schema_name, view_name, sql from duckdb_views() "
        "where database_name = current_database() and not internal order by all"
    ).fetchall()
    digest.update(repr(views).encode())
    for schema, name in _relations(con, ("catalogue",)):
        [(rows, content)] = con.execute(
            f"select count(*), coalesce(sum(hash(t)), 0) from {schema}.{name} as t"
        ).fetchall()
        digest.update(f"{schema}.{name}:{rows}:{content}".encode())
    return digest.hexdigest()


def _relations(con: duckdb.DuckDBPyConnection, schemas: Sequence[str]) -> list[tuple[str, str]]:
    return con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = current_database() and list_contains(?, table_schema) "
        "order by all",
        [list(schemas)],
    ).fetchall()


def _keyed(con: duckdb.DuckDBPyConnection, schema: str) -> list[tuple[str, bool]]:
    """The schema's relations, each with whether it has a document_id column."""
    return [(name, "document_id" in (columns or [])) for name, columns in _columns(con, schema)]


def _columns(con: duckdb.DuckDBPyConnection, schema: str) -> list[tuple[str, list[str]]]:
    """The schema's relations, each with its columns but timestamps."""
    return con.execute(
        "select table_name, list(column_name order by ordinal_position) "
        "filter (where data_type not like 'TIMESTAMP%') "
        "from information_schema.columns "
        "where table_catalog = current_database() and table_schema = ? "
        "group by table_name order by table_name",
        [schema],
    ).fetchall()


def _document_groups(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """document_id, department_key, signature: the department's documents' raw rows, hashed.

    Timestamps (raw.documents.loaded_at, when the bytes were first seen) count by their order
    within the department only, which is what the checks read of them (the latest version of
    a prior year): a home whose index stamps the same files at other times signs the same.
    """
    hashes = " union all ".join(
        f"select document_id, '{name}' as source, "
        f"sum(hash({', '.join(f'{_quoted(c)}' for c in columns)})) as content "
        f"from raw.{name} group by document_id"
        for name, columns in _columns(con, "raw")
        if "document_id" in (columns or [])
    )
    departments = (
        "select document_id, department_id from staging.stg_documents"
        if ("staging", "stg_documents") in _relations(con, ("staging",))
        else "select document_id, null::varchar as department_id from raw.documents"
    )
    return con.execute(f"""
        with rows as ({hashes}),
        departments as ({departments}),
        documents as (
            select d.document_id, any_value(d.loaded_at) as loaded_at,
                coalesce(any_value(p.department_id), d.document_id) as department_key,
                md5(d.document_id || ':' || string_agg(r.source || '=' || r.content, ','
                    order by r.source)) as document_signature
            from raw.documents as d
            join rows as r using (document_id)
            left join departments as p using (document_id)
            group by d.document_id
        )
        select document_id, department_key,
            md5(string_agg(document_signature, ',' order by loaded_at, document_signature)
                over (partition by department_key)) as signature
        from documents
        order by document_id
    """).df()


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _previous_groups(
    con: duckdb.DuckDBPyConnection, previous: Path | None, fingerprint: str
) -> pd.DataFrame:
    """The published warehouse's departments checked with this fingerprint (none without)."""
    none = pd.DataFrame(
        {"department_key": [], "signature": [], "evaluated_run_id": []}, dtype="str"
    )
    if previous is None or not previous.exists():
        return none
    try:
        con.execute(f"attach '{_sql_path(previous)}' as {PREVIOUS_CATALOG} (read_only)")
    except duckdb.Error:
        return none  # unreadable: evaluate everything
    found = con.execute(
        "select count(*) from information_schema.tables where table_catalog = ? "
        "and table_schema = 'dq' and table_name in ('check_scope', 'check_results')",
        [PREVIOUS_CATALOG],
    ).fetchone()
    if not found or found[0] < 2:
        return none
    return con.execute(
        f"select department_key, signature, evaluated_run_id "
        f"from {PREVIOUS_CATALOG}.dq.check_scope where fingerprint = ?",
        [fingerprint],
    ).df()


def _ids(document_ids: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"document_id": pd.Series(document_ids, dtype="str")})


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


@contextmanager
def evaluation_scope(con: duckdb.DuckDBPyConnection, scope: Scope) -> Iterator[None]:
    """Within: the names in `INPUT_SCHEMAS` resolve to the evaluated documents' rows only
    (a full scope changes nothing)."""
    if scope.full:
        yield
        return
    [(build,)] = con.execute("select current_database()").fetchall()
    con.register("dq_scope_documents", _ids(scope.evaluated))
    con.execute(f"attach ':memory:' as {SCOPE_CATALOG}")
    try:
        for schema in INPUT_SCHEMAS:
            con.execute(f"create schema {SCOPE_CATALOG}.{schema}")
            for name, keyed in _keyed(con, schema):
                where = (
                    " where document_id in (select document_id from dq_scope_documents)"
                    if keyed
                    else ""
                )
                con.execute(
                    f'create table {SCOPE_CATALOG}.{schema}."{name}" as '
                    f'select * from "{build}".{schema}."{name}"{where}'
                )
        con.execute(f"use {SCOPE_CATALOG}")
        yield
    finally:
        con.execute(f'use "{build}"')
        con.execute(f"detach database if exists {SCOPE_CATALOG}")
        con.unregister("dq_scope_documents")


def write_scope(con: duckdb.DuckDBPyConnection, scope: Scope, run_id: str) -> None:
    """`dq.check_scope` and the carried-over results (call in the results' transaction,
    after this run's own rows are in `dq.check_results`)."""
    con.execute(SCOPE_DDL)
    groups = scope.groups.assign(
        fingerprint=scope.fingerprint,
        evaluated_run_id=scope.groups["evaluated_run_id"].fillna(run_id),
    )
    con.register("dq_scope_groups", groups)
    try:
        con.execute(
            "insert into dq.check_scope by name "
            "select department_key, signature, documents, fingerprint, evaluated_run_id "
            "from dq_scope_groups"
        )
    finally:
        con.unregister("dq_scope_groups")
    if scope.full:
        return
    con.register("dq_reused_documents", _ids(scope.reused))
    try:
        con.execute(
            f"insert into dq.check_results by name "
            f"select * replace (?::varchar as run_id) from {PREVIOUS_CATALOG}.dq.check_results "
            f"where document_id in (select document_id from dq_reused_documents)",
            [run_id],
        )
    finally:
        con.unregister("dq_reused_documents")
