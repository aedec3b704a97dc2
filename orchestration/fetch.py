"""Fetch the disclosures a manifest lists into the inbox: an optional source.

The manifest is a CSV with the columns url, department and year. Each row is downloaded
over HTTP(S) within a size limit (the Content-Length is checked first, and reading stops
past the limit) and a time limit (per network operation and for the whole download). The
file is named from the department, the year and a hash of the URL, never from the URL's
path, and written as a hidden partial file renamed into place, so the inbox never shows a
half-written file. Fetching the same URL again rewrites the same file: a new version when
its bytes changed. A row that fails is recorded and the others go on.
"""

from __future__ import annotations

import csv
import hashlib
import http.client
import os
import re
import time
import unicodedata
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from orchestration.ingest import DEFAULT_MAX_BYTES

DEFAULT_TIMEOUT_S = 60.0
SUFFIXES = {".pdf", ".txt", ".docx", ".xlsx"}
CONTENT_TYPES = {
    "application/pdf": ".pdf",
    "text/plain": ".txt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}
CHUNK = 64 * 1024


class FetchError(Exception):
    """Why a manifest row was not fetched."""


@dataclass(frozen=True)
class Fetched:
    line: int  # in the manifest
    url: str
    path: Path | None  # the file written; None when the row failed
    error: str | None = None


def fetch_manifest(
    manifest: Path,
    inbox: Path,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> list[Fetched]:
    """Download every row of the manifest into the inbox; one outcome per row."""
    inbox.mkdir(parents=True, exist_ok=True)
    outcomes = []
    with manifest.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"url", "department", "year"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{manifest}: no column {', '.join(sorted(missing))}")
        for row in reader:
            url = (row["url"] or "").strip()
            try:
                path = _fetch(url, (row["department"] or "").strip(),
                              (row["year"] or "").strip(), inbox, max_bytes, timeout_s)
            except FetchError as exc:
                outcomes.append(Fetched(reader.line_num, url, None, str(exc)))
            else:
                outcomes.append(Fetched(reader.line_num, url, path))
    return outcomes


def safe_stem(department: str, year: str, url: str) -> str:
    """`<department>-<year>-<hash of the URL>`: letters, digits, `_` and `-` only."""
    text = unicodedata.normalize("NFKC", f"{department}-{year}")
    words = re.sub(r"[^\w-]+", "_", text).strip("_-")[:80] or "document"
    return f"{words}-{hashlib.sha256(url.encode()).hexdigest()[:12]}"


def _suffix(url: str, headers: Message) -> str:
    suffix = Path(urlsplit(url).path).suffix.lower()
    if suffix in SUFFIXES:
        return suffix
    content_type = headers.get_content_type()
    if content_type in CONTENT_TYPES:
        return CONTENT_TYPES[content_type]
    raise FetchError(f"not a known document type ({content_type}, {suffix or 'no suffix'})")


def _confined(inbox: Path, name: str) -> Path:
    """The inbox file of that name; a name that would lead elsewhere is refused."""
    target = inbox / name
    if Path(name).name != name or target.resolve().parent != inbox.resolve():
        raise FetchError(f"file name {name!r} leads out of the inbox")
    return target


class _HttpRedirectsOnly(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise FetchError(f"redirect to {newurl} refused")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _fetch(
    url: str, department: str, year: str, inbox: Path, max_bytes: int, timeout_s: float
) -> Path:
    if urlsplit(url).scheme not in ("http", "https"):
        raise FetchError(f"not an http(s) URL: {url!r}")
    if not re.fullmatch(r"\d{4}", year):
        raise FetchError(f"year {year!r} is not a year")
    deadline = time.monotonic() + timeout_s
    opener = urllib.request.build_opener(_HttpRedirectsOnly)
    request = urllib.request.Request(url, headers={"User-Agent": "juesuan-fetch"})
    try:
        with opener.open(request, timeout=timeout_s) as response:
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise FetchError(f"{length} bytes is over the limit of {max_bytes}")
            target = _confined(inbox, safe_stem(department, year, url)
                               + _suffix(url, response.headers))
            partial = inbox / f".{target.name}.part"  # hidden: the inbox ignores it
            partial.unlink(missing_ok=True)
            try:
                with partial.open("xb") as out:  # never through a link left in its place
                    size = 0
                    while chunk := response.read(CHUNK):
                        size += len(chunk)
                        if size > max_bytes:
                            raise FetchError(f"over the limit of {max_bytes} bytes")
                        if time.monotonic() > deadline:
                            raise FetchError(f"not done after {timeout_s} s")
                        out.write(chunk)
                os.replace(partial, target)
            finally:
                partial.unlink(missing_ok=True)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise FetchError(f"no answer within {timeout_s} s") from exc
        raise FetchError(f"cannot connect: {exc.reason}") from exc
    except TimeoutError as exc:
        raise FetchError(f"no answer within {timeout_s} s") from exc
    except (OSError, http.client.HTTPException) as exc:
        raise FetchError(f"{type(exc).__name__}: {exc}") from exc
    return target
