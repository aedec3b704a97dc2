"""Small text helpers for the PDF extractor: labels, figures and subject codes as printed."""

from __future__ import annotations

import re

from extractors.numbers import parse_number

# CJK ideographs, CJK punctuation and full-width forms: no spaces belong between them.
_WIDE = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_SPACE_NEAR_WIDE = re.compile(rf"(?<=[{_WIDE}])\s+|\s+(?=[{_WIDE}])")
_SPACES = re.compile(r"\s+")
_CODE = re.compile(r"^\d{2,7}$")
_MEANINGFUL = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")


def clean_text(text: str | None) -> str:
    """Wrapped lines joined; spaces dropped next to CJK text and collapsed elsewhere."""
    if not text:
        return ""
    return _SPACES.sub(" ", _SPACE_NEAR_WIDE.sub("", text)).strip()


def compact(text: str | None) -> str:
    """All whitespace removed (cell text compared as a token: `2,940.05`, `201`)."""
    return _SPACES.sub("", text or "")


def is_amount(text: str | None) -> bool:
    """A printed figure (`2,940.05`, `0.00`, `(3.10)`), not a zero mark, a blank or a word."""
    return parse_number(text or "") is not None


def is_code(text: str | None) -> bool:
    """A subject-code fragment: `201`, `06`, `2080505`, `30101`."""
    return bool(_CODE.match(compact(text)))


def is_placeholder(text: str) -> bool:
    """Template filler such as `…` or `。。。`: no letter, digit or ideograph."""
    return not _MEANINGFUL.search(text)
