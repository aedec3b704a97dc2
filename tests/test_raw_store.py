"""The raw store (orchestration.raw_store): the build database's raw schema exactly as the
direct load makes it, while only the documents the store does not hold are read (real
extractions, real DuckDB)."""

from __future__ import annotations

import logging
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any
from unittest.mock import patch

import duckdb
import pytest

from extractors.dispatch import file_sha256
from extractors.ir import Document
from extractors.load import create_raw_schema, load_batch, load_documents
from orchestration import ingest, raw_store
from orchestration.ingest import (
    DEFAULT_MAX_BYTES,
    CachedInbox,
    extract_to_cache,
    is_cached,
    load_cached,
    scan_inbox,
)
from orchestration.paths import SAMPLE_INBOX, Home
from orchestration.raw_store import RawLoad, load_raw
from synth import generate

HENAN = "henan-xuchang-hrss-2023.txt"
SHANGHAI = "shanghai-putuo-finance-2024.pdf"
LOG = logging.getLogger("test_raw_store")


def henan_variant(old: str, new: str) -> str:
    """The Henan sample with one printed figure changed."""
    text = (SAMPLE_INBOX / HENAN).read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both samples, a Henan variant, four generated documents (TXT, DOCX, XLSX), a corrupt
    PDF and a symbolic link out of the inbox (refused)."""
    inbox = tmp_path_factory.mktemp("corpus")
    for name in (HENAN, SHANGHAI):
        shutil.copy(SAMPLE_INBOX / name, inbox / name)
    (inbox / "henan-modified.txt").write_text(henan_variant("4,054.88", "4,064.88"), "utf-8")
    with patch("synth.corpus.soffice", return_value=None):
        generated = generate(tmp_path_factory.mktemp("synth"), departments=2,
                             years=range(2022, 2024), formats=["txt", "docx", "xlsx"], seed=7)
    (inbox / "synth").mkdir()
    for path in generated:
        shutil.copy(path, inbox / "synth" / path.name)
    (inbox / "corrupt.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    (inbox / "outside.txt").symlink_to(SAMPLE_INBOX / HENAN)
    return inbox


@pytest.fixture(scope="module")
def extracted(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with the corpus extracted, to copy."""
    home = Home(tmp_path_factory.mktemp("extracted")).ensure()
    extract(corpus, home)
    return home.root


@pytest.fixture
def setup(corpus: Path, extracted: Path, tmp_path: Path) -> tuple[Path, Home]:
    """A copy of the corpus and its extracted home: an inbox this test may change."""
    inbox = tmp_path / "inbox"
    shutil.copytree(corpus, inbox, symlinks=True)
    shutil.copytree(extracted, tmp_path / "home")  # cache files keep their mtimes
    return inbox, Home(tmp_path / "home").ensure()


def extract(inbox: Path, home: Home) -> None:
    """What the extraction asset does: cache every content of the inbox not cached yet."""
    for sha256, path in scan_inbox(inbox, home).holders().items():
        if not is_cached(home, sha256):
            extract_to_cache(path, sha256, home, DEFAULT_MAX_BYTES)


def direct(cached: CachedInbox, database: Path) -> None:
    """The load before the store: every document read from its JSON."""
    with duckdb.connect(str(database)) as con:
        create_raw_schema(con)
        load_documents(con, cached.documents(), cached.failures, cached.first_seen)


def through_store(cached: CachedInbox, home: Home, database: Path) -> RawLoad:
    with duckdb.connect(str(database)) as con:
        return load_raw(con, cached, home, LOG)


def raw_tables(database: Path) -> dict[str, tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """Every raw table: its column types and its rows, sorted."""
    with duckdb.connect(str(database), read_only=True) as con:
        names = [name for (name,) in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'raw'").fetchall()]
        return {
            name: (
                con.execute(f"select column_name, column_type from (describe raw.{name})")
                .fetchall(),
                con.execute(f"select * from raw.{name} order by all").fetchall(),
            )
            for name in names
        }


def assert_same_as_direct(
    cached: CachedInbox, home: Home, tmp: Path, reads: list[str] | None = None
) -> RawLoad:
    """Load the same scan directly and through the store; the raw tables must be equal.
    `reads` is emptied after the direct load: it is left with the store's reads."""
    for database in (tmp / "direct.duckdb", tmp / "store.duckdb"):
        database.unlink(missing_ok=True)
    direct(cached, tmp / "direct.duckdb")
    if reads is not None:
        reads.clear()
    loaded = through_store(cached, home, tmp / "store.duckdb")
    expected, actual = raw_tables(tmp / "direct.duckdb"), raw_tables(tmp / "store.duckdb")
    assert len(expected) == 8 and actual.keys() == expected.keys()
    for name, (types, rows) in expected.items():
        assert actual[name][0] == types, name
        assert actual[name][1] == rows, name
    assert loaded.cells == len(expected["cells"][1]) > 0
    return loaded


def stored_ids(home: Home) -> dict[str, set[str]]:
    """The document ids of every table of the store."""
    with duckdb.connect(str(home.raw_store), read_only=True) as con:
        tables = [f"{schema}.{name}" for schema, name in con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where schema_name in ('raw', 'store') and table_name != 'meta'").fetchall()]
        return {
            table: {sha for (sha,) in con.execute(f"select document_id from {table}").fetchall()}
            for table in tables
        }


def assert_store_holds(home: Home, document_ids: set[str]) -> None:
    """The store holds these documents, rows and ids, and no other."""
    stored = stored_ids(home)
    assert stored["store.loaded"] == stored["raw.documents"] == document_ids
    assert all(ids <= document_ids for ids in stored.values())


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The document ids read from the extraction cache."""
    read: list[str] = []
    parse = ingest.document_from_json

    def counted(data: dict[str, Any]) -> Document:
        document = parse(data)
        read.append(document.sha256)
        return document

    monkeypatch.setattr(ingest, "document_from_json", counted)
    return read


def test_same_rows_as_the_direct_load_reading_only_changed_documents(
    setup: tuple[Path, Home], tmp_path: Path, reads: list[str]
) -> None:
    inbox, home = setup
    first = load_cached(scan_inbox(inbox, home), home)
    assert len(first.cached) == 7 and len(first.failures) == 2
    loaded = assert_same_as_direct(first, home, tmp_path)
    assert (loaded.parsed, loaded.reused, loaded.dropped) == (7, 0, 0)
    assert home.raw_store.stat().st_mode & 0o777 == 0o600

    # Nothing changed: nothing is read.
    reads.clear()
    assert through_store(first, home, tmp_path / "again.duckdb").parsed == 0
    assert reads == []

    # One file rewritten in place (its earlier bytes stay a version), one removed, one moved:
    # only the new bytes are read; the moved one keeps its rows under its new path.
    (inbox / "henan-modified.txt").write_text(henan_variant("4,054.88", "4,074.88"), "utf-8")
    removed = file_sha256(inbox / SHANGHAI)
    (inbox / SHANGHAI).unlink()
    (inbox / "moved").mkdir()
    (inbox / HENAN).rename(inbox / "moved" / HENAN)
    extract(inbox, home)
    second = load_cached(scan_inbox(inbox, home), home)
    loaded = assert_same_as_direct(second, home, tmp_path, reads)
    assert reads == [file_sha256(inbox / "henan-modified.txt")]
    assert (loaded.parsed, loaded.reused, loaded.dropped) == (1, 6, 1)
    current = {ingest.cache_sha256(cache) for cache, _ in second.cached}
    assert removed not in current
    assert_store_holds(home, current)
    with duckdb.connect(str(tmp_path / "store.duckdb"), read_only=True) as con:
        assert con.execute(
            "select source_path from raw.documents where file_name = ?", [HENAN]
        ).fetchall() == [(str(inbox / "moved" / HENAN),)]


def test_cache_file_extracted_anew_is_read_again(
    setup: tuple[Path, Home], tmp_path: Path, reads: list[str]
) -> None:
    inbox, home = setup
    cached = load_cached(scan_inbox(inbox, home), home)
    through_store(cached, home, tmp_path / "first.duckdb")
    cache, _ = cached.cached[0]
    cache.unlink()  # the documented way to extract a file anew
    extract(inbox, home)
    loaded = assert_same_as_direct(cached, home, tmp_path, reads)
    assert (loaded.parsed, loaded.dropped) == (1, 1)
    assert reads == [ingest.cache_sha256(cache)]


def test_other_fingerprint_rebuilds_the_store(
    setup: tuple[Path, Home], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    inbox, home = setup
    cached = load_cached(scan_inbox(inbox, home), home)
    through_store(cached, home, tmp_path / "first.duckdb")
    with patch.object(raw_store, "fingerprint", return_value="other loader code"):
        with caplog.at_level(logging.INFO):
            assert assert_same_as_direct(cached, home, tmp_path).parsed == 7
        assert "written by other loader code" in caplog.text
        assert through_store(cached, home, tmp_path / "again.duckdb").parsed == 0
    assert through_store(cached, home, tmp_path / "third.duckdb").parsed == 7


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_unreadable_store_is_rebuilt_with_a_warning(
    setup: tuple[Path, Home], tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: str
) -> None:
    inbox, home = setup
    cached = load_cached(scan_inbox(inbox, home), home)
    through_store(cached, home, tmp_path / "first.duckdb")
    data = home.raw_store.read_bytes()
    if damage == "garbage":
        home.raw_store.write_bytes(bytes(range(256)) * (len(data) // 256))
    else:  # as if killed while the file was written
        home.raw_store.write_bytes(data[: len(data) // 2])
    with caplog.at_level(logging.WARNING):
        loaded = assert_same_as_direct(cached, home, tmp_path)
    assert loaded.parsed == 7
    assert [r.levelno for r in caplog.records if "unusable" in r.message] == [logging.WARNING]


class Killed(Exception):
    pass


def test_load_interrupted_mid_batch_leaves_a_consistent_store(
    setup: tuple[Path, Home], tmp_path: Path
) -> None:
    inbox, home = setup
    cached = load_cached(scan_inbox(inbox, home), home)
    batches: list[list[str]] = []

    def dies_in_second_batch(con: duckdb.DuckDBPyConnection, documents: list[Document],
                             *args: Any) -> int:
        cells = load_batch(con, documents, *args)  # the rows are written, not committed
        batches.append([document.sha256 for document in documents])
        if len(batches) == 2:
            raise Killed
        return cells

    with (
        patch.object(raw_store, "BATCH_DOCUMENTS", 2),
        patch.object(raw_store, "load_batch", dies_in_second_batch),
        pytest.raises(Killed),
    ):
        through_store(cached, home, tmp_path / "killed.duckdb")
    assert_store_holds(home, set(batches[0]))
    loaded = assert_same_as_direct(cached, home, tmp_path)
    assert (loaded.parsed, loaded.reused) == (5, 2)


KILLED_IN_SECOND_BATCH = """
import logging, os, signal, sys
from pathlib import Path
from unittest.mock import patch
import duckdb
from extractors.load import load_batch
from orchestration import raw_store
from orchestration.ingest import load_cached, scan_inbox
from orchestration.paths import Home

inbox, home, database = Path(sys.argv[1]), Home(Path(sys.argv[2])), sys.argv[3]
batches = []

def dies_in_second_batch(con, documents, *args):
    cells = load_batch(con, documents, *args)
    batches.append(documents)
    if len(batches) == 2:  # the rows are written, not committed
        os.kill(os.getpid(), signal.SIGKILL)
    return cells

with patch.object(raw_store, "BATCH_DOCUMENTS", 2), \
        patch.object(raw_store, "load_batch", dies_in_second_batch), \
        duckdb.connect(database) as con:
    raw_store.load_raw(con, load_cached(scan_inbox(inbox, home), home), home, logging.getLogger())
"""


def test_load_killed_mid_batch_keeps_the_committed_batches(
    setup: tuple[Path, Home], tmp_path: Path
) -> None:
    """A real SIGKILL: DuckDB replays the committed batch and drops the open transaction."""
    inbox, home = setup
    cached = load_cached(scan_inbox(inbox, home), home)
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_IN_SECOND_BATCH, str(inbox), str(home.root),
         str(tmp_path / "killed.duckdb")], capture_output=True, text=True, check=False)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert_store_holds(home, {ingest.cache_sha256(cache) for cache, _ in cached.cached[:2]})
    loaded = assert_same_as_direct(cached, home, tmp_path)
    assert (loaded.parsed, loaded.reused) == (5, 2)


def test_no_documents(tmp_path: Path) -> None:
    home = Home(tmp_path / "home").ensure()
    (tmp_path / "inbox").mkdir()
    cached = load_cached(scan_inbox(tmp_path / "inbox", home), home)
    assert through_store(cached, home, tmp_path / "empty.duckdb") == RawLoad(0, 0, 0, 0)
