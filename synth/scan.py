"""Scanned copies of PDF pages: each page printed to a grey image, slightly rotated, blurred
and noisy, and saved as an image-only PDF (Pillow's JPEG-in-PDF), as a department's scanner
would. Seeded: the same style gives the same pixels."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter


@dataclass(frozen=True)
class ScanStyle:
    dpi: int = 200
    angle: float = 0.3  # degrees, counter-clockwise; a sheet never lies quite straight
    blur: float = 0.8  # Gaussian radius in pixels
    noise: float = 10.0  # standard deviation of the grey noise (0-255)
    paper: int = 240  # grey of the paper: scans are never white
    seed: int = 0


def scan_image(page: pdfium.PdfPage, style: ScanStyle, seed: int) -> Image.Image:
    """One page as a scanner sees it: grey, rotated, blurred, noisy."""
    image = page.render(scale=style.dpi / 72, grayscale=True).to_pil().convert("L")
    image = image.rotate(style.angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    image = image.filter(ImageFilter.GaussianBlur(style.blur))
    pixels = np.asarray(image, dtype=np.float32) * (style.paper / 255)
    pixels += np.random.default_rng(seed).normal(0, style.noise, pixels.shape)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")


def scanned_pdf(source: Path, pages: list[int], target: Path, style: ScanStyle) -> None:
    """An image-only PDF of `pages` (1-based) of `source`, in that order."""
    document = pdfium.PdfDocument(source)
    try:
        images = []
        for number in pages:
            page = document[number - 1]
            images.append(scan_image(page, style, style.seed + number))
            page.close()
    finally:
        document.close()
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", resolution=float(style.dpi), save_all=True,
                   append_images=images[1:])
    target.write_bytes(buffer.getvalue())
