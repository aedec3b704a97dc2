"""Bad input: every kind gives a named finding in dq.check_results and the report, the run goes
on and the good documents are published.

One real run (a `juesuan run` subprocess: real Dagster, dbt, DuckDB) over an inbox of real
documents made bad: the Shanghai sample (LibreOffice, Noto CJK) encrypted with AES-256 R5,
with a corrupt content stream, without ToUnicode maps, with an image-only page and repeated to
2,000 pages; generated text dumps in GBK, GB18030 and UTF-16 under names with backslashes,
`..`, NFD and right-to-left marks, control characters and 240 bytes; a symbolic link out of
the inbox, a name that is not UTF-8, and a document whose file name names another department
and year. The run has SMTP credentials configured: the password must appear nowhere.

Empty, unsupported and oversized files are checked on their own below. Bad input covered
elsewhere: corrupt, truncated and password PDFs (test_pdf.py, test_pipeline.py), DOCX/XLSX
not a zip, zip bombs and encrypted packages (test_docx_xlsx.py), the same bytes twice and
two versions (test_operations.py).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pypdfium2 as pdfium
import pytest
from pypdf import PdfWriter
from pypdf.generic import NameObject, StreamObject
from test_operations import PDF_BODY, server  # noqa: F401  (the local HTTP server fixture)

from extractors.dispatch import extract_file
from extractors.ir import ExtractionError
from orchestration.fetch import fetch_manifest, safe_stem
from orchestration.paths import PROJECT_ROOT, SAMPLE_INBOX, Home
from orchestration.publish import verify
from synth import generate

PUTUO = SAMPLE_INBOX / "shanghai-putuo-finance-2024.pdf"
HENAN = SAMPLE_INBOX / "henan-xuchang-hrss-2023.txt"
SECRET = "pw-Zq8x-never-shown"

NAMES = {
    "gbk": "决算\\..\\..\\windows\\gbk.txt",  # a leading "." would hide it (README)
    "utf16": unicodedata.normalize("NFD", "café-\u202eftx.txt"),
    "gb18030": "ctrl\x01\x1b[31m-gb18030.txt",
    "long": "长" * 78 + ".txt",
}


def encrypted_aes256(target: Path) -> Path:
    writer = PdfWriter(clone_from=PUTUO)
    writer.encrypt(user_password="user", owner_password="owner", algorithm="AES-256-R5")
    writer.write(target)
    return target


def corrupt_stream(target: Path, page: int) -> Path:
    """The page's content stream replaced by bytes that do not inflate."""
    writer = PdfWriter(clone_from=PUTUO)
    stream = StreamObject()
    stream.set_data(os.urandom(4000))
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    writer.pages[page - 1][NameObject("/Contents")] = writer._add_object(stream)
    writer.write(target)
    return target


def without_to_unicode(target: Path) -> Path:
    """Every font's ToUnicode map removed: text only as glyph ids, `(cid:n)`."""
    writer = PdfWriter(clone_from=PUTUO)
    for page in writer.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font.get_object().pop("/ToUnicode", None)
    writer.write(target)
    return target


def image_page(target: Path, page: int) -> Path:
    """The page replaced by a picture of itself: a scanned page."""
    source = pdfium.PdfDocument(PUTUO)
    document = pdfium.PdfDocument.new()
    document.import_pages(source)
    width, height = source[page - 1].get_size()
    picture = source[page - 1].render(scale=1).to_pil()
    document.del_page(page - 1)
    scanned = document.new_page(width, height, index=page - 1)
    image = pdfium.PdfImage.new(document)
    image.set_bitmap(pdfium.PdfBitmap.from_pil(picture))
    image.set_matrix(pdfium.PdfMatrix().scale(width, height))
    scanned.insert_obj(image)
    scanned.gen_content()
    document.save(target)
    return target


def two_thousand_pages(target: Path) -> Path:
    """The sample's pages over and over (sharing their fonts): 2,000 pages, a few MB."""
    writer = PdfWriter(clone_from=PUTUO)
    pages = list(writer.pages)
    while len(writer.pages) < 2000:
        writer.add_page(pages[len(writer.pages) % len(pages)])
    writer.write(target)
    return target


@dataclass(frozen=True)
class Run:
    home: Home
    inbox: Path
    output: str
    names: dict[str, str]  # case → file name in the inbox


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    base = tmp_path_factory.mktemp("bad")
    inbox = base / "inbox"
    inbox.mkdir()
    names: dict[str, str] = {}

    def put(case: str, name: str) -> Path:
        names[case] = name
        return inbox / name

    encrypted_aes256(put("aes256", "aes256-r5.pdf"))
    corrupt_stream(put("corrupt_stream", "corrupt-stream.pdf"), page=2)
    without_to_unicode(put("no_to_unicode", "no-tounicode.pdf"))
    image_page(put("image_page", "scanned-page.pdf"), page=25)
    two_thousand_pages(put("pages_2000", "two-thousand-pages.pdf"))
    generated = generate(base / "synth", 4, range(2023, 2024), ["txt"], seed=77)
    encodings = {"gbk": "gbk", "utf16": "utf-16", "gb18030": "gb18030", "long": "utf-8"}
    for path, (case, encoding) in zip(generated, encodings.items(), strict=True):
        text = path.read_text(encoding="utf-8")
        put(case, NAMES[case]).write_bytes(text.encode(encoding))
    outside = base / "outside"
    outside.mkdir()
    shutil.copy(HENAN, outside / "private.txt")
    put("symlink_out", "link-out.txt").symlink_to(outside / "private.txt")
    names["not_utf8"] = "bad\\xff.txt"
    with open(os.fsencode(inbox) + b"/bad\xff.txt", "wb") as not_utf8:
        not_utf8.write(b"x")
    shutil.copy(HENAN, put("other_name", "上海市普陀区财政局-2021.txt"))

    home = Home(base / "home")
    env = {
        **os.environ,
        "JUESUAN_OCR": "off",
        "JUESUAN_SMTP_HOST": "127.0.0.1",
        "JUESUAN_SMTP_PORT": str(_closed_port()),
        "JUESUAN_SMTP_USER": "juesuan",
        "JUESUAN_SMTP_PASSWORD": SECRET,
        "JUESUAN_MAIL_TO": "finance@example.org",
    }
    done = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "run", "--inbox", str(inbox),
         "--home", str(home.root)],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=1800,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return Run(home, inbox, done.stdout + done.stderr, names)


def findings(run: Run, case: str, check_id: str) -> list[tuple[str, int | None, str]]:
    """(status, page, message) of one check for the document of one case."""
    with duckdb.connect(str(run.home.warehouse), read_only=True) as con:
        return con.execute(
            "select c.status, c.page, c.message from dq.check_results as c "
            "join marts.dim_document as d using (document_id) "
            "where d.file_name = ? and c.check_id = ? order by all",
            [run.names[case], check_id],
        ).fetchall()


def status(run: Run, case: str) -> tuple[str, str | None, int | None]:
    with duckdb.connect(str(run.home.warehouse), read_only=True) as con:
        row = con.execute(
            "select status, department_name, fiscal_year from marts.dim_document "
            "where file_name = ?", [run.names[case]],
        ).fetchone()
    assert row is not None, case
    return row


def failed(run: Run, case: str, check_id: str) -> list[str]:
    return [message for state, _, message in findings(run, case, check_id) if state == "fail"]


def test_aes256_r5_encrypted_pdf(bad_run: Run) -> None:
    [message] = failed(bad_run, "aes256", "doc.readable")
    assert "aes256-r5.pdf" in message and "encrypted PDF" in message
    assert status(bad_run, "aes256")[0] == "quarantined"


def test_corrupt_content_stream_page_is_unreadable_not_dropped(bad_run: Run) -> None:
    found = findings(bad_run, "corrupt_stream", "doc.pages_read")
    assert [(s, p) for s, p, _ in found] == [("fail", 2)]
    assert "unreadable" in found[0][2] and "draws nothing" in found[0][2]


def test_fonts_without_to_unicode_are_garbled(bad_run: Run) -> None:
    messages = failed(bad_run, "no_to_unicode", "doc.pages_read")
    assert len(messages) >= 20 and all("garbled" in m for m in messages)
    assert status(bad_run, "no_to_unicode")[0] == "quarantined"  # no table can be read


def test_image_only_page_needs_ocr_when_ocr_is_off(bad_run: Run) -> None:
    found = findings(bad_run, "image_page", "doc.pages_read")
    assert [(s, p) for s, p, _ in found] == [("fail", 25)]
    assert "needs_ocr" in found[0][2]


def test_pdf_of_2000_pages_is_refused_by_the_page_limit(bad_run: Run) -> None:
    [message] = failed(bad_run, "pages_2000", "doc.readable")
    assert "2000 pages, over the limit of 1000" in message


def test_2000_pages_are_counted_in_bounded_time(tmp_path: Path) -> None:
    pdf = two_thousand_pages(tmp_path / "big.pdf")
    started = time.monotonic()
    with pytest.raises(ExtractionError, match="2000 pages, over the limit of 1000"):
        extract_file(pdf)
    assert time.monotonic() - started < 10  # measured ~1 s alone; the machine is shared


@pytest.mark.parametrize("case", ["gbk", "utf16", "gb18030", "long"])
def test_odd_names_and_encodings_are_published(bad_run: Run, case: str) -> None:
    state, department, year = status(bad_run, case)
    assert (state, year) == ("published", 2023) and department
    with duckdb.connect(str(bad_run.home.warehouse), read_only=True) as con:
        [(path,)] = con.execute("select source_path from marts.dim_document where file_name = ?",
                                [bad_run.names[case]]).fetchall()
    assert path == str(bad_run.inbox / NAMES[case])  # kept exactly, never split or normalised


def test_unknown_encoding_is_a_named_error(tmp_path: Path) -> None:
    text = tmp_path / "utf16-no-bom.txt"
    text.write_bytes(HENAN.read_text(encoding="utf-8").encode("utf-16-le"))
    with pytest.raises(ExtractionError, match="not text in UTF-8, GB18030/GBK"):
        extract_file(text)


def test_symlink_out_of_the_inbox_is_refused(bad_run: Run) -> None:
    [message] = failed(bad_run, "symlink_out", "doc.readable")
    assert "outside the inbox: refused" in message and "link-out.txt" in message
    assert status(bad_run, "symlink_out") == ("quarantined", None, None)  # never read


def test_name_not_utf8_is_refused(bad_run: Run) -> None:
    [message] = failed(bad_run, "not_utf8", "doc.readable")
    assert "not valid UTF-8" in message


def test_file_name_contradicting_department_and_year(bad_run: Run) -> None:
    messages = failed(bad_run, "other_name", "doc.file_name")
    assert any("says 2021, the document 2023" in m for m in messages)
    assert any("names 上海市普陀区财政局, the document 许昌市" in m for m in messages)
    assert status(bad_run, "other_name")[0] == "published"  # a warning: it stays published


def test_report_names_each_bad_file(bad_run: Run) -> None:
    report = (bad_run.home.reports_dir / "latest.html").read_text(encoding="utf-8")
    for case in ("aes256", "pages_2000", "symlink_out", "corrupt_stream", "other_name"):
        assert bad_run.names[case] in report, case


def test_published_warehouse_is_intact_and_build_private(bad_run: Run) -> None:
    assert verify(bad_run.home) == []
    assert bad_run.home.build_db.parent.stat().st_mode & 0o777 == 0o700
    assert bad_run.home.build_db.stat().st_mode & 0o777 == 0o600


def test_smtp_password_is_nowhere(bad_run: Run) -> None:
    assert SECRET not in bad_run.output
    for path in bad_run.home.root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            assert SECRET.encode() not in path.read_bytes(), path


def test_fetch_names_stay_in_the_inbox(server: str, tmp_path: Path) -> None:  # noqa: F811
    """Absolute and `..` names from the manifest, and a link planted at the partial file."""
    inbox, outside = tmp_path / "inbox", tmp_path / "outside.pdf"
    inbox.mkdir()
    outside.write_bytes(b"untouched")
    url = f"{server}/docs/report.pdf"
    planted = inbox / f".{safe_stem('某局', '2023', url)}.pdf.part"
    planted.symlink_to(outside)
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        f"url,department,year\n{url},某局,2023\n{server}/docs/b.pdf,/etc/cron.d,2023\n"
        f"{server}/docs/c.pdf,../../..,2023\n", encoding="utf-8")
    outcomes = fetch_manifest(manifest, inbox)
    assert [o.error for o in outcomes] == [None, None, None]
    assert all(o.path is not None and o.path.parent == inbox for o in outcomes)
    assert outside.read_bytes() == b"untouched"
    assert outcomes[0].path is not None and outcomes[0].path.read_bytes() == PDF_BODY


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("empty.pdf", b"", "the file is empty"),
        ("report.doc", b"\xd0\xcf\x11\xe0 legacy Word", "unsupported file type .doc"),
        ("oversized.txt", b"x" * 2048, "2048 bytes is over the limit of 1024"),
    ],
)
def test_empty_unsupported_and_oversized_files(
    tmp_path: Path, name: str, content: bytes, problem: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ExtractionError, match=problem) as raised:
        extract_file(path, max_bytes=1024)
    assert raised.value.path == str(path)
