"""A pdfplumber page whose objects come from pdfium, not from pdfminer's interpreter.

Glyphs and painted paths read by `pdf_pdfium` are given the shape pdfminer's layout gives
them in pdfplumber (same page transform, same char boxes, subpaths classified as line, rect
or curve by pdfminer's rules), so pdfplumber's own table finder and text-line grouping run
on them unchanged.
"""

from __future__ import annotations

from typing import Any

from pdfplumber.page import DerivedPage, Page

from extractors.pdf_fonts import font_descents, without_subset_tag
from extractors.pdf_pdfium import Glyph, Matrix, PathShape, PdfiumPage, Point, apply, compose

PlumberObject = dict[str, Any]


class PdfiumObjectsPage(DerivedPage):
    """`page` with chars, lines, rects and curves from pdfium's reading of it, placed when
    first asked for (a page of running text never is)."""

    def __init__(self, page: Page, read: PdfiumPage):
        self.bbox = page.bbox
        super().__init__(page)
        self._read = read
        self._placed: dict[str, list[PlumberObject]] | None = None

    @property
    def objects(self) -> dict[str, list[PlumberObject]]:
        if self._placed is None:
            self._placed = plumber_objects(self.parent_page, self._read)
        return self._placed


def plumber_objects(page: Page, read: PdfiumPage) -> dict[str, list[PlumberObject]]:
    place = _Placement(page)
    objects: dict[str, list[PlumberObject]] = {"line": [], "rect": [], "curve": []}
    objects["char"] = [place.char(glyph) for glyph in read.glyphs]
    for shape in read.paths:
        kind, points = classify(shape)
        if kind:
            objects[kind].append(place.path(kind, points))
    return {kind: found for kind, found in objects.items() if found}


def classify(shape: PathShape) -> tuple[str | None, list[Point]]:
    """pdfminer's reading of one subpath: a line, an axis-aligned rect, else a curve."""
    ops, points = shape.ops, list(shape.points)
    if not ops.startswith("m"):
        return None, points
    if len(ops) > 3 and ops.endswith("lh") and points[-2] == points[0]:
        ops = ops[:-2] + "h"  # a redundant `l` back to the start of a closed path
        points.pop()
    if ops in ("ml", "mlh"):
        return "line", points[:2]
    if ops in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), last = points
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (
            y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0
        )
        if last == points[0] and square:
            return "rect", points
    return "curve", points


class _Placement:
    """pdfminer's page transform (rotation, MediaBox origin) then pdfplumber's flip."""

    def __init__(self, page: Page):
        x0, y0, x1, y1 = page.page_obj.mediabox
        rotate = page.page_obj.rotate
        self.ctm: Matrix = {
            90: (0, -1, 1, 0, -y0, x1),
            180: (-1, 0, 0, -1, x1, y1),
            270: (0, 1, -1, 0, y1, -x0),
        }.get(rotate, (1, 0, 0, 1, -x0, -y0))
        self.x_shift = float(page.mediabox[0])
        self.top_shift = float(page.mediabox[1]) + float(page.height)
        self.doctop = float(page.initial_doctop)
        self.page_number = page.page_number
        self.descents = font_descents(page.page_obj.resources)
        self._per_size: dict[str, float | None] = {}  # descent per font name
        self._placed: dict[Matrix, tuple[float, float, float, float, bool]] = {}  # per matrix

    def _box(self, x0: float, y0: float, x1: float, y1: float) -> PlumberObject:
        top = self.top_shift - y1
        return {
            "x0": x0 + self.x_shift,
            "x1": x1 + self.x_shift,
            "y0": y0,
            "y1": y1,
            "top": top,
            "bottom": self.top_shift - y0,
            "doctop": self.doctop + top,
            "width": x1 - x0,
            "height": y1 - y0,
            "page_number": self.page_number,
        }

    def char(self, glyph: Glyph) -> PlumberObject:
        ca, cb, cc, cd, ce, cf = self.ctm
        gx, gy = glyph.origin
        ox, oy = ca * gx + cc * gy + ce, cb * gx + cd * gy + cf  # `apply`, inlined
        placed = self._placed.get(glyph.matrix)
        if placed is None:
            a, b, c, d, _, _ = compose(glyph.matrix, self.ctm)
            placed = self._placed[glyph.matrix] = (a, b, c, d, a * d > 0 and b * c <= 0)
        a, b, c, d, upright = placed
        low = self._descent(glyph)
        high, advance = low + glyph.size, glyph.advance
        xs: tuple[float, ...]
        ys: tuple[float, ...]
        if b == 0 and c == 0:  # upright or mirrored: two corners are enough
            xs, ys = (0.0, a * advance), (d * low, d * high)
        else:
            xs = (c * low, a * advance + c * low, a * advance + c * high, c * high)
            ys = (d * low, b * advance + d * low, b * advance + d * high, d * high)
        x0, y0, x1, y1 = ox + min(xs), oy + min(ys), ox + max(xs), oy + max(ys)
        return {
            **self._box(x0, y0, x1, y1),
            "object_type": "char",
            "text": glyph.text,
            "fontname": glyph.fontname,
            "size": y1 - y0,
            "adv": advance,
            "matrix": (a, b, c, d, ox, oy),
            "upright": upright,
        }

    def _descent(self, glyph: Glyph) -> float:
        """pdfminer's descent where the font dictionary is found, else pdfium's."""
        name = glyph.fontname
        if name not in self._per_size:
            per_size = self.descents.get(name)
            if per_size is None:
                per_size = self.descents.get(without_subset_tag(name))
            self._per_size[name] = per_size
        per_size = self._per_size[name]
        return glyph.descent if per_size is None else per_size * glyph.size

    def path(self, kind: str, points: list[Point]) -> PlumberObject:
        device = [apply(self.ctm, point) for point in points]
        xs = [x for x, _ in device]
        ys = [y for _, y in device]
        obj = self._box(min(xs), min(ys), max(xs), max(ys))
        obj["object_type"] = kind
        obj["pts"] = [(x + self.x_shift, self.top_shift - y) for x, y in device]
        return obj
