"""Checks on the letter's segments."""
from __future__ import annotations

import datetime as dt
import re
from typing import Iterator

from docgen.qa.registry import QAContext

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")


def untranslated(ctx: QAContext) -> Iterator[tuple]:
    letter = ctx.letter
    tgt = letter.target_lang
    for seg in letter.segments.values():
        text = seg.text(tgt)
        if text is None:
            field = _source_field(ctx, seg.id)
            yield seg.id, f"no {tgt} translation: add `{field}_{tgt}` to the case, or install a translation package (docgen models install FILE.argosmodel)"
            continue
        if seg.is_seller_text and letter.source_lang != tgt and text.strip() == seg.source.strip() \
                and re.search(r"[^\W\d_]{3,}", text):
            yield seg.id, "translation is identical to the source text"
        if tgt != "zh" and seg.origin != "data":
            m = CJK.search(text)
            if m:
                hint = " (add seller.name_latin)" if seg.id.startswith(("header.", "signatory", "company")) else ""
                yield seg.id, f"Chinese characters left in the {tgt} text{hint}", m.start(), m.end()


def _source_field(ctx: QAContext, seg_id: str) -> str:
    """The case field a seller segment came from, for the hint in a finding."""
    if seg_id.startswith("fact."):
        return f"facts[{int(seg_id.split('.')[1]) - 1}].text"
    if seg_id.startswith("evidence."):
        ids = [ev.id for ev in ctx.case_file.case.evidence]
        return f"evidence[{ids.index(seg_id.split('.', 1)[1])}].description"
    return seg_id


# A metric window is covered when the dated material starts within this many days of
# the window's start and ends within this many days of its end.
WINDOW_SLACK_DAYS = 7


def metric_window(ctx: QAContext) -> Iterator[tuple]:
    case = ctx.case_file.case
    if case.case_type != "performance_review" or not case.window_days:
        return
    end = case.notice.date
    start = end - dt.timedelta(days=case.window_days)
    dates = [d for x in [*case.evidence, *case.facts] for d in _dates_of(x)]
    if not dates:
        yield "evidence", f"no dated evidence: the {case.window_days}-day window {start}…{end} cannot be shown as covered"
        return
    lo, hi = min(dates), max(dates)
    if lo > start + dt.timedelta(days=WINDOW_SLACK_DAYS) or hi < end - dt.timedelta(days=WINDOW_SLACK_DAYS):
        yield "evidence", (f"evidence dates {lo}…{hi} do not span the {case.window_days}-day window "
                           f"{start}…{end} of the metric")


def _dates_of(x) -> list[dt.date]:
    """The days a fact or a piece of evidence covers: its period's ends, else its date."""
    if getattr(x, "period", None) is not None:
        return [x.period.from_, x.period.to]
    return [x.date] if x.date else []


def reappeal(ctx: QAContext) -> Iterator[tuple]:
    case = ctx.case_file.case
    if case.appeal_round >= 2 and not case.previous_manifest:
        yield "appeal_round", ("repeated appeal: set previous_manifest to the earlier manifest.json so docgen can "
                               "check that the evidence is new; resubmitting unchanged material is rejected")
    if case.appeal_round >= 2 and not (case.previous and case.previous.ticket):
        yield "previous.ticket", ("repeated appeal: give previous.ticket (and previous.date, previous.rejection): "
                                  "the letter must cite the rejected request's number and the reason given")


def appeal_limit(ctx: QAContext) -> Iterator[tuple]:
    """Ozon accepts a limited number of appeals for one held order (hold_reasons.yaml)."""
    from docgen.case.holds import hold_table

    case = ctx.case_file.case
    if case.case_type != "fund_hold":
        return
    limit = hold_table().max_appeal_rounds
    if case.appeal_round > limit:
        yield "appeal_round", (f"appeal_round {case.appeal_round}: Ozon accepts at most {limit} appeals for one held "
                               f"order; this one would be refused (limit: max_appeal_rounds in "
                               "letter_templates/fund_hold/hold_reasons.yaml)")


def fact_date(ctx: QAContext) -> Iterator[tuple]:
    """A fact whose text names a date other than its `date` (or outside its `period`):
    the printed date then contradicts the sentence."""
    from docgen.qa.language_checks import extract_numbers

    case = ctx.case_file.case
    for i, fact in enumerate(case.facts, 1):
        if fact.period is None and fact.date is None:
            continue
        named: set[dt.date] = set()
        for text in filter(None, (fact.text, case.fact_translation(fact))):
            named |= extract_numbers(text)[0]
        # a date after the letter is a deadline or a validity end («действует до 03.11.2031»)
        named = {d for d in named if d <= ctx.today}
        if fact.period is not None:
            other = sorted(d for d in named if not fact.period.contains(d))
            dated = f"period {fact.period.from_}…{fact.period.to}"
        else:
            other = sorted(d for d in named if d != fact.date)
            dated = f"date {fact.date}"
        if other:
            yield f"fact.{i}", (f"the text names {', '.join(str(d) for d in other)} but the fact's {dated}: "
                                "set `date` or `period` to what the sentence says")


_CERTIFICATE = re.compile(r"EAC|cert|declar|сертифик|декларац|证书|声明|认证", re.I)


def _looks_like(ev, kind: str, pattern: re.Pattern) -> bool:
    if ev.kind == kind or (kind == "certificate" and ev.kind == "declaration"):
        return True
    texts = [ev.file, ev.description, ev.description_ru or "", ev.description_en or ""]
    return any(pattern.search(t) for t in texts)


def evidence_match(ctx: QAContext) -> Iterator[tuple]:
    """The evidence must answer the notice's reason (seed 000: 材料与下架原因不匹配)."""
    from docgen.case.holds import hold_reason_of

    case = ctx.case_file.case
    if case.case_type == "listing_takedown" and case.reason == "certificate_missing":
        if not any(_looks_like(ev, "certificate", _CERTIFICATE) for ev in case.evidence):
            yield "evidence", ("the product was hidden for a missing certificate, but no evidence looks like a "
                               "certificate or declaration (name it EAC_<product ID>_<year>.pdf or set "
                               "`kind: certificate`)")
    hold = hold_reason_of(case)
    if hold is not None:
        for need in hold.required_evidence:
            if not any(_looks_like(ev, need.kind, need.match) for ev in case.evidence):
                yield "evidence", (f"hold {hold.code} usually needs evidence of kind {need.kind!r} "
                                   f"({hold.texts['en']['evidence']}); none found (set `kind: {need.kind}` "
                                   "on the evidence that is one)")


def glyphs(ctx: QAContext) -> Iterator[tuple]:
    from docgen.writers.fonts import uncovered

    for seg in ctx.letter.segments.values():
        for lang, text in seg.texts.items():
            missing = uncovered(text)
            if missing:
                shown = ", ".join(f"U+{ord(ch):04X}" for ch in missing[:5])
                yield seg.id, f"{lang} text has characters the PDF fonts cannot draw ({shown}); they would print as boxes"


def placeholders(ctx: QAContext) -> Iterator[tuple]:
    from docgen.translate.protect import PLACEHOLDER

    tgt = ctx.letter.target_lang
    for seg in ctx.letter.seller_segments():
        for problem in seg.mt_problems:
            yield seg.id, problem
        text = seg.text(tgt) or ""
        m = PLACEHOLDER.search(text)
        if m:
            yield seg.id, f"placeholder {m.group(0)!r} left in the text", m.start(), m.end()
