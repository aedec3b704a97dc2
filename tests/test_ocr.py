"""OCR of scanned pages: a generated table page, printed by LibreOffice with Noto CJK, scanned
(grey, 0.3° rotation, blur, noise, 200 dpi) into an image-only PDF, read back by Tesseract."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from extractors.dispatch import extract_file
from extractors.ir import Document, SettingsError, Table
from extractors.pdf import PdfSettings, extract_pdf
from extractors.pdf_ocr import unavailable
from synth import generate
from synth.document import plan_departments, table_rules
from synth.render.pdf import soffice
from synth.scan import ScanStyle, scanned_pdf
from synth.truth import Truth, read

pytestmark = pytest.mark.skipif(
    soffice() is None or unavailable() is not None,
    reason=f"needs LibreOffice and Tesseract with chi_sim ({unavailable()})",
)
TABLES = ("income", "expenditure")  # one page each in both template families


@dataclass(frozen=True)
class Scanned:
    truth: Truth
    path: Path  # image-only PDF: the pages of TABLES, scanned
    document: Document  # read with OCR


def _ruled_seed(year: int, first: int = 11) -> int:
    """The first seed from `first` whose one department prints ruled tables in `year`: OCR
    finds cells by their ruling lines (a scan of a borderless table is not read)."""
    return next(seed for seed in range(first, first + 50)
                if table_rules(seed, plan_departments(1, seed)[0].slug, year) == "grid")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    out = tmp_path_factory.mktemp("ocr")
    (source,) = generate(out / "synth", 1, range(2023, 2024), ["pdf"], seed=_ruled_seed(2023))
    printed = extract_pdf(source, "printed", PdfSettings(ocr="off"))
    pages = [page for key in TABLES for page in _table(printed, key).pages]
    path = out / "scan.pdf"
    scanned_pdf(source, pages, path, ScanStyle(dpi=200, angle=0.3, seed=3))
    return Scanned(read(source.parent / "truth.json"), path, extract_pdf(path, "scan-sha"))


def _table(document: Document, key: str) -> Table:
    found = document.table(key)
    assert found is not None, f"{key} not read"
    return found


Figures = dict[tuple[str | None, str | None, str], Decimal | None]


def _figures(rows: list[tuple[str | None, str | None, str, Decimal | None]]) -> Figures:
    """(code, line key, column) -> value; a printed zero is no value, as in the IR."""
    return {(code, line, column): value or None for code, line, column, value in rows}


@pytest.mark.parametrize("key", TABLES)
def test_scanned_table_page_reads_every_figure_of_truth(scanned: Scanned, key: str) -> None:
    expected = next(t for t in scanned.truth.tables if t.key == key)
    want = _figures([
        (row.code, row.line_key, cell.column_key, cell.value)
        for row in expected.rows for cell in row.cells
    ])
    table = _table(scanned.document, key)
    got = _figures([
        (row.code, row.line_key, cell.column_key, cell.value)
        for row in table.rows for cell in row.cells
    ])
    assert len(want) > 20
    assert {k: got.get(k, "missing") for k in want} == want
    assert table.unit == expected.unit


def test_every_figure_read_by_ocr_says_so(scanned: Scanned) -> None:
    statuses = [(info.page, info.status) for info in scanned.document.page_info]
    assert statuses == [(1, "ocr"), (2, "ocr")]
    cells = [cell for table in scanned.document.tables for row in table.rows for cell in row.cells]
    assert cells and {cell.reader for cell in cells} == {"ocr"}
    assert {cell.page for cell in cells} == {1, 2}
    assert any("page(s) 1, 2 are scans read by OCR" in w for w in scanned.document.warnings)
    assert not any("missing from pdfium's text" in w for w in scanned.document.warnings)


def test_ocr_off_leaves_scanned_pages_needs_ocr_with_the_reason(scanned: Scanned) -> None:
    document = extract_pdf(scanned.path, "scan-sha", PdfSettings(ocr="off"))
    assert [(info.status, info.chars) for info in document.page_info] == [("needs_ocr", 0)] * 2
    assert document.tables == []
    assert "page 1 is needs_ocr: its content is not read (OCR is off)" in document.warnings


def test_juesuan_ocr_environment_variable_sets_the_mode() -> None:
    assert PdfSettings.from_env({}).ocr == "auto"
    assert PdfSettings.from_env({"JUESUAN_OCR": " OFF "}).ocr == "off"
    with pytest.raises(SettingsError, match="JUESUAN_OCR must be one of auto, off, not 'yes'"):
        PdfSettings.from_env({"JUESUAN_OCR": "yes"})
    with pytest.raises(SettingsError, match="OCR must be one of"):
        PdfSettings(ocr="always")  # type: ignore[arg-type]


def test_bad_juesuan_ocr_fails_the_run_not_the_file(
    scanned: Scanned, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A misconfiguration must not be cached as the file's extraction error."""
    monkeypatch.setenv("JUESUAN_OCR", "sometimes")
    with pytest.raises(SettingsError):
        extract_file(scanned.path)
    monkeypatch.setenv("JUESUAN_OCR", "off")
    assert extract_file(scanned.path).page_info[0].status == "needs_ocr"


def test_ocr_document_goes_through_the_identity_checks(
    scanned: Scanned, tmp_path: Path
) -> None:
    """No exemption for OCR: the OCR'd figures pass the row identities, and the same document
    with one figure misread (its leading digit one higher, as a 3 read as 8 would be) fails."""
    import duckdb
    from checks_support import build_database

    from expectations.run import run_checks
    from extractors.numbers import parse_amount

    misread = copy.deepcopy(scanned.document)
    misread.sha256, misread.source_path = "misread-sha", "misread.pdf"
    row = next(r for r in _table(misread, "income").rows
               if r.code and len(r.code) == 7 and r.value("fiscal_appropriation"))
    cell = next(c for c in row.cells if c.column_key == "fiscal_appropriation")
    cell.raw = str(int(cell.raw[0]) % 9 + 1) + cell.raw[1:]
    cell.value = parse_amount(cell.raw)
    database = tmp_path / "build.duckdb"
    build_database(database, [scanned.document, misread])
    with duckdb.connect(str(database)) as con:
        run_checks(con, "ocr-run")
        failed = {
            (document, check) for document, check in con.execute(
                "select document_id, check_id from dq.check_results where status = 'fail'"
            ).fetchall()
        }
    row_sums = {"income.row_sum", "expenditure.row_sum"}
    assert not {check for document, check in failed if document == "scan-sha"} & row_sums
    assert ("misread-sha", "income.row_sum") in failed
