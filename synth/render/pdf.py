"""PDFs the way departments make them: LibreOffice converting the Word file; and the broken
PDFs an inbox also receives (truncated, password-protected, a page that is only an image)."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

PASSWORD = "juesuan"
_DATE = re.compile(rb"/(CreationDate|ModDate)\s*\((D:[^)]*)\)")
_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]")
_FIXED_DATE = b"D:20250101000000"


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(sources: list[Path], outdir: Path, encrypt: bool = False) -> None:
    """Convert Word files to PDF: a few headless LibreOffice runs side by side (one per CPU, at
    most four), each converting its share of the files with a private profile."""
    exe = soffice()
    if exe is None:
        raise RuntimeError("PDF output needs LibreOffice (soffice) on PATH")
    target = "pdf"
    if encrypt:
        options = {"EncryptFile": {"type": "boolean", "value": "true"},
                   "DocumentOpenPassword": {"type": "string", "value": PASSWORD}}
        target = "pdf:writer_pdf_Export:" + json.dumps(options)
    runs = max(1, min(os.cpu_count() or 1, 4, len(sources) // 8))
    profiles = [Path(tempfile.mkdtemp(prefix="synth-lo-")) for _ in range(runs)]
    try:
        processes = [
            subprocess.Popen(
                [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                 "--convert-to", target, "--outdir", str(outdir), *map(str, sources[i::runs])],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            for i, profile in enumerate(profiles)
        ]
        for process in processes:
            _, err = process.communicate(timeout=120 + 30 * len(sources))
            if process.returncode:
                raise RuntimeError(f"LibreOffice failed: {err.decode(errors='replace')[-500:]}")
    finally:
        for profile in profiles:
            shutil.rmtree(profile, ignore_errors=True)
    missing = [s.name for s in sources if not (outdir / (s.stem + ".pdf")).is_file()]
    if missing:
        raise RuntimeError(f"LibreOffice did not convert: {', '.join(missing)}")


def fix_metadata(path: Path) -> None:
    """Fixed dates and document id, same byte lengths so the cross-reference table holds.
    An encrypted file is left alone: its key derives from the id, its strings are encrypted."""
    data = path.read_bytes()
    if b"/Encrypt" in data:
        return

    def date(match: re.Match[bytes]) -> bytes:
        value = match.group(2)
        fixed = (_FIXED_DATE + value[len(_FIXED_DATE):].replace(b"-", b"+"))[:len(value)]
        return match.group(0).replace(value, fixed if len(fixed) == len(value) else value)

    def ident(match: re.Match[bytes]) -> bytes:
        return re.sub(rb"<[0-9A-Fa-f]+>", lambda m: b"<" + b"0" * (len(m.group(0)) - 2) + b">",
                      match.group(0))

    path.write_bytes(_ID.sub(ident, _DATE.sub(date, data)))


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 5])


def image_page(path: Path, markers: tuple[str, ...]) -> int:
    """Replace the first page showing all `markers` by a scan of itself; its 1-based number."""
    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(str(path))
    index = next((i for i in range(len(source))
                  if all(m in source[i].get_textpage().get_text_range() for m in markers)),
                 min(3, len(source) - 1))
    image = source[index].render(scale=2).to_pil()
    scanned = io.BytesIO()
    image.save(scanned, "PDF", resolution=144.0)
    result = pdfium.PdfDocument.new()
    result.import_pages(source, list(range(index)))
    result.import_pages(pdfium.PdfDocument(scanned.getvalue()))
    result.import_pages(source, list(range(index + 1, len(source))))
    buffer = io.BytesIO()
    result.save(buffer)
    source.close()
    path.write_bytes(buffer.getvalue())
    return index + 1
