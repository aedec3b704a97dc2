"""Dagster definitions, one module per area; `orchestration.definitions` merges them."""
