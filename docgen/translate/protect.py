"""Protected spans: what MT must not touch is replaced by placeholders before and put
back after.

Protected: glossary terms (restored as the glossary's target term, inflected where
the context tells the case), and non-translatables — order/posting numbers, tracking
codes, SKUs and other long numbers, codes such as HOLD-012, amounts, dates (restored
in the target language's format), e-mails and URLs. Placeholders are `ZQ1`, `ZQ2` …:
letters and digits only, since Argos decoding turns underscores into spaces."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from docgen.glossary.model import Glossary, Term
from docgen.i18n import msg


# Order matters: earlier patterns claim their text first.
NON_TRANSLATABLE = (
    ("url", re.compile(r"https?://[^\s，。；）)]+")),
    ("email", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")),
    ("date", re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日|(?P<y2>\d{4})-(?P<m2>\d{2})-(?P<d2>\d{2})"
                        r"|(?<![\d.])(?P<d3>\d{1,2})\.(?P<m3>\d{1,2})\.(?P<y3>\d{4})(?![\d.])")),
    ("amount", re.compile(r"\d[\d\s]*(?:[.,]\d+)?\s?(?:RUB|руб\.?|₽|CNY|RMB|元|USD|\$|卢布)")),
    ("tracking", re.compile(r"\b[A-Z]{2}\d{9}[A-Z]{2}\b")),
    ("posting", re.compile(r"(?<![\w-])\d{5,}(?:-\d+)+(?![\w-])")),
    ("code", re.compile(r"(?<![\w-])[A-Z][A-Z0-9]*-[A-Z0-9-]*\d[A-Z0-9-]*(?![\w-])")),
    ("number", re.compile(r"(?<![\w.])\d{6,}(?![\w.])")),
)

PLACEHOLDER = re.compile(r"Z\s?Q\s?(\d{1,3})")


@dataclass(frozen=True)
class Span:
    n: int
    kind: str  # url, email, date, …, or "term"
    source: str
    target: str  # what to put back (before inflection)
    term: Term | None = None

    @property
    def token(self) -> str:
        return f"ZQ{self.n}"


@dataclass
class Protected:
    text: str  # with placeholders
    spans: list[Span]


def _format_date(m: re.Match, lang: str) -> str:
    g = m.groupdict()
    y = int(g["y"] or g["y2"] or g["y3"])
    mo = int(g["m"] or g["m2"] or g["m3"])
    d = int(g["d"] or g["d2"] or g["d3"])
    from docgen.render.templates import format_date, load_templates

    try:
        date = dt.date(y, mo, d)
    except ValueError:
        return m.group(0)
    # the letter's own date format, from the language's templates
    return format_date(date, load_templates(None, lang).plain.get("date_format", "{y}-{m:02d}-{d:02d}"))


def protect(text: str, source: str, target: str, glossary: Glossary | None) -> Protected:
    claimed: list[tuple[int, int, str, str, Term | None]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= cs or s >= ce for cs, ce, *_ in claimed)

    for kind, pattern in NON_TRANSLATABLE:
        for m in pattern.finditer(text):
            s, e = m.span()
            value = m.group(0).rstrip()
            e = s + len(value)
            if free(s, e):
                claimed.append((s, e, kind, _format_date(m, target) if kind == "date" else value, None))
    if glossary is not None:
        for match in glossary.find(text, source):
            term = match.term
            if term.status == "forbidden":
                continue  # a forbidden source form is left for the terminology check
            if free(match.start, match.end):
                claimed.append((match.start, match.end, "term", term.text(target), term))
    claimed.sort()
    spans, out, pos = [], [], 0
    for i, (s, e, kind, value, term) in enumerate(claimed, 1):
        span = Span(n=i, kind=kind, source=text[s:e], target=value, term=term)
        spans.append(span)
        # spaces keep the placeholder a word of its own for the tokenizer
        out.append(text[pos:s])
        out.append(f" {span.token} " if source != "zh" else span.token)
        pos = e
    out.append(text[pos:])
    masked = "".join(out)
    return Protected(text=re.sub(r" {2,}", " ", masked).strip(), spans=spans)


def restore(translated: str, protected: Protected, target: str) -> tuple[str, list[str]]:
    """Puts every span back; returns the text and the problems (lost or repeated
    placeholders). A lost span's value is appended in brackets so nothing is dropped."""
    from docgen.lang.morph import case_from_context, inflect_term

    by_n = {s.n: s for s in protected.spans}
    seen: dict[int, int] = {}
    problems: list[str] = []

    def put_back(m: re.Match) -> str:
        n = int(m.group(1))
        span = by_n.get(n)
        if span is None:
            problems.append(msg("translate.placeholder-zq-not-one", n=n))
            return m.group(0)
        seen[n] = seen.get(n, 0) + 1
        value = span.target
        if span.term is not None and target == "ru" and span.term.inflects:
            value = inflect_term(value, case_from_context(m.string[:m.start()]))
        return value

    text = PLACEHOLDER.sub(put_back, translated)
    for span in protected.spans:
        count = seen.get(span.n, 0)
        label = "glossary term" if span.kind == "term" else span.kind
        if count == 0:
            problems.append(msg("translate.was-lost-translation-added", label=label, target=span.target))
            text = f"{text} [{span.target}]"
        elif count > 1:
            problems.append(msg("translate.appears-times-translation", label=label, target=span.target, count=count))
    text = re.sub(r"\s+([,.;:!?)»])", r"\1", text)
    return re.sub(r"\s{2,}", " ", text).strip(), problems
