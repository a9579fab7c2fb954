"""Which case a notice is about, from the phrases and codes in glossary/notices.yaml.

Russian phrases are compared by lemma (pymorphy3), so the wording of a notice may
inflect («средства удержаны», «средств, удержанных»); English by word, a word also
matching its -s/-ed/-ing forms; Chinese by substring. Each matched signal adds its
weight to its case type; the highest total wins, a tie is reported as undecided."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from docgen.errors import DocgenError, Problem
from docgen.glossary import Glossary, load_glossary
from docgen.glossary.model import Term
from docgen.resources import glossary_dir
from docgen.i18n import msg

from docgen.case.types import CASE_TYPES  # noqa: E402  (the case-type table)
LANGS = ("ru", "en", "zh")
_WORD = re.compile(r"[0-9A-Za-zА-Яа-яЁё]+(?:[-'][0-9A-Za-zА-Яа-яЁё]+)*")
_CJK = re.compile(r"[\u3400-\u9fff]")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_LATIN = re.compile(r"[A-Za-z]")


@lru_cache(maxsize=1)
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=20000)
def _norm(word: str) -> str:
    w = word.lower().replace("ё", "е")
    if _CYRILLIC.search(w):
        return _morph().parse(w)[0].normal_form.replace("ё", "е")
    return w


def _en_match(pattern: str, word: str) -> bool:
    if pattern == word:
        return True
    return word.startswith(pattern) and word[len(pattern):] in ("s", "es", "ed", "d", "ing", "'s")


@dataclass(frozen=True)
class Token:
    norm: str
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    return [Token(_norm(m.group()), m.start(), m.end()) for m in _WORD.finditer(text)]


@dataclass(frozen=True)
class Phrase:
    lang: str
    text: str
    parts: tuple[str, ...]  # normalised words (ru, en); the text itself for zh


@dataclass(frozen=True)
class Signal:
    case_type: str
    weight: float
    phrases: tuple[Phrase, ...]
    codes: tuple[re.Pattern, ...]
    sets: tuple[tuple[str, str], ...]
    notice_code: bool = True  # a matched code is the notice's own code (not a status)


@dataclass(frozen=True)
class CaseTypeInfo:
    name: dict[str, str]
    meaning: dict[str, str]
    evidence: dict[str, list[str]]
    pitfalls: dict[str, list[str]]


@dataclass(frozen=True)
class NoticeRules:
    case_types: dict[str, CaseTypeInfo]
    signals: tuple[Signal, ...]
    path: Path
    field_values: dict[str, dict[str, dict[str, str]]]  # field → value → language → meaning

    def meaning(self, field_name: str, value: str, lang: str) -> str:
        return self.field_values.get(field_name, {}).get(value, {}).get(lang, "")


def _phrase(lang: str, text: str) -> Phrase:
    if lang == "zh":
        return Phrase(lang, text, (text,))
    return Phrase(lang, text, tuple(t.norm for t in tokens(text)))


def _problem(path: Path, where: str, message: str) -> DocgenError:
    return DocgenError(Problem(str(path), where, message))


def _texts(path: Path, where: str, value, kind=str) -> dict:
    if not isinstance(value, dict) or not all(isinstance(value.get(lang), kind) for lang in ("zh", "en")):
        raise _problem(path, where, msg("notice.needs-zh-en-entry"))
    return value


@lru_cache(maxsize=4)
def _load(path: Path, mtime: float) -> NoticeRules:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise _problem(path, "", msg("notice.cannot-read", error=type(e).__name__)) from None
    except yaml.YAMLError as e:
        line = getattr(getattr(e, "problem_mark", None), "line", None)
        raise DocgenError(Problem(str(path), "", msg("notice.not-valid-yaml"), None if line is None else line + 1)) from None
    if not isinstance(data, dict) or not isinstance(data.get("case_types"), dict):
        raise _problem(path, "case_types", msg("notice.missing"))
    infos = {}
    for ct, info in data["case_types"].items():
        if ct not in CASE_TYPES or not isinstance(info, dict):
            raise _problem(path, f"case_types.{ct}", msg("notice.unknown-case-type-one", case_types=', '.join(CASE_TYPES)))
        infos[ct] = CaseTypeInfo(
            name=_texts(path, f"case_types.{ct}.name", info.get("name")),
            meaning=_texts(path, f"case_types.{ct}.meaning", info.get("meaning")),
            evidence=_texts(path, f"case_types.{ct}.evidence", info.get("evidence"), list),
            pitfalls=_texts(path, f"case_types.{ct}.pitfalls", info.get("pitfalls"), list))
    signals = []
    for i, s in enumerate(data.get("signals") or []):
        where = f"signals[{i}]"
        if not isinstance(s, dict) or s.get("case_type") not in infos:
            raise _problem(path, f"{where}.case_type", msg("notice.must-name-one-case"))
        phrases = []
        for lang, items in (s.get("phrases") or {}).items():
            if lang not in LANGS or not isinstance(items, list):
                raise _problem(path, f"{where}.phrases.{lang}", msg("notice.list-phrases-per-language"))
            phrases += [_phrase(lang, str(p)) for p in items if str(p).strip()]
        try:
            codes = tuple(re.compile(c, re.IGNORECASE) for c in s.get("codes") or [])
        except re.error as e:
            raise _problem(path, f"{where}.codes", msg("notice.not-valid-pattern", error=e)) from None
        sets = s.get("set") or {}
        if not isinstance(sets, dict):
            raise _problem(path, f"{where}.set", msg("notice.field-value-pairs"))
        weight = s.get("weight", 3 if codes and not phrases else 1)
        if not isinstance(weight, (int, float)) or weight <= 0:
            raise _problem(path, f"{where}.weight", msg("notice.positive-number"))
        signals.append(Signal(s["case_type"], float(weight), tuple(phrases), codes,
                              tuple((str(k), str(v)) for k, v in sets.items()), bool(s.get("notice_code", True))))
    values = data.get("field_values") or {}
    for fname, table in values.items():
        for value, texts in (table or {}).items():
            _texts(path, f"field_values.{fname}.{value}", texts)
    return NoticeRules(infos, tuple(signals), path, values)


def load_notice_rules(path: Path | None = None) -> NoticeRules:
    path = (path or glossary_dir() / "notices.yaml").resolve()
    if not path.is_file():
        raise _problem(path, "", msg("notice.notice-rules-not-found"))
    return _load(path, path.stat().st_mtime)


def detect_language(text: str) -> str:
    counts = {"zh": len(_CJK.findall(text)), "ru": len(_CYRILLIC.findall(text)), "en": len(_LATIN.findall(text))}
    if counts["zh"] * 3 >= max(counts["ru"], counts["en"]) and counts["zh"]:
        return "zh"
    return "ru" if counts["ru"] >= counts["en"] * 0.3 and counts["ru"] else "en"


def _find_phrase(phrase: Phrase, text: str, toks: list[Token]) -> tuple[int, int] | None:
    if phrase.lang == "zh":
        i = text.find(phrase.text)
        return (i, i + len(phrase.text)) if i >= 0 else None
    n = len(phrase.parts)
    if not n:
        return None
    same = (lambda p, w: _en_match(p, w)) if phrase.lang == "en" else (lambda p, w: p == w)
    for i in range(len(toks) - n + 1):
        if all(same(p, toks[i + k].norm) for k, p in enumerate(phrase.parts)):
            return toks[i].start, toks[i + n - 1].end
    return None


@dataclass
class Match:
    signal: Signal
    quotes: list[str]  # the notice's own words that matched


_MONTHS = {
    "январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "июн": 6, "июл": 7, "август": 8, "сентябр": 9,
    "октябр": 10, "ноябр": 11, "декабр": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
    "nov": 11, "dec": 12,
}
_DATE_PATTERNS = (
    (re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b"), lambda m: (int(m[3]), int(m[2]), int(m[1]))),
    (re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b"), lambda m: (int(m[1]), int(m[2]), int(m[3]))),
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"), lambda m: (int(m[1]), int(m[2]), int(m[3]))),
    (re.compile(r"\b(\d{1,2})\s+([А-Яа-яA-Za-z]{3,})\.?\s+(\d{4})\b"),
     lambda m: (int(m[3]), _month(m[2]), int(m[1]))),
    (re.compile(r"\b([A-Za-z]{3,})\.?\s+(\d{1,2}),?\s+(\d{4})\b"), lambda m: (int(m[3]), _month(m[1]), int(m[2]))),
)


def _month(word: str) -> int:
    w = word.lower()
    for stem in sorted(_MONTHS, key=len, reverse=True):
        if w.startswith(stem) and (stem != "ма" or w in ("мая", "май")):
            return _MONTHS[stem]
    return 0


def find_dates(text: str) -> list[tuple[int, dt.date]]:
    found = []
    for pattern, parts in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            try:
                found.append((m.start(), dt.date(*parts(m))))
            except ValueError:
                continue
    return sorted(found)


_POSTING = re.compile(r"(?<![\w-])\d{6,12}-\d{3,5}(?:-\d{1,3})?(?![\w-])")
_SKU = re.compile(r"(?i)(?:\bSKU|\bартикул[а-я]*|\boffer_id)\s*(?:№|#|:)?\s*([A-Za-z0-9][A-Za-z0-9_-]{3,40})")
_WINDOW = re.compile(r"(?i)\b(30|60|90)\s*(?:дн|день|day|天|-day)")


@dataclass
class NoticeReading:
    text: str
    lang: str
    case_type: str | None
    scores: dict[str, float]
    matches: list[Match] = field(default_factory=list)  # of the chosen case type
    fields: dict[str, str] = field(default_factory=dict)  # reason / metric / topic / hold_reason / window_days
    code: str | None = None
    date: dt.date | None = None
    orders: list[str] = field(default_factory=list)
    skus: list[str] = field(default_factory=list)
    terms: list[tuple[Term, str]] = field(default_factory=list)  # glossary entry, the notice's wording

    @property
    def undecided(self) -> list[str]:
        """Case types tied at the top score (empty when one case type won or none matched)."""
        top = max(self.scores.values(), default=0)
        tied = [ct for ct, s in self.scores.items() if s == top and top > 0]
        return tied if len(tied) > 1 else []

    @property
    def quotes(self) -> list[str]:
        found = list(dict.fromkeys(q for m in self.matches for q in m.quotes))
        # «авторских прав» adds nothing beside «нарушением авторских прав»
        return [q for q in found if not any(q != o and q.casefold() in o.casefold() for o in found)]


def glossary_terms(text: str, toks: list[Token], lang: str, glossary: Glossary) -> list[tuple[Term, str]]:
    """Glossary entries named in the text, by lemma for Russian, in order of appearance."""
    if lang == "zh":
        return [(m.term, text[m.start:m.end]) for m in glossary.find(text, "zh")]
    found: list[tuple[int, int, Term]] = []
    for term in glossary.terms:
        if term.status == "forbidden" or not term.text(lang):
            continue
        phrase = _phrase(lang, term.text(lang))
        span = _find_phrase(phrase, text, toks)
        if span is not None:
            found.append((span[0], span[1], term))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    out, end = [], -1
    for s, e, term in found:
        if s >= end:  # longest term at a place wins; no overlaps
            out.append((term, text[s:e]))
            end = e
    return out


def classify_notice(text: str, rules: NoticeRules | None = None, case_type: str | None = None,
                    glossary: Glossary | None = None) -> NoticeReading:
    """Reads `text`; `case_type` overrides the classification (fields are still read)."""
    rules = rules or load_notice_rules()
    lang = detect_language(text)
    toks = tokens(text)
    matched: list[Match] = []
    for signal in rules.signals:
        quotes = []
        for phrase in signal.phrases:
            span = _find_phrase(phrase, text, toks)
            if span is not None:
                quotes.append(text[span[0]:span[1]])
        for code in signal.codes:
            quotes += [m.group() for m in code.finditer(text)]
        if quotes:
            matched.append(Match(signal, list(dict.fromkeys(quotes))))
    scores = {ct: 0.0 for ct in rules.case_types}
    for m in matched:
        scores[m.signal.case_type] += m.signal.weight
    reading = NoticeReading(text=text, lang=lang, case_type=None, scores=scores)
    if case_type is None and not reading.undecided and max(scores.values(), default=0) > 0:
        case_type = max(scores, key=lambda ct: scores[ct])
    reading.case_type = case_type
    if case_type:
        reading.matches = [m for m in matched if m.signal.case_type == case_type]
        best: dict[str, tuple[float, str]] = {}
        for m in reading.matches:
            for key, value in m.signal.sets:
                score = m.signal.weight * len(m.quotes)
                if key not in best or score > best[key][0]:
                    best[key] = (score, value)
        reading.fields = {k: v for k, (_, v) in best.items()}
        if case_type == "performance_review" and (w := _WINDOW.search(text)):
            reading.fields["window_days"] = w.group(1)
    codes = [q for m in matched if m.signal.notice_code for q in m.quotes if any(c.fullmatch(q) for c in m.signal.codes)]
    reading.code = codes[0] if codes else None
    dates = find_dates(text)
    reading.date = dates[0][1] if dates else None
    reading.orders = list(dict.fromkeys(_POSTING.findall(text)))
    reading.skus = list(dict.fromkeys(m.group(1) for m in _SKU.finditer(text)))
    reading.terms = glossary_terms(text, toks, lang, glossary if glossary is not None else load_glossary())
    return reading
