"""Inbox to extracted documents, with a cache keyed by content hash.

A file seen before (same bytes) is not extracted again; a file that fails is recorded with
its error and the run goes on.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from extractors.dispatch import extract_file, file_sha256
from extractors.ir import Document, ExtractionError, document_from_json
from orchestration.paths import Home

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 200 * 1024 * 1024


@dataclass
class IngestResult:
    documents: list[Document] = field(default_factory=list)
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # path, sha256, error
    extracted: list[str] = field(default_factory=list)  # paths extracted in this run
    cached: list[str] = field(default_factory=list)  # paths served from the cache


def inbox_files(inbox: Path) -> list[Path]:
    """Every regular, non-hidden file under the inbox, in a stable order."""
    return sorted(
        p for p in inbox.rglob("*") if p.is_file() and not p.name.startswith(".")
    )


def ingest(inbox: Path, home: Home, max_bytes: int = DEFAULT_MAX_BYTES) -> IngestResult:
    result = IngestResult()
    seen: set[str] = set()
    for path in inbox_files(inbox):
        sha256 = file_sha256(path)
        if sha256 in seen:  # the same bytes dropped twice are one document
            continue
        seen.add(sha256)
        cache = home.extracted_dir / f"{sha256}.json"
        if cache.exists():
            document = document_from_json(json.loads(cache.read_text(encoding="utf-8")))
            document.source_path = str(path)
            result.documents.append(document)
            result.cached.append(str(path))
            continue
        try:
            document = extract_file(path, sha256, max_bytes=max_bytes)
        except ExtractionError as exc:
            log.warning("skipped %s", exc)
            result.failures.append((str(path), sha256, exc.problem))
            continue
        cache.write_text(json.dumps(document.to_json(), ensure_ascii=False), encoding="utf-8")
        result.documents.append(document)
        result.extracted.append(str(path))
    return result
