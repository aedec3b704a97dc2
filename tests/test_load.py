"""The raw loader."""

from __future__ import annotations

from decimal import Decimal

import duckdb

from extractors.ir import Cell, Document, Row, Table
from extractors.load import create_raw_schema, load_documents


def document(sha256: str, amount: str, rows: int = 1) -> Document:
    printed = [Row(i, "合计", None, [Cell("total", amount, Decimal(amount), None)])
               for i in range(rows)]
    return Document(f"/inbox/{sha256}.txt", sha256, "txt", None, "某局", 2023, "元",
                    tables=[Table("income", "收入决算表", [], "元", rows=printed)])


def test_large_amount_after_small_ones_is_loaded_exactly() -> None:
    con = duckdb.connect()
    create_raw_schema(con)
    # DuckDB infers a Python column's type from its first rows: many small amounts first.
    load_documents(con, [document("a", "1.50", rows=3000), document("b", "1064311765.25")])
    assert con.execute("select value from raw.cells where document_id = 'b'").fetchall() == [
        (Decimal("1064311765.2500"),)]
