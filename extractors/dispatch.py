"""Pick the extractor for a file and turn any failure into an `ExtractionError`."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from extractors.ir import Document, ExtractionError, SettingsError

Extractor = Callable[[Path, str], Document]


def _pdf(path: Path, sha256: str) -> Document:
    from extractors.pdf import PdfSettings, extract_pdf

    return extract_pdf(path, sha256, PdfSettings.from_env())


def _text(path: Path, sha256: str) -> Document:
    from extractors.text_dump import extract_text_dump

    return extract_text_dump(path, sha256)


def _docx(path: Path, sha256: str) -> Document:
    from extractors.docx import extract_docx

    return extract_docx(path, sha256)


def _xlsx(path: Path, sha256: str) -> Document:
    from extractors.xlsx import extract_xlsx

    return extract_xlsx(path, sha256)


EXTRACTORS: dict[str, Extractor] = {".pdf": _pdf, ".txt": _text, ".docx": _docx, ".xlsx": _xlsx}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def extract_file(path: Path, sha256: str | None = None, max_bytes: int | None = None) -> Document:
    """Extract one disclosure file; every failure is an `ExtractionError` naming the file."""
    if not path.is_file():
        raise ExtractionError(str(path), "not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise ExtractionError(str(path), "the file is empty")
    if max_bytes is not None and size > max_bytes:
        raise ExtractionError(str(path), f"{size} bytes is over the limit of {max_bytes}")
    extractor = EXTRACTORS.get(path.suffix.lower())
    if extractor is None:
        raise ExtractionError(str(path), f"unsupported file type {path.suffix or '(none)'}")
    digest = sha256 or file_sha256(path)
    try:
        document = extractor(path, digest)
    except (ExtractionError, SettingsError):  # a bad setting is the run's problem, not the file's
        raise
    except Exception as exc:  # any parser failure is this file's problem, not the run's
        raise ExtractionError(str(path), f"cannot be read: {type(exc).__name__}: {exc}") from exc
    return document
