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
    return stale
