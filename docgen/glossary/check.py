"""`docgen glossary check`: every entry valid, no ambiguous source terms."""
from __future__ import annotations

from docgen.glossary.model import GENDERS, LANGS, POS, STATUSES, Term
from docgen.i18n import msg


def check_glossary(terms: list[Term]) -> list[str]:
    problems = []
    ids: set[str] = set()
    preferred_by_source: dict[tuple[str, str], str] = {}
    for t in terms:
        where = t.id or t.ru or "?"
        if not t.id:
            problems.append(msg("glossary.no-id", where=where))
        elif t.id in ids:
            problems.append(msg("glossary.id-used-twice", where=where))
        ids.add(t.id)
        for lang in LANGS:
            if not t.text(lang).strip():
                problems.append(msg("glossary.no-form", where=where, lang=lang))
        if t.pos not in POS:
            problems.append(msg("glossary.part-speech-not-one", where=where, pos=t.pos, allowed=', '.join(POS)))
        if t.gender is not None and t.gender not in GENDERS:
            problems.append(msg("glossary.gender-not-one", where=where, gender=t.gender, genders=', '.join(GENDERS)))
        if t.pos == "noun" and t.gender is None:
            problems.append(msg("glossary.russian-noun-needs-its", where=where))
        if t.status not in STATUSES:
            problems.append(msg("glossary.status-not-one", where=where, status=t.status, statuses=', '.join(STATUSES)))
        if t.status == "forbidden" and not t.note:
            problems.append(msg("glossary.forbidden-term-needs-note", where=where))
        if t.status != "forbidden":
            for lang in ("zh", "en"):
                key = (lang, t.text(lang).casefold())
                other = preferred_by_source.get(key)
                if other and other != t.ru:
                    problems.append(msg("glossary.already-maps-one-source", where=where, lang=lang, text=t.text(lang), other=other))
                preferred_by_source.setdefault(key, t.ru)
    return problems
