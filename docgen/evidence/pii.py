"""The personal-data scanner (detection): where buyers' phone numbers, e-mail addresses
and passport or ID-card numbers are, never what they are.

Every hit is a `PiiHit` (kind, character span in the scanned text, page and bounding box
when scanned from a PDF); its `repr` and every message built from it carry no value.
Phones are found by `phonenumbers` (libphonenumber's matcher: any separator, full-width
digits, national and international forms); e-mails and passports by patterns.
Masking (what the bundle shows) is `docgen.evidence.redact`, from these positions
(`pii_spans` over the words of each line)."""
from __future__ import annotations

import re
import resource
import subprocess
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Iterable, Iterator

# kind → message code of its name in findings («a phone number»; catalog: pii.*)
KIND_LABELS = {
    "phone": "pii.phone",
    "email": "pii.email",
    "passport": "pii.passport",
    "id-card": "pii.id-card",
}

_EMAIL = re.compile(
    r"(?<![\w.%+-])[\w.%+-]{1,64}"
    r"(?:@|＠|\s?[\[(（]\s?(?:at|собака|艾特)\s?[\])）]\s?)"
    r"[\w-]{1,63}(?:(?:\.|\s?[\[(（]\s?(?:dot|точка)\s?[\])）]\s?)[\w-]{1,63})*"
    r"(?:\.|\s?[\[(（]\s?(?:dot|точка)\s?[\])）]\s?)[^\W\d_]{2,24}(?![\w-])", re.I)
_SEP = r"[\s\u00a0\-\u2010-\u2015\u2212]"
_PASSPORT = (
    # Russian internal passport: series (2+2 digits) and number (6 digits), with a separator or №
    re.compile(rf"(?<!\d)(?<!\d[.,/])\d{{2}}{_SEP}?\d{{2}}(?:{_SEP}*№{_SEP}*|{_SEP}+)\d{{6}}(?!\d|[.,/]\d)"),
    # any 10 digits right after the word passport / паспорт / 护照 / серия
    re.compile(rf"(?:паспорт\w*|passport|护照|серия)[^\d\n]{{0,20}}(\d{{2}}{_SEP}?\d{{2}}{_SEP}*(?:№{_SEP}*)?\d{{6}})"
               r"(?!\d)", re.I),
    # Chinese passport: E + 8 digits, E + letter + 7 digits, G + 8 digits
    re.compile(r"(?<![A-Za-z0-9])(?:[EG]\d{8}|E[A-HJ-NP-Z]\d{7})(?![A-Za-z0-9])"),
)
_ID_CARD = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")


def kind_label(kind: str) -> str:
    """The kind's name as a message («a phone number»), rendered in the reader's language."""
    from docgen.i18n import msg

    return msg(KIND_LABELS[kind])


@dataclass(frozen=True)
class PiiHit:
    kind: str  # phone | email | passport | id-card
    start: int  # span in the scanned text
    end: int
    page: int | None = None  # 1-based, for a PDF
    bbox: tuple[float, float, float, float] | None = field(default=None)  # x0, y0, x1, y1 in PDF points, top-left origin

    @property
    def label(self) -> str:
        return kind_label(self.kind)

    def __repr__(self) -> str:  # never the value
        where = f", page {self.page}" if self.page else ""
        return f"PiiHit({self.kind}, {self.start}:{self.end}{where})"


def _phones(text: str) -> Iterator[tuple[int, int]]:
    import phonenumbers

    # RU as the default region: national Russian forms, and any number written with + (a
    # Chinese mobile +86 …). Not CN: its 8-digit local numbers match dates such as 10.10.2026.
    try:
        for m in phonenumbers.PhoneNumberMatcher(text, "RU", leniency=phonenumbers.Leniency.VALID, max_tries=1000):
            yield m.start, m.end
    except Exception:  # noqa: BLE001 — a library hiccup on odd text must not stop the build
        return


def scan_text(text: str, exclude: Iterable[str] = ()) -> list[PiiHit]:
    """Hits in `text`, sorted and non-overlapping. `exclude`: values that are not a
    buyer's (the seller's own e-mail address), compared case-insensitively."""
    if not text:
        return []
    skip = {x.lower() for x in exclude if x}
    found: list[PiiHit] = []
    for s, e in _phones(text):
        found.append(PiiHit("phone", s, e))
    for m in _EMAIL.finditer(text):
        if m.group().lower() not in skip:
            found.append(PiiHit("email", m.start(), m.end()))
    for i, pattern in enumerate(_PASSPORT):
        for m in pattern.finditer(text):
            s, e = m.span(1) if i == 1 else m.span()
            found.append(PiiHit("passport", s, e))
    for m in _ID_CARD.finditer(text):
        found.append(PiiHit("id-card", m.start(), m.end()))
    found.sort(key=lambda h: (h.start, -(h.end - h.start)))
    out: list[PiiHit] = []
    for h in found:
        if out and h.start < out[-1].end:
            continue
        out.append(h)
    return out


def kinds(hits: Iterable[PiiHit]) -> list[str]:
    seen: list[str] = []
    for h in hits:
        if h.label not in seen:
            seen.append(h.label)
    return seen


def mask(text: str, hits: list[PiiHit] | None = None, exclude: Iterable[str] = (), keep_length: bool = False) -> str:
    """`text` with every hit replaced by bullets — for messages that must quote a text.
    `keep_length`: one bullet per character, so offsets into `text` stay valid."""
    hits = scan_text(text, exclude) if hits is None else hits
    for h in sorted(hits, key=lambda h: h.start, reverse=True):
        text = text[:h.start] + ("•" * (h.end - h.start) if keep_length else "•••") + text[h.end:]
    return text


def overlaps_pii(value: str, text: str, exclude: Iterable[str] = ()) -> bool:
    """Whether `value` (a number or ID quoted in a message) is part of personal data in `text`."""
    digits = re.sub(r"\D", "", value)
    for h in scan_text(text, exclude):
        part = text[h.start:h.end]
        if value in part or (len(digits) >= 2 and digits in re.sub(r"\D", "", part)):
            return True
    return False


# ---- PDFs --------------------------------------------------------------------------------
# The text layer comes from poppler's pdftotext in a child process with a memory cap and a
# time limit, so a hostile PDF costs the build neither memory nor a crash.

PDFTOTEXT_MEMORY = 768 * 1024 * 1024
PDFTOTEXT_SECONDS = 60

_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


def _limit_child() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (PDFTOTEXT_MEMORY, PDFTOTEXT_MEMORY))


def pdf_words(path: Path | str, max_pages: int) -> Iterator[tuple[int, list[tuple[str, tuple]]]]:
    """(page, [(word, bbox)]) for the first `max_pages` pages; nothing for an unreadable PDF."""
    try:
        out = subprocess.run(["pdftotext", "-q", "-bbox", "-enc", "UTF-8", "-f", "1", "-l", str(max_pages),
                              str(path), "-"], capture_output=True, timeout=PDFTOTEXT_SECONDS,
                             preexec_fn=_limit_child, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return
    html = out.stdout.decode("utf-8", "replace")
    for n, page in enumerate(html.split("<page ")[1:], 1):
        yield n, [(unescape(m.group(5)), tuple(float(m.group(i)) for i in range(1, 5)))
                  for m in _WORD.finditer(page)]


def scan_pdf(path: Path | str, max_pages: int = 200, exclude: Iterable[str] = ()) -> list[PiiHit]:
    """Hits in a PDF's text layer, each with its page and the box around its words."""
    hits: list[PiiHit] = []
    for page, words in pdf_words(path, max_pages):
        text, spans = "", []
        for word, box in words:
            if text:
                text += " "
            spans.append((len(text), len(text) + len(word), box))
            text += word
        for h in scan_text(text, exclude):
            boxes = [b for s, e, b in spans if s < h.end and h.start < e]
            bbox = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                    max(b[3] for b in boxes)) if boxes else None
            hits.append(PiiHit(h.kind, h.start, h.end, page=page, bbox=bbox))
    return hits


# ---- the interface the masking (docgen.evidence.redact) and the submit check use ---------------

def pii_spans(text: str, own: set[str] | frozenset[str] = frozenset()) -> list[tuple[str, int, int]]:
    """(kind, start, end) of every hit, in text order; `own` values (the seller's own
    e-mail, lower case) are not a buyer's data and are skipped."""
    return [(h.kind, h.start, h.end) for h in scan_text(text, own)]


def pii_kinds(text: str, own: set[str] | frozenset[str] = frozenset()) -> list[str]:
    return kinds(scan_text(text, own))
