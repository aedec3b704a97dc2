"""Font descents as pdfminer reads them, from a page's font dictionaries (no content stream).

pdfminer boxes a glyph down to the font descriptor's /Descent (0 when absent; the AFM value
for the standard 14 fonts). pdfium replaces a 0 with a figure from the font program, which
differs between subsets of one typeface and so splits one printed line into several.
"""

from __future__ import annotations

import re
from typing import Any

from pdfminer.fontmetrics import FONT_METRICS
from pdfminer.pdftypes import PDFStream, dict_value, list_value, num_value, resolve1
from pdfminer.psparser import PSException, literal_name

_SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")
_SIMPLE = ("Type1", "MMType1", "TrueType")
_MAX_FORM_DEPTH = 4


def font_descents(resources: Any) -> dict[str, float]:
    """Descent per unit of font size, by base font name with and without its subset tag."""
    found: dict[str, float] = {}
    _collect(resources, found, 0)
    return found


def without_subset_tag(name: str) -> str:
    return _SUBSET_TAG.sub("", name)


def _collect(resources: Any, found: dict[str, float], depth: int) -> None:
    try:
        resources = dict_value(resources)
        fonts = dict_value(resources.get("Font")).values()
        forms = dict_value(resources.get("XObject")).values()
    except (PSException, TypeError, ValueError):
        return
    for spec in fonts:
        names, descent = _descent(resolve1(spec))
        for name in names:
            found.setdefault(name, descent)
            found.setdefault(without_subset_tag(name), descent)
    if depth < _MAX_FORM_DEPTH:
        for form in map(resolve1, forms):
            if isinstance(form, PDFStream) and "Resources" in form.attrs:
                _collect(form.attrs["Resources"], found, depth + 1)


def _descent(spec: Any) -> tuple[list[str], float]:
    """Base font names (a Type0 font's and its descendant's) and pdfminer's descent; no
    names for Type3 and unreadable fonts."""
    try:
        spec = dict_value(spec)
        subtype = literal_name(spec.get("Subtype"))
        names = [_name(spec)]
        if subtype == "Type0":
            spec = dict_value(list_value(spec.get("DescendantFonts"))[0])
            names.append(_name(spec))
        elif subtype not in _SIMPLE:
            return [], 0.0
        if subtype in _SIMPLE and names[0] in FONT_METRICS:
            descriptor = FONT_METRICS[names[0]][0]
        else:
            descriptor = dict_value(spec.get("FontDescriptor"))
        return names, -abs(num_value(descriptor.get("Descent", 0))) / 1000
    except (PSException, KeyError, IndexError, TypeError, ValueError):
        return [], 0.0


def _name(spec: dict[str, Any]) -> str:
    return literal_name(resolve1(spec["BaseFont"]))
