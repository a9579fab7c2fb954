"""`docgen glossary check`: every entry valid, no ambiguous source terms."""
from __future__ import annotations

from docgen.glossary.model import GENDERS, LANGS, POS, STATUSES, Term


def check_glossary(terms: list[Term]) -> list[str]:
    problems = []
    ids: set[str] = set()
    preferred_by_source: dict[tuple[str, str], str] = {}
    for t in terms:
        where = t.id or t.ru or "?"
        if not t.id:
            problems.append(f"{where}: no id")
        elif t.id in ids:
            problems.append(f"{where}: id used twice")
        ids.add(t.id)
        for lang in LANGS:
            if not t.text(lang).strip():
                problems.append(f"{where}: no {lang} form")
        if t.pos not in POS:
            problems.append(f"{where}: part of speech {t.pos!r} is not one of {', '.join(POS)}")
        if t.gender is not None and t.gender not in GENDERS:
            problems.append(f"{where}: gender {t.gender!r} is not one of {', '.join(GENDERS)}")
        if t.pos == "noun" and t.gender is None:
            problems.append(f"{where}: a Russian noun needs its gender (m, f, n or pl)")
        if t.status not in STATUSES:
            problems.append(f"{where}: status {t.status!r} is not one of {', '.join(STATUSES)}")
        if t.status == "forbidden" and not t.note:
            problems.append(f"{where}: a forbidden term needs a note saying what to use instead")
        if t.status != "forbidden":
            for lang in ("zh", "en"):
                key = (lang, t.text(lang).casefold())
                other = preferred_by_source.get(key)
                if other and other != t.ru:
                    problems.append(f"{where}: {lang} {t.text(lang)!r} already maps to {other!r}; "
                                    "one source term must have one preferred Russian term")
                preferred_by_source.setdefault(key, t.ru)
    return problems
