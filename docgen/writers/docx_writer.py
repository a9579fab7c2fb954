"""DOCX through python-docx: A4, East Asian font set, running header, page X of Y."""
from __future__ import annotations

import io
import re
from functools import lru_cache

from pathlib import Path

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from docgen.lang.profiles import PROFILES
from docgen.model import Document, PageBreak, Paragraph, Table
from docgen.render.typography import nobreak_spans

LATIN_FONT = "Times New Roman"  # has Cyrillic on every Word installation
EAST_ASIA_FONT = "SimSun"  # 宋体: the standard face for formal Chinese documents
PROOF_LANG = {code: p.locale for code, p in PROFILES.items()}

_STYLE = {  # paragraph style → (size pt, bold, space after pt)
    "title": (13, True, 8), "meta": (10.5, False, 0), "heading": (11, True, 4), "para": (10.5, False, 5),
    "item": (10.5, False, 4), "small": (8, False, 4), "signature": (10.5, False, 6), "check": (10.5, False, 3),
    "closing": (10.5, False, 5),
}
KEEP_WITH_NEXT = {"title", "heading", "closing"}


def _set_fonts(rpr, lang: str) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), EAST_ASIA_FONT)
    lang_el = rpr.find(qn("w:lang"))
    if lang_el is None:
        lang_el = OxmlElement("w:lang")
        rpr.append(lang_el)
    lang_el.set(qn("w:val"), PROOF_LANG.get(lang, lang) if lang != "zh" else "en-GB")
    lang_el.set(qn("w:eastAsia"), "zh-CN")


def _field(paragraph, instr: str, cached: str = "1") -> None:
    """A complex field (PAGE, NUMPAGES) that Word and LibreOffice update on open; `cached`
    is the value shown by readers that do not update fields."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instr), ("separate", None), (None, cached), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            if kind == "begin":
                el.set(qn("w:dirty"), "true")
            run._r.append(el)
        elif text == instr:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {instr} "
            run._r.append(el)
        else:
            el = OxmlElement("w:t")
            el.text = text
            run._r.append(el)
            run = paragraph.add_run()


def _page_label(paragraph, label: str, pages: int) -> None:
    rest = label
    while rest:
        if rest.startswith("{pages}"):
            _field(paragraph, "NUMPAGES", str(pages))
            rest = rest[7:]
        elif rest.startswith("{page}"):
            _field(paragraph, "PAGE")
            rest = rest[6:]
        else:
            nxt = min((i for i in (rest.find("{page}"), rest.find("{pages}")) if i >= 0), default=len(rest))
            paragraph.add_run(rest[:nxt])
            rest = rest[nxt:]


def _add_text(run, text: str) -> None:
    """Text of a run; a hyphen inside an ID becomes Word's non-breaking hyphen, so that
    «58213746-0017-1» never breaks across lines."""
    buf = ""

    def flush():
        nonlocal buf
        if buf:
            t = OxmlElement("w:t")
            t.set(qn("xml:space"), "preserve")
            t.text = buf
            run._r.append(t)
            buf = ""

    for piece, keep in nobreak_spans(text):
        if not keep:
            buf += piece
            continue
        for ch in piece:
            if ch in "-\u2011":
                flush()
                run._r.append(OxmlElement("w:noBreakHyphen"))
            else:
                buf += ch
    flush()


# Word's layout is approximated with WeasyPrint and Liberation Serif (Times New Roman's
# metrics): the cached NUMPAGES value is then right for readers that do not update fields.
_WORD_LIKE_CSS = """
@page { size: A4 %(orientation)s; margin: 20mm 18mm 20mm 20mm; }
html { font-family: "Liberation Serif", "Times New Roman", "Noto Serif CJK SC", serif; font-size: 10.5pt;
       line-height: 1.16; }
p { margin: 0 0 %(after)s 0; overflow-wrap: anywhere; }
p.title { font-size: 13pt; font-weight: bold; margin-bottom: 8pt; break-after: avoid; }
p.meta { margin: 0; }
p.heading { font-size: 11pt; font-weight: bold; margin-bottom: 4pt; break-after: avoid; }
p.closing, p.keep { break-after: avoid; }
p.item { padding-left: 7mm; text-indent: -7mm; margin-bottom: 4pt; }
p.small { font-size: 8pt; }
table { border-collapse: collapse; width: 100%%; table-layout: fixed; }
table.small { font-size: 7.5pt; }
th, td { border: 0.5pt solid black; padding: 0 1.9mm; vertical-align: top; overflow-wrap: anywhere; }
tr { break-inside: avoid; }
.pagebreak { break-before: page; }
"""


# The text's ASCII digits are laid out as zeros: Liberation Serif's digits all have the
# same advance (0.5 em, regular and bold; its only kerning pair with digits is «11»,
# 0.04 em), so the page count is that of the real text, and letters that differ only in
# their numbers (order, amount, dates: the cases of a batch) share one layout. A hex
# digest (the sign-off's letter hash) is laid out as «b»s, the widest hex glyph, so its
# line is never shorter than the real one.
_TEXT_NODE = re.compile(r">([^<]+)<")
_DIGIT_OR_ENTITY = re.compile(r"&#?\w+;|[0-9]")
_HEX_DIGEST = re.compile(r"(?<![0-9A-Za-z])[0-9a-f]{32,}(?![0-9A-Za-z])")
_WORD_LIKE_FAMILIES = ("Liberation Serif", "Liberation Serif:bold", "Noto Serif CJK SC", "Noto Serif CJK SC:bold")


def _text_shape(text: str) -> str:
    text = _HEX_DIGEST.sub(lambda m: "b" * len(m.group()), text)
    return _DIGIT_OR_ENTITY.sub(lambda d: "0" if len(d.group()) == 1 else d.group(), text)


def _digits_as_zeros(page: str) -> str:
    """The page's text nodes (title and body; not the stylesheet) in their layout shape."""
    head, style, rest = re.split(r"(<style>.*?</style>)", page, maxsplit=1, flags=re.S) if "<style>" in page \
        else (page, "", "")
    shape = lambda part: _TEXT_NODE.sub(lambda m: ">" + _text_shape(m.group(1)) + "<", part)  # noqa: E731
    return shape(head) + style + shape(rest)


@lru_cache(maxsize=1)
def _layout_identity() -> str:
    """WeasyPrint's version and the font files the Word-like stylesheet uses (path, size,
    mtime): a page count laid out with other fonts is not reused."""
    import os
    import subprocess

    import weasyprint

    parts = [weasyprint.__version__]
    for family in _WORD_LIKE_FAMILIES:
        try:
            path = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True, text=True,
                                  timeout=10).stdout.strip()
            st = os.stat(path)
            parts.append(f"{path}:{st.st_size}:{st.st_mtime_ns}")
        except (OSError, subprocess.SubprocessError):
            parts.append(f"{family}:?")
    return "|".join(parts)


def estimate_pages(doc: Document) -> int:
    """Pages of the document laid out like Word would (WeasyPrint, Word's fonts and
    margins); kept in the cache folder (`pages/`) by the layout's input, so a rebuild or
    another letter of a batch differing only in its numbers lays nothing out."""
    import hashlib

    from docgen import diskcache
    from docgen.writers.pdf_writer import to_html

    page = to_html(doc)
    css = _WORD_LIKE_CSS % {"orientation": "landscape" if doc.landscape else "portrait", "after": "5pt"}
    page = _digits_as_zeros(re.sub(r"<style>.*?</style>", lambda _: f"<style>{css}</style>", page, count=1,
                                   flags=re.S))
    key = hashlib.sha256(f"{_layout_identity()}\n{page}".encode()).hexdigest()

    def load(value) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError("not a page count")
        return value

    return diskcache.cached("pages", key, lambda: _layout_pages(page), load, int)


def _layout_pages(page: str) -> int:
    from docgen.writers.pdf_writer import _no_fetch, _weasy

    weasyprint, fonts, _ = _weasy()  # the PDF writer's font configuration: fonts loaded once per process
    return max(1, len(weasyprint.HTML(string=page, url_fetcher=_no_fetch).render(font_config=fonts).pages))


def _cant_split(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:cantSplit")
    tr_pr.append(el)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    tr_pr.append(el)


def write(doc: Document, path: Path) -> None:
    path.write_bytes(to_bytes(doc))


def to_bytes(doc: Document) -> bytes:
    d = new_docx()
    d.core_properties.title = doc.title
    d.core_properties.language = PROOF_LANG.get(doc.lang, doc.lang)
    d.core_properties.author = "docgen"
    normal = d.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(10.5)
    _set_fonts(normal.element.get_or_add_rPr(), doc.lang)

    section = d.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if doc.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin, section.right_margin = Mm(20), Mm(18)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    usable_mm = (297 if doc.landscape else 210) - 38

    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    hr = header.add_run(doc.running_header)
    hr.font.size, hr.font.color.rgb = Pt(8), RGBColor(0x55, 0x55, 0x55)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_label(footer, doc.page_label, estimate_pages(doc))
    for r in footer.runs:
        r.font.size = Pt(8)

    body_started = False
    pending_break = False
    for block in doc.blocks:
        if isinstance(block, PageBreak):
            pending_break = True
            continue
        if pending_break and body_started:
            d.add_page_break()
        pending_break = False
        body_started = True
        if isinstance(block, Paragraph):
            size, bold, after = _STYLE.get(block.style, _STYLE["para"])
            p = d.add_paragraph()
            p.paragraph_format.space_after = Pt(after)
            p.paragraph_format.keep_with_next = block.style in KEEP_WITH_NEXT or block.keep_with_next
            if block.style == "item":
                p.paragraph_format.left_indent = Mm(7)
                p.paragraph_format.first_line_indent = Mm(-7)
            if block.label:
                lr = p.add_run(block.label + "\u00a0")
                lr.font.size, lr.bold = Pt(size), bold
            for run in block.runs:
                r = p.add_run()
                _add_text(r, run.text)
                r.font.size = Pt(size)
                r.bold = bold or run.bold
                if run.mark == "untranslated":
                    r.font.highlight_color = WD_COLOR_INDEX.YELLOW
        elif isinstance(block, Table):
            total = sum(block.widths)
            t = d.add_table(rows=1, cols=len(block.header))
            t.style = "Table Grid"
            t.autofit = False
            widths = [Mm(usable_mm * w / total) for w in block.widths]
            size = Pt(7.5 if block.small else 9.5)
            for i, text in enumerate(block.header):
                cell = t.rows[0].cells[i]
                cell.width = widths[i]
                run = cell.paragraphs[0].add_run(text)
                run.bold, run.font.size = True, size
            _repeat_header(t.rows[0])
            _cant_split(t.rows[0])
            for row in block.rows:
                cells = t.add_row().cells
                for i, text in enumerate(row):
                    cells[i].width = widths[i]
                    cells[i].paragraphs[0].add_run(text).font.size = size
                _cant_split(t.rows[-1])
            for i, col in enumerate(t.columns):
                col.width = widths[i]
            d.add_paragraph()
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()
