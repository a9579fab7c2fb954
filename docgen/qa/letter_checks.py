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
    dates = [ev.date for ev in case.evidence if ev.date] + [f.date for f in case.facts if f.date]
    if not dates:
        yield "evidence", f"no dated evidence: the {case.window_days}-day window {start}…{end} cannot be shown as covered"
        return
    lo, hi = min(dates), max(dates)
    if lo > start + dt.timedelta(days=WINDOW_SLACK_DAYS) or hi < end - dt.timedelta(days=WINDOW_SLACK_DAYS):
        yield "evidence", (f"evidence dates {lo}…{hi} do not span the {case.window_days}-day window "
                           f"{start}…{end} of the metric")


def reappeal(ctx: QAContext) -> Iterator[tuple]:
    case = ctx.case_file.case
    if case.appeal_round >= 2 and not case.previous_manifest:
        yield "appeal_round", ("repeated appeal: set previous_manifest to the earlier manifest.json so docgen can "
                               "check that the evidence is new; resubmitting unchanged material is rejected")


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
