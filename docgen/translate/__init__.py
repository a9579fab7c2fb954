"""Translation of the seller's own sentences (templates are never machine-translated).

A segment keeps the translation the case gives (origin `seller`).
Otherwise, in this order: a reviewed translation from the translation memory (`tm`),
the glossary when the whole segment is one term (`glossary`), machine translation with
protected spans (`mt`, with the model's name). With no model the segment stays
`untranslated`: visible in the letter behind a mark, and an error finding — never
dropped (translation memory and glossary hits are served with or without a model)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from docgen.glossary import Glossary, load_glossary
from docgen.model import Letter
from docgen.translate.cache import SegmentCache
from docgen.translate.memory import TranslationMemory
from docgen.translate.protect import protect, restore


UNTRANSLATED_MARK = "[untranslated]"  # `docgen translate` prints a line it could not translate behind it


class Translator(Protocol):
    """A raw MT system: plain sentences in, plain sentences out."""

    name: str  # model name and version, recorded per segment

    def translate_batch(self, texts: list[str], source: str, target: str) -> list[str]: ...


@dataclass
class SegmentResult:
    text: str
    origin: str  # tm (translation memory) | glossary | mt | untranslated (no model installed)
    model: str | None = None
    problems: list[str] = field(default_factory=list)  # lost / repeated placeholders


@dataclass
class SegmentTranslator:
    """Glossary, protected spans, translation memory and cache around a raw translator."""

    mt: Translator | None  # None: no package installed — translation memory and glossary only
    glossary: Glossary = field(default_factory=load_glossary)
    cache: SegmentCache | None = None
    memory: TranslationMemory | None = None  # reviewed sentences (state folder), used before MT
    calls: int = 0  # segments actually sent to MT (cache misses), for the CLI and tests

    @property
    def name(self) -> str:
        return self.mt.name if self.mt is not None else "none"

    def translate_segments(self, texts: list[str], source: str, target: str) -> list[SegmentResult]:
        results: list[SegmentResult | None] = [None] * len(texts)
        todo: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            if self.memory is not None and (tm := self.memory.get(text, source, target)):
                results[i] = SegmentResult(tm, "tm", "translation memory")
                continue
            term = self.glossary.exact(text, source)
            if term is not None:
                results[i] = SegmentResult(term.text(target), "glossary", f"glossary {self.glossary.version}")
                continue
            if self.mt is None:  # stays untranslated: marked in the letter, an error finding
                results[i] = SegmentResult("", "untranslated")
                continue
            if self.cache is not None:
                hit = self.cache.get(self._key(text, source, target))
                if hit is not None:
                    results[i] = SegmentResult(hit[0], "mt", self.name, hit[1])
                    continue
            todo.setdefault(text, []).append(i)  # identical segments are translated once
        if todo:
            unique = list(todo)
            protected = [protect(t, source, target, self.glossary) for t in unique]
            raw = self.mt.translate_batch([p.text for p in protected], source, target)
            self.calls += len(unique)
            for text, prot, out in zip(unique, protected, raw, strict=True):
                restored, problems = restore(out, prot, target)
                if self.cache is not None:
                    self.cache.put(self._key(text, source, target), restored, problems, self.name)
                for i in todo[text]:
                    results[i] = SegmentResult(restored, "mt", self.name, list(problems))
        return [r for r in results if r is not None]

    def translate_batch(self, texts: list[str], source: str, target: str) -> list[str]:
        return [r.text for r in self.translate_segments(texts, source, target)]

    def _key(self, text: str, source: str, target: str) -> str:
        return SegmentCache.key(text, source, target, self.name, self.glossary.version)


def default_translator(source: str, target: str, *, beam_size: int = 4, use_cache: bool = True,
                       cache: SegmentCache | None = None, glossary: Glossary | None = None,
                       without_model: bool = False,
                       memory: TranslationMemory | None = None) -> SegmentTranslator | None:
    """The installed packages for this pair (direct, or through English), or None.
    `without_model`: with no package, a translator that serves only the translation
    memory and whole-segment glossary terms (the rest stays untranslated) instead of None."""
    from docgen.translate.engine import ChainTranslator, PackageTranslator
    from docgen.translate.packages import find_route

    route = find_route(source, target)
    if not route and not without_model:
        return None
    mt = None
    if route:
        steps = [PackageTranslator(p, beam_size=beam_size) for p in route]
        mt = steps[0] if len(steps) == 1 else ChainTranslator(steps)
    if use_cache and cache is None:
        cache = SegmentCache()
    if use_cache and memory is None:
        memory = TranslationMemory()
    return SegmentTranslator(mt=mt, glossary=glossary or load_glossary(), cache=cache if use_cache else None,
                             memory=memory if use_cache else None)


def translate_letter(letter: Letter, translator: SegmentTranslator | None) -> int:
    """Fills the target text of every untranslated seller segment; returns how many."""
    todo = [s for s in letter.seller_segments() if s.origin == "untranslated"]
    if translator is None or not todo:
        return 0
    results = translator.translate_segments([s.source for s in todo], letter.source_lang, letter.target_lang)
    for seg, res in zip(todo, results, strict=True):
        if res.origin == "untranslated":  # no model and no memory or glossary hit: left marked
            continue
        seg.texts[letter.target_lang] = res.text
        seg.origin = res.origin
        seg.mt_model = res.model
        seg.mt_problems = list(res.problems)
    return len(todo)
