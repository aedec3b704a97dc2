"""Extract a 部门决算 disclosure PDF into the IR `Document`, with pdfplumber's table finder.

Every page is first read by pdfium (`pdf_pdfium`, in C): classified (text / needs_ocr /
garbled / empty), and a page without painted paths keeps pdfium's text. Only pages with paths
become pdfplumber pages, their objects from pdfium (`pdf_objects`) or, with
`object_source="pdfminer"`, from pdfminer's interpreter; those with ruling lines are searched
for tables (pdfplumber's "lines" strategy, its cell search indexed: `pdf_finder`). A ruled
table is recognised by the title printed above it (`catalogue.match_table_title`); a ruled
table with no title and the same columns as the table before it (or some of them merged,
their edges in the same places) continues that table. Header rows are read by meaning
(`pdf_columns`), lines become IR rows per table grain (`pdf_tables`), and every figure is
confirmed against pdfium's text of its page (`pdf_crosscheck`). A page without a ruled table
that prints a table title is read from its words' positions (`pdf_unruled`: borderless
tables, or tables with horizontal rules only) into the same grids.
A needs_ocr page (a scan) is read by OCR when Tesseract is there
(`pdf_ocr`: chars and ruling lines from the image, then the same path; status `ocr`).
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pdfplumber
import pypdfium2 as pdfium
from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.pdftypes import PDFStream, resolve1
from pdfminer.psexceptions import PSException
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException
from pdfplumber.utils.text import chars_to_textmap

from extractors import catalogue
from extractors.flow import heading_mentions, listed_member_units, perf_mentions
from extractors.ir import (
    Document,
    ExtractionError,
    NameMention,
    PageInfo,
    PerfEvaluation,
    PerfScope,
    SettingsError,
    Table,
    Unit,
)
from extractors.narrative import add_narrative, page_lines
from extractors.pdf_columns import analyse_header, header_row_count, read_lines
from extractors.pdf_crosscheck import unconfirmed_figures
from extractors.pdf_finder import find_tables
from extractors.pdf_grid import Grid, Slot, fitted_to, grid_from_table, same_structure
from extractors.pdf_meta import (
    empty_statement,
    find_department,
    find_stated_count,
    find_unit,
    find_year,
    has_unit_name_header,
    label_mentions,
    member_unit_names,
)
from extractors.pdf_objects import PdfiumObjectsPage
from extractors.pdf_pdfium import PdfiumPage, read_page
from extractors.pdf_tables import SUBJECT_TABLES, SUPPORTED_TABLES, BuildContext, build_rows
from extractors.pdf_text import clean_text, compact, is_amount
from extractors.pdf_unruled import Columns, first_row_continues
from extractors.pdf_unruled import read_page as read_unruled
from extractors.pdf_words import page_words, text_lines
from extractors.performance import performance_from_grid

if TYPE_CHECKING:  # OCR (Tesseract, scipy) is imported only when a scanned page is met
    from extractors.pdf_ocr import OcrRead

CANONICAL_TABLES = (
    "summary",
    "income",
    "expenditure",
    "fiscal_summary",
    "gpb_expenditure",
    "gpb_basic",
    "gov_fund",
    "state_capital",
    "three_public",
)
_PERF_SCOPES: dict[str, PerfScope] = {"perf_department": "department", "perf_project": "project"}
PageStatus = Literal["text", "needs_ocr", "ocr", "garbled", "empty", "unreadable"]
ObjectSource = Literal["pdfium", "pdfminer"]
OcrMode = Literal["auto", "off"]
OCR_MODES: tuple[OcrMode, ...] = ("auto", "off")
_PDFIUM = threading.Lock()  # pdfium is not thread-safe, not even across documents
_PDF_ERRORS = (
    PdfminerException,
    MalformedPDFException,
    PSException,
    OSError,
    pdfium.PdfiumError,
)


@dataclass(frozen=True)
class PdfSettings:
    column_tolerance: float = 4.0  # points a continued table's column edges may move
    garbled_share: float = 0.1  # share of unmapped glyphs (`(cid:n)`) that makes a page garbled
    ocr_max_chars: int = 10  # a page with images and fewer visible chars needs OCR
    max_title_chars: int = 60  # a longer line above a table is prose, not its title
    line_tolerance: float = 7.0  # points; joins raised glyphs (“ ”) into their text line
    snap_tolerance: float = 3.0  # pdfplumber: ruling lines this close are one line
    object_source: ObjectSource = "pdfium"  # who reads chars and paths for pdfplumber
    # A content stream this long that gives pdfium no object at all is corrupt, not blank.
    unreadable_stream_bytes: int = 64
    max_pages: int | None = None  # None: $JUESUAN_MAX_PAGES, else DEFAULT_MAX_PAGES
    ocr: OcrMode = "auto"  # auto: needs_ocr pages are read by Tesseract when it is installed
    ocr_dpi: int = 300  # resolution scanned pages are rendered at for OCR

    def __post_init__(self) -> None:
        if self.ocr not in OCR_MODES:
            raise SettingsError(f"OCR must be one of {', '.join(OCR_MODES)}, not {self.ocr!r}")
        if not 100 <= self.ocr_dpi <= 600:
            raise SettingsError(f"OCR resolution must be 100-600 dpi, not {self.ocr_dpi}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> PdfSettings:
        """The settings with `JUESUAN_OCR` (auto | off) applied."""
        mode = environ.get("JUESUAN_OCR", "auto").strip().lower() or "auto"
        if mode not in OCR_MODES:
            raise SettingsError(f"JUESUAN_OCR must be one of {', '.join(OCR_MODES)}, not {mode!r}")
        return cls(ocr=mode)  # type: ignore[arg-type]  # checked above

    def ocr_problem(self) -> str | None:
        """Why a needs_ocr page is not read, or None when it is."""
        from extractors.pdf_ocr import unavailable

        return "OCR is off" if self.ocr == "off" else unavailable()

    def table_settings(self) -> dict[str, Any]:
        return {
            "vertical_strategy": "lines",
            "horizontal_strategy": "lines",
            "snap_tolerance": self.snap_tolerance,
        }


DEFAULT_SETTINGS = PdfSettings()
DEFAULT_MAX_PAGES = 1000  # a disclosure has tens of pages; more is a bound on time and memory


def page_limit(settings: PdfSettings) -> int:
    return settings.max_pages or int(os.environ.get("JUESUAN_MAX_PAGES", DEFAULT_MAX_PAGES))


@dataclass(frozen=True)
class _TextLine:
    text: str
    top: float
    bottom: float


@dataclass
class _Chain:
    """One printed table: its title and the page grids it spans."""

    key: str
    title: str
    unit: Unit | None
    grids: list[Grid]
    notes: list[str]  # text printed under the table on each page
    columns: Columns | None = None  # a table printed without rules: where its columns are


@dataclass
class _Scan:
    settings: PdfSettings
    page_info: list[PageInfo] = field(default_factory=list)
    chains: list[_Chain] = field(default_factory=list)
    unit_tables: list[list[Grid]] = field(default_factory=list)
    cover: str | None = None
    front_texts: list[str] = field(default_factory=list)  # pages before the first table
    headings: list[str] = field(default_factory=list)  # text printed above tables
    page_texts: dict[int, str] = field(default_factory=dict)  # pdfium's text of table pages
    all_texts: dict[int, str] = field(default_factory=dict)  # pdfium's text of every text page
    warnings: list[str] = field(default_factory=list)
    open_chain: _Chain | None = None
    open_units: list[Grid] | None = None


def extract_pdf(
    path: str | Path, sha256: str, settings: PdfSettings = DEFAULT_SETTINGS
) -> Document:
    """Read one disclosure PDF; an unreadable, encrypted or corrupt file is an ExtractionError."""
    path = Path(path)
    scan = _Scan(settings)
    try:
        with _PDFIUM, pdfplumber.open(path) as pdf, closing(pdfium.PdfDocument(path)) as doc:
            if len(doc) > page_limit(settings):
                problem = f"{len(doc)} pages, over the limit of {page_limit(settings)}"
                raise ExtractionError(str(path), f"{problem} (JUESUAN_MAX_PAGES)")
            page_count = len(pdf.pages)
            if len(doc) != page_count:
                problem = f"pdfminer reads {page_count} pages, pdfium {len(doc)}"
                raise ExtractionError(str(path), f"not a readable PDF: {problem}")
            for index, page in enumerate(pdf.pages):
                with closing(doc[index]) as pdfium_page:
                    read = read_page(
                        pdfium_page,
                        shapes=settings.object_source == "pdfium",
                        glyphs=lambda text: _may_hold_table(text, scan),
                    )
                    info = _classify(read, page, scan.settings)
                    ocr = _ocr(pdfium_page, page, info, scan)
                _scan_page(page, read, info, scan, ocr)
                page.close()
    except _PDF_ERRORS as exc:
        raise ExtractionError(str(path), _problem(exc)) from exc
    return _document(path, sha256, page_count, scan)


def _problem(exc: Exception) -> str:
    cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    if isinstance(cause, PDFEncryptionError) or "password" in str(cause).lower():
        return f"encrypted PDF, cannot be read ({type(cause).__name__})"
    if isinstance(cause, OSError):
        return f"cannot be opened: {cause}"
    return f"not a readable PDF: {type(cause).__name__}: {cause}"


# Pages


def _classify(read: PdfiumPage, page: Page, settings: PdfSettings) -> PageInfo:
    status: PageStatus
    if not read.objects and _content_bytes(page) >= settings.unreadable_stream_bytes:
        status = "unreadable"
    elif read.visible and read.unmapped / read.visible >= settings.garbled_share:
        status = "garbled"
    elif read.visible < settings.ocr_max_chars and read.images:
        status = "needs_ocr"
    elif not read.visible:
        status = "empty"
    else:
        status = "text"
    return PageInfo(page.page_number, status, read.chars)


def _content_bytes(page: Page) -> int:
    """The declared length of the page's content streams."""
    streams = resolve1(page.page_obj.attrs.get("Contents"))
    streams = streams if isinstance(streams, list) else [streams]
    lengths = (resolve1(stream).attrs.get("Length") for stream in map(resolve1, streams)
               if isinstance(stream, PDFStream))
    return sum(int(resolve1(length) or 0) for length in lengths)


def _ocr(pdfium_page: pdfium.PdfPage, page: Page, info: PageInfo, scan: _Scan) -> OcrRead | None:
    """A needs_ocr page read by OCR (status `ocr`), or None with the reason noted."""
    if info.status != "needs_ocr":
        return None
    problem = scan.settings.ocr_problem()
    if problem is None:
        from extractors.pdf_ocr import read_scanned

        try:
            ocr = read_scanned(pdfium_page, page, scan.settings.ocr_dpi,
                               scan.settings.table_settings())
        except Exception as exc:  # one page's OCR failing must not cost the whole document
            problem = f"OCR failed: {type(exc).__name__}: {exc}"
        else:
            info.status, info.chars = "ocr", ocr.chars
            return ocr
    scan.warnings.append(f"page {info.page} is needs_ocr: its content is not read ({problem})")
    return None


def _scan_page(
    page: Page, read: PdfiumPage, info: PageInfo, scan: _Scan, ocr: OcrRead | None
) -> None:
    scan.page_info.append(info)
    if ocr is not None:  # a scan: its chars and ruling lines as read from the image
        page, read = ocr.page, PdfiumPage(ocr.text, ocr.chars, path_objects=ocr.rules)
    elif info.status != "text":
        if info.status == "unreadable":
            scan.warnings.append(f"page {info.page} is unreadable: its content stream "
                                 f"({_content_bytes(page)} bytes) draws nothing, it is corrupt")
        elif info.status == "garbled":
            scan.warnings.append(f"page {info.page} is {info.status}: its content is not read")
        return  # an empty page does not end a table that continues after it
    scan.all_texts[info.page] = read.text
    _page_text(read.text, scan)
    if _is_contents(read.text):
        scan.open_chain = scan.open_units = None
        return
    if ocr is None and scan.settings.object_source == "pdfium":
        page = PdfiumObjectsPage(page, read)
    grids = _grids(page, scan.settings) if read.path_objects else []
    if not grids:
        _scan_unruled(page, read.text, scan)
        return
    scan.page_texts[page.page_number] = read.text
    lines = _text_lines(page, grids, scan.settings)
    for number, grid in enumerate(grids):
        upper = grids[number - 1].bottom if number else 0.0
        lower = grids[number + 1].top if number + 1 < len(grids) else float(page.height)
        above = [ln for ln in lines if ln.top >= upper - 1 and ln.bottom <= grid.top + 1]
        below = [ln for ln in lines if ln.top >= grid.bottom - 1 and ln.bottom <= lower + 1]
        _place(grid, above, below, scan)


def _may_hold_table(text: str, scan: _Scan) -> bool:
    """A page worth reading without rules: an unruled table is open, or a title is printed."""
    if scan.open_chain is not None and scan.open_chain.columns is not None:
        return True
    limit = scan.settings.max_title_chars
    return any(
        len(flat) <= limit and catalogue.match_table_title(flat)
        for flat in map(compact, text.splitlines())
    )


def _scan_unruled(page: Page, text: str, scan: _Scan) -> None:
    """Tables printed without (complete) rules on a page with no ruled table."""
    chain = scan.open_chain if scan.open_chain and scan.open_chain.columns else None
    scan.open_chain = scan.open_units = None
    if not _may_hold_table(text, scan) and chain is None:
        return
    open_table = (chain.key, chain.columns) if chain and chain.columns else None
    lines = text_lines(page_words(page))
    found = read_unruled(lines, page.page_number, scan.settings.max_title_chars, open_table)
    if found:
        scan.page_texts[page.page_number] = text
    for table in found:
        note = "\n".join(table.notes)
        if table.key is None and chain is not None:
            if table.grid is not None:
                _continue_unruled(chain, table.grid)
            chain.notes.append(note)
            scan.open_chain = chain
        elif table.key is not None and table.grid is not None:
            heading = "\n".join([table.title, *table.heading])
            scan.headings.append(heading)
            chain = _Chain(table.key, clean_text(table.title), find_unit([heading]),
                           [table.grid], [note], table.columns)
            scan.chains.append(chain)
            scan.open_chain = chain
        if table.notes:  # a note under it: the table has ended
            scan.open_chain = None


def _continue_unruled(chain: _Chain, grid: Grid) -> None:
    """Append a page of an unruled table; a first row that is only the rest of a wrapped
    name (a row split by the page break) goes to the last row of the page before."""
    if chain.key in SUBJECT_TABLES:
        layout = analyse_header(chain.grids[0], chain.key)
        names = {c.index for block in layout.blocks for c in block if c.role == "name"}
        rest = first_row_continues(grid, names)
        last = chain.grids[-1].slots[-1] if chain.grids[-1].slots else []
        if rest is not None and last:
            for col, slot in enumerate(grid.slots[0]):
                before = last[col]
                if slot is not None and slot.text and before is not None:
                    last[col] = Slot(f"{before.text}\n{slot.text}", True, before.cell)
            grid.slots.pop(0)
    chain.grids.append(grid)


def _page_text(text: str, scan: _Scan) -> None:
    if scan.cover is None:
        scan.cover = text
    if not scan.chains:
        scan.front_texts.append(text)


def _is_contents(text: str) -> bool:
    return any(compact(line).startswith("目录") for line in text.splitlines()[:3])


def _grids(page: Page, settings: PdfSettings) -> list[Grid]:
    """Ruled tables of a page; none on a page without ruling lines."""
    if not (page.lines or page.rects):
        return []
    tables = find_tables(page, settings.table_settings())
    grids = [grid_from_table(table, page.page_number) for table in tables]
    return sorted((grid for grid in grids if grid.slots), key=lambda grid: grid.top)


def _text_lines(page: Page, grids: list[Grid], settings: PdfSettings) -> list[_TextLine]:
    """Text lines printed outside the tables (titles, units, notes), raised glyphs joined into
    their line; a char whose centre is inside a table is the table's (pdfplumber's cell rule).
    """
    boxes = [(grid.bbox[0], grid.top, grid.bbox[2], grid.bottom) for grid in grids]
    chars = [
        c for c in page.chars
        if not any(
            x0 <= (c["x0"] + c["x1"]) / 2 < x1 and top <= (c["top"] + c["bottom"]) / 2 < bottom
            for x0, top, x1, bottom in boxes
        )
    ]
    textmap = chars_to_textmap(  # as page.extract_text_lines reads a page of these chars
        chars, layout_bbox=page.bbox, layout_width=page.width, layout_height=page.height,
        y_tolerance=settings.line_tolerance,
    )
    found = textmap.extract_text_lines(strip=True, return_chars=False)
    return [_TextLine(line["text"], line["top"], line["bottom"]) for line in found]


def _place(grid: Grid, above: list[_TextLine], below: list[_TextLine], scan: _Scan) -> None:
    """Continue the open table, start one at a title, or note a member-unit list."""
    title = _title(above, scan.settings)
    heading = "\n".join(line.text for line in above)
    note = "\n".join(line.text for line in below)
    scan.headings.append(heading)
    tolerance = scan.settings.column_tolerance
    chain = scan.open_chain
    continued = chain and same_structure(chain.grids[-1], grid, tolerance)
    repeated = bool(chain and title and title[0] == chain.key and title[0] not in _PERF_SCOPES)
    if chain and continued and (title is None or repeated):  # title repeated: 续
        chain.grids.append(grid)
        chain.notes.append(note)
        return
    fitted = None
    if chain and title is None and grid.n_cols > 1 and not has_unit_name_header(grid):
        fitted = fitted_to(chain.grids[-1], grid, tolerance)
    if chain and fitted is not None:  # continued with columns merged (a totals line)
        chain.grids.append(fitted)
        chain.notes.append(note)
        return
    if title is not None:
        scan.open_chain = _Chain(title[0], title[1], find_unit([heading]), [grid], [note])
        scan.chains.append(scan.open_chain)
        scan.open_units = None
    elif scan.open_units and same_structure(scan.open_units[-1], grid, tolerance):
        scan.open_units.append(grid)
    elif has_unit_name_header(grid):
        scan.open_units = [grid]
        scan.unit_tables.append(scan.open_units)
        scan.open_chain = None
    else:
        scan.warnings.append(f"page {grid.page}: a ruled table without a known title is skipped")
        scan.open_chain = scan.open_units = None


def _title(above: list[_TextLine], settings: PdfSettings) -> tuple[str, str] | None:
    """The table key and printed title of the nearest title line above a table."""
    for n in range(len(above) - 1, -1, -1):
        key = _title_key(above[n].text, settings)
        if key is None:
            continue
        if n > 0:  # a wrapped title: with the line before it names another table
            both = f"{above[n - 1].text}{above[n].text}"
            wrapped = _title_key(both, settings)
            if wrapped is not None and wrapped != key:
                return wrapped, clean_text(both)
        return key, clean_text(above[n].text)
    return None


def _title_key(text: str, settings: PdfSettings) -> str | None:
    flat = compact(text)
    if len(flat) > settings.max_title_chars or flat.endswith("说明"):
        return None
    return catalogue.match_table_title(flat)


# Document


def _document(path: Path, sha256: str, page_count: int, scan: _Scan) -> Document:
    texts = [*scan.front_texts, *scan.headings]
    year = find_year([scan.cover or "", *texts])
    unit = _document_unit(scan)
    warnings = list(scan.warnings)
    tables = [
        _table(chain, year, unit or "万元", warnings)
        for chain in scan.chains
        if chain.key not in _PERF_SCOPES
    ]
    found = [table for table in tables if table is not None]
    _check_tables(found, warnings)
    _mark_ocr(found, scan.page_info, warnings)
    warnings.extend(unconfirmed_figures(found, scan.page_texts))
    members = [name for grids in scan.unit_tables for name in member_unit_names(grids)]
    if not members:  # listed as numbered lines (1.许昌市…) rather than in a table
        lines = (line for text in scan.front_texts for line in text.splitlines())
        members = listed_member_units(lines)
    document = Document(
        source_path=str(path),
        sha256=sha256,
        format="pdf",
        pages=page_count,
        department_name=find_department(scan.cover, texts),
        fiscal_year=year,
        unit=unit,
        tables=found,
        member_units=members,
        stated_unit_count=find_stated_count(scan.front_texts),
        page_info=scan.page_info,
        warnings=warnings,
        evaluations=_evaluations(scan.chains, unit or "万元"),
    )
    document.name_mentions = _name_mentions(scan, document)
    # The narrative: every page's text in page order (pages not read stay blank).
    texts = [scan.all_texts.get(number, "") for number in range(1, page_count + 1)]
    add_narrative(document, page_lines(texts))
    return document


def _name_mentions(scan: _Scan, document: Document) -> list[NameMention]:
    """Where the department name is printed: cover, part headings, table headers, the
    department self-evaluation table."""
    lines = [
        (line, number)
        for number in sorted(scan.all_texts)
        for line in scan.all_texts[number].splitlines()
    ]
    tables: dict[int, str] = {}
    for chain in scan.chains:
        for grid in chain.grids:
            tables.setdefault(grid.page, chain.key)
    return [
        *heading_mentions(lines),
        *label_mentions(scan.all_texts, tables),
        *perf_mentions(document.evaluations),
    ]


def _evaluations(chains: list[_Chain], unit: Unit) -> list[PerfEvaluation]:
    """The performance self-evaluation tables (`extractors.performance`): each grid row as
    one text per column, a merged cell's text in its first column."""
    evaluations = []
    for chain in chains:
        scope = _PERF_SCOPES.get(chain.key)
        if scope is None:
            continue
        rows = [
            ([grid.origin_text(r, c) or "" for c in range(grid.n_cols)], grid.page)
            for grid in chain.grids
            for r in range(len(grid.slots))
        ]
        evaluation = performance_from_grid(
            [cells for cells, _ in rows], chain.grids[0].page,
            row_pages=[page for _, page in rows], scope=scope, unit=chain.unit or unit,
        )
        if evaluation is not None:
            evaluations.append(evaluation)
    return evaluations


def _document_unit(scan: _Scan) -> Unit | None:
    units = Counter(chain.unit for chain in scan.chains if chain.unit)
    if units:
        return units.most_common(1)[0][0]
    return find_unit(scan.front_texts)


def _table(chain: _Chain, year: int | None, unit: Unit, warnings: list[str]) -> Table | None:
    pages = sorted({grid.page for grid in chain.grids})
    if chain.key not in SUPPORTED_TABLES:
        warnings.append(f"table {chain.title!r} ({chain.key}) on page {pages[0]} not extracted")
        return None
    layout = analyse_header(chain.grids[0], chain.key)
    warnings.extend(f"{chain.key} p{pages[0]}: {problem}" for problem in layout.problems)
    lines = read_lines(chain.grids[0], layout, layout.header_rows)
    for grid in chain.grids[1:]:
        lines += read_lines(grid, layout, header_row_count(grid, chain.key))
    context = BuildContext(chain.key, year)
    rows = build_rows(lines, context)
    warnings.extend(context.warnings)
    printed = [text for line in lines for _, text in line.values if not is_amount(text)]
    statement = empty_statement([*chain.notes, *printed])
    has_figures = any(cell.value is not None for row in rows for cell in row.cells)
    if statement and has_figures:
        warnings.append(f"{chain.key}: figures printed despite {statement!r}")
    if chain.unit is None:
        warnings.append(f"{chain.key}: no 单位 printed, assumed {unit}")
    return Table(
        key=chain.key,
        title=chain.title,
        pages=pages,
        unit=chain.unit or unit,
        rows=rows,
        declared_empty=statement is not None and not has_figures,
        empty_statement=statement,
    )


def _mark_ocr(tables: list[Table], pages: list[PageInfo], warnings: list[str]) -> None:
    """Cells on scanned pages are marked read by OCR; the document says which pages."""
    scanned = [info.page for info in pages if info.status == "ocr"]
    if not scanned:
        return
    warnings.append(
        f"page(s) {', '.join(map(str, scanned))} are scans read by OCR: their figures are as "
        "recognised, not as printed; compare them with the scan"
    )
    for cell in (cell for table in tables for row in table.rows for cell in row.cells):
        if cell.page in scanned:
            cell.reader = "ocr"


def _check_tables(tables: list[Table], warnings: list[str]) -> None:
    keys = Counter(table.key for table in tables)
    warnings.extend(f"table {key} printed {n} times" for key, n in keys.items() if n > 1)
    warnings.extend(f"table {key} not found" for key in CANONICAL_TABLES if key not in keys)
