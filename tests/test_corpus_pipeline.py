"""A generated corpus through the whole pipeline: the marts hold exactly the truth, clean
documents are published, and every planted fault is reported under its check id."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from expectations.registry import BY_ID
from orchestration.cli import run
from orchestration.paths import Home
from synth import generate

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice missing")

MULTIPLIER = {"万元": Decimal(10000), "元": Decimal(1)}
SUBJECT_FACTS = {"income": "fct_income", "expenditure": "fct_expenditure",
                 "gpb_expenditure": "fct_gpb_expenditure"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Home, list[dict[str, Any]]]:
    out = tmp_path_factory.mktemp("corpus")
    documents = generate(out, departments=4, years=range(2023, 2025),
                         formats=["pdf", "docx", "xlsx", "txt"], seed=5, faults=0.3)
    inbox = tmp_path_factory.mktemp("inbox")
    truths = []
    for path in documents:
        shutil.copy(path, inbox / path.name)
        truth = json.loads((path.parent / "truth.json").read_text(encoding="utf-8"))
        truths.append(truth)
    home = Home(tmp_path_factory.mktemp("home"))
    assert run(inbox, home)
    return home, truths


def query(home: Home, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def document_status(home: Home, file_name: str) -> tuple[str, str]:
    rows = query(home, "select document_id, status from marts.dim_document "
                 "where source_path like ?", [f"%/{file_name}"])
    assert len(rows) == 1, (file_name, rows)
    return rows[0]


def clean(truths: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [t for t in truths if not t["faults"] and not t["bad_file"]]


def test_corpus_has_clean_faulty_and_broken_documents(corpus) -> None:
    _, truths = corpus
    assert len(clean(truths)) >= 4
    assert any(t["faults"] for t in truths) and any(t["bad_file"] for t in truths)


def test_clean_documents_published_without_error(corpus) -> None:
    home, truths = corpus
    for truth in clean(truths):
        document_id, status = document_status(home, truth["document"]["file"])
        errors = query(home, "select check_id, row_label from dq.check_results where "
                       "document_id = ? and severity = 'error' and status = 'fail'", [document_id])
        assert (status, errors) == ("published", []), truth["document"]["file"]


def expected_figures(truth: dict[str, Any]) -> dict[tuple[str, ...], Decimal]:
    """Every figure of the code tables, gpb_basic and three_public, in 元, keyed as the marts."""
    unit = MULTIPLIER[truth["document"]["unit"]]
    figures: dict[tuple[str, ...], Decimal] = {}
    for table in truth["tables"]:
        for row in table["rows"]:
            for cell in row["cells"]:
                if cell["value"] is None:
                    continue
                value = Decimal(cell["value"]) * MULTIPLIER.get(table["unit"], unit)
                if table["key"] in SUBJECT_FACTS and (row["code"] or row["line_key"] == "total"):
                    key = (table["key"], row["code"] or "total", cell["column_key"])
                elif table["key"] == "gpb_basic" and row["code"]:
                    key = ("gpb_basic", row["code"], "amount")
                elif table["key"] == "three_public":
                    key = ("three_public", cell["column_key"], row["line_key"])
                else:
                    continue
                figures[key] = value
    return figures


def published_figures(home: Home, document_id: str) -> dict[tuple[str, ...], Decimal]:
    figures: dict[tuple[str, ...], Decimal] = {}
    for table_key, fact in SUBJECT_FACTS.items():
        with duckdb.connect(str(home.warehouse), read_only=True) as con:
            cursor = con.execute(f"select * exclude (document_id, department_id, "
                                 f"department_name, fiscal_year, subject_level, is_total, "
                                 f"subject_name, page) from marts.{fact} where document_id = ?",
                                 [document_id])
            columns = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
        for row in rows:
            record = dict(zip(columns, row, strict=True))
            code = record.pop("subject_code") or "total"
            for column, value in record.items():
                if value is not None:  # None: a column the table does not print
                    figures[(table_key, code, column)] = value
    for code, amount in query(home, "select economic_code, amount from "
                              "marts.fct_basic_expenditure where document_id = ?", [document_id]):
        figures[("gpb_basic", code, "amount")] = amount
    for category, kind, amount in query(home, "select category, kind, amount from "
                                        "marts.fct_three_public where document_id = ?",
                                        [document_id]):
        figures[("three_public", category, kind)] = amount
    return figures


def test_marts_hold_every_figure_of_the_truth(corpus) -> None:
    home, truths = corpus
    compared = 0
    for truth in clean(truths):
        document_id, _ = document_status(home, truth["document"]["file"])
        published = published_figures(home, document_id)
        expected = expected_figures(truth)
        wrong = {k: (v, published.get(k, Decimal(0))) for k, v in expected.items()
                 if published.get(k, Decimal(0)) != v}
        assert not wrong, (truth["document"]["file"], list(wrong.items())[:10])
        compared += len(expected)
    assert compared > 1000


def test_every_planted_fault_reported_under_its_check_id(corpus) -> None:
    home, truths = corpus
    planted = [(t, f) for t in truths for f in t["faults"] if f["check_id"] in BY_ID]
    assert planted
    for truth, fault in planted:
        document_id, status = document_status(home, truth["document"]["file"])
        failed = {r[0] for r in query(home, "select check_id from dq.check_results where "
                                      "document_id = ? and status = 'fail'", [document_id])}
        assert fault["check_id"] in failed, (truth["document"]["file"], fault["kind"], failed)
        if fault["severity"] == "error":
            assert status == "quarantined"


def test_broken_files_recorded_and_skipped(corpus) -> None:
    home, truths = corpus
    for truth in truths:
        bad = truth["bad_file"]
        if bad and bad["kind"] in ("truncated", "encrypted"):
            document_id, status = document_status(home, truth["document"]["file"])
            message = query(home, "select message from dq.check_results where document_id = ? "
                            "and check_id = 'doc.readable' and status = 'fail'", [document_id])
            assert status == "quarantined" and message, truth["document"]["file"]
            assert Path(truth["document"]["file"]).name in message[0][0]


@pytest.fixture(scope="module")
def across_rename(tmp_path_factory: pytest.TempPathFactory) -> tuple[Home, list[dict[str, Any]]]:
    """Generated departments over 2018–2020, across the 2019 renaming of 210."""
    out = tmp_path_factory.mktemp("rename-corpus")
    documents = generate(out, departments=3, years=range(2018, 2021), formats=["txt", "docx"],
                         seed=8, faults=0.0)
    inbox = tmp_path_factory.mktemp("rename-inbox")
    truths = []
    for path in documents:
        shutil.copy(path, inbox / path.name)
        truths.append(json.loads((path.parent / "truth.json").read_text(encoding="utf-8")))
    home = Home(tmp_path_factory.mktemp("rename-home"))
    assert run(inbox, home)
    return home, truths


def health_spending(truth: dict[str, Any]) -> tuple[str, Decimal] | None:
    """The printed name and 元 amount of class 210 in the truth's 支出决算表."""
    unit = MULTIPLIER[truth["document"]["unit"]]
    table = next(t for t in truth["tables"] if t["key"] == "expenditure")
    for row in table["rows"]:
        if row["code"] == "210":
            total = next(c for c in row["cells"] if c["column_key"] == "total")
            return row["label"], Decimal(total["value"]) * MULTIPLIER.get(table["unit"], unit)
    return None


def test_health_spending_is_one_series_across_the_2019_renaming(across_rename) -> None:
    home, truths = across_rename
    series: dict[str, dict[int, tuple[str, Decimal]]] = {}
    for truth in truths:
        found = health_spending(truth)
        if found:
            doc = truth["document"]
            series.setdefault(doc["department_name"], {})[doc["fiscal_year"]] = found
    complete = {d: years for d, years in series.items() if set(years) == {2018, 2019, 2020}}
    assert complete, "the corpus has no department spending on 210 in all three years"
    for department, years in complete.items():
        assert years[2018][0] == "医疗卫生与计划生育支出" and years[2019][0] == "卫生健康支出"
        rows = query(home, "select fiscal_year, amount, prior_year_amount, change "
                     "from marts.mart_subject_yoy where department_name = ? and "
                     "subject_code = '210' order by fiscal_year", [department])
        expected = [(2018, years[2018][1], None, None)] + [
            (year, years[year][1], years[year - 1][1], years[year][1] - years[year - 1][1])
            for year in (2019, 2020)
        ]
        assert rows == expected, department
