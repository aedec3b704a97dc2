"""Writing the corpus: each document in its format, `truth.json` beside it, a manifest."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from synth import truth as truth_io
from synth.layout.document import sections
from synth.render import docx, pdf, txt, xlsx

if TYPE_CHECKING:
    from synth.corpus import Entry


def _target(out: Path, entry: Entry) -> Path:
    context = entry.draft.context
    folder = out / context["slug"] / str(context["year"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder / context["file"]


def write_corpus(out: Path, corpus: list[Entry], report: Callable[[str], None] | None = None
                 ) -> list[Path]:
    """Render every entry; PDFs go through one LibreOffice run (two with an encrypted one)."""
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="synth-docx-"))
    pending: dict[bool, list[tuple[Path, Path, Entry]]] = {False: [], True: []}
    paths: list[Path] = []
    started = time.perf_counter()
    try:
        for entry in corpus:
            target = _target(out, entry)
            layout = sections(entry.draft)
            fmt, title = entry.draft.context["format"], target.stem
            if fmt == "txt":
                txt.write(layout, target)
            elif fmt == "docx":
                docx.write(layout, target, title)
            elif fmt == "xlsx":
                xlsx.write(layout, target, title)
            else:
                staged = staging / f"{len(paths):05d}.docx"
                docx.write(layout, staged, title)
                pending[entry.bad == "encrypted"].append((staged, target, entry))
            paths.append(target)
        generated = time.perf_counter()
        for encrypt, batch in pending.items():
            if batch:
                pdf.convert([staged for staged, _, _ in batch], staging, encrypt)
        converted = time.perf_counter()
        for staged, target, entry in pending[False] + pending[True]:
            shutil.move(staging / f"{staged.stem}.pdf", target)
            pdf.fix_metadata(target)
            _spoil(target, entry)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    for entry, path in zip(corpus, paths, strict=True):
        truth_io.write(entry.truth, path.parent / "truth.json")
    _manifest(out, corpus, paths)
    if report:
        n = len(pending[False]) + len(pending[True])
        report(f"layout and DOCX/XLSX/TXT writing (DOCX also for the PDFs): "
               f"{generated - started:.1f}s; LibreOffice conversion of {n} PDF(s): "
               f"{converted - generated:.1f}s")
    return paths


def _spoil(target: Path, entry: Entry) -> None:
    bad = entry.truth.bad_file
    if entry.bad == "truncated":
        pdf.truncate(target)
    elif entry.bad == "image_page" and bad is not None:
        bad["image_pages"] = [pdf.image_page(target, ("收入决算表", "科目名称"))]


def _manifest(out: Path, corpus: list[Entry], paths: list[Path]) -> None:
    documents: list[dict[str, Any]] = []
    for entry, path in zip(corpus, paths, strict=True):
        doc = entry.truth.department
        documents.append({
            "path": path.relative_to(out).as_posix(),
            "truth": (path.parent / "truth.json").relative_to(out).as_posix(),
            "department_name": doc["department_name"],
            "fiscal_year": doc["fiscal_year"],
            "format": doc["format"],
            "template_family": doc["template_family"],
            "faults": [f.check_id for f in entry.truth.faults],
            "bad_file": entry.bad,
        })
    text = json.dumps({"schema": truth_io.SCHEMA, "documents": documents}, ensure_ascii=False,
                      indent=1)
    (out / "manifest.json").write_text(text + "\n", encoding="utf-8")
