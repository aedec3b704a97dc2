"""`juesuan synth`: write a synthetic disclosure corpus with ground truth."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from synth.corpus import FORMATS, generate


def _years(text: str) -> range:
    first, _, last = text.partition("-")
    try:
        start, stop = int(first), int(last or first)
    except ValueError:
        raise argparse.ArgumentTypeError(f"years must look like 2019-2024, not {text!r}") from None
    if stop < start or start < 2008:
        raise argparse.ArgumentTypeError(f"bad year range {text!r}")
    return range(start, stop + 1)


def _formats(text: str) -> list[str]:
    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise argparse.ArgumentTypeError(f"formats are {','.join(FORMATS)}; got {text!r}")
    return formats


def _rate(text: str) -> float:
    rate = float(text)
    if not 0 <= rate <= 1:
        raise argparse.ArgumentTypeError("--faults is a share between 0 and 1")
    return rate


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="juesuan synth",
        description="Generate a synthetic 部门决算 corpus: documents, truth.json beside each, "
                    "planted faults.")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument("--departments", type=int, default=6, help="number of departments")
    p.add_argument("--years", type=_years, default=_years("2019-2024"),
                   help="fiscal years, e.g. 2019-2024")
    p.add_argument("--formats", type=_formats, default=list(FORMATS),
                   help="comma-separated: pdf,docx,xlsx,txt (assigned round-robin)")
    p.add_argument("--seed", type=int, default=1, help="random seed (same seed, same corpus)")
    p.add_argument("--faults", type=_rate, default=0.0,
                   help="share of documents with one planted fault (adds 3 broken PDFs)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.departments < 1:
        print("--departments must be at least 1", file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        paths = generate(args.out, args.departments, args.years, args.formats, args.seed,
                         args.faults, report=lambda line: print(line, file=sys.stderr))
    except (ValueError, RuntimeError) as exc:
        print(f"synth: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {len(paths)} documents to {args.out} in {time.perf_counter() - started:.1f}s "
          f"(manifest: {args.out / 'manifest.json'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
