"""Builds the multilingual `Letter` from a case and its parallel templates.

The structure (which blocks, in which order) is decided here once for every
language, so the seller's copy and the letter sent to Ozon always share numbering."""
from __future__ import annotations

import datetime as dt
from typing import Any

from docgen.case.holds import hold_reason_of
from docgen.case.loader import CaseFile
from docgen.case.model import Case, Fact
from docgen.model import Letter, LetterBlock, Segment
from docgen.render.templates import TemplateSet, load_templates

_ITEM_FIELDS = ("order", "sku", "offer_id", "name", "tracking", "amount")


def seller_name(case: Case, lang: str) -> str:
    """Chinese company names stay in the seller's copy; other languages get the Latin
    name (a letter in Russian should not carry Chinese characters)."""
    if lang == "zh" or not case.seller.name_latin:
        return case.seller.name
    return case.seller.name_latin


def mentions_date(text: str, date: dt.date) -> bool:
    """Whether the seller already wrote the fact's date, so the letter need not repeat it."""
    y, m, d = date.year, date.month, date.day
    forms = (f"{y}年{m}月{d}日", f"{m}月{d}日", f"至{d}日", f"-{d}日", date.isoformat(), f"{d:02d}.{m:02d}.{y}", f"{d}.{m}.{y}",
             f"{y}.{m:02d}.{d:02d}", f"{y}/{m}/{d}", f"{y}/{m:02d}/{d:02d}")
    return any(f in text for f in forms)


def fact_dates_named(fact: Fact) -> bool:
    """Whether the fact's text (or a person's translation of it) already names its date,
    or both ends of its period, so the letter need not print it before the fact."""
    texts = [t for t in (fact.text, fact.text_ru, fact.text_en) if t]
    if fact.period is not None:
        return any(mentions_date(t, fact.period.from_) and mentions_date(t, fact.period.to) for t in texts)
    return fact.date is not None and any(mentions_date(t, fact.date) for t in texts)


def metric_window(case: Case) -> tuple[dt.date, dt.date] | None:
    """The performance metric's rolling window: the `window_days` before the notice."""
    if case.case_type != "performance_review" or not case.window_days:
        return None
    return case.notice.date - dt.timedelta(days=case.window_days), case.notice.date


def evidence_numbers(case: Case) -> dict[str, int]:
    """Attachment numbers follow the order of the case's evidence list."""
    return {ev.id: i + 1 for i, ev in enumerate(case.evidence)}


class _Builder:
    def __init__(self, case: Case, changes: dict[str, tuple[str, dt.date | None]] | None = None):
        self.case = case
        # re-appeal: evidence id → ("new" | "updated", date); None when no previous manifest is known
        self.changes = changes
        self.langs = [case.target] + ([case.language] if case.language != case.target else [])
        self.templates: dict[str, TemplateSet] = {lang: load_templates(case.case_type, lang) for lang in self.langs}
        self.segments: dict[str, Segment] = {}
        self.blocks: list[LetterBlock] = []

    def context(self, lang: str, **extra: Any) -> dict[str, Any]:
        c = self.case
        numbers = evidence_numbers(c)
        hold = hold_reason_of(c)
        changes = None
        if self.changes is not None:
            changes = {kind: sorted(numbers[i] for i, (k, _) in self.changes.items() if k == kind)
                       for kind in ("new", "updated")}
        window = metric_window(c)
        ctx = {
            "case": c, "seller": c.seller, "seller_name": seller_name(c, lang), "notice": c.notice,
            "item": c.items[0] if c.items else None, "items": c.items, "letter_date": c.effective_letter_date,
            "names": self.templates[lang].plain.get("names", {}), "reference": c.case_reference,
            "orders": [it.order for it in c.items if it.order],
            "skus": [it.sku for it in c.items if it.sku],
            "hold": hold.texts[lang] if hold else None,
            "proven": all(f.evidence for f in c.facts),
            "previous": c.previous, "changes": changes,
            "window": {"start": window[0], "end": window[1]} if window else None,
        }
        ctx.update(extra)
        return ctx

    def template(self, seg_id: str, key: str, **extra: Any) -> str:
        self.segments[seg_id] = Segment(
            id=seg_id,
            texts={lang: self.templates[lang].render(key, self.context(lang, **extra)) for lang in self.langs},
            source_lang=self.case.language,
            origin="template",
        )
        return seg_id

    def joined(self, seg_id: str, parts: list[tuple[str, dict[str, Any]]]) -> str:
        """A template segment made of several keys joined by the language's list separator."""
        texts = {}
        for lang in self.langs:
            sep = self.templates[lang].plain.get("list_sep", "; ")
            texts[lang] = sep.join(self.templates[lang].render(k, self.context(lang, **x)) for k, x in parts)
        self.segments[seg_id] = Segment(id=seg_id, texts=texts, source_lang=self.case.language, origin="template")
        return seg_id

    def seller(self, seg_id: str, text: str, translation: str | None) -> str:
        texts = {self.case.language: text}
        origin = "untranslated"
        if translation:
            texts[self.case.target] = translation
            origin = "seller"  # typed by the seller: reviewed like machine output
        self.segments[seg_id] = Segment(id=seg_id, texts=texts, source_lang=self.case.language, origin=origin)
        return seg_id

    def block(self, kind: str, *seg_ids: str, label: str | None = None) -> None:
        self.blocks.append(LetterBlock(kind=kind, segment_ids=list(seg_ids), label=label))

    def build(self) -> Letter:
        c = self.case
        numbers = evidence_numbers(c)
        self.block("meta", self.template("header.to", "to"))
        self.block("meta", self.template("header.from", "from"))
        self.block("meta", self.template("header.shop", "shop"))
        if c.seller.email:
            self.block("meta", self.template("header.email", "email"))
        self.block("meta", self.template("header.date", "date"))
        self.block("meta", self.template("header.notice", "notice"))
        self.block("title", self.template("subject.label", "subject_label"), self.template("subject", "subject"))
        self.block("para", self.template("greeting", "greeting"))
        if c.appeal_round >= 2:
            self.block("para", self.template("reappeal", "reappeal"))
        self.block("para", self.template("intro", "intro"))
        if c.notice.text:
            self.block("para", self.template("notice.text", "notice_text"))
        if c.rule:
            self.block("para", self.template("rule", "rule"))

        if c.items:
            self.block("heading", self.template("items.heading", "items_heading"))
            for i, item in enumerate(c.items, 1):
                parts = [(f"item_{f}", {"v": getattr(item, f)}) for f in _ITEM_FIELDS if getattr(item, f)]
                self.block("item", self.joined(f"item.{i}", parts), label=f"{i}.")

        self.block("heading", self.template("facts.heading", "facts_heading"))
        for i, fact in enumerate(c.facts, 1):
            ids = []
            if not fact_dates_named(fact):
                if fact.period is not None:
                    ids.append(self.template(f"fact.{i}.date", "fact_period", v=fact.period))
                elif fact.date:
                    ids.append(self.template(f"fact.{i}.date", "fact_date", v=fact.date))
            ids.append(self.seller(f"fact.{i}", fact.text, c.fact_translation(fact)))
            if fact.evidence:
                ids.append(self.template(f"fact.{i}.refs", "fact_refs", numbers=[numbers[e] for e in fact.evidence]))
            self.block("item", *ids, label=f"{i}.")

        # support requests ask, they do not conclude: their conclusion template is empty
        if self.templates[c.target].render("conclusion", self.context(c.target)):
            self.block("heading", self.template("conclusion.heading", "conclusion_heading"))
            self.block("para", self.template("conclusion", "conclusion"))
        self.block("heading", self.template("request.heading", "request_heading"))
        self.block("para", self.seller("request", c.request, c.request_translation()))

        if c.evidence:
            self.block("heading", self.template("attachments.heading", "attachments_heading"))
            for ev in c.evidence:
                n = numbers[ev.id]
                kind, when = (self.changes or {}).get(ev.id, (None, None))
                ids = [self.template(f"attachment.{n}", "attachment", n=n),
                       self.seller(f"evidence.{ev.id}", ev.description, c.evidence_translation(ev)),
                       self.template(f"attachment.{n}.file", "attachment_file", v=ev.file.rsplit("/", 1)[-1],
                                     status=kind, when=when)]
                self.block("item", *ids)

        # "closing" paragraphs keep with the next one: the signature block never splits
        self.block("closing", self.template("closing", "closing"))
        if self.templates[c.target].render("closing_2", {}) or any(
                self.templates[lang].render("closing_2", {}) for lang in self.langs):
            self.block("closing", self.template("closing.2", "closing_2"))
        if c.seller.signatory:
            self.block("closing", self.template("signatory", "signatory"))
        self.block("closing", self.template("company", "company"))
        self.block("signature", self.template("signature", "signature"))

        furniture = {}
        for lang in self.langs:
            ts = self.templates[lang]
            furniture[lang] = {
                "running_header": ts.render("running_header", self.context(lang)),
                "page_label": ts.plain.get("page_label", "{page} / {pages}"),
                "title": ts.render("letter_title", self.context(lang)),
            }
        return Letter(
            case_type=c.case_type, source_lang=c.language, target_lang=c.target,
            segments=self.segments, blocks=self.blocks, furniture=furniture,
            untranslated_mark={lang: self.templates[lang].render("untranslated_mark", {}) for lang in self.langs},
            seller_marks={lang: {"untranslated": self.templates[lang].render("seller_mark_untranslated", {}),
                                 "mt": self.templates[lang].render("seller_mark_mt", {})} for lang in self.langs},
        )


def render_letter(case_file: CaseFile | Case,
                  changes: dict[str, tuple[str, dt.date | None]] | None = None) -> Letter:
    """`changes`: for a re-appeal with a previous manifest, evidence id → ("new" | "updated",
    date) for attachments not in, or changed since, the previous appeal (None: unknown)."""
    case = case_file.case if isinstance(case_file, CaseFile) else case_file
    return _Builder(case, changes).build()
