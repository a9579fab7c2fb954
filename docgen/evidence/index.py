"""The bilingual evidence index: one row per attachment, numbered as in the letter."""
from __future__ import annotations

from dataclasses import dataclass

from docgen.case.loader import CaseFile
from docgen.evidence.inspect import FileFacts, inspect_file
from docgen.model import Document, Letter, Paragraph, Run, Table
from docgen.render.letter import seller_name
from docgen.render.templates import load_templates


@dataclass(frozen=True)
class EvidenceEntry:
    id: str
    number: int
    file: str  # as written in the case, relative to the case folder
    date: str | None
    facts: FileFacts
    cited_by: tuple[int, ...]  # numbers of the facts citing it


def evidence_entries(case_file: CaseFile) -> list[EvidenceEntry]:
    case = case_file.case
    out = []
    for i, ev in enumerate(case.evidence, 1):
        cited = tuple(n for n, f in enumerate(case.facts, 1) if ev.id in f.evidence)
        out.append(EvidenceEntry(
            id=ev.id, number=i, file=ev.file, date=ev.date.isoformat() if ev.date else None,
            facts=inspect_file(case_file.evidence_path(ev)), cited_by=cited,
        ))
    return out


def human_size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def _bi(a: str, b: str | None) -> str:
    return a if b is None or b == a else f"{a} / {b}"


def index_document(case_file: CaseFile, letter: Letter, entries: list[EvidenceEntry]) -> Document:
    case = case_file.case
    target, seller_lang = case.target, case.language
    langs = [target] + ([seller_lang] if seller_lang != target else [])
    ts = {lang: load_templates(case.case_type, lang) for lang in langs}
    second = seller_lang if seller_lang != target else None

    def ctx(lang: str, **extra) -> dict:
        c = {"seller": case.seller, "seller_name": seller_name(case, lang), "reference": case.case_reference}
        c.update(extra)
        return c

    def label(key: str, **extra) -> str:
        return _bi(ts[target].render(key, ctx(target, **extra)),
                   ts[second].render(key, ctx(second, **extra)) if second else None)

    header = [label("index_col_no"), label("index_col_file"),
              ts[target].render("index_col_description", {}) + f" ({target.upper()})"]
    widths = [1.4, 2.4, 3.2]
    if second:
        header.append(ts[second].render("index_col_description", {}) + f" ({second.upper()})")
        widths.append(3.2)
    header += [label("index_col_date"), label("index_col_pages"), label("index_col_size"),
               label("index_col_sha"), label("index_col_facts")]
    widths += [1.3, 0.8, 1.0, 1.6, 0.9]

    rows = []
    mark = letter.untranslated_mark[target]
    for e in entries:
        seg = letter.segments[f"evidence.{e.id}"]
        row = [label("index_attachment", n=e.number), e.file.rsplit("/", 1)[-1],
               seg.text(target) or f"{mark} {seg.source}"]
        if second:
            row.append(seg.text(second) or seg.source)
        row += [e.date or "—", str(e.facts.pages) if e.facts.pages is not None else "—",
                human_size(e.facts.size), e.facts.sha256[:12],
                ", ".join(str(n) for n in e.cited_by) or "—"]
        rows.append(row)

    blocks: list = [
        Paragraph([Run(label("index_title"))], style="title"),
        Paragraph([Run(label("index_case"))], style="meta"),
    ]
    if rows:
        blocks.append(Table(header=header, rows=rows, widths=widths, small=True))
    else:
        blocks.append(Paragraph([Run(label("index_none"))]))
    fur = letter.furniture[target]
    return Document(lang=target, title=label("index_title"), running_header=fur["running_header"],
                    page_label=fur["page_label"], blocks=blocks, landscape=True)


def index_json(entries: list[EvidenceEntry], letter: Letter) -> list[dict]:
    out = []
    for e in entries:
        seg = letter.segments.get(f"evidence.{e.id}")
        out.append({
            "number": e.number, "id": e.id, "file": e.file, "date": e.date,
            "description": dict(seg.texts) if seg else {},
            "kind": e.facts.kind, "pages": e.facts.pages, "size": e.facts.size,
            "width": e.facts.width, "height": e.facts.height,
            "sha256": e.facts.sha256, "cited_by_facts": list(e.cited_by),
        })
    return out
