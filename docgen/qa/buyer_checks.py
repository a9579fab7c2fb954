"""Checks for text a buyer reads (`docgen check --buyer`, `docgen reply`): the rules of
`glossary/buyer-rules.yaml`, each finding with its rule's own severity, and the answer
window (how long after the buyer's message the reply goes out)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from docgen.model import Finding
from docgen.qa.buyer_rules import find, load_rules

if TYPE_CHECKING:
    from docgen.qa.base import QAContext


def _lang(ctx: QAContext) -> str:
    return ctx.seller_lang if ctx.seller_lang in ("zh", "en") else "en"


def buyer_message(ctx: QAContext) -> Iterator[Finding]:
    rules = load_rules()
    tgt = ctx.letter.target_lang
    for seg in ctx.letter.segments.values():
        seen: set[tuple[str, str]] = set()  # the same words in two languages of one segment: once
        for lang in sorted(seg.texts, key=lambda lang: lang != tgt):
            for hit in find(seg.texts[lang], rules):
                if (hit.rule.id, hit.match.casefold()) in seen:
                    continue
                seen.add((hit.rule.id, hit.match.casefold()))
                at = lang == tgt and hit.start is not None
                yield Finding(check="buyer-message", severity=hit.rule.severity, where=seg.id,
                              message=f"{hit.rule.id}: {hit.rule.message(_lang(ctx), hit.match)}",
                              start=hit.start if at else None, end=hit.end if at else None)


def answer_window(ctx: QAContext) -> Iterator[Finding]:
    if ctx.asked_at is None or ctx.replied_at is None:
        return
    hours = (ctx.replied_at - ctx.asked_at).total_seconds() / 3600
    passed = [w for w in load_rules().windows if hours > w.hours]
    if passed:
        w = passed[-1]
        first = next(iter(ctx.letter.segments), "")
        yield Finding(check="answer-window", severity=w.severity, where=first,
                      message=w.message(_lang(ctx), round(hours, 1)))
