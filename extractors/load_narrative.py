"""Write the narrative statements and performance self-evaluations into the `raw` schema.

Four long tables beside raw.cells: one row per stated figure, per evaluated item, per funds
line and per indicator, values as printed (the staging models convert to 元). Values are bound
as parameters (DataFrames), never formatted into SQL text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import duckdb
import pandas as pd

from extractors.insert import insert_frame
from extractors.ir import Document

NARRATIVE_DDL = """
create schema if not exists raw;
create or replace table raw.narrative_statements (
    document_id varchar not null,
    statement_index integer not null,  -- order in the narrative
    section varchar,                   -- the heading it is under
    paragraph integer,                 -- statements of one paragraph (one 项) share it
    key varchar not null,              -- extractors.narrative_vocab
    measure varchar not null,          -- amount, share, completion, change, growth, prior, …
    subject varchar,                   -- item / class names as printed
    subject_code varchar,
    base varchar,                      -- share / completion: the key of the whole
    value decimal(20, 4),              -- as printed, signed for change / growth
    unit varchar,                      -- 万元, 元, %, count
    raw_text varchar,
    reason varchar,
    sentence varchar,
    page integer,
    location varchar                   -- page-less formats: line / paragraph
);
create or replace table raw.perf_evaluations (
    document_id varchar not null,
    evaluation_index integer not null,
    scope varchar not null,            -- department | project
    item_name varchar,
    unit varchar,
    pages integer[],
    page_start integer,
    location varchar,
    total_weight decimal(20, 4),
    total_score decimal(20, 4),
    total_raw varchar,
    total_page integer
);
create or replace table raw.perf_funds (
    document_id varchar not null,
    evaluation_index integer not null,
    line_index integer not null,
    line_key varchar not null,         -- funds_total, funds_fiscal, funds_special, funds_unit
    label varchar,
    page integer,
    initial_budget decimal(20, 4),     -- in the evaluation's unit
    annual_budget decimal(20, 4),
    executed decimal(20, 4),
    weight decimal(20, 4),
    execution_rate decimal(20, 4),     -- percent as printed
    score decimal(20, 4),
    execution_rate_raw varchar,
    score_raw varchar
);
create or replace table raw.perf_indicators (
    document_id varchar not null,
    evaluation_index integer not null,
    indicator_index integer not null,
    level1 varchar,
    level2 varchar,
    indicator_name varchar,
    target varchar,
    actual varchar,
    weight decimal(20, 4),
    score decimal(20, 4),
    score_raw varchar,
    deviation varchar,
    note varchar,
    page integer
);
"""


def create_narrative_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(NARRATIVE_DDL)


def load_narrative(con: duckdb.DuckDBPyConnection, documents: Iterable[Document]) -> None:
    statements: list[dict[str, Any]] = []
    evaluations: list[dict[str, Any]] = []
    funds: list[dict[str, Any]] = []
    indicators: list[dict[str, Any]] = []
    for doc in documents:
        for i, s in enumerate(doc.statements):
            statements.append({
                "document_id": doc.sha256, "statement_index": i, "section": s.section,
                "paragraph": s.paragraph, "key": s.key, "measure": s.measure,
                "subject": s.subject, "subject_code": s.subject_code, "base": s.base,
                "value": s.value, "unit": s.unit, "raw_text": s.raw, "reason": s.reason,
                "sentence": s.sentence, "page": s.page, "location": s.location,
            })
        for e, evaluation in enumerate(doc.evaluations):
            evaluations.append({
                "document_id": doc.sha256, "evaluation_index": e, "scope": evaluation.scope,
                "item_name": evaluation.item_name, "unit": evaluation.unit,
                "pages": evaluation.pages,
                "page_start": evaluation.pages[0] if evaluation.pages else None,
                "location": evaluation.location, "total_weight": evaluation.total_weight,
                "total_score": evaluation.total_score, "total_raw": evaluation.total_raw,
                "total_page": evaluation.total_page,
            })
            for line_index, f in enumerate(evaluation.funds):
                funds.append({
                    "document_id": doc.sha256, "evaluation_index": e, "line_index": line_index,
                    "line_key": f.line_key, "label": f.label, "page": f.page,
                    "initial_budget": f.initial_budget, "annual_budget": f.annual_budget,
                    "executed": f.executed, "weight": f.weight,
                    "execution_rate": f.execution_rate, "score": f.score,
                    "execution_rate_raw": f.raw.get("execution_rate", ""),
                    "score_raw": f.raw.get("score", ""),
                })
            for n, ind in enumerate(evaluation.indicators):
                indicators.append({
                    "document_id": doc.sha256, "evaluation_index": e, "indicator_index": n,
                    "level1": ind.level1, "level2": ind.level2, "indicator_name": ind.name,
                    "target": ind.target, "actual": ind.actual, "weight": ind.weight,
                    "score": ind.score, "score_raw": ind.score_raw,
                    "deviation": ind.deviation, "note": ind.note, "page": ind.page,
                })
    for table, rows in (
        ("raw.narrative_statements", statements),
        ("raw.perf_evaluations", evaluations),
        ("raw.perf_funds", funds),
        ("raw.perf_indicators", indicators),
    ):
        insert_frame(con, table, pd.DataFrame(rows))
