"""doc.consistency: where the department name and year are printed (Document.name_mentions),
on the real samples (all agree) and on a synthetic document with a placeholder name planted
in one table header (synth's doc.consistency fault)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from expectations.sql_document import CONSISTENCY
from extractors.dispatch import extract_file
from extractors.ir import Document, NameMention, document_from_json
from extractors.load import create_raw_schema, load_documents
from synth import generate

PROJECT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((PROJECT / "samples" / "inbox").iterdir())
# synth's seeded fault order puts doc.consistency first for this seed: the one document of a
# one-department, one-year corpus carries it
FAULT_SEED = 3


def consistency_rows(documents: list[Document]) -> list[dict[str, Any]]:
    """The check's evaluation rows over a build database holding only `documents`."""
    with duckdb.connect(":memory:") as con:
        create_raw_schema(con)
        load_documents(con, documents)
        cursor = con.execute(CONSISTENCY)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def failing(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [row for row in rows if row["lhs"] != row["rhs"]]


@pytest.fixture(scope="module")
def samples() -> list[Document]:
    return [extract_file(path) for path in SAMPLES]


def test_samples_print_one_name_and_year(samples: list[Document]) -> None:
    for document in samples:
        assert document.department_name and document.fiscal_year
        named = [m for m in document.name_mentions if m.name]
        assert len(named) >= 3, document.source_path
        assert {m.name for m in named} == {document.department_name}
        assert {m.year for m in document.name_mentions if m.year} == {document.fiscal_year}
    henan, shanghai = samples
    assert sum(m.place.startswith("table:") for m in henan.name_mentions) == 9
    assert [m.place for m in shanghai.name_mentions][:2] == ["cover", "第一部分"]
    assert all(m.page for m in shanghai.name_mentions)


def test_samples_pass(samples: list[Document]) -> None:
    rows = consistency_rows(samples)
    assert failing(rows) == []
    # one row for each department name, one per mention
    assert len(rows) == sum(1 + len(d.name_mentions) for d in samples)


def test_mentions_survive_the_cache_and_old_json_loads(samples: list[Document]) -> None:
    for document in samples:
        data = json.loads(json.dumps(document.to_json()))
        assert document_from_json(data).name_mentions == document.name_mentions
        del data["name_mentions"]  # cached before the field existed
        assert document_from_json(data).name_mentions == []


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Document, dict[str, Any]]:
    out = tmp_path_factory.mktemp("synth")
    generate(out, departments=1, years=range(2023, 2024), formats=["txt"], seed=FAULT_SEED,
             faults=1.0)
    entries = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]
    entry = next(e for e in entries if "doc.consistency" in e["faults"])
    truth = json.loads((out / entry["truth"]).read_text(encoding="utf-8"))
    return extract_file(out / entry["path"]), truth


def test_planted_placeholder_fails_with_evidence(
    planted: tuple[Document, dict[str, Any]],
) -> None:
    document, truth = planted
    [fault] = [f for f in truth["faults"] if f["check_id"] == "doc.consistency"]
    place, printed = fault["row"]["place"], fault["after"]
    assert truth["headers"][place] == printed and "XX" in printed
    # the extractor sees every place truth prints the name at, the planted one included
    seen = {m.place: m.name for m in document.name_mentions}
    for where, name in truth["headers"].items():
        if where.startswith("table:") or where in ("cover", "perf"):
            assert seen[where] == name, where
    assert document.department_name == truth["document"]["department_name"]
    [row] = failing(consistency_rows([document]))
    assert row["row_label"] == place
    assert row["table_key"] == (place.removeprefix("table:") if place.startswith("table:")
                                else None)
    assert (row["lhs"], row["rhs"]) == (0, 1)
    assert printed in row["message"] and document.department_name in row["message"]


def test_other_name_other_year_and_placeholder_name(samples: list[Document]) -> None:
    document = copy.deepcopy(samples[0])
    name, year = document.department_name, document.fiscal_year
    assert name and year
    document.name_mentions = [
        NameMention("cover", name, year, None),
        NameMention("table:income", "许昌市财政局", year, 4),
        NameMention("第二部分", None, year - 1, None),
        NameMention("perf", f"{name[:3]}ＸＸ局", None, 12),
    ]
    rows = {r["row_label"]: r for r in failing(consistency_rows([document]))}
    assert set(rows) == {"table:income", "第二部分", "perf"}
    assert rows["table:income"]["table_key"] == "income"
    assert "许昌市财政局" in rows["table:income"]["message"]
    assert name in rows["table:income"]["message"]
    assert rows["table:income"]["page"] == 4 and "(page 4)" in rows["table:income"]["message"]
    assert str(year - 1) in rows["第二部分"]["message"]
    assert rows["perf"]["page"] == 12 and "placeholder" in rows["perf"]["message"]
    # a placeholder as the document's own name fails on its own row
    document.department_name = "某某局"
    document.name_mentions = []
    [row] = failing(consistency_rows([document]))
    assert row["row_label"] == "department_name" and "某某局" in row["message"]
