"""Checks on the letter's segments."""
from __future__ import annotations

import datetime as dt
import re
from typing import Iterator

from docgen.qa.base import QAContext
from docgen.i18n import msg

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")


def untranslated(ctx: QAContext) -> Iterator[tuple]:
    letter = ctx.letter
    tgt = letter.target_lang
    for seg in letter.segments.values():
        text = seg.text(tgt)
        if text is None:
            field = _source_field(ctx, seg.id)
            yield seg.id, msg("qa.no-translation-add-case", tgt=tgt, field_name=field)
            continue
        if seg.is_seller_text and letter.source_lang != tgt and text.strip() == seg.source.strip() \
                and re.search(r"[^\W\d_]{3,}", text):
            yield seg.id, msg("qa.translation-identical-source-text")
        if tgt != "zh" and seg.origin != "data":
            m = CJK.search(text)
            if m:
                hint = " (add seller.name_latin)" if seg.id.startswith(("header.", "signatory", "company")) else ""
                yield seg.id, msg("qa.chinese-characters-left-text", tgt=tgt, hint=hint), m.start(), m.end()


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
        yield "evidence", msg("qa.no-dated-evidence-day", window_days=case.window_days, start=start, end=end)
        return
    lo, hi = min(dates), max(dates)
    if lo > start + dt.timedelta(days=WINDOW_SLACK_DAYS) or hi < end - dt.timedelta(days=WINDOW_SLACK_DAYS):
        yield "evidence", (msg("qa.evidence-dates-do-not", lo=lo, hi=hi, window_days=case.window_days, start=start, end=end))


def _dates_of(x) -> list[dt.date]:
    """The days a fact or a piece of evidence covers: its period's ends, else its date."""
    if getattr(x, "period", None) is not None:
        return [x.period.from_, x.period.to]
    return [x.date] if x.date else []


def reappeal(ctx: QAContext) -> Iterator[tuple]:
    case = ctx.case_file.case
    if case.appeal_round >= 2 and not case.previous_manifest:
        yield "appeal_round", (msg("qa.repeated-appeal-set-previous"))
    if case.appeal_round >= 2 and not (case.previous and case.previous.ticket):
        yield "previous.ticket", (msg("qa.repeated-appeal-give-previous"))


def appeal_limit(ctx: QAContext) -> Iterator[tuple]:
    """Ozon accepts a limited number of appeals for one held order (hold_reasons.yaml)."""
    from docgen.case.holds import hold_table

    case = ctx.case_file.case
    if case.case_type != "fund_hold":
        return
    limit = hold_table().max_appeal_rounds
    if case.appeal_round > limit:
        yield "appeal_round", (msg("qa.appeal-round-ozon-accepts", appeal_round=case.appeal_round, limit=limit))


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
            yield f"fact.{i}", (msg("qa.text-names-but-fact", items=', '.join(str(d) for d in other), dated=dated))


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
            yield "evidence", (msg("qa.product-was-hidden-missing"))
    hold = hold_reason_of(case)
    if hold is not None:
        for need in hold.required_evidence:
            if not any(_looks_like(ev, need.kind, need.match) for ev in case.evidence):
                yield "evidence", (msg("qa.hold-usually-needs-evidence", code_name=hold.code, kind=need.kind, evidence=hold.texts['en']['evidence']))


def glyphs(ctx: QAContext) -> Iterator[tuple]:
    from docgen.lang.fonts import uncovered

    for seg in ctx.letter.segments.values():
        for lang, text in seg.texts.items():
            missing = uncovered(text)
            if missing:
                shown = ", ".join(f"U+{ord(ch):04X}" for ch in missing[:5])
                yield seg.id, msg("qa.text-has-characters-pdf", lang=lang, shown=shown)


def placeholders(ctx: QAContext) -> Iterator[tuple]:
    from docgen.translate.protect import PLACEHOLDER

    tgt = ctx.letter.target_lang
    for seg in ctx.letter.seller_segments():
        for problem in seg.mt_problems:
            yield seg.id, problem
        text = seg.text(tgt) or ""
        m = PLACEHOLDER.search(text)
        if m:
            yield seg.id, msg("qa.placeholder-left-text", m=m.group(0)), m.start(), m.end()
