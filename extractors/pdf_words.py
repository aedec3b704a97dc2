"""Words and printed lines of a page, with their positions, for tables printed without rules.

A word is a run of glyphs without a gap wider than `X_TOLERANCE` (a table cell's text: the
padding between two cells is wider); spaces inside it are kept (`收     入`), spaces around it
are not part of its extent. A line is the words whose vertical middles fall inside the band
of its first word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from pdfplumber.page import Page
from pdfplumber.utils.clustering import cluster_objects
from pdfplumber.utils.text import LIGATURES

X_TOLERANCE = 3.0  # points between two glyphs of one word
Y_TOLERANCE = 3.0  # points between the tops of two glyphs of one line
_IDEOGRAPHS = re.compile(r"[\u3400-\u9fff]+")


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def width(self) -> float:
        return self.x1 - self.x0


def joined(words: Iterable[Word]) -> Word:
    """One word over several: texts in reading order, lines separated by a newline."""
    ordered = sorted(words, key=lambda w: (w.top, w.x0))
    parts: list[str] = []
    for before, word in zip([None, *ordered], ordered, strict=False):
        if before is not None:
            parts.append(" " if word.top < before.bottom - before.height / 2 else "\n")
        parts.append(word.text)
    return Word(
        "".join(parts),
        min(w.x0 for w in ordered),
        max(w.x1 for w in ordered),
        min(w.top for w in ordered),
        max(w.bottom for w in ordered),
    )


@dataclass
class TextLine:
    words: list[Word]

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def page_words(page: Page) -> list[Word]:
    """pdfplumber's words of the page (blanks kept inside a word, `X_TOLERANCE`), as `Word`s
    bounded by their visible chars. Upright chars are grouped here as pdfplumber groups them
    (its line clustering, then left to right, a new word at a gap or a step back), without
    the word objects it builds."""
    chars = page.chars
    if not all(c["upright"] for c in chars):
        return _plumber_words(page)
    words: list[Word] = []
    for line in cluster_objects(chars, itemgetter("top"), Y_TOLERANCE):
        run: list[dict[str, Any]] = []
        for char in sorted(line, key=itemgetter("x0")):
            last = run[-1] if run else None
            if last is not None and (
                char["x0"] < last["x0"]
                or char["x0"] > last["x1"] + X_TOLERANCE
                or abs(char["top"] - last["top"]) > Y_TOLERANCE
            ):
                words += _word("".join(LIGATURES.get(c["text"], c["text"] or "") for c in run), run)
                run = []
            run.append(char)
        words += _word("".join(LIGATURES.get(c["text"], c["text"] or "") for c in run), run)
    return words


def _plumber_words(page: Page) -> list[Word]:
    found = page.extract_words(
        keep_blank_chars=True, x_tolerance=X_TOLERANCE, y_tolerance=Y_TOLERANCE,
        return_chars=True,
    )
    return [w for word in found for w in _word(word["text"], word["chars"])]


def _word(text: str, chars: list[dict[str, Any]]) -> list[Word]:
    """The word bounded by its visible chars; none if it has no visible char."""
    visible = [c for c in chars if not c["text"].isspace()]
    if not visible:
        return []
    return [Word(text.strip(), min(c["x0"] for c in visible), max(c["x1"] for c in visible),
                 min(c["top"] for c in visible), max(c["bottom"] for c in visible))]


def text_lines(words: list[Word]) -> list[TextLine]:
    lines: list[TextLine] = []
    for word in sorted(words, key=lambda w: w.middle):
        first = lines[-1].words[0] if lines else None
        if first is not None and first.top <= word.middle <= first.bottom:
            lines[-1].words.append(word)
        else:
            lines.append(TextLine([word]))
    for line in lines:
        line.words = _letter_spaced(sorted(line.words, key=lambda w: w.x0))
    return lines


def _letter_spaced(words: list[Word]) -> list[Word]:
    """`收     入`, `项  目`: single ideographs spread over a cell are one word."""
    out: list[Word] = []
    for word in words:
        last = out[-1] if out else None
        if (
            last is not None
            and _IDEOGRAPHS.fullmatch(last.text + word.text)
            and min(len(last.text), len(word.text)) == 1
            and word.x0 - last.x1 < 1.5 * max(last.height, word.height)
        ):
            out[-1] = Word(last.text + word.text, last.x0, word.x1, min(last.top, word.top),
                           max(last.bottom, word.bottom))
        else:
            out.append(word)
    return out
