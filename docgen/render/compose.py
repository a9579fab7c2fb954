"""Composition: the Letter (and the evidence entries) → every printable Document and
the labels the index and bundle need. Output variants are data: which documents exist
is decided here, which files they become is the OUTPUTS table's business."""
from __future__ import annotations

from docgen.case.loader import CaseFile
from docgen.evidence.bundle import BundleLabels
from docgen.render.index import IndexLabels
from dataclasses import replace

from docgen.model import Document, Finding, Letter, PageBreak, Paragraph
from docgen.render.letter import seller_name
from docgen.render.templates import load_templates
from docgen.render.typography import typeset_blocks
from docgen.render.signoff import Review, signoff_blocks


def compose_documents(case_file: CaseFile, letter: Letter, findings: list[Finding], review: Review | None = None,
                      forced: str | None = None, record=None) -> dict[str, Document]:
    """Name (without extension) → printable document: the letter in the target language
    (the letter only: what is sent), the seller's, and the translator's sign-off page —
    its own document, kept out of what is sent."""
    case = case_file.case
    docs: dict[str, Document] = {}
    for lang in dict.fromkeys([case.target, case.language]):
        fur = letter.furniture[lang]
        blocks = keep_closing_together(typeset_blocks(letter.view(lang), lang))
        subject = letter.segments["subject"].text(lang) or fur["title"]
        docs[f"letter.{lang}"] = Document(lang=lang, title=subject, running_header=fur["running_header"],
                                          page_label=fur["page_label"], blocks=blocks)
    docs["signoff"] = signoff_document(case_file, letter, findings, review, forced, record)
    return docs


def signoff_document(case_file: CaseFile, letter: Letter, findings: list[Finding], review: Review | None = None,
                     forced: str | None = None, record=None,
                     checked_file: tuple[str, str] | None = None) -> Document:
    """The sign-off page as its own document; `checked_file` (file name, SHA-256) names the
    letter file in submit/ that the reviewer checked (the build adds it once that file is written)."""
    case = case_file.case
    fur = letter.furniture[case.target]
    blocks = signoff_blocks(case, letter, findings, review, forced, record=record, checked_file=checked_file)
    while blocks and isinstance(blocks[0], PageBreak):
        blocks = blocks[1:]
    title = next((b.text for b in blocks if isinstance(b, Paragraph) and b.style == "title"), "")
    return Document(lang=case.target, title=title, running_header=fur["running_header"],
                    page_label=fur["page_label"], blocks=blocks)


def keep_closing_together(blocks: list) -> list:
    """The last line before «С уважением» keeps with it, so that no page holds only the
    closing and the signature."""
    for i, b in enumerate(blocks):
        if getattr(b, "style", None) == "closing":
            j = i - 1
            if j >= 0 and isinstance(blocks[j], Paragraph):
                blocks[j] = replace(blocks[j], keep_with_next=True)
            break
    return blocks


def index_labels(case_file: CaseFile, letter: Letter) -> IndexLabels:
    case = case_file.case
    fur = letter.furniture[case.target]
    return IndexLabels(
        target=case.target, second=case.language if case.language != case.target else None,
        heading_context={"seller": case.seller, "seller_name": seller_name(case, case.target),
                         "reference": case.case_reference},
        running_header=fur["running_header"], page_label=fur["page_label"],
        seller_names={lang: seller_name(case, lang) for lang in (case.target, case.language)})


def folder_index_labels(name: str, lang: str, target: str) -> IndexLabels:
    ts = load_templates(None, target)
    return IndexLabels(target=target, second=lang if lang != target else None, heading_context={"reference": name},
                       running_header=name, page_label=ts.plain["page_label"], case_line=False)


def bundle_labels(lang: str) -> BundleLabels:
    ts = load_templates(None, lang)
    return BundleLabels(stamp=ts.plain["bundle_stamp"], page=ts.plain["bundle_page"],
                        missing=ts.plain["bundle_missing"], bookmark=ts.render("index_attachment", {"n": "{n}"}))
