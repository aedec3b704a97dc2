"""A scanned page as an image: rendered, straightened, its ruling lines found and removed.

The page is rendered grey by pdfium and straightened by the angle whose row profile of ink is
sharpest (a sheet lies a little crooked on a scanner). Ink is what is darker than Otsu's
threshold. A ruling line is a long thin run of ink: horizontal runs of at least `MIN_RULE`
points, vertical runs of at least `MIN_STROKE`, neither thicker than `MAX_WIDTH`; a vertical
one counts only where both its ends lie on a horizontal one (a glyph's stroke ends short of
the rules around it), and a horizontal one only where at least two vertical ones cross it.
Coordinates are pixels of the straightened image, top-left origin.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pypdfium2 as pdfium
from PIL import Image
from scipy import ndimage

MIN_RULE = 18.0  # points: a horizontal rule is longer than any glyph stroke
MIN_STROKE = 7.2  # points: shorter vertical runs are not even considered
MAX_WIDTH = 3.0  # points: a thicker band of ink is a filled area (a photo, a seal), no rule
MAX_SKEW = 3.0  # degrees either way
_SAMPLE = 200_000  # ink pixels used to measure the skew


@dataclass(frozen=True)
class Rule:
    """A ruling line's band of pixels: rows top..bottom, columns left..right (exclusive)."""

    top: int
    bottom: int
    left: int
    right: int

    @property
    def horizontal(self) -> bool:
        return self.right - self.left >= self.bottom - self.top


@dataclass
class ScanImage:
    grey: np.ndarray  # uint8, straightened; paper and rules white, ink as scanned
    ink: np.ndarray  # bool, ink of `grey` (rules removed)
    scale: float  # pixels per point
    skew: float  # degrees the page was turned back
    rules: list[Rule]


def scan_image(page: pdfium.PdfPage, dpi: int) -> ScanImage:
    scale = dpi / 72
    grey = page.render(scale=scale, grayscale=True).to_pil().convert("L")
    pixels = np.asarray(grey)
    skew = measure_skew(pixels < otsu(pixels))
    if abs(skew) >= 0.05:
        turned = grey.rotate(-skew, resample=Image.Resampling.BICUBIC, fillcolor=255)
        pixels = np.asarray(turned)
    threshold = otsu(pixels)
    ink = pixels < threshold
    rules = find_rules(ink, scale)
    for rule in rules:  # with a margin: the rule's blurred edge is ink too
        ink[max(rule.top - 3, 0) : rule.bottom + 3, max(rule.left - 3, 0) : rule.right + 3] = False
    clean = np.where(ink, pixels, 255).astype(np.uint8)  # paper and its noise made white
    return ScanImage(clean, ink, scale, skew, rules)


def otsu(grey: np.ndarray) -> int:
    """Otsu's threshold: the grey level that best splits the histogram in two."""
    hist = np.bincount(grey.ravel(), minlength=256).astype(np.float64)
    weight = np.cumsum(hist) / hist.sum()
    mean = np.cumsum(hist * np.arange(256)) / hist.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mean[-1] * weight - mean) ** 2 / (weight * (1 - weight))
    return int(np.nanargmax(between))


def measure_skew(ink: np.ndarray) -> float:
    """Degrees the content is turned counter-clockwise (a coarse then a fine search)."""
    ys, xs = np.nonzero(ink)
    if len(ys) < 100:
        return 0.0
    if len(ys) > _SAMPLE:
        chosen = np.random.default_rng(0).choice(len(ys), _SAMPLE, replace=False)
        ys, xs = ys[chosen], xs[chosen]
    ys, xs = ys.astype(np.float64), xs.astype(np.float64)

    def sharpness(angle: float) -> float:
        rows = np.round(ys + xs * np.tan(np.radians(angle))).astype(np.int64)
        counts = np.bincount(rows - rows.min()).astype(np.float64)
        return float((counts * counts).sum())

    best = max(np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.1), key=sharpness)
    return float(max(np.arange(best - 0.1, best + 0.1 + 1e-9, 0.01), key=sharpness))


def find_rules(ink: np.ndarray, scale: float) -> list[Rule]:
    thick = MAX_WIDTH * scale
    horizontal = [band for band in _bands(_runs(ink, round(MIN_RULE * scale), axis=1))
                  if band.bottom - band.top <= thick]
    vertical = [band for band in _bands(_runs(ink, round(MIN_STROKE * scale), axis=0))
                if band.right - band.left <= thick]
    anchored = [v for v in vertical if _on_rule(v, v.top, horizontal)
                and _on_rule(v, v.bottom - 1, horizontal)]
    crossed = [h for h in horizontal if sum(_crosses(h, v) for v in anchored) >= 2]
    return crossed + anchored


def _runs(ink: np.ndarray, length: int, axis: int) -> np.ndarray:
    """Ink in runs of at least `length` along `axis`: a morphological opening, after closing
    one-pixel gaps and allowing a one-pixel wobble across."""
    mask = ink.astype(np.uint8)
    mask = ndimage.maximum_filter1d(mask, 3, axis=1 - axis)
    mask = ndimage.minimum_filter1d(ndimage.maximum_filter1d(mask, 3, axis=axis), 3, axis=axis)
    eroded = ndimage.minimum_filter1d(mask, length, axis=axis, mode="constant", cval=0)
    return ndimage.maximum_filter1d(eroded, length, axis=axis, mode="constant", cval=0) > 0


def _bands(mask: np.ndarray) -> list[Rule]:
    labels, _ = ndimage.label(mask)
    return [Rule(rows.start, rows.stop, cols.start, cols.stop)
            for rows, cols in ndimage.find_objects(labels)]


def _on_rule(vertical: Rule, y: int, horizontal: list[Rule]) -> bool:
    x = (vertical.left + vertical.right) // 2
    return any(h.left - 1 <= x <= h.right and h.top - 1 <= y <= h.bottom for h in horizontal)


def _crosses(h: Rule, v: Rule) -> bool:
    y = (h.top + h.bottom) // 2
    return v.left <= h.right and v.right >= h.left and v.top - 1 <= y <= v.bottom
