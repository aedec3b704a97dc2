"""Checks on an Office Open XML package (DOCX, XLSX) before a parser opens it.

An OOXML file is a zip. Encrypted OOXML and the legacy .doc/.xls formats are OLE compound
files instead; a zip bomb is refused from the sizes in the zip directory (zipfile never
inflates an entry past its recorded size, so those sizes bound what a parser can read).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from extractors.ir import ExtractionError

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_UNCOMPRESSED = 200 * 1024 * 1024  # bytes, all entries together
MAX_RATIO = 100  # uncompressed bytes per byte of file


def check_package(path: Path, kind: str, main_part: str) -> None:
    """Raise `ExtractionError` unless `path` is a sane zip holding `main_part`."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(OLE_SIGNATURE))
        if head == OLE_SIGNATURE:
            raise ExtractionError(
                str(path), f"encrypted or legacy Office file (OLE compound file), not a {kind}"
            )
        with zipfile.ZipFile(path) as package:
            entries = package.infolist()
    except zipfile.BadZipFile as exc:
        raise ExtractionError(str(path), f"not a {kind} (zip) file: {exc}") from exc
    except OSError as exc:
        raise ExtractionError(str(path), f"cannot be read: {exc}") from exc
    total = sum(entry.file_size for entry in entries)
    ratio = total / max(path.stat().st_size, 1)
    if total > MAX_UNCOMPRESSED:
        raise ExtractionError(
            str(path),
            f"zip bomb refused: {total} bytes uncompressed, over the limit of {MAX_UNCOMPRESSED}",
        )
    if ratio > MAX_RATIO:
        raise ExtractionError(
            str(path),
            f"zip bomb refused: compression ratio {ratio:.0f}, over the limit of "
            f"{MAX_RATIO} ({total} bytes from {path.stat().st_size})",
        )
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise ExtractionError(str(path), f"encrypted zip entries, not a readable {kind}")
    if main_part not in {entry.filename for entry in entries}:
        raise ExtractionError(str(path), f"a zip file but not a {kind}: no {main_part}")
