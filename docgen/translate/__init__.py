"""Translation of the seller's own sentences (templates are never machine-translated).

A segment keeps a person's translation when the case gives one (origin `human`).
Otherwise a `Translator` fills it (origin `mt`, with the model's name). With no
translator the segment stays `untranslated`: visible in the letter behind a mark,
and an error finding in QA — never dropped."""
from __future__ import annotations

from typing import Protocol

from docgen.model import Letter


class Translator(Protocol):
    """Anything that translates a batch of plain sentences between two languages."""

    name: str  # model name and version, recorded per segment

    def translate_batch(self, texts: list[str], source: str, target: str) -> list[str]: ...


def translate_letter(letter: Letter, translator: Translator | None) -> int:
    """Fills the target text of every untranslated seller segment; returns how many."""
    todo = [s for s in letter.seller_segments() if s.origin == "untranslated"]
    if translator is None or not todo:
        return 0
    results = translator.translate_batch([s.source for s in todo], letter.source_lang, letter.target_lang)
    for seg, text in zip(todo, results, strict=True):
        seg.texts[letter.target_lang] = text
        seg.origin = "mt"
        seg.mt_model = translator.name
    return len(todo)
