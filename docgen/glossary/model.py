"""Glossary entries and look-up."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

POS = ("noun", "verb", "adj", "adv", "prep", "phrase", "abbr", "name")
GENDERS = ("m", "f", "n", "pl")  # Russian gender of the head noun; pl: plural-only phrase
STATUSES = ("preferred", "forbidden", "do-not-translate")
LANGS = ("ru", "en", "zh")


@dataclass(frozen=True)
class Term:
    id: str
    ru: str
    en: str
    zh: str
    pos: str
    gender: str | None = None
    inflects: bool = True
    status: str = "preferred"
    source: str = ""
    note: str = ""
    # Russian words of the term a translation may leave out («заказов» in «пункт выдачи
    # заказов»): the terminology check accepts «в пункте выдачи» (TBX termNote x-optional)
    optional: tuple[str, ...] = ()

    def text(self, lang: str) -> str:
        return getattr(self, lang)


@dataclass(frozen=True)
class TermMatch:
    term: Term
    start: int
    end: int


def _pattern(text: str, lang: str) -> re.Pattern:
    body = re.escape(text)
    if lang == "zh":
        return re.compile(body)
    # Latin/Cyrillic terms match whole words only, case-insensitively
    return re.compile(rf"(?<![\w-]){body}(?![\w-])", re.IGNORECASE)


@dataclass
class Glossary:
    terms: list[Term]
    version: str = ""
    _patterns: dict[str, list[tuple[re.Pattern, Term]]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self.version:
            h = hashlib.sha256()
            for t in self.terms:
                h.update(repr(t).encode())
            self.version = h.hexdigest()[:12]

    def _compiled(self, lang: str) -> list[tuple[re.Pattern, Term]]:
        if lang not in self._patterns:
            # longest first, so "заявка на возврат" wins over "возврат"
            terms = sorted((t for t in self.terms if t.text(lang)), key=lambda t: -len(t.text(lang)))
            self._patterns[lang] = [(_pattern(t.text(lang), lang), t) for t in terms]
        return self._patterns[lang]

    def find(self, text: str, lang: str) -> list[TermMatch]:
        """Non-overlapping glossary terms in `text`, longest match first, in text order."""
        taken: list[tuple[int, int]] = []
        out = []
        for pattern, term in self._compiled(lang):
            for m in pattern.finditer(text):
                if any(m.start() < e and s < m.end() for s, e in taken):
                    continue
                taken.append((m.start(), m.end()))
                out.append(TermMatch(term, m.start(), m.end()))
        return sorted(out, key=lambda m: m.start)

    def lookup(self, query: str) -> list[Term]:
        """Entries whose form in any language contains `query` (case-insensitive)."""
        q = query.casefold().strip()
        exact = [t for t in self.terms if q in (t.ru.casefold(), t.en.casefold(), t.zh.casefold())]
        partial = [t for t in self.terms if t not in exact and
                   any(q in t.text(lang).casefold() for lang in LANGS)]
        return exact + partial

    def exact(self, text: str, lang: str) -> Term | None:
        """The preferred entry whose `lang` form is exactly `text` (a whole segment)."""
        key = text.strip().rstrip("。.!！").strip().casefold()
        for t in self.terms:
            if t.status != "forbidden" and t.text(lang).casefold() == key:
                return t
        return None
