"""Append a DataFrame to a DuckDB table, values bound through the frame, never as SQL text."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pandas as pd


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Insert the frame's columns into the same-named columns of `table`.

    Decimal columns travel as text and are cast to the table's declared type: scanning Python
    Decimals, DuckDB infers a precision from the first values, and a later larger amount
    would not fit it.
    """
    if frame.empty:
        return
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].map(lambda v: isinstance(v, Decimal)).any():
            frame[column] = frame[column].map(lambda v: None if v is None else str(v))
    name = f"_incoming_{id(frame)}"
    con.register(name, frame)
    try:
        names = ", ".join(frame.columns)
        con.execute(f"insert into {table} ({names}) select {names} from {name}")
    finally:
        con.unregister(name)
