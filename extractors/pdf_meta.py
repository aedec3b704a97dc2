"""Document facts read from printed text: department, fiscal year, unit, member units."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from extractors.ir import NameMention, Unit
from extractors.pdf_grid import Grid
from extractors.pdf_text import clean_text, compact, is_placeholder

_UNIT = re.compile(r"单位[:：](万元|元)")
_YEAR_OF_REPORT = re.compile(r"(?<!\d)(20\d{2})年度")
_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_DEPARTMENT_LABEL = re.compile(
    r"(?:部门名称|部门|编制单位)[:：]([^，,。；;:：]{2,40}?)(?:(?<!\d)20\d{2}年度?)?"
    r"(?=(?:金额)?单位[:：]|$)"
)
_COVER_TITLE = re.compile(r"^(.{2,40}?)(?:年度)?部门决算")
_PART_HEADING = re.compile(r"第[一二三四五六]部分(.{2,40}?)(?:年度)?部门决算")
_YEAR_PHRASE = re.compile(r"(?<!\d)20\d{2}(?:年度|年)?")
_STATED_COUNT = (
    re.compile(r"单位(?:共|共计|合计)(\d+)[个家]"),
    re.compile(r"共(?:有|计)?(\d+)[个家](?:预算|二级|所属|下属)?单位"),
)
_EMPTY_MARKERS = ("无数据", "本表为空")  # …故本表无数据 / 本表为空
_NOTE_LABEL = re.compile(r"^.*(?:说明|注)[:：]")


def find_unit(texts: Iterable[str]) -> Unit | None:
    for text in texts:
        match = _UNIT.search(compact(text))
        if match:
            return "万元" if match.group(1) == "万元" else "元"
    return None


def find_year(texts: Iterable[str]) -> int | None:
    """`2024年度` first; else the one year printed beside a 部门决算 title (split lines)."""
    texts = [compact(text) for text in texts]
    for text in texts:
        match = _YEAR_OF_REPORT.search(text)
        if match:
            return int(match.group(1))
    for text in texts:
        years = set(_YEAR.findall(text))
        if "部门决算" in text and len(years) == 1:
            return int(years.pop())
    return None


def find_department(cover: str | None, texts: Iterable[str]) -> str | None:
    """A `部门：` label, else the cover title, else a part heading (第二部分 X 年度部门决算表)."""
    texts = list(texts)
    for text in texts:
        for line in text.splitlines():
            match = _DEPARTMENT_LABEL.search(compact(line))
            if match:
                return match.group(1)
    if cover:
        match = _COVER_TITLE.search(_YEAR_PHRASE.sub("", compact(cover)))
        if match:
            return match.group(1)
    for text in texts:
        match = _PART_HEADING.search(_YEAR_PHRASE.sub("", compact(text)))
        if match:
            return match.group(1)
    return None


def label_mentions(pages: Mapping[int, str], tables: Mapping[int, str]) -> list[NameMention]:
    """Every `部门：X` / `编制单位：X` line (with the year printed beside it) per page; the
    place is the table printed on that page (`tables`: page -> table key)."""
    mentions = []
    for page in sorted(pages):
        for line in pages[page].splitlines():
            flat = compact(line)
            match = _DEPARTMENT_LABEL.search(flat)
            if not match:
                continue
            year = _YEAR_OF_REPORT.search(flat)
            place = f"table:{tables[page]}" if page in tables else "header"
            mentions.append(
                NameMention(place, match.group(1), int(year.group(1)) if year else None, page)
            )
    return mentions


def find_stated_count(texts: Iterable[str]) -> int | None:
    for text in texts:
        flat = compact(text)
        for pattern in _STATED_COUNT:
            match = pattern.search(flat)
            if match:
                return int(match.group(1))
    return None


def empty_statement(texts: Iterable[str]) -> str | None:
    """The sentence saying a table has no data (`…故本表无数据。`), note label removed."""
    for text in texts:
        for sentence in re.split(r"(?<=。)|[；;]", compact(text)):
            if any(marker in sentence for marker in _EMPTY_MARKERS):
                return _NOTE_LABEL.sub("", sentence) or sentence
    return None


def member_unit_names(grids: list[Grid]) -> list[str]:
    """Names under the 单位名称 header of a 决算单位构成 table (continued pages included)."""
    column: int | None = None
    names: list[str] = []
    for grid in grids:
        for row in range(len(grid.slots)):
            if column is None:
                column = _name_column(grid, row)
                continue
            if column >= grid.n_cols:
                break
            name = clean_text(grid.origin_text(row, column))
            if name and not is_placeholder(name):
                names.append(name)
    return names


def _name_column(grid: Grid, row: int) -> int | None:
    for col in range(grid.n_cols):
        if "单位名称" in compact(grid.origin_text(row, col)):
            return col
    return None


def has_unit_name_header(grid: Grid) -> bool:
    return bool(grid.slots) and _name_column(grid, 0) is not None
