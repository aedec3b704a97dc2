"""Read a page that is only a scanned image (triaged `needs_ocr`) with Tesseract.

The page image (`pdf_ocr_image`: rendered, straightened, ruling lines found and painted out)
becomes a pdfplumber page like any ruled page: one line object per ruling line and one char
per recognised character, so the ruled-table path (table finder, titles, units, header
meaning, rows) runs on it unchanged. The ruling lines give the cells; every cell with ink is
cut out and the cells are stacked on one canvas that Tesseract reads at once (chi_sim+eng).
Cells read with Latin letters (rare in these tables: eng stands in for Chinese, 费 read `tt`)
are read again with chi_sim alone. Cells still without Chinese are read again on another
canvas with digits, `.`, `,`, `-` and parentheses only (figures and codes: `11` is not `ll`),
and those read with fewer characters than they have glyphs once more with their glyphs set
apart. The text outside the tables (titles, the 单位 line, notes, prose) is read from the page
with the tables blanked (chi_sim, automatic page segmentation).
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
import pypdfium2 as pdfium
import pytesseract
from pdfplumber.page import DerivedPage, Page
from PIL import Image

from extractors.pdf_ocr_image import Rule, ScanImage, scan_image

LANGUAGES = ("chi_sim", "eng")  # text; figures
# Misreadings of chi_sim in these tables that are no Chinese word: 年末 (year end) read 年未.
CONFUSIONS = {"年未": "年末"}
FIGURE_CHARS = "0123456789.,-()"
FIGURE_SCALE = 1.2
SPREAD = 0.4  # white between a figure's glyphs when it is read again spread out, per height
TIMEOUT = 300  # seconds for one Tesseract reading
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
_PAD = 6  # pixels of white kept around a cell's ink
PlumberObject = dict[str, Any]
Box = tuple[int, int, int, int]  # left, top, right, bottom in pixels


@functools.cache
def unavailable() -> str | None:
    """Why OCR cannot run here, or None when Tesseract with its languages is installed."""
    try:
        installed = set(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, pytesseract.TesseractError, OSError):
        return "tesseract is not installed"
    missing = [language for language in LANGUAGES if language not in installed]
    return f"tesseract has no {'/'.join(missing)} language data" if missing else None


@dataclass
class OcrRead:
    page: Page  # pdfplumber page: chars and ruling lines from the image
    text: str  # the page's text, line by line
    chars: int
    rules: int
    skew: float  # degrees the scan was turned back


class OcrPage(DerivedPage):
    """`page` with the objects read from its image."""

    def __init__(self, page: Page, objects: dict[str, list[PlumberObject]]):
        self.bbox = page.bbox
        super().__init__(page)
        self._objects = objects

    @property
    def objects(self) -> dict[str, list[PlumberObject]]:
        return self._objects


@dataclass
class _Word:
    text: str
    box: Box  # page pixels; the box of its whole text line, vertically


def read_scanned(pdfium_page: pdfium.PdfPage, page: Page, dpi: int,
                 table_settings: dict[str, Any]) -> OcrRead:
    """Chars and ruling lines of a scanned page, for the ruled-table path."""
    image = scan_image(pdfium_page, dpi)
    place = _Placement(page, image.scale)
    lines = [place.line(rule) for rule in image.rules]
    ruled = OcrPage(page, {"line": lines} if lines else {})
    tables = ruled.find_tables(table_settings) if lines else []
    cells = [place.pixels(cell) for table in tables for cell in table.cells]
    words = _cell_words(image, cells)
    outside = image.grey.copy()
    for table in tables:
        left, top, right, bottom = place.pixels(table.bbox)
        outside[top:bottom, left:right] = 255
    words += _page_words(outside)
    chars = [char for word in words for char in place.chars(word)]
    read = OcrPage(page, {"char": chars, "line": lines} if lines else {"char": chars})
    return OcrRead(read, read.extract_text(), len(chars), len(lines), image.skew)


# Reading


def _cell_words(image: ScanImage, cells: list[Box]) -> list[_Word]:
    """The text of every inked cell (see the module's docstring for the readings)."""
    crops = [crop for crop in (_inked(image, cell) for cell in cells) if crop is not None]
    found = _read_crops(image, crops, "+".join(LANGUAGES), None)
    latin = [crop for crop in crops if any(_LATIN.search(w.text) for w in found[crop])]
    chinese = _read_crops(image, latin, LANGUAGES[0], None)
    found.update({crop: chinese[crop] for crop in latin
                  if any(_CJK.search(w.text) for w in chinese[crop])})
    figures = [crop for crop in crops if not any(_CJK.search(w.text) for w in found[crop])]
    again = _read_crops(image, figures, LANGUAGES[1], FIGURE_CHARS)
    found.update({crop: again[crop] for crop in figures if again[crop]})
    glyphs = {crop: len(_glyphs(image, crop)) for crop in figures}
    short = [crop for crop in figures if _length(found[crop]) < glyphs[crop]]
    spread = _read_crops(image, short, LANGUAGES[1], FIGURE_CHARS, spread=True)
    found.update({crop: spread[crop] for crop in short if _length(spread[crop]) == glyphs[crop]})
    return [word for crop in crops for word in found[crop]]


def _length(words: list[_Word]) -> int:
    return sum(len(word.text.replace(" ", "")) for word in words)


def _glyphs(image: ScanImage, crop: Box) -> list[tuple[int, int]]:
    """Column spans of ink separated by blank columns: one per printed glyph of a figure."""
    left, top, right, bottom = crop
    inked = image.ink[top:bottom, left:right].any(axis=0)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], inked.astype(np.int8), [0]))))
    return [(left + int(a), left + int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _spread(image: ScanImage, crop: Box) -> np.ndarray:
    """The crop with its glyphs set apart: two equal glyphs close together (a serif `11`)
    are otherwise read as one."""
    _, top, _, bottom = crop
    white = np.full((bottom - top, max(4, round(SPREAD * (bottom - top)))), 255, np.uint8)
    parts = [white]
    for start, end in _glyphs(image, crop):
        parts += [image.grey[top:bottom, start:end], white]
    return np.hstack(parts)


def _inked(image: ScanImage, cell: Box) -> Box | None:
    """The cell's ink with a margin, or None for a blank cell."""
    left, top, right, bottom = cell
    inset = 2
    ink = image.ink[top + inset : bottom - inset, left + inset : right - inset]
    if ink.size == 0 or ink.sum() < image.scale**2:  # less than a point of ink: a speck
        return None
    rows, cols = np.nonzero(ink.any(axis=1))[0], np.nonzero(ink.any(axis=0))[0]
    y0, x0 = top + inset + rows[0] - _PAD, left + inset + cols[0] - _PAD
    y1, x1 = top + inset + rows[-1] + 1 + _PAD, left + inset + cols[-1] + 1 + _PAD
    return (max(x0, left), max(y0, top), min(x1, right), min(y1, bottom))


def _read_crops(image: ScanImage, crops: list[Box], languages: str, whitelist: str | None,
                spread: bool = False) -> dict[Box, list[_Word]]:
    """The crops stacked on a white canvas, read at once, lines sent back to their crop.
    Figures are read enlarged by FIGURE_SCALE; a spread crop's text gets the crop's box."""
    found: dict[Box, list[_Word]] = {crop: [] for crop in crops}
    if not crops:
        return found
    pieces = [_spread(image, crop) if spread else
              image.grey[crop[1] : crop[3], crop[0] : crop[2]] for crop in crops]
    heights = [piece.shape[0] for piece in pieces]
    gap = max(24, int(np.median(heights)))
    width = max(piece.shape[1] for piece in pieces) + 2 * gap
    canvas = np.full((sum(heights) + gap * (len(crops) + 1), width), 255, np.uint8)
    offsets: list[int] = []
    y = gap
    for piece, height in zip(pieces, heights, strict=True):
        canvas[y : y + height, gap : gap + piece.shape[1]] = piece
        offsets.append(y)
        y += height + gap
    zoom = FIGURE_SCALE if whitelist else 1.0
    for line in _tesseract(canvas, languages, 6, whitelist, zoom):
        middle = (line.box[1] + line.box[3]) / 2
        for crop, offset, height in zip(crops, offsets, heights, strict=True):
            if offset - gap / 2 <= middle < offset + height + gap / 2 and spread:
                found[crop].append(_Word(line.text, crop))
                break
            if offset - gap / 2 <= middle < offset + height + gap / 2:
                dx, dy = crop[0] - gap, crop[1] - offset
                left, top, right, bottom = line.box
                found[crop].append(_Word(line.text, (left + dx, top + dy, right + dx, bottom + dy)))
                break
    return found


def _page_words(grey: np.ndarray) -> list[_Word]:
    """The text outside the tables (automatic page segmentation)."""
    if (grey < 128).sum() == 0:
        return []
    return _tesseract(grey, LANGUAGES[0], 3, None, 1.0)


def _tesseract(pixels: np.ndarray, languages: str, psm: int, whitelist: str | None,
               zoom: float) -> list[_Word]:
    """Tesseract's text lines: words in its reading order (its boxes of Chinese words are
    unreliable, its lines are not), each line with the box around its words."""
    config = f"--psm {psm}"
    if whitelist:
        config += f" -c tessedit_char_whitelist={whitelist}"
    image = Image.fromarray(pixels)
    if zoom != 1.0:
        size = (round(image.width * zoom), round(image.height * zoom))
        image = image.resize(size, Image.Resampling.LANCZOS)
    data = pytesseract.image_to_data(image, lang=languages, config=config,
                                     output_type=pytesseract.Output.DICT, timeout=TIMEOUT)
    lines: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for n, text in enumerate(data["text"]):
        if text.strip():
            lines[(data["block_num"][n], data["par_num"][n], data["line_num"][n])].append(n)
    found: list[_Word] = []
    for members in lines.values():
        text = ""
        for n in members:
            word = data["text"][n].strip()
            spaced = not whitelist and text[-1:].isascii() and word[:1].isascii()
            text += (" " if text and spaced else "") + word
        for wrong, right in CONFUSIONS.items():
            text = text.replace(wrong, right)
        box = (min(data["left"][n] for n in members), min(data["top"][n] for n in members),
               max(data["left"][n] + data["width"][n] for n in members),
               max(data["top"][n] + data["height"][n] for n in members))
        found.append(_Word(text, (round(box[0] / zoom), round(box[1] / zoom),
                                  round(box[2] / zoom), round(box[3] / zoom))))
    return found


# Page objects


class _Placement:
    """Pixels of the straightened image to pdfplumber's page coordinates."""

    def __init__(self, page: Page, scale: float):
        self.scale = scale
        self.x0, self.top = float(page.bbox[0]), float(page.bbox[1])
        self.height = float(page.height)
        self.doctop = float(page.initial_doctop)
        self.page_number = page.page_number

    def pixels(self, bbox: tuple[float, float, float, float]) -> Box:
        x0, top, x1, bottom = bbox
        s = self.scale
        return (round((x0 - self.x0) * s), round((top - self.top) * s),
                round((x1 - self.x0) * s), round((bottom - self.top) * s))

    def _box(self, left: float, top: float, right: float, bottom: float) -> PlumberObject:
        x0, x1 = self.x0 + left / self.scale, self.x0 + right / self.scale
        top_pt, bottom_pt = self.top + top / self.scale, self.top + bottom / self.scale
        return {
            "x0": x0, "x1": x1, "top": top_pt, "bottom": bottom_pt,
            "y0": self.height - (bottom_pt - self.top), "y1": self.height - (top_pt - self.top),
            "doctop": self.doctop + top_pt, "width": x1 - x0, "height": bottom_pt - top_pt,
            "page_number": self.page_number,
        }

    def line(self, rule: Rule) -> PlumberObject:
        if rule.horizontal:
            y = (rule.top + rule.bottom) / 2
            obj = self._box(rule.left, y, rule.right, y)
        else:
            x = (rule.left + rule.right) / 2
            obj = self._box(x, rule.top, x, rule.bottom)
        obj["object_type"] = "line"
        obj["pts"] = [(obj["x0"], obj["top"]), (obj["x1"], obj["bottom"])]
        obj["linewidth"] = min(rule.bottom - rule.top, rule.right - rule.left) / self.scale
        return obj

    def chars(self, word: _Word) -> list[PlumberObject]:
        """The word's characters side by side, each an equal share of its width."""
        left, top, right, bottom = word.box
        step = (right - left) / len(word.text)
        found = []
        for n, text in enumerate(word.text):
            obj = self._box(left + n * step, top, left + (n + 1) * step, bottom)
            obj.update(object_type="char", text=text, fontname="OCR", size=obj["height"],
                       adv=obj["width"], upright=True,
                       matrix=(1.0, 0.0, 0.0, 1.0, obj["x0"], obj["y0"]))
            found.append(obj)
        return found
