"""Putting a Russian glossary term in the case its context needs (pymorphy3).

The case is read off the word before the term: an unambiguous preposition, or a
transitive verb (accusative). «в»/«на» are read as locative, the common case in
statements of fact («в личном кабинете», «в пункте выдачи»). Anything else keeps the
dictionary form."""
from __future__ import annotations

import re
from functools import lru_cache

PREPOSITION_CASE = {
    "по": "datv", "к": "datv", "ко": "datv",
    "о": "loct", "об": "loct", "обо": "loct", "при": "loct", "в": "loct", "во": "loct", "на": "loct",
    "для": "gent", "от": "gent", "до": "gent", "из": "gent", "у": "gent", "без": "gent", "после": "gent",
    "около": "gent", "вокруг": "gent", "против": "gent", "из-за": "gent", "кроме": "gent", "среди": "gent",
    "с": "ablt", "со": "ablt", "над": "ablt", "перед": "ablt", "между": "ablt", "под": "ablt",
    "про": "accs", "через": "accs", "сквозь": "accs",
}


@lru_cache(maxsize=1)
def analyzer():
    """The pymorphy3 analyzer, loaded once per process (its dictionaries take a while)."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


_analyzer = analyzer  # the name used before the move


def case_from_context(before: str) -> str | None:
    words = re.findall(r"[А-Яа-яЁё-]+", before)
    if not words:
        return None
    prev = words[-1].lower()
    if prev in PREPOSITION_CASE:
        return PREPOSITION_CASE[prev]
    parse = analyzer().parse(prev)[0]
    if {"VERB", "tran"} <= set(parse.tag.grammemes) or {"INFN", "tran"} <= set(parse.tag.grammemes):
        return "accs"
    return None


def inflect_term(term: str, case: str | None) -> str:
    """Inflects the head noun of `term` and the adjectives before it; words after the
    head (a genitive complement: «карточка товара») stay as they are."""
    if not case or case == "nomn":
        return term
    morph = analyzer()
    words = term.split(" ")
    out = []
    head_done = False
    for w in words:
        if head_done or not re.fullmatch(r"[А-Яа-яЁё-]+", w):
            out.append(w)
            continue
        parse = next((p for p in morph.parse(w) if "nomn" in p.tag), morph.parse(w)[0])
        if parse.tag.POS in ("ADJF", "PRTF", "NOUN"):
            grammemes = {case}
            if "plur" in parse.tag:
                grammemes.add("plur")
            form = parse.inflect(grammemes)
            word = form.word if form else w
            out.append(word[:1].upper() + word[1:] if w[:1].isupper() else word)
            head_done = parse.tag.POS == "NOUN"
        else:
            out.append(w)
    return " ".join(out)
