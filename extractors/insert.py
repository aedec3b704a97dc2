"""Append a DataFrame to a DuckDB table, values bound through the frame, never as SQL text."""

from __future__ import annotations

import duckdb
import pandas as pd


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Insert the frame's columns into the same-named columns of `table`.

    Values for the table's decimal columns travel as text and are cast to the declared type:
    scanning Python Decimals, DuckDB infers a precision from the first values, and a later
    larger amount would not fit it. Only those columns are converted (the table's declared
    types say which), not every value of every column inspected.
    """
    if frame.empty:
        return
    declared = con.execute(f"select column_name, column_type from (describe {table})").fetchall()
    decimals = {name for name, kind in declared if kind.startswith("DECIMAL")}
    frame = frame.copy()
    for column in frame.columns:
        if column in decimals and frame[column].dtype == object:
            frame[column] = [None if v is None else str(v) for v in frame[column]]
    name = f"_incoming_{id(frame)}"
    con.register(name, frame)
    try:
        names = ", ".join(frame.columns)
        con.execute(f"insert into {table} ({names}) select {names} from {name}")
    finally:
        con.unregister(name)
