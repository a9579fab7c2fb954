"""Checks on the evidence files themselves. They need only the entries, so they run
for a case and for a plain folder of files alike."""
from __future__ import annotations

import datetime as dt
import re
import warnings
from pathlib import Path
from typing import Iterator

from docgen.qa.registry import QAContext

ACCEPTED_KINDS = {"pdf", "jpeg", "png"}
_EXTENSIONS = {"pdf": {".pdf"}, "jpeg": {".jpg", ".jpeg"}, "png": {".png"}}
CANONICAL_EXT = {"pdf": "pdf", "jpeg": "jpg", "png": "png"}


def _where(e) -> str:
    return f"evidence.{e.id}"


def evidence_type(ctx: QAContext) -> Iterator[tuple]:
    for e in ctx.entries:
        kind = e.facts.kind
        if kind == "empty":
            continue  # evidence-readable reports it
        if kind not in ACCEPTED_KINDS:
            yield _where(e), f"{e.name}: content is {kind.upper()}, not PDF, JPEG or PNG; convert it to PDF"
        elif Path(e.file).suffix.lower() not in _EXTENSIONS[kind]:
            yield _where(e), f"{e.name}: the extension does not match the content ({kind.upper()})"


def evidence_readable(ctx: QAContext) -> Iterator[tuple]:
    for e in ctx.entries:
        if e.facts.kind == "empty":
            yield _where(e), f"{e.name}: file is empty (0 bytes)"
        elif e.facts.problem:
            yield _where(e), f"{e.name}: {e.facts.problem}"


def evidence_size(ctx: QAContext) -> Iterator[tuple]:
    limit = ctx.rules.max_bytes
    for e in ctx.entries:
        if e.facts.size > limit:
            yield _where(e), (f"{e.name}: {e.facts.size / 1048576:.1f} MB is over the {limit / 1048576:g} MB "
                              "limit for one file")


def evidence_image_size(ctx: QAContext) -> Iterator[tuple]:
    for e in ctx.entries:
        if e.facts.width and e.facts.height and not e.facts.problem:
            long_side = max(e.facts.width, e.facts.height)
            if long_side < ctx.rules.min_image_px:
                yield _where(e), (f"{e.name}: {e.facts.width}×{e.facts.height} px is too small to read "
                                  f"(long side under {ctx.rules.min_image_px} px); attach the original")


def evidence_duplicate(ctx: QAContext) -> Iterator[tuple]:
    first: dict[str, str] = {}
    for e in ctx.entries:
        if e.facts.kind == "empty":
            continue
        if e.facts.sha256 in first:
            yield _where(e), f"{e.name}: the same file as {first[e.facts.sha256]} (identical SHA-256)"
        else:
            first[e.facts.sha256] = f"{e.id} ({e.name})"


def evidence_date(ctx: QAContext) -> Iterator[tuple]:
    oldest = ctx.today - dt.timedelta(days=ctx.rules.max_age_days)
    for e in ctx.entries:
        if e.date is None:
            continue
        if e.date > ctx.today:
            yield _where(e), f"{e.name}: dated {e.date}, after the letter ({ctx.today})"
        elif e.date < oldest:
            yield _where(e), (f"{e.name}: dated {e.date}, older than {ctx.rules.max_age_days} days; "
                              "Ozon expects current material")


NAME_PATTERN = "A<NN>_<what>_<tracking, order or SKU>.<ext>"
NAME_PATTERN_EAC = "EAC_<product ID>_<year>.pdf"  # the form the seeds recommend for certificates
_SUGGESTED = re.compile(r"^(A\d{2}_[a-z0-9-]+(_[A-Za-z0-9-]+)?\.(pdf|jpg|png)|EAC_[A-Za-z0-9-]+_\d{4}\.pdf)$")


def _slug(text: str) -> str:
    text = re.sub(r"^A\d{2}_", "", text)
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words)[:24].strip("-")


def suggested_name(e, key: str | None, english: str | None = None) -> str:
    what = _slug(Path(e.file).stem) or (_slug(english) if english else "") or "file"
    ext = CANONICAL_EXT.get(e.facts.kind, Path(e.file).suffix.lstrip(".").lower() or "bin")
    key = re.sub(r"[^A-Za-z0-9-]", "", key or "")
    return f"A{e.number:02d}_{what}" + (f"_{key}" if key else "") + f".{ext}"


def evidence_name(ctx: QAContext) -> Iterator[tuple]:
    key = None
    if ctx.case_file is not None and ctx.case_file.case.items:
        first = ctx.case_file.case.items[0]
        key = first.tracking or first.order or first.sku
    for e in ctx.entries:
        if _SUGGESTED.match(e.name):
            continue
        why = "has spaces or non-ASCII characters" if not re.fullmatch(r"[A-Za-z0-9._-]+", e.name) else \
            "does not follow the naming pattern"
        yield _where(e), (f"{e.name} {why}; suggested: {suggested_name(e, key, e.descriptions.get('en'))} "
                          f"(pattern {NAME_PATTERN}; certificates: {NAME_PATTERN_EAC})")


# ---- personal data -------------------------------------------------------------------
# Values found are never put in a message: only the kind and where.

_PII = (
    ("a phone number (Russian format)",
     re.compile(r"(?<![\d+])(?:\+7|8)[\s\-\u00a0]?\(?\d{3}\)?[\s\-\u00a0]?\d{3}[\s\-\u00a0]?\d{2}[\s\-\u00a0]?\d{2}(?!\d)")),
    ("an e-mail address", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")),
    ("a passport-like number", re.compile(
        r"(?:паспорт\w*|passport|护照|серия)[^\d\n]{0,20}\d{2}\s?\d{2}\s?(?:№\s?)?\d{6}(?!\d)", re.I)),
    ("a passport-like number", re.compile(r"(?<!\d)\d{2}\s\d{2}\s(?:№\s?)?\d{6}(?!\d)")),
    ("an ID card number", re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")),
)


def pii_kinds(text: str) -> list[str]:
    kinds = []
    for kind, pattern in _PII:
        if pattern.search(text) and kind not in kinds:
            kinds.append(kind)
    return kinds


def _pdf_pages_text(path: Path) -> Iterator[tuple[int, str]]:
    from pypdf import PdfReader

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            reader = PdfReader(str(path), strict=False)
            for i, page in enumerate(reader.pages, 1):
                yield i, page.extract_text() or ""
        except Exception:  # a broken PDF is evidence-readable's finding, not a crash here
            return


def personal_data(ctx: QAContext) -> Iterator[tuple]:
    own = set()
    if ctx.case_file is not None and ctx.case_file.case.seller.email:
        own.add(ctx.case_file.case.seller.email.lower())
    for e in ctx.entries:
        if e.facts.kind != "pdf" or e.facts.problem:
            continue
        for page, text in _pdf_pages_text(e.path):
            for addr in own:  # the seller's own address is not a buyer's personal data
                text = re.sub(re.escape(addr), " ", text, flags=re.I)
            kinds = pii_kinds(text)
            if kinds:
                yield _where(e), f"{e.name}, page {page}: {', '.join(kinds)}; mask buyers' personal data before sending"
    if ctx.letter is not None:
        for seg in ctx.letter.seller_segments():
            text = seg.source
            for addr in own:
                text = re.sub(re.escape(addr), " ", text, flags=re.I)
            kinds = pii_kinds(text)
            if kinds:
                yield seg.id, f"the seller's text contains {', '.join(kinds)}; remove buyers' personal data"


def reappeal_evidence(ctx: QAContext) -> Iterator[tuple]:
    previous = ctx.previous_evidence or {}
    if ctx.entries and all(e.facts.sha256 in previous for e in ctx.entries):
        yield "evidence", ("no new evidence since the previous appeal: every file is unchanged; Ozon rejects a "
                           "repeated appeal with the same material")
