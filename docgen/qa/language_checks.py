"""Checks on the language of the letter: grammar (LanguageTool), terminology, numbers,
style, attachment references (text for buyers: buyer_checks.py)."""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Iterator

import yaml

from docgen.qa.base import QAContext
from docgen.resources import glossary_dir
from docgen.i18n import msg

# ---- grammar ---------------------------------------------------------------------------


def grammar(ctx: QAContext) -> Iterator[tuple]:
    from docgen.qa.languagetool import LT_LANG, GrammarUnavailable, grammar_checker, status

    lang = ctx.letter.target_lang
    if lang not in LT_LANG:
        yield "letter", msg("qa.grammar-not-checked-docgen", lang=lang, lt_lang=', '.join(LT_LANG))
        return
    get_checker = ctx.grammar_checker or grammar_checker
    segs = [seg for seg in ctx.letter.segments.values() if seg.text(lang) and seg.origin != "data"]
    texts = [seg.text(lang) for seg in segs]
    # every sentence checked before (same LanguageTool version and rules): from the cache,
    # without asking whether a server runs
    results = get_checker(lang, False, cache_only=True).cached_many(texts) if ctx.languagetool else None
    if results is None:
        checker = get_checker(lang, ctx.languagetool) if ctx.languagetool else None
        if checker is None:
            why = status().message if ctx.languagetool else msg("qa.grammar-switched-off")
            yield "letter", msg("qa.grammar-not-checked-languagetool", why=why)
            return
        try:
            results = checker.check_many(texts)
        except GrammarUnavailable as e:  # died or hung mid-check: degrade, as the README promises (#13)
            yield "letter", msg("qa.grammar-not-checked-languagetool",
                                why=msg("qa.grammar-stopped-answering", error=str(e)))
            return
    for seg, matches in zip(segs, results):
        text = seg.text(lang)
        for m in matches:
            hint = f" (→ {', '.join(m.replacements)})" if m.replacements else ""
            yield seg.id, msg("qa.grammar-match", message=m.message, rule=m.rule, flagged=text[m.offset:m.offset + m.length], hint=hint), \
                m.offset, m.offset + m.length


# ---- terminology -----------------------------------------------------------------------

_WORD = re.compile(r"[\w-]+", re.UNICODE)


@lru_cache(maxsize=65536)
def _lemmas(word: str) -> frozenset[str]:
    from docgen.lang.morph import analyzer as _analyzer

    w = word.casefold()
    if not re.search(r"[а-яё]", w):
        return frozenset({w})
    return frozenset({w} | {p.normal_form for p in _analyzer().parse(w)})


@lru_cache(maxsize=8192)
def _lemma_sets(text: str) -> tuple[tuple[int, int, frozenset[str]], ...]:
    return tuple((m.start(), m.end(), _lemmas(m.group())) for m in _WORD.finditer(text))


def find_inflected(term: str, text: str, optional: tuple[str, ...] | frozenset[str] = ()) -> tuple[int, int] | None:
    """Where `term` occurs in `text` in any inflected form: word by word, each text word
    sharing a pymorphy3 lemma with the term's word («пункте» ~ «пункт», «доставлен» ~
    «доставлено»). Words of `optional` may be left out («в пункте выдачи» matches
    «пункт выдачи заказов» when «заказов» is optional)."""
    term_words = _WORD.findall(term)
    if not term_words:
        return None
    optional = {w.casefold() for w in optional}
    wanted = [(_lemmas(w), w.casefold() in optional) for w in term_words]
    words = _lemma_sets(text)
    for i in range(len(words)):
        j, first, last = i, None, None
        for lemmas, is_optional in wanted:
            if j < len(words) and words[j][2] & lemmas:
                first = words[j][0] if first is None else first
                last = words[j][1]
                j += 1
            elif not is_optional:
                break
        else:
            if first is not None:
                return first, last
    return None


def _glossary():
    from docgen.glossary import load_glossary

    return load_glossary()


def terminology(ctx: QAContext) -> Iterator[tuple]:
    letter = ctx.letter
    src, tgt = letter.source_lang, letter.target_lang
    if src == tgt:
        return
    glossary = _glossary()
    for seg in letter.seller_segments():
        target = seg.text(tgt)
        if not target:
            continue
        seen = set()
        for match in glossary.find(seg.source, src):
            term = match.term
            if term.status == "forbidden" or term.id in seen:
                continue
            seen.add(term.id)
            expected = term.text(tgt)
            # Russian: by lemma, word by word, optional words allowed out (even for terms that
            # do not inflect in MT restore: «доставлен» states the status «доставлено»)
            found = find_inflected(expected, target, term.optional) if tgt == "ru" else \
                (lambda i: (i, i + len(expected)) if i >= 0 else None)(target.casefold().find(expected.casefold()))
            if found is None:
                yield seg.id, (msg("qa.source-term-should-be", text=match.term.text(src), en=term.en, expected=expected, id=term.id))


def forbidden_terms(ctx: QAContext) -> Iterator[tuple]:
    tgt = ctx.letter.target_lang
    forbidden = [t for t in _glossary().terms if t.status == "forbidden"]
    for seg in ctx.letter.segments.values():
        text = seg.text(tgt)
        if not text:
            continue
        for term in forbidden:
            found = find_inflected(term.text(tgt), text)
            if found:
                yield seg.id, msg("qa.forbidden-term", found=text[found[0]:found[1]], note=term.note), found[0], found[1]


# ---- numbers ---------------------------------------------------------------------------

_RU_MONTHS = ("январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август", "сентябр", "октябр", "ноябр",
              "декабр")
_EN_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DATES = (
    re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
    re.compile(r"(?<![\d.])(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})(?![\d])"),
    re.compile(r"(?<![\d.])(?P<y>\d{4})\.(?P<m>\d{1,2})\.(?P<d>\d{1,2})(?![\d])"),
    re.compile(r"(?<!\d)(?P<d>\d{1,2})\s+(?P<mon>[А-Яа-яЁёA-Za-z]+)\.?\s+(?P<y>\d{4})"),
)
_MONTHS = (
    re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月(?!\s*\d)"),
    re.compile(r"(?<![\d.])(?P<m>\d{1,2})\.(?P<y>\d{4})(?![\d.])"),
    re.compile(r"(?<![\w])(?P<mon>[А-Яа-яЁёA-Za-z]{3,})\s+(?P<y>\d{4})"),
)
# 3480.00 · 3 480,00 (NBSP or space) · 3,480.00: thousands groups then decimals
_NUMBER = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?")
_ID = re.compile(r"[A-Za-z]*\d[\w-]*\d[A-Za-z]*|[A-Z]{2,}-\d+")


def _month(name: str) -> int | None:
    n = name.casefold()
    for i, stem in enumerate(_RU_MONTHS, 1):
        if n.startswith(stem) and (stem != "ма" or n in ("мая", "май", "мае")):
            return i
    for i, stem in enumerate(_EN_MONTHS, 1):
        if n.startswith(stem):
            return i
    return None


def extract_numbers(text: str) -> tuple[set[dt.date], set[tuple[int, int]], set[str], set[str]]:
    """Dates (as dates), months (year, month), IDs (as written) and other numbers
    (normalised) of a text."""
    dates: set[dt.date] = set()
    months: set[tuple[int, int]] = set()
    taken = []
    for pattern in _DATES:
        for m in pattern.finditer(text):
            g = m.groupdict()
            month = int(g["m"]) if g.get("m") else _month(g.get("mon") or "")
            try:
                if month:
                    dates.add(dt.date(int(g["y"]), month, int(g["d"])))
                    taken.append(m.span())
            except ValueError:
                continue
    for pattern in _MONTHS:
        for m in pattern.finditer(text):
            if any(s <= m.start() < e for s, e in taken):
                continue
            g = m.groupdict()
            month = int(g["m"]) if g.get("m") else _month(g.get("mon") or "")
            if month and 1 <= month <= 12:
                months.add((int(g["y"]), month))
                taken.append(m.span())
    rest = list(text)
    for s, e in taken:
        rest[s:e] = [" "] * (e - s)
    rest_text = "".join(rest)
    ids = {m.group() for m in _ID.finditer(rest_text) if re.search(r"[A-Za-z-]", m.group()) and len(m.group()) >= 4}
    for i in ids:
        rest_text = rest_text.replace(i, " ")
    numbers = {_norm_number(m.group()) for m in _NUMBER.finditer(rest_text)}
    return dates, months, ids, numbers


def _norm_number(s: str) -> str:
    s = s.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    if "," in s and "." in s:  # 3,480.00: the comma groups thousands
        s = s.replace(",", "")
    s = s.replace(",", ".")
    if "." in s:
        s = s.rstrip("0").rstrip(".") or "0"
    return s.lstrip("0") or "0"


def number_problems(source: str, target: str) -> list[str]:
    """Numbers, IDs, dates and months of `source` that `target` lacks."""
    s_dates, s_months, s_ids, s_nums = extract_numbers(source)
    t_dates, t_months, t_ids, t_nums = extract_numbers(target)
    t_months |= {(d.year, d.month) for d in t_dates}
    t_nums |= {_norm_number(str(x)) for d in t_dates for x in (d.day, d.month, d.year)}
    from docgen.evidence.pii import overlaps_pii

    out = ([msg("qa.date-source-missing-from", d=d.isoformat()) for d in sorted(s_dates - t_dates)]
           + [msg("qa.month-source-missing-from", mo=mo, y=y) for y, mo in sorted(s_months - t_months)])
    hidden = 0  # a number that is part of personal data (a phone, a passport) is never quoted (#13)
    for code, key, values in (("qa.id-source-missing-from", "id", sorted(s_ids - t_ids)),
                              ("qa.number-source-missing-from", "n", sorted(s_nums - t_nums))):
        for v in values:
            if overlaps_pii(v, source):
                hidden += 1
            else:
                out.append(msg(code, **{key: v}))
    if hidden:
        out.append(msg("qa.numbers-in-personal-data", count=hidden))
    return out


def numbers(ctx: QAContext) -> Iterator[tuple]:
    letter = ctx.letter
    if letter.source_lang == letter.target_lang:
        return
    for seg in letter.seller_segments():
        target = seg.text(letter.target_lang)
        if target:
            for problem in number_problems(seg.source, target):
                yield seg.id, problem


# ---- style ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _phrases() -> dict:
    path = glossary_dir() / "style.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _phrase_hits(kind: str, text: str, lang: str) -> Iterator[tuple[int, int, str]]:
    """Non-overlapping hits, longest phrase first (我保证 rather than 保证 inside it)."""
    taken: list[tuple[int, int]] = []
    for phrase in sorted(_phrases().get(kind, {}).get(lang, []), key=len, reverse=True):
        if lang == "zh":
            pattern = re.compile(re.escape(phrase))
        else:
            pattern = re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)", re.IGNORECASE)
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append(m.span())
            yield m.start(), m.end(), phrase


def style(ctx: QAContext) -> Iterator[tuple]:
    letter = ctx.letter
    for seg in letter.seller_segments():
        for lang, text in seg.texts.items():
            for s, e, phrase in _phrase_hits("pleading", text, lang):
                span = (s, e) if lang == letter.target_lang else ()  # offsets point into the target text
                yield seg.id, (msg("qa.subjective-pleading-wording-ozon", phrase=phrase)), *span
    for block in letter.blocks:
        ids = block.segment_ids
        facts = [i for i in ids if re.fullmatch(r"fact\.\d+", i)]
        if facts and not any(i.endswith(".refs") for i in ids):
            yield facts[0], msg("qa.fact-without-evidence-reference")


# ---- attachment references ---------------------------------------------------------------

_REF = re.compile(r"Приложени[еяию]\s+(\d+(?:\s*,\s*\d+)*)|Attachments?\s+(\d+(?:\s*,\s*\d+)*)|附件\s*(\d+(?:\s*、\s*\d+)*)",
                  re.IGNORECASE)


def attachment_refs(ctx: QAContext) -> Iterator[tuple]:
    numbers_in_index = {e.number for e in ctx.entries}
    tgt = ctx.letter.target_lang
    cited: set[int] = set()
    for seg in ctx.letter.segments.values():
        if seg.id.startswith("attachment."):
            continue  # the list of attachments itself
        text = seg.text(tgt) or ""
        for m in _REF.finditer(text):
            nums = {int(n) for n in re.findall(r"\d+", next(g for g in m.groups() if g))}
            cited |= nums
            for n in sorted(nums - numbers_in_index):
                yield seg.id, msg("qa.referred-but-not-evidence", n=n), m.start(), m.end()
    for e in ctx.entries:
        if e.number not in cited:
            yield f"evidence.{e.id}", msg("qa.index-but-no-fact", number=e.number, name=e.name)
