"""PDF through WeasyPrint: A4, running header, «стр. X из Y», Noto fonts embedded."""
from __future__ import annotations

import datetime as dt
import html
import re
import logging
import threading
from pathlib import Path

from docgen.model import Document, PageBreak, Paragraph, Run, Table
from docgen.render.typography import nobreak_spans
from docgen.writers.scripts import split_cjk
from docgen.i18n import msg

HTML_LANG = {"ru": "ru", "en": "en", "zh": "zh-CN"}  # the PDF's lang (CJK needs its region for the glyphs)

# What differs per document: page orientation, running header, page label.
PAGE_CSS = """
@page {
  size: A4 %(orientation)s;
  margin: 20mm 18mm 20mm 20mm;
  @top-right { content: %(header)s; font-size: 8pt; color: #555; }
  @bottom-center { content: %(page_label)s; font-size: 8pt; color: #555; }
}
"""

# The same for every document: parsed once per process (see `_weasy`).
CSS = """
html { font-family: "Noto Sans", "Noto Sans CJK SC", sans-serif; font-size: 10.5pt; line-height: 1.4; }
:lang(zh) { font-family: "Noto Sans CJK SC", "Noto Sans", sans-serif; }
p { margin: 0 0 5pt 0; overflow-wrap: anywhere; }
.nobr { white-space: nowrap; }
p.keep { break-after: avoid; }
p.title { font-size: 13pt; font-weight: bold; margin: 10pt 0 8pt 0; }
p.meta { margin: 0 0 1pt 0; }
p.heading { font-weight: bold; font-size: 11pt; margin: 10pt 0 4pt 0; break-after: avoid; }
p.closing { margin: 0 0 5pt 0; break-after: avoid; }
p.title { break-after: avoid; }
p.item { padding-left: 7mm; text-indent: -7mm; }
p.small { font-size: 8pt; color: #333; }
p.signature { margin-top: 9pt; }
p.check { margin-left: 2mm; }
.untranslated { background: #fff1a8; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 8pt 0; table-layout: fixed; }
table.small { font-size: 7.5pt; }
th, td { border: 0.5pt solid #444; padding: 2pt 3pt; vertical-align: top; overflow-wrap: anywhere; }
th { background: #eee; text-align: left; }
tr { page-break-inside: avoid; }
.pagebreak { page-break-before: always; }
"""


def css_string(text: str) -> str:
    """A CSS string literal that no input can break out of: every character outside
    a safe set is written as a hex escape."""
    out = []
    for ch in text:
        if ch.isalnum() or ch in " .,:;·/()-_№":
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):x} ")
    return '"' + "".join(out) + '"'


def _page_label_css(label: str) -> str:
    parts = []
    rest = label
    while rest:
        for token, counter in (("{page}", "counter(page)"), ("{pages}", "counter(pages)")):
            if rest.startswith(token):
                parts.append(counter)
                rest = rest[len(token):]
                break
        else:
            nxt = min((i for i in (rest.find("{page}"), rest.find("{pages}")) if i >= 0), default=len(rest))
            parts.append(css_string(rest[:nxt]))
            rest = rest[nxt:]
    return " ".join(parts)


_CJK_REF = re.compile(r"(附件\d+(?:、\d+)*)")  # «附件1» never breaks before its number


def _inline(text: str) -> str:
    parts = _CJK_REF.split(text)
    return "".join(f'<span class="nobr">{_inline_part(p)}</span>' if i % 2 else _inline_part(p)
                   for i, p in enumerate(parts) if p)


def _inline_part(text: str) -> str:
    out = []
    for piece, is_cjk in split_cjk(text):
        if is_cjk:
            out.append(f'<span lang="zh-CN">{html.escape(piece, quote=True)}</span>')
            continue
        for part, keep in nobreak_spans(piece):  # an ID never breaks across lines
            esc = html.escape(part, quote=True)
            out.append(f'<span class="nobr">{esc}</span>' if keep else esc)
    return "".join(out)


def _run(run: Run) -> str:
    body = _inline(run.text)
    if run.bold:
        body = f"<b>{body}</b>"
    if run.mark:
        body = f'<span class="{run.mark}">{body}</span>'
    return body


def to_html(doc: Document, base_css: bool = True) -> str:
    """The document as HTML; with `base_css=False` without the shared stylesheet `CSS`
    (the writer passes that, parsed once, as a stylesheet)."""
    css = (CSS if base_css else "") + PAGE_CSS % {
        "orientation": "landscape" if doc.landscape else "portrait",
        "header": css_string(doc.running_header),
        "page_label": _page_label_css(doc.page_label),
    }
    body: list[str] = []
    pending_break = False
    for block in doc.blocks:
        if isinstance(block, PageBreak):
            pending_break = True
            continue
        brk = ' pagebreak' if pending_break else ''
        pending_break = False
        if isinstance(block, Paragraph):
            label = f"{html.escape(block.label)}&#160;" if block.label else ""
            keep = " keep" if block.keep_with_next else ""
            body.append(f'<p class="{block.style}{keep}{brk}">{label}{"".join(_run(r) for r in block.runs)}</p>')
        elif isinstance(block, Table):
            total = sum(block.widths)
            cols = "".join(f'<col style="width:{w / total * 100:.2f}%">' for w in block.widths)
            head = "".join(f"<th>{_inline(h)}</th>" for h in block.header)
            rows = "".join("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in row) + "</tr>" for row in block.rows)
            cls = "small" if block.small else ""
            body.append(f'<table class="{cls}{brk}"><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>'
                        f"<tbody>{rows}</tbody></table>")
    lang = HTML_LANG.get(doc.lang, doc.lang)
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{html.escape(doc.title)}</title><style>{css}</style></head>"
            f"<body>{''.join(body)}</body></html>")


class _GlyphWarnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _no_fetch(url: str, *args, **kwargs):
    # documents are self-contained: nothing is ever fetched, from the network or from disk
    raise ValueError(f"docgen does not fetch resources ({url[:40]})")


# fixed dates make the PDF byte-for-byte reproducible
_FIXED = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


_local = threading.local()


def _weasy():
    """WeasyPrint's font configuration and the shared stylesheet, made once per thread
    and reused by every PDF of every build: fontconfig and Pango then load each font
    (the CJK one is 16 MB) once, not once per document."""
    if getattr(_local, "weasy", None) is None:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        from docgen.writers import font_subsets

        font_subsets.install()  # one font subset per glyph set, reused by the next PDF
        fonts = FontConfiguration()
        _local.weasy = (weasyprint, fonts, weasyprint.CSS(string=CSS, font_config=fonts))
    return _local.weasy


def _reported_by_glyph_check(message: str) -> bool:
    """A .notdef warning for characters no font covers is the `glyphs` QA check's
    finding (it names them); only a character the fonts should draw means fonts are missing."""
    import re

    from docgen.writers.fonts import covered_codepoints

    cps = [int(h, 16) for h in re.findall(r"U\+([0-9A-Fa-f]{4,6})", message)]
    covered = covered_codepoints()
    return bool(cps and covered) and not any(cp in covered for cp in cps)


def write(doc: Document, path: Path) -> None:
    path.write_bytes(to_bytes(doc, path.name))


def to_bytes(doc: Document, name: str = "document.pdf") -> bytes:
    import io

    from docgen.errors import Problem, SetupError
    from docgen.lang.fonts import missing_fonts

    if missing := missing_fonts():
        raise SetupError(Problem(name, "", msg("writers.fonts-are-missing-run", missing=', '.join(missing))))
    weasyprint, fonts, stylesheet = _weasy()
    handler = _GlyphWarnings()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    options = {}
    if doc.pdf_variant:
        options["pdf_variant"] = doc.pdf_variant
    if doc.attachments:
        options["attachments"] = [weasyprint.Attachment(file_obj=io.BytesIO(data), name=name, created=_FIXED,
                                                        modified=_FIXED, relationship="Source")
                                  for name, data in doc.attachments]
    try:
        data = weasyprint.HTML(string=to_html(doc, base_css=False), url_fetcher=_no_fetch).write_pdf(
            stylesheets=[stylesheet], font_config=fonts, pdf_identifier=b"docgen", **options)
    finally:
        logger.removeHandler(handler)
    excused = [m for m in handler.messages if _reported_by_glyph_check(m)]
    # such a character in a CJK font also overflows its glyph ids: a consequence, not missing fonts
    missing = [m for m in handler.messages if ("glyph" in m.lower() or "font" in m.lower())
               and m not in excused and not (excused and m.startswith("Too many glyphs missing"))]
    if missing:
        raise SetupError(Problem(name, "", msg("writers.fonts-are-missing-run-2", detail=missing[0])))
    return data
