"""The evidence index as a printable Document: a bilingual table of attachments, with
its labels from the templates (composition; the entries' facts come from evidence/)."""
from __future__ import annotations

from dataclasses import dataclass, field

from docgen.evidence.index import MASKED_CHECK, EvidenceEntry
from docgen.model import Document, Finding, Paragraph, Run, Table
from docgen.render.templates import format_date, load_templates
from docgen.render.typography import typeset_text


_SIZE_UNITS = {"ru": ("Б", "КБ", "МБ")}


def human_size(n: int, lang: str = "en") -> str:
    b, kb, mb = _SIZE_UNITS.get(lang, ("B", "KB", "MB"))
    sep = "\u00a0" if lang == "ru" else " "
    if n < 1024:
        return f"{n}{sep}{b}"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f}{sep}{kb}"
    size = f"{n / 1024 / 1024:.1f}"
    return f"{size.replace('.', ',') if lang == 'ru' else size}{sep}{mb}"


@dataclass
class IndexLabels:
    """What the index page needs besides its entries."""

    target: str
    second: str | None  # the seller's language, when different
    heading_context: dict  # seller, seller_name, reference (for index_case)
    running_header: str
    page_label: str
    case_line: bool = True
    seller_names: dict = field(default_factory=dict)  # language → the seller's name as written in it


def index_document(entries: list[EvidenceEntry], labels: IndexLabels, findings: list[Finding],
                   audience: str = "internal") -> Document:
    """The index table. `audience="submit"`: the «Опись приложений» sent to Ozon — the
    target language only, dates dd.mm.yyyy, no QA column (nothing internal); else the
    bilingual index with the checks column, for the seller and the agency."""
    submit = audience == "submit"
    target, second = labels.target, (None if submit else labels.second)
    ts = {lang: load_templates(None, lang) for lang in filter(None, (target, second))}

    def text(key: str, lang: str, **extra) -> str:
        ctx = {**labels.heading_context, **extra}
        if lang in labels.seller_names:
            ctx["seller_name"] = labels.seller_names[lang]
        return ts[lang].render(key, ctx)

    def bi(key: str, **extra) -> str:
        a = text(key, target, **extra)
        b = text(key, second, **extra) if second else None
        return a if b is None or b == a else f"{a} / {b}"

    header = [bi("index_col_no"), bi("index_col_file"), text("index_col_description", target) + f" ({target.upper()})"]
    widths = [1.4, 3.4, 4.6] if submit else [1.4, 2.2, 3.0]  # for Ozon: wider, no second language, no checks
    if second:
        header.append(text("index_col_description", second) + f" ({second.upper()})")
        widths.append(3.0)
    header += [bi("index_col_date"), bi("index_col_pages"), bi("index_col_size"), bi("index_col_sha"),
               bi("index_col_facts")] + ([] if submit else [bi("index_col_checks")])
    widths += [1.3, 0.8, 1.0, 1.5, 0.9] + ([] if submit else [1.8])

    by_where: dict[str, list[Finding]] = {}
    for f in findings:
        by_where.setdefault(f.where, []).append(f)
    rows = []
    mark = text("untranslated_mark", target)
    date_format = ts[target].plain.get("date_format", "{y}-{m:02d}-{d:02d}")

    def status_mark(e: EvidenceEntry, lang: str) -> str:
        if e.status == "new":
            return " " + text("new_mark", lang)
        if e.updated:
            return " " + text("updated_mark", lang, v=e.updated)
        return ""

    for e in entries:
        desc_t = e.descriptions.get(target) or f"{mark} {e.descriptions.get(e.source_lang, '')}"
        masked = any(f.check == MASKED_CHECK for f in by_where.get(f"evidence.{e.id}", []))
        desc_t = typeset_text(desc_t, target) + status_mark(e, target)
        if masked:
            desc_t += " " + text("index_masked", target)
        row = [bi("index_attachment", n=e.number), e.name, desc_t]
        if second:
            desc_s = typeset_text(e.descriptions.get(second, ""), second) + status_mark(e, second)
            if masked:
                desc_s += " " + text("index_masked", second)
            row.append(desc_s)
        marks = sorted({f"{'✗' if f.severity == 'error' else '!' if f.severity == 'warning' else 'i'} {f.check}"
                        for f in by_where.get(f"evidence.{e.id}", [])})
        date = (e.date.strftime("%d.%m.%Y") if submit else format_date(e.date, date_format)) if e.date else "—"
        row += [date, str(e.facts.pages) if e.facts.pages is not None else "—",
                human_size(e.facts.size, target), e.facts.sha256[:12], ", ".join(str(n) for n in e.cited_by) or "—"]
        if not submit:
            row.append("; ".join(marks) or "✓")
        rows.append(row)

    blocks: list = [Paragraph([Run(bi("index_title"))], style="title")]
    if labels.case_line:
        blocks.append(Paragraph([Run(bi("index_case"))], style="meta"))
    if rows:
        blocks.append(Table(header=header, rows=rows, widths=widths, small=True))
    else:
        blocks.append(Paragraph([Run(bi("index_none"))]))
    return Document(lang=target, title=bi("index_title"), running_header=labels.running_header,
                    page_label=labels.page_label, blocks=blocks, landscape=True)
