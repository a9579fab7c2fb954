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
    date: str  # ISO date of the review


# origin → words, for problems printed by the CLI (the page uses the templates' words)
ORIGIN_WORDS = {"seller": "the seller's own translation", "mt": "machine translation", "tm": "translation memory",
                "glossary": "glossary", "human": "the reviewer's translation", "untranslated": "no translation"}
_CHECK_KEYS = ("signoff_check_numbers", "signoff_check_terms", "signoff_check_attachments", "complete")
_CHECKLIST_ITEMS = ("numbers", "terms", "attachments", "complete")  # docgen.review.state.CHECKLIST


def signoff_blocks(case: Case, letter: Letter, findings: list[Finding], review: Review | None = None,
                   forced: str | None = None, record=None, checked_file: tuple[str, str] | None = None) -> list[Block]:
    """The sign-off page. `record` (a ReviewRecord) adds the reviewer's changes, template
    deviations, the checklist as confirmed and the contact; `checked_file` (name, SHA-256)
    names the printed letter file the reviewer checked, when it is a separate file."""
    import datetime as dt

    from docgen.render.templates import format_date

    target, seller_lang = letter.target_lang, letter.source_lang
    langs = [target] + ([seller_lang] if seller_lang != target else [])
    ts = {lang: load_templates(case.case_type, lang) for lang in langs}
    words = {lang: ts[lang].plain.get("signoff_words", {}) for lang in langs}

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

    def w(key: str, lang: str, **fmt) -> str:
        value = words[lang].get(key, key)
        return value.format(**fmt) if fmt else value

    def wbi(key: str, **fmt) -> str:
        return " / ".join(w(key, lang, **fmt) for lang in langs)

    def named(group: str, value: str, lang: str) -> str:
        return words[lang].get(group, {}).get(value, value)

    def named_bi(group: str, value: str) -> str:
        return " / ".join(dict.fromkeys(named(group, value, lang) for lang in langs))

    blocks: list[Block] = [PageBreak()]
    blocks.append(Paragraph([Run(bi("signoff_title"))], style="title"))
    blocks += both("signoff_document", style="meta")
    blocks.append(Paragraph([Run(bi("signoff_hash") + " "), Run(letter.text_sha256(), bold=True)], style="meta"))
    if checked_file:
        for lang in langs:
            blocks.append(Paragraph([Run(w("checked_file", lang, file=checked_file[0], sha=checked_file[1]))],
                                    style="meta"))

    # every seller sentence in full, whatever its origin: it all goes to Ozon in the seller's name
    seller = [s for s in letter.seller_segments() if s.origin != "untranslated"]
    missing = [s for s in letter.seller_segments() if s.origin == "untranslated"]
    blocks.append(Paragraph([Run(wbi("seller_heading"))], style="heading"))
    blocks.append(Paragraph([Run(" ".join(w("ids", lang) for lang in langs))], style="small"))
    if seller:
        rows = []
        for s in seller:
            origin = named_bi("origin", s.origin) + (f" ({s.mt_model})" if s.origin == "mt" and s.mt_model else "")
            if s.reviewed:
                origin += "; " + wbi("reviewed")
            rows.append([s.id, origin, s.source, s.text(target) or "—"])
        blocks.append(Table(header=[bi("signoff_col_id"), wbi("col_origin"), bi("signoff_col_source"),
                                    bi("signoff_col_target")], rows=rows, widths=[1.1, 1.6, 3.6, 3.6], small=True))
    else:
        blocks.append(Paragraph([Run(bi("signoff_none"))]))
    if missing:
        blocks.append(Paragraph([Run(bi("signoff_untranslated_heading"))], style="heading"))
        blocks.append(Table(header=[bi("signoff_col_id"), bi("signoff_col_source")],
                            rows=[[s.id, s.source] for s in missing], widths=[1.2, 8.0], small=True))

    if record is not None:
        blocks.append(Paragraph([Run(wbi("changes_heading"))], style="heading"))
        if record.changed:
            blocks.append(Table(header=[bi("signoff_col_id"), wbi("col_before"), wbi("col_after")],
                                rows=[[c["id"], c["before"] or "—", c["after"]] for c in record.changed],
                                widths=[1.2, 4.0, 4.0], small=True))
        else:
            blocks.append(Paragraph([Run(bi("signoff_none"))]))
    deviations = [s for s in letter.segments.values() if s.deviation]
    if deviations or record is not None:
        blocks.append(Paragraph([Run(wbi("deviations_heading"))], style="heading"))
        if deviations:
            blocks.append(Table(header=[bi("signoff_col_id"), wbi("col_template"), bi("signoff_col_target"),
                                        wbi("col_reason")],
                                rows=[[s.id, s.deviation[0], s.text(target) or "", s.deviation[1]] for s in deviations],
                                widths=[1.2, 3.0, 3.0, 2.4], small=True))
        else:
            blocks.append(Paragraph([Run(bi("signoff_none"))]))

    blocks.append(Paragraph([Run(bi("signoff_checklist_heading"))], style="heading"))
    confirmed = set(record.checklist) if record is not None else set()
    for key, item in zip(_CHECK_KEYS, _CHECKLIST_ITEMS):
        label = " / ".join(text(key, lang) if key.startswith("signoff_") else w("check_complete", lang)
                           for lang in langs)
        blocks.append(Paragraph([Run(("✓ " if item in confirmed else "□ ") + label)], style="check"))

    blocks.append(Paragraph([Run(bi("signoff_qa_heading"))], style="heading"))
    counts = {sev: sum(1 for f in findings if f.severity == sev) for sev in SEVERITIES}
    blocks.append(Table(header=[bi(f"signoff_qa_{sev}") for sev in SEVERITIES],
                        rows=[[str(counts[sev]) for sev in SEVERITIES]], widths=[1, 1, 1]))
    if any(f.check == "grammar" and f.message.startswith("grammar not checked") for f in findings):
        blocks.append(Paragraph([Run(bi("signoff_grammar_unchecked"), bold=True)], style="para"))
    for lang in langs:
        if not findings:
            blocks.append(Paragraph([Run(w("qa_none", lang))], style="small"))
            continue
        by_check: dict[tuple[str, str], int] = {}
        for f in findings:
            by_check[(f.severity, f.check)] = by_check.get((f.severity, f.check), 0) + 1
        parts = [f"{named('check', check, lang)} ({text(f'signoff_qa_{sev}', lang)}) × {n}"
                 for (sev, check), n in sorted(by_check.items(), key=lambda kv: (SEVERITIES.index(kv[0][0]), kv[0][1]))]
        blocks.append(Paragraph([Run(w("qa_words", lang, **counts) + " " + "; ".join(parts))], style="small"))

    if forced:
        blocks.append(Paragraph([Run(bi("signoff_forced") + ": ", bold=True), Run(forced)], style="para"))
    name = review.reviewer if review else w("attestation_blank", target)
    for lang in langs:
        blocks.append(Paragraph([Run(w("attestation", lang, name=name,
                                       source=named("lang_source", seller_lang, lang)))], style="para"))
    values: dict[str, str] = {}
    if review:
        day = dt.date.fromisoformat(review.date)
        values = {"signoff_reviewer": review.reviewer,
                  "signoff_native": named_bi("language", review.native_language),
                  "signoff_date": format_date(day, ts[target].plain.get("date_format", "{d:02d}.{m:02d}.{y}"))}
    for key in ("signoff_reviewer", "signoff_native", "contact", "signoff_date", "signoff_signature"):
        if key == "contact":
            if record is None or not record.contact:
                continue
            runs = [Run(wbi("contact") + ": "), Run(record.contact, bold=True)]
        else:
            value = values.get(key)
            runs = [Run(bi(key) + ": ")]
            runs.append(Run(value, bold=True) if value else Run("_" * 32))
        blocks.append(Paragraph(runs, style="signature"))
    return blocks
