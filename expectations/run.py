"""Run every registry check over all documents of the build database and record the results.

1. each check's SQL appends its evaluation rows to one temp table (a SQL error raises
   `CheckQueryError`: the caller must then publish nothing);
2. one Great Expectations validation decides which rows are outside tolerance;
3. `dq.check_results` gets, per check × document, one `pass` row (the largest difference kept
   as the rounding tail), or one `fail` row per failing evaluation row, or one `skipped` row;
   `dq.document_status` quarantines every document with an error-level failure. Both hold the
   latest run only (the build database is rebuilt per run; `dq.runs` keeps the history).

Given the published warehouse of the last run, only the departments whose documents or checks
changed since are evaluated; the others' results are carried over (`expectations.scope`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from expectations import gx_adapter
from expectations.registry import CHECKS, PERSONNEL_CLASSES, PUBLIC_CLASSES, Check
from expectations.scope import (
    Scope,
    detach_previous,
    evaluation_scope,
    plan_scope,
    write_scope,
)
from expectations.sql_common import ECONOMIC_GROUPS, EVALUATION_COLUMNS, lit


class CheckQueryError(RuntimeError):
    """A check's query failed: a bug or a schema change, never a finding about a document."""

    def __init__(self, check_id: str, error: Exception):
        super().__init__(f"check {check_id}: query failed: {error}")
        self.check_id = check_id


@dataclass(frozen=True)
class CheckOutcome:
    check_id: str
    severity: str
    description: str
    passed: bool
    failures: int  # failing evaluation rows, all documents
    documents_failed: int
    documents_evaluated: int
    documents_skipped: int


@dataclass(frozen=True)
class CheckRunSummary:
    run_id: str
    checks: tuple[CheckOutcome, ...]
    documents_published: int
    documents_quarantined: int
    documents_evaluated: int  # checked in this run
    documents_reused: int  # results carried over from the last published run
    gx_import_seconds: float
    gx_validate_seconds: float
    gx_docs_seconds: float = 0.0  # writing the GX Data Docs (0 without a docs dir)
    docs_index: Path | None = None  # the GX Data Docs index.html, when written


RESULTS_DDL = """
create schema if not exists dq;
create or replace table dq.check_results (
    run_id varchar not null,
    document_id varchar not null,
    department_name varchar,
    fiscal_year integer,
    check_id varchar not null,
    severity varchar not null,
    status varchar not null,           -- pass | fail | skipped
    lhs decimal(20, 2),                -- 元 (counts for doc.* checks)
    rhs decimal(20, 2),
    difference decimal(20, 2),         -- lhs - rhs
    tolerance decimal(20, 2),          -- n printed figures × half the printed unit, in 元
    table_key varchar,
    page integer,
    row_label varchar,
    column_key varchar,
    message varchar
);
"""

_EVALUATIONS_DDL = """
create or replace temp table dq_evaluations (
    check_id varchar, document_id varchar, table_key varchar, page integer,
    row_label varchar, column_key varchar, lhs decimal(38, 2), rhs decimal(38, 2),
    n_terms integer, half_unit_yuan decimal(20, 4), message varchar
)"""


def run_checks(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    checks: Sequence[Check] = CHECKS,
    docs_dir: Path | None = None,
    previous: Path | None = None,
) -> CheckRunSummary:
    """Evaluate `checks` over the documents in `raw`, write `dq`, summarise per check; with
    `docs_dir`, the validation also writes its GX Data Docs there. With `previous`, the
    published warehouse of the last run, departments unchanged since keep its results."""
    try:
        scope = plan_scope(con, checks, previous)
        with evaluation_scope(con, scope):
            gx = _validate(con, checks, scope, run_id, docs_dir)
            failing = pd.DataFrame(
                {"eval_id": [i for rows in gx.unexpected.values() for i in rows]}, dtype="int64"
            )
            con.register("dq_failing", failing)
            try:
                _scoped_results(con, run_id)
            finally:
                con.unregister("dq_failing")
        try:
            con.execute("begin")
            con.execute(RESULTS_DDL)
            con.execute("insert into dq.check_results by name select * from dq_run_results")
            write_scope(con, scope, run_id)
            _write_document_status(con, run_id)
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
    finally:
        detach_previous(con)
    return _summarise(con, run_id, checks, gx, scope)


def _validate(
    con: duckdb.DuckDBPyConnection,
    checks: Sequence[Check],
    scope: Scope,
    run_id: str,
    docs_dir: Path | None,
) -> gx_adapter.GxValidation:
    """Evaluate, and let GX decide which rows fail; no document to evaluate, no GX."""
    _prepare_economic_groups(con)
    _evaluate(con, checks)
    if not (scope.full or scope.evaluated):
        return gx_adapter.GxValidation({}, 0.0, 0.0)
    frame = con.execute("select eval_id, check_id, excess from dq_scored order by eval_id").df()
    return gx_adapter.validate(frame, [check.id for check in checks], run_id, docs_dir)


def _prepare_economic_groups(con: duckdb.DuckDBPyConnection) -> None:
    """人员经费 / 公用经费 classes: the dbt seed `catalogue.economic_classes` when it is loaded,
    else the registry's constants (valid in every year)."""
    [(seeded,)] = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'catalogue' and table_name = 'economic_classes'"
    ).fetchall()
    if seeded:
        source = (
            "select economic_code, expense_group, valid_from_year, valid_to_year "
            "from catalogue.economic_classes"
        )
    else:
        rows = [(c, "personnel") for c in PERSONNEL_CLASSES] + [
            (c, "public") for c in PUBLIC_CLASSES
        ]
        values = ", ".join(f"({lit(code)}, {lit(group)}, null, null)" for code, group in rows)
        source = (
            f"select * from (values {values}) "
            "as t(economic_code, expense_group, valid_from_year, valid_to_year)"
        )
    con.execute(f"create or replace temp view {ECONOMIC_GROUPS} as {source}")


def _evaluate(con: duckdb.DuckDBPyConnection, checks: Sequence[Check]) -> None:
    """Temp table `dq_scored`: every evaluation row with difference, tolerance and excess."""
    con.execute(_EVALUATIONS_DDL)
    columns = ", ".join(EVALUATION_COLUMNS)
    for check in checks:
        try:
            con.execute(
                f"insert into dq_evaluations (check_id, {columns}) "
                f"select ?, {columns} from ({check.sql})",
                [check.id],
            )
        except duckdb.Error as error:
            raise CheckQueryError(check.id, error) from error
    con.register(
        "dq_check_rules",
        pd.DataFrame(
            [(c.id, c.severity, c.tolerance, c.comparison, ", ".join(c.tables)) for c in checks],
            columns=["check_id", "severity", "tolerance_rule", "comparison", "tables"],
        ),
    )
    con.execute("""
        create or replace temp table dq_checks as select * from dq_check_rules;
        create or replace temp table dq_scored as
        select row_number() over (order by check_id, document_id, table_key, page, row_label,
                column_key) - 1 as eval_id,
            e.*, c.severity, c.comparison,
            e.lhs - e.rhs as difference,
            case c.tolerance_rule when 'rounding' then coalesce(e.n_terms, 0)
                * coalesce(e.half_unit_yuan, 0) else 0 end as tolerance,
            case
                when e.lhs is null or e.rhs is null then 'inf'::double
                when c.comparison = 'equal' then (abs(e.lhs - e.rhs) - tolerance)::double
                else (e.lhs - e.rhs - tolerance)::double
            end as excess
        from dq_evaluations as e
        join dq_checks as c using (check_id);
    """)
    con.unregister("dq_check_rules")


def _scoped_results(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """Temp table `dq_run_results`: the rows of `dq.check_results` of the evaluated documents."""
    con.execute(
        """
        create or replace temp table dq_run_results as
        with flagged as (
            select *, eval_id in (select eval_id from dq_failing) as failed
            from dq_scored
        ),
        reported as (
            select *, case when failed then 'fail' else 'pass' end as status
            from flagged
            qualify failed or (
                not bool_or(failed) over (partition by check_id, document_id)
                -- a passing check keeps its largest rounding tail (at_most: its closest call);
                -- ties by the evidence itself, so that a rerun keeps the same row
                and row_number() over (
                    partition by check_id, document_id
                    order by case comparison when 'equal' then abs(difference) else excess end
                        desc, table_key, page, row_label, column_key, lhs, rhs, eval_id) = 1
            )
        ),
        skipped as (
            select c.check_id, c.severity, d.document_id,
                case when d.extraction_error is not null then
                    'skipped: the file could not be extracted'
                else 'skipped: no figures to compare in ' || coalesce(nullif(c.tables, ''),
                    'the document') end as message
            from dq_checks as c
            cross join raw.documents as d
            where not exists (
                select 1 from dq_scored as s
                where s.check_id = c.check_id and s.document_id = d.document_id)
        )
        select ? as run_id, r.document_id, d.department_name, d.fiscal_year, r.check_id,
            r.severity, r.status, r.lhs, r.rhs, r.difference, r.tolerance, r.table_key,
            r.page, r.row_label, r.column_key, r.message
        from reported as r
        join raw.documents as d using (document_id)
        union all by name
        select ? as run_id, s.document_id, d.department_name, d.fiscal_year, s.check_id,
            s.severity, 'skipped' as status, s.message
        from skipped as s
        join raw.documents as d using (document_id)
        """,
        [run_id, run_id],
    )


def _write_document_status(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    con.execute(
        """
        create or replace table dq.document_status as
        select d.document_id,
            case when count(r.check_id) filter (where r.severity = 'error') > 0
                then 'quarantined' else 'published' end as status,
            count(r.check_id) filter (where r.severity = 'error')::integer as error_count,
            count(r.check_id) filter (where r.severity = 'warning')::integer as warning_count,
            ?::varchar as run_id
        from raw.documents as d
        left join dq.check_results as r
            on r.document_id = d.document_id and r.run_id = ? and r.status = 'fail'
        group by d.document_id
        """,
        [run_id, run_id],
    )


def _summarise(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    checks: Sequence[Check],
    gx: gx_adapter.GxValidation,
    scope: Scope,
) -> CheckRunSummary:
    counts = {
        row[0]: row[1:]
        for row in con.execute(
            """
            select check_id,
                count(*) filter (where status = 'fail'),
                count(distinct document_id) filter (where status = 'fail'),
                count(distinct document_id) filter (where status <> 'skipped'),
                count(distinct document_id) filter (where status = 'skipped')
            from dq.check_results
            where run_id = ?
            group by check_id
            """,
            [run_id],
        ).fetchall()
    }
    outcomes = tuple(
        CheckOutcome(
            check.id,
            check.severity,
            check.description_en,
            counts.get(check.id, (0,))[0] == 0,
            *counts.get(check.id, (0, 0, 0, 0)),
        )
        for check in checks
    )
    [(published, quarantined)] = con.execute(
        "select count(*) filter (where status = 'published'), "
        "count(*) filter (where status = 'quarantined') from dq.document_status"
    ).fetchall()
    return CheckRunSummary(
        run_id,
        outcomes,
        published,
        quarantined,
        len(scope.evaluated),
        len(scope.reused),
        gx.import_seconds,
        gx.validate_seconds,
        gx.docs_seconds,
        gx.docs_index,
    )
