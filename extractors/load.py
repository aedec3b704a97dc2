"""Write extracted documents into the build database's `raw` schema.

Three long tables: one row per document, per table and per printed cell (and the narrative
and performance tables of `load_narrative`), plus `raw.name_mentions`: where the department
name and year are printed. Values are bound as parameters (DataFrames),
never formatted into SQL text. Documents are read from their iterable and inserted
`BATCH_DOCUMENTS` at a time, so memory does not grow with the corpus.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from itertools import islice

import duckdb
import pandas as pd

from extractors.insert import insert_frame
from extractors.ir import UNIT_MULTIPLIER, UNIT_PRECISION, Document
from extractors.load_narrative import create_narrative_schema, load_narrative

RAW_DDL = """
create schema if not exists raw;
create or replace table raw.documents (
    document_id varchar primary key,   -- sha256 of the file's bytes
    source_path varchar not null,
    file_name varchar not null,
    format varchar,
    pages integer,
    department_name varchar,
    fiscal_year integer,
    source_unit varchar,
    unit_multiplier integer,
    half_unit decimal(20, 4),          -- half the printed precision, in the printed unit
    member_units varchar[],
    stated_unit_count integer,
    warnings varchar[],
    extraction_error varchar,          -- set when the file could not be read
    loaded_at timestamp with time zone not null  -- bytes first seen: orders versions
);
create or replace table raw.tables (
    document_id varchar not null,
    table_key varchar not null,
    title varchar,
    pages integer[],
    page_start integer,
    unit varchar,
    declared_empty boolean,
    empty_statement varchar,
    row_count integer
);
create or replace table raw.name_mentions (
    document_id varchar not null,
    place varchar not null,             -- cover, 第二部分, table:<table_key>, perf
    table_key varchar,                  -- for a table header: the table printed under it
    name varchar,                       -- as printed, whitespace removed; null = year only
    year integer,
    page integer
);
create or replace table raw.cells (
    document_id varchar not null,
    table_key varchar not null,
    row_index integer not null,
    row_page integer,
    row_label varchar,
    subject_code varchar,
    side varchar,
    line_key varchar,
    column_key varchar not null,
    raw_text varchar,
    value decimal(20, 4),               -- in the table's printed unit; null = printed zero/blank
    cell_page integer,
    unit varchar
);
"""


def create_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(RAW_DDL)
    create_narrative_schema(con)


BATCH_DOCUMENTS = 50  # documents per insert: a few hundred thousand cells at most


def load_documents(
    con: duckdb.DuckDBPyConnection,
    documents: Iterable[Document],
    failures: Iterable[tuple[str, str, str]] = (),
    loaded_at: Mapping[str, datetime] | None = None,
) -> int:
    """Insert documents, and files that failed extraction as (path, sha256, error).

    `loaded_at` maps a content hash to when it was first seen, the order of a
    department-year's versions; a document without an entry is stamped with the current time.
    `documents` is consumed in batches (a generator keeps one batch in memory).
    Returns the number of cells written.
    """
    now = datetime.now(UTC)
    stamps = loaded_at or {}
    cells = 0
    for batch in batches(iter(documents), BATCH_DOCUMENTS):
        cells += load_batch(con, batch, stamps, now)
    failure_rows: list[dict[str, object]] = [
        {
            "document_id": sha256,
            "source_path": path,
            "file_name": path.rsplit("/", 1)[-1],
            "format": None,
            "pages": None,
            "department_name": None,
            "fiscal_year": None,
            "source_unit": None,
            "unit_multiplier": None,
            "half_unit": None,
            "member_units": [],
            "stated_unit_count": None,
            "warnings": [],
            "extraction_error": error,
            "loaded_at": stamps.get(sha256, now),
        }
        for path, sha256, error in failures
    ]
    insert_frame(con, "raw.documents", pd.DataFrame(failure_rows))
    return cells


def batches(documents: Iterator[Document], size: int) -> Iterator[list[Document]]:
    """The documents in lists of `size`, read as each list is taken."""
    while batch := list(islice(documents, size)):
        yield batch


def load_batch(
    con: duckdb.DuckDBPyConnection,
    documents: list[Document],
    stamps: Mapping[str, datetime],
    now: datetime,
) -> int:
    """Insert one batch of documents; returns the number of cells written."""
    doc_rows, table_rows, cell_rows, mention_rows = [], [], [], []
    for doc in documents:
        unit = doc.unit or "万元"
        doc_rows.append(
            {
                "document_id": doc.sha256,
                "source_path": doc.source_path,
                "file_name": doc.source_path.rsplit("/", 1)[-1],
                "format": doc.format,
                "pages": doc.pages,
                "department_name": doc.department_name,
                "fiscal_year": doc.fiscal_year,
                "source_unit": doc.unit,
                "unit_multiplier": UNIT_MULTIPLIER[unit],
                "half_unit": UNIT_PRECISION[unit] / 2,
                "member_units": doc.member_units,
                "stated_unit_count": doc.stated_unit_count,
                "warnings": doc.warnings,
                "extraction_error": None,
                "loaded_at": stamps.get(doc.sha256, now),
            }
        )
        for mention in doc.name_mentions:
            place = mention.place
            mention_rows.append(
                {
                    "document_id": doc.sha256,
                    "place": place,
                    "table_key": place.removeprefix("table:") if place.startswith("table:")
                    else None,
                    "name": mention.name,
                    "year": mention.year,
                    "page": mention.page,
                }
            )
        for table in doc.tables:
            table_rows.append(
                {
                    "document_id": doc.sha256,
                    "table_key": table.key,
                    "title": table.title,
                    "pages": table.pages,
                    "page_start": table.pages[0] if table.pages else None,
                    "unit": table.unit,
                    "declared_empty": table.declared_empty,
                    "empty_statement": table.empty_statement,
                    "row_count": len(table.rows),
                }
            )
            for row in table.rows:
                for cell in row.cells:
                    cell_rows.append(
                        (
                            doc.sha256,
                            table.key,
                            row.index,
                            row.page,
                            row.label,
                            row.code,
                            row.side,
                            row.line_key,
                            cell.column_key,
                            cell.raw,
                            cell.value,
                            cell.page,
                            table.unit,
                        )
                    )
    insert_frame(con, "raw.documents", pd.DataFrame(doc_rows))
    insert_frame(con, "raw.tables", pd.DataFrame(table_rows))
    insert_frame(con, "raw.name_mentions", pd.DataFrame(mention_rows))
    columns = [c[0] for c in con.execute("describe raw.cells").fetchall()]
    insert_frame(con, "raw.cells", pd.DataFrame(cell_rows, columns=columns))
    load_narrative(con, documents)
    return len(cell_rows)
