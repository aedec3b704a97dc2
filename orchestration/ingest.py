"""The inbox, its index and the extraction cache.

`<home>/inbox-index.json` remembers each inbox file's size, mtime and content hash (an
unchanged file is not hashed again) and, per content hash, when it was first seen and at
which inbox paths: the first-seen time orders the versions of a department-year. A path's
earlier contents stay versions of it while the path stays in the inbox; removing the file
forgets them.

The cache keeps one extraction per content hash: `<sha256>.json` for a document,
`<sha256>.error.json` for a file that cannot be read. Both are written atomically.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Container, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from extractors.dispatch import extract_file, file_sha256
from extractors.ir import Document, ExtractionError, document_from_json
from orchestration.paths import Home

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
INDEX_FILE = "inbox-index.json"


def inbox_files(inbox: Path) -> list[Path]:
    """Every regular, non-hidden file under the inbox that may be read, in a stable order."""
    return [path for path, problem in _inbox_entries(inbox) if problem is None]


def refused_files(inbox: Path) -> dict[str, str]:
    """Inbox entries that are not read, each with why: a symbolic link leading out of the
    inbox, a name that is not UTF-8, something that is not a regular file."""
    return {_printable(path): problem for path, problem in _inbox_entries(inbox) if problem}


def _inbox_entries(inbox: Path) -> list[tuple[Path, str | None]]:
    """(path, None) for a file to read, (path, problem) for one refused. Hidden names are
    skipped; symbolic links are followed only to files inside the inbox."""
    root = inbox.resolve()
    entries: list[tuple[Path, str | None]] = []
    for folder, dirs, names in os.walk(inbox):  # does not descend into linked folders
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in [*dirs, *names]:
            if name.startswith("."):
                continue
            path = Path(folder) / name
            problem = _problem(path, root)
            if problem or not path.is_dir():
                entries.append((path, problem))
    return sorted(entries, key=lambda entry: _printable(entry[0]))


def _problem(path: Path, root: Path) -> str | None:
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(root):
            return f"symbolic link to {_printable(target)}, outside the inbox: refused"
        return None if target.is_file() or target.is_dir() else "broken symbolic link"
    if path.is_dir():
        return None
    if _printable(path) != str(path):
        return "file name is not valid UTF-8: refused"
    if not path.is_file():
        return "not a regular file: refused"
    return None


def _printable(path: Path) -> str:
    """The path as text; bytes that are not UTF-8 shown as \\xNN."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def refused_id(path: str) -> str:
    """A stable document id for a refused entry (its bytes are never read)."""
    return hashlib.sha256(f"refused:{path}".encode()).hexdigest()


@dataclass(frozen=True)
class Version:
    """A content hash to load, under a path that is in the inbox."""

    sha256: str
    path: Path
    first_seen_at: datetime
    current: bool  # the path holds these bytes now (else they were rewritten in place)


@dataclass(frozen=True)
class InboxScan:
    files: dict[str, str]  # inbox path → sha256 of its bytes now
    first_seen: dict[str, datetime]  # sha256 → when first seen, every hash ever seen
    paths: dict[str, list[str]]  # sha256 → inbox paths that hold or held these bytes
    refused: dict[str, str] = field(default_factory=dict)  # inbox path → why it is not read

    def hashes(self) -> list[str]:
        """The distinct contents of the inbox now, the earliest seen first."""
        return sorted(set(self.files.values()), key=lambda sha: (self.first_seen[sha], sha))

    def holders(self) -> dict[str, Path]:
        """sha256 → a file of the inbox holding these bytes now."""
        holders: dict[str, Path] = {}
        for path, sha in sorted(self.files.items()):
            holders.setdefault(sha, Path(path))
        return holders

    def versions(self) -> list[Version]:
        """Every content hash held now or earlier by a path in the inbox, oldest first, under
        the first path that held it (and holds it now, for the current contents)."""
        versions = []
        for sha, held_by in self.paths.items():
            holding = [p for p in held_by if self.files[p] == sha]
            if held_by:
                path = (holding or held_by)[0]
                versions.append(Version(sha, Path(path), self.first_seen[sha], bool(holding)))
        return sorted(versions, key=lambda v: (v.first_seen_at, v.sha256))


def scan_inbox(inbox: Path, home: Home) -> InboxScan:
    """Hash the files that are new or changed since the last scan; update the index."""
    with _locked_index(home) as index:
        known: dict[str, dict[str, Any]] = index.setdefault("files", {})
        hashes: dict[str, dict[str, Any]] = index.setdefault("hashes", {})
        now = datetime.now(UTC).isoformat()
        files: dict[str, dict[str, Any]] = {}
        for path in inbox_files(inbox):
            stat, key = path.stat(), str(path)
            entry = known.get(key)
            if entry and (entry["size"], entry["mtime_ns"]) == (stat.st_size, stat.st_mtime_ns):
                sha = entry["sha256"]
            else:
                sha = file_sha256(path)
            files[key] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": sha}
            seen = hashes.setdefault(sha, {"first_seen_at": now, "paths": []})
            if key not in seen["paths"]:
                seen["paths"].append(key)
        for seen in hashes.values():  # a removed file's history goes with it
            seen["paths"] = [p for p in seen["paths"] if p in files]
        index["files"] = files
    return InboxScan(
        files={path: entry["sha256"] for path, entry in files.items()},
        first_seen={sha: datetime.fromisoformat(h["first_seen_at"]) for sha, h in hashes.items()},
        paths={sha: list(h["paths"]) for sha, h in hashes.items()},
        refused=refused_files(inbox),
    )


@contextmanager
def _locked_index(home: Home) -> Iterator[dict[str, Any]]:
    """The index for reading and updating, locked against the sensor and runs alike."""
    path = home.root / INDEX_FILE
    home.root.mkdir(parents=True, exist_ok=True)
    with (home.root / f".{INDEX_FILE}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        index = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        before = json.dumps(index, sort_keys=True)
        yield index
        if json.dumps(index, sort_keys=True) != before:
            _write_json(path, index)


def _write_json(path: Path, data: Any) -> None:
    partial = path.with_name(f".{path.name}.part")
    partial.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(partial, path)


def _document_cache(home: Home, sha256: str) -> Path:
    return home.extracted_dir / f"{sha256}.json"


def _failure_cache(home: Home, sha256: str) -> Path:
    return home.extracted_dir / f"{sha256}.error.json"


def cache_sha256(cache: Path) -> str:
    """The content hash a document's cache file is named after."""
    return cache.name.removesuffix(".json")


def is_cached(home: Home, sha256: str) -> bool:
    """Whether these bytes were extracted, or found unreadable, before."""
    return _document_cache(home, sha256).exists() or _failure_cache(home, sha256).exists()


def record_failure(path: Path, sha256: str, home: Home, problem: str) -> None:
    """Cache these bytes as unreadable, with the problem (delete the file to try again)."""
    _write_json(_failure_cache(home, sha256), {"path": str(path), "problem": problem})


def extract_to_cache(path: Path, sha256: str, home: Home, max_bytes: int) -> str | None:
    """Extract one file into the cache; the problem when it cannot be read, else None."""
    try:
        document = extract_file(path, sha256, max_bytes=max_bytes)
    except ExtractionError as exc:
        record_failure(path, sha256, home, exc.problem)
        return exc.problem
    _write_json(_document_cache(home, sha256), document.to_json())
    return None


@dataclass
class CachedInbox:
    cached: list[tuple[Path, str]] = field(default_factory=list)  # cache file, inbox path
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # path, sha256, error
    first_seen: dict[str, datetime] = field(default_factory=dict)  # sha256 → first seen
    pending: list[str] = field(default_factory=list)  # inbox paths not extracted yet

    def documents(self, only: Container[str] | None = None) -> Iterator[Document]:
        """The cached documents (of the content hashes `only`, if given), read one at a time
        (the corpus is never held at once)."""
        for cache, inbox_path in self.cached:
            if only is not None and cache_sha256(cache) not in only:
                continue
            document = document_from_json(json.loads(cache.read_text(encoding="utf-8")))
            document.source_path = inbox_path
            yield document


def load_cached(scan: InboxScan, home: Home) -> CachedInbox:
    """The cached extraction of every version in the inbox, as of the scan."""
    result = CachedInbox()
    now = datetime.now(UTC)
    for path, problem in scan.refused.items():
        result.failures.append((path, refused_id(path), problem))
        result.first_seen[refused_id(path)] = now
    for version in scan.versions():
        document_cache = _document_cache(home, version.sha256)
        failure_cache = _failure_cache(home, version.sha256)
        if document_cache.exists():
            result.cached.append((document_cache, str(version.path)))
        elif failure_cache.exists():
            problem = json.loads(failure_cache.read_text(encoding="utf-8"))["problem"]
            result.failures.append((str(version.path), version.sha256, problem))
        else:
            if version.current:  # earlier bytes never extracted are gone for good
                result.pending.append(str(version.path))
            continue
        result.first_seen[version.sha256] = version.first_seen_at
    return result
