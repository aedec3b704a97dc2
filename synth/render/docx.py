"""Word documents with python-docx: real tables (merged header cells, repeated header rows on
some tables), A4 portrait and landscape sections, Noto CJK fonts for the PDF conversion."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.styles import CT_Style
from docx.oxml.text.run import CT_R
from docx.section import Section as DocxSection
from docx.shared import Cm, Pt

from synth.layout.blocks import Fig, Grid, Para, Section, text
from synth.render.zipfix import normalise

SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"
MARGIN = 1.8  # cm
TWIPS_PER_CM = 567
# style -> (font, size pt, bold, alignment, first-line indent)
STYLES = {
    "cover": (SANS, 26, True, WD_ALIGN_PARAGRAPH.CENTER, False),
    "part": (SANS, 16, True, WD_ALIGN_PARAGRAPH.CENTER, False),
    "title": (SANS, 15, True, WD_ALIGN_PARAGRAPH.CENTER, False),
    "h2": (SANS, 12, True, WD_ALIGN_PARAGRAPH.LEFT, False),
    "h3": (SERIF, 10.5, True, WD_ALIGN_PARAGRAPH.LEFT, True),
    "body": (SERIF, 10.5, False, WD_ALIGN_PARAGRAPH.JUSTIFY, True),
    "item": (SERIF, 10.5, False, WD_ALIGN_PARAGRAPH.LEFT, True),
    "note": (SERIF, 8, False, WD_ALIGN_PARAGRAPH.LEFT, False),
    "unit": (SERIF, 9, False, WD_ALIGN_PARAGRAPH.RIGHT, False),
    "blank": (SERIF, 6, False, WD_ALIGN_PARAGRAPH.LEFT, False),
}


def _east_asian(element: CT_R | CT_Style, font: str) -> None:
    element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


def _page(section: DocxSection, landscape: bool) -> float:
    """Set A4 in the orientation; returns the usable width in cm."""
    width, height = (29.7, 21.0) if landscape else (21.0, 29.7)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(width), Cm(height)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(MARGIN))
    return width - 2 * MARGIN


def _paragraph(doc: DocxDocument, para: Para) -> None:
    font, size, bold, align, indent = STYLES.get(para.style, STYLES["body"])
    p = doc.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    fmt.space_after = Pt(2)
    if para.style == "cover":
        fmt.space_before = Pt(120 if para.text and not doc.paragraphs[:-1] else 24)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    run = p.add_run(para.text)
    run.font.size, run.font.bold, run.font.name = Pt(size), bold, font
    _east_asian(run._element, font)


_HORIZONTAL = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                      for side in ("top", "bottom", "insideH"))
# (table style, borders): in CT_TblPr the style comes first, the borders after the alignment.
_RULES = {
    "grid": ('<w:tblStyle w:val="TableGrid"/>', ""),
    "horizontal": ("", f"<w:tblBorders>{_HORIZONTAL}</w:tblBorders>"),
    "none": ("", ""),
}


def _table(doc: DocxDocument, grid: Grid, usable: float) -> None:
    """The table as WordprocessingML (python-docx's cell API is quadratic on big tables)."""
    scale = min(usable / sum(grid.widths), 1.6)
    twips = [round(w * scale * TWIPS_PER_CM) for w in grid.widths]
    starts = {(r0, c0): (r1, c1) for r0, c0, r1, c1 in grid.merges}
    inside: dict[tuple[int, int], tuple[int, int, int]] = {}  # cell -> (r0, c0, c1)
    for r0, c0, r1, c1 in grid.merges:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                inside[(r, c)] = (r0, c0, c1)
    size = 16 if len(twips) > 6 else 18  # half-points
    style, borders = _RULES[grid.rules]
    parts = [f'<w:tbl {nsdecls("w")}><w:tblPr>{style}<w:tblW w:w="{sum(twips)}" w:type="dxa"/>'
             f'<w:jc w:val="center"/>{borders}<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>',
             *(f'<w:gridCol w:w="{t}"/>' for t in twips), "</w:tblGrid>"]
    for r, row in enumerate(grid.rows):
        header = r < grid.header_rows
        parts.append("<w:tr>")
        if header and grid.repeat_header:
            parts.append("<w:trPr><w:tblHeader/></w:trPr>")
        for c, value in enumerate(row):
            r0, c0, c1 = inside.get((r, c), (r, c, c))
            if c != c0:
                continue
            span = c1 - c0 + 1
            props = f'<w:tcW w:w="{sum(twips[c0:c1 + 1])}" w:type="dxa"/>'
            if span > 1:
                props += f'<w:gridSpan w:val="{span}"/>'
            last_row = starts.get((r0, c0), (r0, c0))[0]
            if last_row > r0:
                props += '<w:vMerge w:val="restart"/>' if r == r0 else "<w:vMerge/>"
            props += '<w:vAlign w:val="center"/>'
            body = text(value) if r == r0 else ""
            numeric = isinstance(value, Fig) or (c >= grid.numeric_from and not header)
            align = "center" if header else "right" if numeric else "left"
            run = ""
            if body:
                bold = "<w:b/>" if header else ""
                run = (f'<w:r><w:rPr>{bold}<w:sz w:val="{size}"/></w:rPr>'
                       f'<w:t xml:space="preserve">{escape(body)}</w:t></w:r>')
            parts.append(f'<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:pPr><w:spacing w:after="0"/>'
                         f'<w:jc w:val="{align}"/></w:pPr>{run}</w:p></w:tc>')
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    doc.element.body._insert_tbl(parse_xml("".join(parts)))


def write(sections: list[Section], path: Path, title: str) -> None:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = SERIF, Pt(10.5)
    _east_asian(normal.element, SERIF)
    for i, section in enumerate(sections):
        page = doc.sections[0] if i == 0 else doc.add_section(WD_SECTION.NEW_PAGE)
        usable = _page(page, section.landscape)
        for block in section.blocks:
            if isinstance(block, Para):
                _paragraph(doc, block)
            else:
                _table(doc, block, usable)
    props = doc.core_properties
    props.author = props.last_modified_by = ""
    props.title = title
    props.created = props.modified = datetime(2025, 1, 1)
    props.revision = 1
    doc.save(str(path))
    normalise(path)
