"""The native-review sign-off page: who must check what, and where they sign.

Written in the letter's language and the seller's language, so both the reviewer
and the seller read it. Reviewer lines stay blank until a review is recorded."""
from __future__ import annotations

from dataclasses import dataclass

from docgen.case.model import Case
from docgen.model import SEVERITIES, Block, Finding, Letter, PageBreak, Paragraph, Run, Table
from docgen.render.letter import seller_name
from docgen.render.templates import load_templates


@dataclass(frozen=True)
class Review:
    """A recorded review; None on the page until one exists."""

    reviewer: str
    native_language: str
    date: str


def signoff_blocks(case: Case, letter: Letter, findings: list[Finding], review: Review | None = None,
                   forced: str | None = None) -> list[Block]:
    target, seller_lang = letter.target_lang, letter.source_lang
    langs = [target] + ([seller_lang] if seller_lang != target else [])
    ts = {lang: load_templates(case.case_type, lang) for lang in langs}

    def text(key: str, lang: str, **extra) -> str:
        ctx = {"title": letter.furniture[target]["title"] if lang == target else letter.furniture[lang]["title"],
               "letter_date": case.effective_letter_date, "seller": case.seller,
               "seller_name": seller_name(case, lang), "reference": case.case_reference}
        ctx.update(extra)
        return ts[lang].render(key, ctx)

    def both(key: str, style: str = "para", **extra) -> list[Block]:
        return [Paragraph([Run(text(key, lang, **extra))], style=style) for lang in langs]

    def bi(key: str) -> str:
        return " / ".join(text(key, lang) for lang in langs)

    blocks: list[Block] = [PageBreak()]
    blocks.append(Paragraph([Run(bi("signoff_title"))], style="title"))
    blocks += both("signoff_document", style="meta")
    blocks.append(Paragraph([Run(bi("signoff_hash") + " "), Run(letter.text_sha256(), bold=True)], style="meta"))

    mt = [s for s in letter.seller_segments() if s.origin == "mt"]
    missing = [s for s in letter.seller_segments() if s.origin == "untranslated"]
    for key, segs in (("signoff_mt_heading", mt), ("signoff_untranslated_heading", missing)):
        blocks.append(Paragraph([Run(bi(key))], style="heading"))
        if segs:
            rows = [[s.id, s.source, s.text(target) or "—"] + ([s.mt_model or ""] if key == "signoff_mt_heading" else [])
                    for s in segs]
            header = [bi("signoff_col_id"), bi("signoff_col_source"), bi("signoff_col_target")]
            widths = [1.2, 4.0, 4.0]
            if key == "signoff_mt_heading":
                header.append("MT")
                widths.append(1.4)
            blocks.append(Table(header=header, rows=rows, widths=widths, small=True))
        else:
            blocks.append(Paragraph([Run(bi("signoff_none"))]))

    blocks.append(Paragraph([Run(bi("signoff_checklist_heading"))], style="heading"))
    for key in ("signoff_check_numbers", "signoff_check_terms", "signoff_check_attachments"):
        blocks.append(Paragraph([Run("□ " + " / ".join(text(key, lang) for lang in langs))], style="check"))

    blocks.append(Paragraph([Run(bi("signoff_qa_heading"))], style="heading"))
    counts = {sev: sum(1 for f in findings if f.severity == sev) for sev in SEVERITIES}
    blocks.append(Table(header=[bi(f"signoff_qa_{sev}") for sev in SEVERITIES],
                        rows=[[str(counts[sev]) for sev in SEVERITIES]], widths=[1, 1, 1]))
    if any(f.check == "grammar" and f.message.startswith("grammar not checked") for f in findings):
        blocks.append(Paragraph([Run(bi("signoff_grammar_unchecked"), bold=True)], style="para"))
    by_check: dict[str, int] = {}
    for f in findings:
        by_check[f"{f.severity}: {f.check}"] = by_check.get(f"{f.severity}: {f.check}", 0) + 1
    if by_check:
        blocks.append(Paragraph([Run("; ".join(f"{k} × {v}" for k, v in sorted(by_check.items())))], style="small"))

    if forced:
        blocks.append(Paragraph([Run(bi("signoff_forced") + ": ", bold=True), Run(forced)], style="para"))
    values = {"signoff_reviewer": review.reviewer, "signoff_native": review.native_language,
              "signoff_date": review.date} if review else {}
    for key in ("signoff_reviewer", "signoff_native", "signoff_date", "signoff_signature"):
        value = values.get(key)
        runs = [Run(bi(key) + ": ")]
        runs.append(Run(value, bold=True) if value else Run("_" * 32))
        blocks.append(Paragraph(runs, style="signature"))
    return blocks
