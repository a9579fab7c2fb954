"""The document model every stage reads.

Two levels:

* `Letter` — the multilingual letter: an ordered list of `Segment`s (each knows its
  text per language, where its target came from and its findings) arranged in
  `LetterBlock`s. Rendering builds it, translation fills target texts, QA attaches
  findings, review edits targets. Nothing downstream re-renders templates.
* `Document` — one printable document in final form (strings, not segments): what the
  writers (DOCX, PDF) read. `Letter.view(lang)` produces the letter part of one; the
  evidence index and sign-off page are Documents (or parts of one) built from data.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal

from docgen.i18n import Coded, render

# Where a segment's target text came from: `template` (parallel templates, written once by a
# person), `seller` (the seller typed it in the case file: possibly pasted from an online
# translator, so it is reviewed like MT), `tm` (a reviewed translation of the same sentence
# from an earlier letter), `glossary` (the whole sentence is one term), `mt`, `human` (the
# reviewer wrote it during the review), `data` (file names, IDs), `untranslated`.
Origin = Literal["template", "seller", "tm", "human", "glossary", "mt", "data", "untranslated"]
REVIEWABLE: tuple[str, ...] = ("seller", "tm", "human", "glossary", "mt", "untranslated")
Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


@dataclass
class Finding(Coded):
    """A check's result. `check` is the check's stable id; `message` a `Msg` (code and
    parameters, `docgen.i18n`), rendered into words by `as_dict(lang)` and the CLI."""

    check: str
    severity: Severity
    where: str  # segment id, evidence id or file name
    message: str
    start: int | None = None  # character offsets in the target text, when known
    end: int | None = None

    def render(self, lang: str | None = None) -> str:
        return render(self.message, lang)

    def as_dict(self, lang: str = "en") -> dict:
        # the check id and message code stay stable; the words come in every UI language
        from docgen.i18n import LANGUAGES

        d = {"check": self.check, "severity": self.severity, "where": self.where, "code": self.code,
             "message": self.render(lang), "messages": {ui: self.render(ui) for ui in LANGUAGES}}
        if self.start is not None:
            d["start"], d["end"] = self.start, self.end
        return d


@dataclass
class Segment:
    """One translatable unit.

    `texts` maps a language code to the text in that language. Template segments have
    every language filled by the parallel templates; seller segments start with the
    seller's language only, and the target is added by the seller (`seller`), the
    translation memory, the glossary or MT — every one of them is reviewed. `data` segments (file names, IDs) are the same in every language.
    """

    id: str
    texts: dict[str, str]
    source_lang: str
    origin: Origin
    mt_model: str | None = None
    findings: list[Finding] = field(default_factory=list)
    mt_problems: list[str] = field(default_factory=list)  # placeholders lost or repeated by MT
    reviewed: bool = False  # a native reviewer approved this target (docgen review import)
    # a template sentence the reviewer changed for this letter: (template text, reason)
    deviation: tuple[str, str] | None = None

    @property
    def is_seller_text(self) -> bool:
        return self.origin not in ("template", "data")

    @property
    def source(self) -> str:
        return self.texts[self.source_lang]

    def text(self, lang: str) -> str | None:
        if self.origin == "data":
            return self.texts[self.source_lang]
        return self.texts.get(lang)


BlockKind = Literal["title", "meta", "heading", "para", "item", "closing", "signature", "pagebreak"]


@dataclass
class LetterBlock:
    kind: BlockKind
    segment_ids: list[str] = field(default_factory=list)
    label: str | None = None  # number of a list item ("1.")


@dataclass
class Letter:
    case_type: str
    source_lang: str  # the seller's language
    target_lang: str  # the language sent to Ozon
    segments: dict[str, Segment]
    blocks: list[LetterBlock]
    # strings the page furniture needs, per language (running header, page label …)
    furniture: dict[str, dict[str, str]]
    untranslated_mark: dict[str, str]
    # the seller's copy marks a sentence whose target is missing or machine-made:
    # language → {"untranslated": …, "mt": …}
    seller_marks: dict[str, dict[str, str]] = field(default_factory=dict)

    def seller_segments(self) -> list[Segment]:
        return [s for s in self.segments.values() if s.is_seller_text]

    def view(self, lang: str) -> list["Block"]:
        """The letter's blocks in one language. A seller segment with no text in `lang`
        stays visible, in its source language, behind a "needs translation" mark."""
        out: list[Block] = []
        for b in self.blocks:
            if b.kind == "pagebreak":
                out.append(PageBreak())
                continue
            runs = []
            for sid in b.segment_ids:
                seg = self.segments[sid]
                text = seg.text(lang)
                if text is None:
                    runs.append(Run(f"{self.untranslated_mark[lang]} ", mark="untranslated", bold=True, segment=sid))
                    runs.append(Run(seg.source, mark="untranslated", segment=sid))
                elif not text:
                    continue  # a template sentence one language does without (e.g. a second closing line)
                else:
                    runs.append(Run(text, segment=sid))
                    mark = self._seller_mark(seg, lang)
                    if mark:
                        runs.append(Run(mark, mark="untranslated", segment=sid))
                runs.append(Run(" "))
            if runs:
                runs.pop()  # trailing separator
            else:
                continue
            out.append(Paragraph(runs=runs, style=b.kind, label=b.label))
        return out

    def _seller_mark(self, seg: "Segment", lang: str) -> str | None:
        """In the seller's copy: tells the seller that the target letter still lacks this
        sentence, or carries a machine translation nobody has reviewed."""
        if lang == self.target_lang or lang != seg.source_lang or not seg.is_seller_text or seg.reviewed:
            return None
        marks = self.seller_marks.get(lang) or {}
        if seg.text(self.target_lang) is None or seg.origin == "untranslated":
            return marks.get("untranslated")
        if seg.origin == "mt":
            return marks.get("mt")
        return None

    def plain_text(self, lang: str) -> str:
        """The letter's text in one language: what the sign-off page's hash covers."""
        lines = []
        for block in self.view(lang):
            if isinstance(block, Paragraph):
                lines.append((block.label + " " if block.label else "") + block.text)
        return "\n".join(lines) + "\n"

    def text_sha256(self, lang: str | None = None) -> str:
        return hashlib.sha256(self.plain_text(lang or self.target_lang).encode("utf-8")).hexdigest()


# ---- printable documents -------------------------------------------------------------

@dataclass
class Run:
    text: str
    bold: bool = False
    mark: Literal["untranslated", "updated"] | None = None
    segment: str | None = None  # the letter segment it comes from (typography needs to know)


ParaStyle = Literal["title", "meta", "heading", "para", "item", "closing", "small", "signature", "check"]


@dataclass
class Paragraph:
    runs: list[Run]
    style: ParaStyle = "para"
    label: str | None = None
    keep_with_next: bool = False  # the writers keep it on the page of the next block

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    widths: list[float]  # relative column widths
    small: bool = False


@dataclass
class PageBreak:
    pass


Block = Paragraph | Table | PageBreak


@dataclass
class Document:
    """One printable document: what every writer reads."""

    lang: str  # main language: sets the PDF's lang and DOCX proofing language
    title: str
    running_header: str
    page_label: str  # e.g. "стр. {page} из {pages}"
    blocks: list[Block]
    landscape: bool = False
    pdf_variant: str | None = None  # e.g. "pdf/a-3b"
    attachments: list[tuple[str, bytes]] = field(default_factory=list)  # embedded files (PDF only)

    def plain_text(self) -> str:
        lines: list[str] = []
        for b in self.blocks:
            if isinstance(b, Paragraph):
                lines.append((b.label + " " if b.label else "") + b.text)
            elif isinstance(b, Table):
                lines.append(" | ".join(b.header))
                lines.extend(" | ".join(r) for r in b.rows)
        return "\n".join(lines) + "\n"
