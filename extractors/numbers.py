"""Reading printed figures: amounts as they appear in disclosure tables, and small counts.

Shared by every extractor. A printed zero (`0`, `0.00`, `-`, `—`) and a blank cell are the
same thing in a disclosure, so `parse_amount` gives None for both; `raw` text stays with the
caller for provenance.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

# Dashes and similar marks printed instead of a zero.
ZERO_MARKS = frozenset({"", "-", "--", "—", "——", "–", "－", "―", "/", "0"})

_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)")
_SEPARATORS = re.compile(r"[,，'\s]")
_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def _clean(raw: str) -> str:
    """Full-width forms made ASCII, thousands separators and spaces removed."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw))


def parse_number(raw: str) -> Decimal | None:
    """The printed number (`1,511.89`, `(12.00)`, `-3`), or None if the text is not one."""
    text = _clean(raw)
    negative = len(text) > 2 and text[0] == "(" and text[-1] == ")"
    if negative:
        text = text[1:-1]
    if not _NUMBER.fullmatch(text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return -value if negative else value


def is_amount_text(raw: str) -> bool:
    """True for a printed amount, a printed zero mark or a blank."""
    return _clean(raw) in ZERO_MARKS or parse_number(raw) is not None


def parse_amount(raw: str) -> Decimal | None:
    """Printed amount in its printed unit; None for a zero, a dash, a blank or non-numbers."""
    if _clean(raw) in ZERO_MARKS:
        return None
    value = parse_number(raw)
    if value is None or value == 0:
        return None
    return value


def parse_count(text: str) -> int | None:
    """A small count printed in digits (`7`) or Chinese numerals (`七`, `十二`, `二十三`)."""
    text = unicodedata.normalize("NFKC", text).strip()
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
