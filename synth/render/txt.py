"""The Henan-style text dump of a Word file: paragraphs as lines, table cells as tab-prefixed
lines, a blank line after each table row (the shape of samples/inbox/henan-*.txt)."""

from __future__ import annotations

from pathlib import Path

from synth.layout.blocks import Grid, Para, Section, text


def dump(sections: list[Section]) -> str:
    lines: list[str] = []
    for i, section in enumerate(sections):
        if i:
            lines += ["", "", " ", " ", ""]  # what a page break leaves in the dump
        for block in section.blocks:
            if isinstance(block, Para):
                lines.append(" " if block.style == "blank" else block.text)
                continue
            lines += _grid(block)
    return "\n".join(lines) + "\n"


def _grid(grid: Grid) -> list[str]:
    covered = grid.covered()
    lines = []
    for r, row in enumerate(grid.rows):
        for c, cell in enumerate(row):
            lines.append("\t" + ("" if (r, c) in covered else text(cell)))
        lines.append("")
    lines.append("")
    return lines


def write(sections: list[Section], path: Path) -> None:
    path.write_text(dump(sections), encoding="utf-8")
