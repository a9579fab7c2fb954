"""Applying a review record to a letter: the reviewed targets go in wherever the source
is unchanged since the review."""
from __future__ import annotations

from docgen.model import Letter
from docgen.review.state import ReviewRecord


def apply_review(letter: Letter, record: ReviewRecord) -> list[str]:
    """Puts the reviewed targets into the letter where the source is unchanged; returns
    the ids whose source changed since the review (those need reviewing again)."""
    stale = []
    for sid, seg_review in record.segments.items():
        seg = letter.segments.get(sid)
        if seg is None or not seg.is_seller_text:
            continue
        if seg.source != seg_review["source"]:
            stale.append(sid)
            continue
        seg.texts[letter.target_lang] = seg_review["target"]
        seg.reviewed = True
        if seg.origin == "untranslated":
            seg.origin = "human"  # the reviewer wrote it
    for dev in record.deviations:  # template sentences the reviewer changed for this letter
        seg = letter.segments.get(dev["id"])
        if seg is None or seg.origin != "template":
            continue
        if (seg.text(letter.target_lang) or "").strip() != dev["before"]:
            stale.append(dev["id"])  # the template changed since the review
            continue
        seg.texts[letter.target_lang] = dev["after"]
        seg.deviation = (dev["before"], dev["reason"])
    return stale
