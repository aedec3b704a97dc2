"""Generated corpora for the pipeline benchmarks, cached so reruns do not regenerate them.

A corpus is generated once under `<corpus-dir>/<key>/` (written as `<key>.partial`, renamed
when complete) for enough departments to cover the largest size; a size takes the first
documents of its manifest (whole departments, every year), plus the broken files when faults
are planted. An existing corpus of the same settings and more departments is reused.
"""

from __future__ import annotations

import json
import math
import re
import shutil
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CorpusSpec:
    years: range
    formats: tuple[str, ...]
    seed: int
    faults: float

    def key(self, departments: int) -> str:
        return (f"synth-d{departments}-{self.years.start}-{self.years.stop - 1}-"
                f"{'-'.join(self.formats)}-seed{self.seed}-f{self.faults:g}")

    def departments_for(self, size: int) -> int:
        return max(1, math.ceil(size / len(self.years)))


@dataclass(frozen=True)
class Corpus:
    root: Path
    entries: list[dict]  # manifest entries: path, format, bad_file, ...

    def documents(self, size: int) -> list[dict]:
        """`size` documents: the first good ones in manifest order, then the broken files."""
        bad = [e for e in self.entries if e.get("bad_file")][: max(0, size // 100)]
        good = [e for e in self.entries if not e.get("bad_file")]
        if size > len(good) + len(bad):
            raise ValueError(f"{self.root} has {len(good)} documents, not {size}")
        return good[: size - len(bad)] + bad


def cached_corpus(folder: Path, spec: CorpusSpec, size: int) -> Corpus:
    """The cached corpus for `size` documents, generated when there is none."""
    needed = spec.departments_for(size)
    pattern = re.compile(re.escape(spec.key(0)).replace("d0", r"d(\d+)") + "$")
    found = sorted(
        (int(m.group(1)), path)
        for path in folder.glob("synth-*")
        if (m := pattern.match(path.name)) and (path / "manifest.json").exists()
    )
    usable = [path for departments, path in found if departments >= needed]
    if usable:
        return _read(usable[0])
    from synth import generate

    target = folder / spec.key(needed)
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    print(f"generating {needed} departments x {len(spec.years)} years under {target} ...",
          flush=True)
    generate(partial, needed, spec.years, list(spec.formats), spec.seed, spec.faults)
    partial.rename(target)
    return _read(target)


def _read(root: Path) -> Corpus:
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    return Corpus(root, manifest["documents"])


def lay_out_inbox(corpus: Corpus, size: int, inbox: Path) -> list[Path]:
    """A fresh inbox with copies of the size's documents; returns their inbox paths."""
    shutil.rmtree(inbox, ignore_errors=True)
    paths = []
    for entry in corpus.documents(size):
        target = inbox / entry["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus.root / entry["path"], target)
        paths.append(target)
    return paths


def revise(paths: list[Path], count: int) -> list[Path]:
    """Rewrite `count` documents in place as new versions (PDF and TXT ones: a byte appended
    after the content changes the hash and nothing a reader sees), written atomically."""
    revisable = [p for p in paths if p.suffix in (".pdf", ".txt")]
    chosen = revisable[:: max(1, len(revisable) // count)][:count] if count else []
    for path in chosen:
        staged = path.with_name(f".{path.name}.new")
        staged.write_bytes(path.read_bytes() + b"\n")
        staged.replace(path)
    return chosen
