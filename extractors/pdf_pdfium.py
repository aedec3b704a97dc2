"""What pypdfium2 (pdfium, in C) reads from a page: triage counts, text, glyphs, painted paths.

pdfminer's pure-Python content-stream interpreter is most of the time pdfplumber spends on a
page; pdfium reads the same glyphs and paths in C. Coordinates here are PDF user space (origin
bottom-left, page rotation not applied); `pdf_objects` gives them pdfplumber's shape.
"""

from __future__ import annotations

import ctypes
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as fpdf

Matrix = tuple[float, float, float, float, float, float]
Point = tuple[float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


class Glyph(NamedTuple):
    """A drawn character. pdfminer's box for it is [0, advance] x [descent, descent + size]
    in text space, placed at `origin` by `matrix`."""

    text: str
    origin: Point
    matrix: Matrix  # text space to user space; e and f unused (the origin places it)
    advance: float  # text space
    size: float  # font size set by Tf
    descent: float  # text space, at that size, as pdfium has it (see pdf_fonts)
    fontname: str


class PathShape(NamedTuple):
    """One painted subpath as pdfminer sees it: an op letter (m, l, c, h) per point."""

    ops: str
    points: list[Point]  # user space; each op's end point (h: the subpath's start)


@dataclass
class PdfiumPage:
    """A page read by pdfium: triage counts and text; glyphs and paths when asked for."""

    text: str  # pdfium's own text of the page, lines separated by "\n"
    chars: int = 0  # drawn characters (pdfium's generated spaces and breaks excluded)
    visible: int = 0  # drawn characters that are not white space
    unmapped: int = 0  # visible characters without a Unicode meaning (pdfminer's `(cid:n)`)
    images: int = 0
    path_objects: int = 0
    objects: int = 0  # page objects pdfium read from the content stream, of any kind
    paths: list[PathShape] = field(default_factory=list)
    glyphs: list[Glyph] = field(default_factory=list)


def read_page(
    page: pdfium.PdfPage, shapes: bool, glyphs: Callable[[str], bool] | None = None
) -> PdfiumPage:
    """Counts and text of a page; with `shapes`, its paths, and its glyphs if it has paths or
    `glyphs(text)` asks for them (a table printed without rules)."""
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        read = PdfiumPage(text.replace("\r\n", "\n"))
        count = read.objects = fpdf.FPDFPage_CountObjects(page.raw)
        objects = [fpdf.FPDFPage_GetObject(page.raw, i) for i in range(count)]
        _walk(objects, IDENTITY, read, shapes)
        wanted = read.path_objects > 0 or (glyphs is not None and glyphs(read.text))
        _read_chars(read, textpage, text, shapes and wanted)
    finally:
        textpage.close()
    return read


# Characters


def _read_chars(read: PdfiumPage, textpage: pdfium.PdfTextPage, text: str, glyphs: bool) -> None:
    raw = textpage.raw
    count = textpage.count_chars()
    if len(text) != count:  # characters outside the BMP: one per index, not two
        text = "".join(chr(fpdf.FPDFText_GetUnicode(raw, i)) for i in range(count))
    generated, unmapped = fpdf.FPDFText_IsGenerated, fpdf.FPDFText_HasUnicodeMapError
    drawn: list[int] = []
    for index, char in enumerate(text):
        if char.isspace():
            if generated(raw, index):
                continue
        else:
            read.visible += 1
            read.unmapped += _unreadable(char) or unmapped(raw, index) == 1
        drawn.append(index)
    read.chars = len(drawn)
    if glyphs:
        read.glyphs = _glyphs(raw, text, drawn)


def _unreadable(char: str) -> bool:
    return char == "\ufffd" or unicodedata.category(char) == "Co"  # private use


def _glyphs(raw: Any, text: str, drawn: list[int]) -> list[Glyph]:
    text_object, origin = fpdf.FPDFText_GetTextObject, fpdf.FPDFText_GetCharOrigin
    x, y = ctypes.c_double(), ctypes.c_double()
    runs: dict[int | None, _Run] = {}  # per text object
    fonts: dict[int | None, _Font] = {}
    found: list[Glyph] = []
    for index in drawn:
        handle = text_object(raw, index)
        key = _address(handle)
        run = runs.get(key)
        if run is None:
            run = runs[key] = _Run(raw, index, handle, fonts)
        origin(raw, index, x, y)
        char = text[index]
        advance = run.advance(char, raw, index)
        found.append(Glyph(char, (x.value, y.value), run.matrix, advance, *run.font_at_size))
    return found


def _address(handle: Any) -> int | None:
    return ctypes.addressof(handle.contents) if handle else None


class _Font:
    """A font's name, descent and character advances, per unit of font size."""

    def __init__(self, font: Any):
        self.font = font
        descent = ctypes.c_float()
        fpdf.FPDFFont_GetDescent(font, ctypes.c_float(1.0), descent)
        self.descent = float(descent.value)
        name = ctypes.create_string_buffer(256)
        length = fpdf.FPDFFont_GetBaseFontName(font, name, len(name))
        self.name = name.raw[: max(length - 1, 0)].decode("latin-1")
        self.advances: dict[str, float | None] = {}

    def advance(self, char: str) -> float | None:
        """The font's /Widths entry for the character, as pdfminer reads it."""
        if char not in self.advances:
            width = ctypes.c_float()
            found = fpdf.FPDFFont_GetGlyphWidth(self.font, ord(char), ctypes.c_float(1.0), width)
            self.advances[char] = float(width.value) if found else None
        return self.advances[char]


class _Run:
    """A text object: its matrix, font size and font."""

    def __init__(self, raw: Any, index: int, text_object: Any, fonts: dict[int | None, _Font]):
        m = fpdf.FS_MATRIX()
        fpdf.FPDFText_GetMatrix(raw, index, m)
        self.matrix: Matrix = (m.a, m.b, m.c, m.d, 0.0, 0.0)
        self.size = float(fpdf.FPDFText_GetFontSize(raw, index))
        font = fpdf.FPDFTextObj_GetFont(text_object)
        key = _address(font)
        self.font = fonts.get(key) or fonts.setdefault(key, _Font(font))
        self.font_at_size = (self.size, self.font.descent * self.size, self.font.name)

    def advance(self, char: str, raw: Any, index: int) -> float:
        per_size = self.font.advance(char)
        if per_size is not None:
            return per_size * self.size
        box = fpdf.FS_RECTF()  # no code for the character: pdfium's box along the baseline
        fpdf.FPDFText_GetLooseCharBox(raw, index, box)
        a, b = self.matrix[0], self.matrix[1]
        extent = float(box.right - box.left if abs(a) >= abs(b) else box.top - box.bottom)
        return abs(extent) / ((a * a + b * b) ** 0.5 or 1.0)


# Paths and images


def _walk(objects: list[Any], outer: Matrix, read: PdfiumPage, shapes: bool) -> None:
    """Paths and images of a content stream, descending into form XObjects."""
    for obj in objects:
        kind = fpdf.FPDFPageObj_GetType(obj)
        if kind == fpdf.FPDF_PAGEOBJ_IMAGE:
            read.images += 1
        elif kind == fpdf.FPDF_PAGEOBJ_PATH:
            read.path_objects += 1
            if shapes:
                read.paths += _subpaths(obj, compose(_matrix(obj), outer))
        elif kind == fpdf.FPDF_PAGEOBJ_FORM:
            count = max(int(fpdf.FPDFFormObj_CountObjects(obj)), 0)
            inner = [fpdf.FPDFFormObj_GetObject(obj, i) for i in range(count)]
            _walk(inner, compose(_matrix(obj), outer), read, shapes)


def _subpaths(obj: Any, matrix: Matrix) -> list[PathShape]:
    found: list[PathShape] = []
    ops = ""
    points: list[Point] = []
    px, py = ctypes.c_float(), ctypes.c_float()
    bezier = 0  # pdfium gives a curve as three BEZIERTO segments; pdfminer as one `c`
    for index in range(fpdf.FPDFPath_CountSegments(obj)):
        segment = fpdf.FPDFPath_GetPathSegment(obj, index)
        kind = fpdf.FPDFPathSegment_GetType(segment)
        if kind == fpdf.FPDF_SEGMENT_BEZIERTO:
            bezier = (bezier + 1) % 3
            if bezier:
                continue  # a control point
        fpdf.FPDFPathSegment_GetPoint(segment, px, py)
        point = apply(matrix, (px.value, py.value))
        if kind == fpdf.FPDF_SEGMENT_MOVETO:
            if ops:
                found.append(PathShape(ops, points))
            ops, points = "m", [point]
        else:
            ops += "c" if kind == fpdf.FPDF_SEGMENT_BEZIERTO else "l"
            points.append(point)
        if points and fpdf.FPDFPathSegment_GetClose(segment):
            ops += "h"
            points.append(points[0])
    if ops:
        found.append(PathShape(ops, points))
    return found


def _matrix(obj: Any) -> Matrix:
    m = fpdf.FS_MATRIX()
    fpdf.FPDFPageObj_GetMatrix(obj, m)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def compose(inner: Matrix, outer: Matrix) -> Matrix:
    """`inner` then `outer` (PDF row-vector convention: inner x outer)."""
    a, b, c, d, e, f = inner
    a2, b2, c2, d2, e2, f2 = outer
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def apply(matrix: Matrix, point: Point) -> Point:
    a, b, c, d, e, f = matrix
    x, y = point
    return (a * x + c * y + e, b * x + d * y + f)
