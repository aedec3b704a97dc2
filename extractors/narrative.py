"""The figures stated in a disclosure's narrative (情况说明), read from its text lines.

`statements_from_lines` is a pure function over (text, page) lines, whatever the format: the
lines are joined into paragraphs (a PDF wraps a sentence, even a number and its unit, over
lines; a paragraph ends at 。 or before a heading or a numbered line), the paragraphs are
assigned to the headings they are under, and every figure with its unit (万元, 元, %, 辆, 个,
人次 …) is read with the label printed before it (`narrative_vocab`). Shares (占…的x%) and
completion rates (完成年初预算的x%) refer to the amount stated before them in the sentence;
changes (增加/减少 x万元) and growth rates (增长/下降 y%) to the figure they name, else to the
paragraph's subject (its last amount). An itemised 类/款/项 opens a context in which 年初预算
and 决算 are the item's, with the stated reason for their difference.

`add_narrative` runs it for a document and resolves the items' codes by their 类/款/项 names:
from the document's own code tables, else from the function-subject catalogue seed (an item
with 决算 0 is in no table). The PDF extractor feeds it `page_lines` of its page texts.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache

from extractors.catalogue import SEEDS_DIR, function_class_code, normalise, strip_ordinal
from extractors.ir import Document, Measure, StatedUnit, Statement
from extractors.narrative_vocab import (
    amount_key,
    completion_base,
    count_key,
    section_kind,
    share_base,
    three_public_category,
    three_public_kind,
)

_CN = "一二三四五六七八九十"
_PART = re.compile(rf"^第[{_CN}]+部分")
_HEADING = re.compile(rf"^(?:[{_CN}]+、|[(（][{_CN}]+[)）])")
_NUMBERED = re.compile(r"^(?:\d{1,3}\s*[.、．](?!\d)|[(（]\d{1,3}[)）])")
_PAGE_NUMBER = re.compile(r"^[-—\s]*\d{1,4}[-—\s]*$")
_START = re.compile(r"(?<!财政拨款)(?:收入支出|收支)决算总体情况")
_END = re.compile(r"名词解释")
_TERMINAL = "。！？!?"
_CLAUSE = ",;:，；：。"
MAX_HEADING_CHARS = 60

_NUMBER = r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_FIGURE = re.compile(rf"({_NUMBER})\s*(万元|元|%|台\(套\)|辆|台|个|人次|批次)")
_CHANGE = re.compile(r"(增加|减少|增长|下降|上升|降低)了?$")
_DOWN = frozenset({"减少", "下降", "降低"})
_SHARE = re.compile(r"占(.*?)的?(?:比重|比例|比)?为?$")
_COMPLETION = re.compile(r"完成(?:年初)?预算数?的?$")
_PRIOR = re.compile(r"(?:(\d{4})年度?|上年度?|上一年度)(?:为|是)$")
_ITEM = re.compile(r"^([^,:;，：；。]+?)\(类\)(?:([^()]+?)\(款\))?(?:([^()]+?)\(项\))?")
_CLASS = re.compile(r"([^,:;，：；、]+?)\(类\)(?:为|是)?$")
_REASON = re.compile(r"原因(?:是|为|主要是)?[:：]?\s*(.+?)[。]?$")
_NO_DIFFERENCE = re.compile(r"不存在差异|无差异|基本持平|一致")
_EMPTY = re.compile(r"(?:没有|无|未)[^,;，；。]{0,30}(?:收入|支出|数据)|本表无数据|为空表")
_FUNDS = (("gov_fund", re.compile("政府性基金")), ("state_capital", re.compile("国有资本经营")))


def _fold(text: str) -> str:
    """Full-width ASCII forms and the ideographic space made ASCII, one character for one."""
    return "".join(
        chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else " " if c == "\u3000" else c for c in text
    )


# --- lines to paragraphs ----------------------------------------------------------------


@dataclass
class _Paragraph:
    text: str  # as printed, lines joined
    location: str | None
    starts: list[tuple[int, int | None]] = field(default_factory=list)  # (offset, page)
    heading: bool = False

    def page_at(self, offset: int) -> int | None:
        return next((p for o, p in reversed(self.starts) if o <= offset), None)


def _is_heading(text: str) -> bool:
    folded = _fold(text)
    return bool(_PART.match(folded) or _HEADING.match(folded)) and (
        len(folded) <= MAX_HEADING_CHARS
    )


def _paragraphs(
    lines: Sequence[tuple[str, int | None]], locations: Sequence[str] | None
) -> list[_Paragraph]:
    paragraphs: list[_Paragraph] = []
    for i, (raw, page) in enumerate(lines):
        text = raw.strip()
        if not text or _PAGE_NUMBER.match(text):
            continue
        heading = _is_heading(text)
        last = paragraphs[-1] if paragraphs else None
        if (
            last is None
            or heading
            or last.heading
            or _NUMBERED.match(_fold(text))
            or last.text[-1] in _TERMINAL
        ):
            location = locations[i] if locations else None
            paragraphs.append(_Paragraph(text, location, [(0, page)], heading))
        else:
            last.starts.append((len(last.text), page))
            last.text += text
    return paragraphs


def _narrative_part(paragraphs: list[_Paragraph]) -> list[_Paragraph]:
    """From the last 收入支出决算总体情况说明 heading (a table of contents lists it first; not
    the 财政拨款 one) to the next part heading or 名词解释."""
    starts = [i for i, p in enumerate(paragraphs) if p.heading and _START.search(p.text)]
    first = starts[-1] if starts else 0
    for end in range(first + 1, len(paragraphs)):
        paragraph = paragraphs[end]
        if paragraph.heading and (_PART.match(_fold(paragraph.text)) or _END.search(
                paragraph.text)):
            return paragraphs[first:end]
    return paragraphs[first:]


# --- reading one paragraph --------------------------------------------------------------


@dataclass
class _Item:
    """An itemised 类/款/项 under way: its names and the paragraph it started in."""

    subject: str  # X(类)Y(款)Z(项), normalised
    paragraph: int


@dataclass
class _Reader:
    fiscal_year: int | None
    statements: list[Statement] = field(default_factory=list)
    heading: str = ""
    kind: str | None = None  # of the level-1 heading
    sub_kind: str | None = None  # of the current (一) sub-heading
    item: _Item | None = None

    @property
    def section_kind(self) -> str | None:
        return self.sub_kind or self.kind

    def read(self, index: int, paragraph: _Paragraph) -> None:
        folded = _fold(paragraph.text)
        if paragraph.heading:
            self._enter(paragraph.text, folded)
            return
        if _NUMBERED.match(folded) or self.item is not None:
            self._item_context(index, folded)
        subject: str | None = None
        for sentence in re.finditer(rf"[^{_TERMINAL}]+[{_TERMINAL}]?", folded):
            subject = _Sentence(
                self, index, paragraph, sentence.start(), sentence.group(), subject
            ).read()

    def _enter(self, text: str, folded: str) -> None:
        self.item = None
        kind = section_kind(text)
        if _PART.match(folded) or re.match(rf"^[{_CN}]+、", folded):
            self.heading, self.kind, self.sub_kind = text, kind, None
        else:
            self.sub_kind = kind

    def _item_context(self, index: int, folded: str) -> None:
        body = normalise(_NUMBERED.sub("", folded, count=1))
        found = _ITEM.match(body) if self.section_kind == "gpb" else None
        if found and (found.group(2) or found.group(3)):
            self.item = _Item(found.group(0), index)
        elif _NUMBERED.match(folded):
            self.item = None

    def add(self, statement: Statement) -> Statement:
        """Record a statement: an item's carries the item and the paragraph it started in."""
        if self.item is not None and statement.key.startswith("item."):
            statement = replace(
                statement, subject=self.item.subject, paragraph=self.item.paragraph
            )
        self.statements.append(statement)
        return statement


@dataclass
class _Sentence:
    reader: _Reader
    index: int
    paragraph: _Paragraph
    offset: int  # of the sentence in the paragraph
    text: str  # folded
    subject: str | None  # the paragraph's last current-year amount key so far

    def read(self) -> str | None:
        previous_end = 0
        last: Statement | None = None  # the sentence's last amount
        category: str | None = None  # the 三公 category named last
        for found in _FIGURE.finditer(self.text):
            cut = max(previous_end, *(self.text.rfind(c, 0, found.start()) + 1 for c in _CLAUSE))
            label = self.text[cut : found.start()]
            previous_end = found.end()
            unit = found.group(2)
            if unit == "%":
                self._percent(found, label, last)
            elif unit in ("万元", "元"):
                if self.reader.section_kind == "three_public":
                    category = three_public_category(label) or category or "total"
                made = self._amount(found, label, category)
                if made is not None and made.measure == "amount":
                    last, self.subject = made, made.key
            else:
                self._count(found, label)
        self._reason()
        self._empty()
        return self.subject

    @property
    def original(self) -> str:
        return self.paragraph.text[self.offset : self.offset + len(self.text)]

    def _statement(
        self, figure: re.Match[str] | None, key: str, measure: Measure, unit: StatedUnit | None,
        *, signed: bool = False, subject: str | None = None, subject_code: str | None = None,
        base: str | None = None,
    ) -> Statement:
        """A statement of the figure `figure` matched (None: an `empty` statement)."""
        value: Decimal | None = None
        raw, position = "", self.offset
        if figure is not None:
            value = Decimal(figure.group(1).replace(",", ""))
            value = -value if signed else value
            position += figure.start(1)
            raw = self.paragraph.text[position : position + len(figure.group(1))]
        return self.reader.add(Statement(
            section=self.reader.heading, key=key, measure=measure, value=value, unit=unit,
            raw=raw, sentence=self.original.strip(), page=self.paragraph.page_at(position),
            location=self.paragraph.location, paragraph=self.index, subject=subject,
            subject_code=subject_code, base=base,
        ))

    def _amount(self, figure: re.Match[str], label: str, category: str | None
                ) -> Statement | None:
        norm = normalise(label)
        unit: StatedUnit = "万元" if figure.group(2) == "万元" else "元"
        change = _CHANGE.search(norm)
        if change:
            key = self._named(norm[: change.start()], category) or self.subject
            if key is None:
                return None
            return self._statement(figure, key, "change", unit, signed=change.group(1) in _DOWN)
        prior = _PRIOR.search(norm)
        if prior and self.subject and (
            prior.group(1) is None or int(prior.group(1)) + 1 == self.reader.fiscal_year
        ):
            return self._statement(figure, self.subject, "prior", unit)
        if self.reader.item is not None:
            found = amount_key(norm, "gpb")
            if found in ("gpb_initial", "gpb_expenditure") and not norm.startswith("一般公共"):
                key = "item.initial" if found == "gpb_initial" else "item.actual"
                return self._statement(figure, key, "amount", unit)
        named = _CLASS.search(norm) if self.reader.section_kind == "gpb" else None
        if named:
            name = strip_ordinal(named.group(1))
            code = function_class_code(name, self.reader.fiscal_year)
            return self._statement(figure, "gpb_class", "amount", unit, subject=name,
                                   subject_code=code)
        key = self._named(norm, category)
        return self._statement(figure, key, "amount", unit) if key else None

    def _named(self, norm: str, category: str | None) -> str | None:
        if self.reader.section_kind == "three_public" and category:
            return f"three_public.{category}.{three_public_kind(norm) or 'actual'}"
        return amount_key(norm, self.reader.section_kind) if norm else None

    def _percent(self, figure: re.Match[str], label: str, last: Statement | None) -> None:
        norm = normalise(label)
        share, completion = _SHARE.search(norm), _COMPLETION.search(norm)
        change = _CHANGE.search(norm)
        base: str | None = None
        if share and last is not None:
            base = share_base(share.group(1), self.reader.section_kind)
            measure: Measure = "share"
        elif completion and last is not None:
            base = completion_base(last.key)
            measure = "completion"
        if base and last is not None:
            self._statement(figure, last.key, measure, "%", subject=last.subject,
                            subject_code=last.subject_code, base=base)
        elif change and not (share or completion):
            changes = [s for s in self.reader.statements
                       if s.paragraph == self.index and s.measure == "change"]
            key = (changes[-1].key if changes else None) or self._named(
                norm[: change.start()], None) or self.subject
            if key:
                self._statement(figure, key, "growth", "%", signed=change.group(1) in _DOWN)

    def _count(self, figure: re.Match[str], label: str) -> None:
        key = count_key(label, figure.group(2), self.reader.section_kind, self.text)
        if key:
            self._statement(figure, key, "count", "count")

    def _reason(self) -> None:
        """An item's stated reason for 决算 differing from 年初预算, on its statements."""
        item = self.reader.item
        if item is None or "原因" not in self.text or _NO_DIFFERENCE.search(self.text):
            return
        found = _REASON.search(self.original.strip())
        if not found:
            return
        statements = self.reader.statements
        for i, statement in enumerate(statements):
            if statement.paragraph == item.paragraph and statement.key.startswith("item."):
                statements[i] = replace(statement, reason=found.group(1).strip())

    def _empty(self) -> None:
        """`没有政府性基金收入，也没有…支出` / `本表无数据`: the fund's table has no data."""
        norm = normalise(self.text)
        if not _EMPTY.search(norm):
            return
        named = [fund for fund, pattern in _FUNDS if pattern.search(norm)]
        kind = self.reader.section_kind
        for fund in named or ([kind] if kind in ("gov_fund", "state_capital") else []):
            self._statement(None, fund, "empty", None)


# --- entry points -----------------------------------------------------------------------


def statements_from_lines(
    lines: Sequence[tuple[str, int | None]],
    fiscal_year: int | None,
    *,
    locations: Sequence[str] | None = None,
) -> list[Statement]:
    """Every figure stated in the narrative part of the lines (text, page); `locations`, for
    page-less formats, names each line for a person ("line 12", "paragraph 40")."""
    reader = _Reader(fiscal_year)
    paragraphs = _narrative_part(_paragraphs(lines, locations))
    for index, paragraph in enumerate(paragraphs):
        reader.read(index, paragraph)
    return reader.statements


def page_lines(page_texts: Sequence[str], first_page: int = 1) -> list[tuple[str, int]]:
    """The lines of a PDF's page texts (pypdfium2), each with its 1-based page."""
    return [
        (line, page)
        for page, text in enumerate(page_texts, first_page)
        for line in text.splitlines()
    ]


def add_narrative(
    document: Document,
    lines: Sequence[tuple[str, int | None]],
    *,
    locations: Sequence[str] | None = None,
) -> None:
    """Set the document's statements from its lines, item codes read from its own tables."""
    statements = statements_from_lines(lines, document.fiscal_year, locations=locations)
    printed = _subject_paths(
        (row.code, row.label)
        for table in document.tables
        if table.key in ("gpb_expenditure", "expenditure")
        for row in table.rows
        if row.code
    )
    known = _catalogue_paths(document.fiscal_year)
    document.statements = [
        replace(s, subject_code=_item_code(s.subject, printed) or _item_code(s.subject, known))
        if s.key.startswith("item.")
        else s
        for s in statements
    ]


_Path = tuple[str, str | None, str | None]  # (类, 款, 项) names, normalised


def _subject_paths(subjects: Iterable[tuple[str, str]]) -> dict[_Path, str]:
    """(类, 款, 项) names -> code, from (code, name) pairs (the first name of a code wins)."""
    names: dict[str, str] = {}
    for code, name in subjects:
        names.setdefault(code, normalise(strip_ordinal(name)))
    paths: dict[_Path, str] = {}
    for code, name in names.items():
        if len(code) in (5, 7):
            kuan = names.get(code[:5]) if len(code) == 7 else name
            paths.setdefault((names.get(code[:3], ""), kuan, name if len(code) == 7 else None),
                             code)
    return paths


@cache
def _catalogue_paths(year: int | None) -> dict[_Path, str]:
    """The same from the function-subject catalogue seed (subjects valid in `year`), for the
    items a document's tables do not print (决算 0)."""
    path = SEEDS_DIR / "function_subjects.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        rows = [
            (r["subject_code"], r["subject_name"])
            for r in csv.DictReader(handle)
            if year is None or (
                int(r["valid_from_year"] or 0) <= year <= int(r["valid_to_year"] or 9999)
            )
        ]
    return _subject_paths(rows)


def _item_code(subject: str | None, paths: dict[_Path, str]) -> str | None:
    """The code of an itemised subject: its full path, else its 款 and 项 if one code has them."""
    found = _ITEM.match(normalise(subject or ""))
    if not found:
        return None
    path = (strip_ordinal(found.group(1)), found.group(2), found.group(3))
    if path in paths:
        return paths[path]
    codes = {code for (_, kuan, xiang), code in paths.items() if (kuan, xiang) == path[1:]}
    return codes.pop() if len(codes) == 1 else None
