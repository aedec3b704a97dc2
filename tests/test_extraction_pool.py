"""Extraction over worker processes: every file cached by its worker, a killed worker is that
file's error and the others go on, the worker count is a validated setting."""

from __future__ import annotations

import json
import shutil
import signal
import threading
import time
from pathlib import Path

import psutil
import pytest
from pydantic import ValidationError

from extractors.dispatch import file_sha256
from orchestration.defs.home import JuesuanHome, cpu_count
from orchestration.extraction import extract_files
from orchestration.paths import SAMPLE_INBOX, Home

PDF = SAMPLE_INBOX / "shanghai-putuo-finance-2024.pdf"
TXT = SAMPLE_INBOX / "henan-xuchang-hrss-2023.txt"


def _files(tmp_path: Path) -> list[tuple[Path, str]]:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(PDF, inbox / PDF.name)
    shutil.copy(TXT, inbox / TXT.name)
    (inbox / "empty.pdf").write_bytes(b"")
    return [(p, file_sha256(p)) for p in sorted(inbox.iterdir())]


def test_workers_write_the_cache_and_bad_files_are_errors(tmp_path: Path) -> None:
    home = Home(tmp_path / "home").ensure()
    files = _files(tmp_path)
    done = {d.path.name: d for d in extract_files(files, home, 10**8, 2, 600)}
    assert set(done) == {"empty.pdf", PDF.name, TXT.name}
    assert done[PDF.name].problem is None and done[TXT.name].problem is None
    assert done["empty.pdf"].problem == "the file is empty"
    for path, sha in files:
        cached = home.extracted_dir / f"{sha}.json"
        failed = home.extracted_dir / f"{sha}.error.json"
        assert (failed if path.name == "empty.pdf" else cached).exists()
    document = json.loads((home.extracted_dir / f"{file_sha256(PDF)}.json").read_text("utf-8"))
    assert document["pages"] == 25 and document["tables"]


def _kill_worker_reading(path: Path, stop: threading.Event) -> None:
    """SIGKILL the extraction worker (a child of the forkserver, our child) once it has
    `path` open."""
    me = psutil.Process()
    while not stop.is_set():
        for child in me.children():
            for worker in child.children():
                try:
                    reading = any(f.path == str(path) for f in worker.open_files())
                except psutil.NoSuchProcess:
                    continue
                if reading:
                    worker.send_signal(signal.SIGKILL)
                    return
        time.sleep(0.02)


def test_a_killed_worker_is_that_files_error_and_the_rest_go_on(tmp_path: Path) -> None:
    home = Home(tmp_path / "home").ensure()
    files = _files(tmp_path)
    pdf = next(path for path, _ in files if path.name == PDF.name)
    stop = threading.Event()
    killer = threading.Thread(target=_kill_worker_reading, args=(pdf, stop))
    killer.start()
    try:  # the worker reading the 25-page PDF dies on it
        done = {d.path.name: d for d in extract_files(files, home, 10**8, 1, 600)}
    finally:
        stop.set()
        killer.join()
    assert done[PDF.name].problem is not None
    assert "died" in done[PDF.name].problem and "-9" in done[PDF.name].problem
    recorded = json.loads(
        (home.extracted_dir / f"{file_sha256(PDF)}.error.json").read_text("utf-8"))
    assert recorded == {"path": str(pdf), "problem": done[PDF.name].problem}
    assert done[TXT.name].problem is None
    assert done["empty.pdf"].problem == "the file is empty"


def test_a_file_past_the_timeout_is_its_error(tmp_path: Path) -> None:
    home = Home(tmp_path / "home").ensure()
    pdf = [f for f in _files(tmp_path) if f[0].name == PDF.name]
    (done,) = extract_files(pdf, home, 10**8, 1, 0.01)
    assert done.problem == "extraction took longer than 0.01 s"
    assert (home.extracted_dir / f"{pdf[0][1]}.error.json").exists()


def test_worker_count_defaults_to_the_cpus_and_is_validated() -> None:
    assert JuesuanHome(inbox="i", home="h").extract_workers == cpu_count() >= 1
    assert JuesuanHome(inbox="i", home="h", extract_workers=3).extract_workers == 3
    for wrong in (0, -1):
        with pytest.raises(ValidationError, match="extract_workers"):
            JuesuanHome(inbox="i", home="h", extract_workers=wrong)
