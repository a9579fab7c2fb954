"""Checks on the evidence files themselves. They need only the entries, so they run
for a case and for a plain folder of files alike."""
from __future__ import annotations

import datetime as dt
import re
import warnings
from pathlib import Path
from typing import Iterator

from docgen.qa.base import QAContext

ACCEPTED_KINDS = {"pdf", "jpeg", "png"}
_EXTENSIONS = {"pdf": {".pdf"}, "jpeg": {".jpg", ".jpeg"}, "png": {".png"}}
CANONICAL_EXT = {"pdf": "pdf", "jpeg": "jpg", "png": "png"}


def _where(e) -> str:
    return f"evidence.{e.id}"


def _name(e) -> str:
    """The file name for a message: personal data in it shown as ••• (never echoed, #13)."""
    from docgen.evidence.pii import mask

    return shown(mask(e.name))  # a bidi control in it written out, never applied


def evidence_type(ctx: QAContext) -> Iterator[tuple]:
    for e in ctx.entries:
        kind = e.facts.kind
        if kind == "empty":
            continue  # evidence-readable reports it
        if kind not in ctx.rules.accepted_types:
            accepted = ", ".join(k.upper() for k in ctx.rules.accepted_types)
            yield _where(e), msg("qa.content-not-convert-it", name=_name(e), kind=kind.upper(), accepted=accepted)
        elif Path(e.file).suffix.lower() not in _EXTENSIONS[kind]:
            yield _where(e), msg("qa.extension-does-not-match", name=_name(e), kind=kind.upper())


def evidence_readable(ctx: QAContext) -> Iterator[tuple]:
    for e in ctx.entries:
        if e.facts.kind == "empty":
            yield _where(e), msg("qa.file-empty-bytes", name=_name(e))
        elif e.facts.problem:
            yield _where(e), msg("qa.evidence-unreadable", name=_name(e), problem=e.facts.problem)


def evidence_size(ctx: QAContext) -> Iterator[tuple]:
    limit = ctx.rules.max_bytes
    for e in ctx.entries:
        if e.facts.size > limit and e.facts.kind not in IMAGE_KINDS:
            yield _where(e), (msg("qa.mb-over-mb-limit", name=_name(e), size=size_text(e.facts.size), limit=size_text(limit)))


IMAGE_KINDS = ("jpeg", "png")  # over the limit, these are recompressed in the bundle


def evidence_recompressed(ctx: QAContext) -> Iterator[tuple]:
    limit = ctx.rules.max_bytes
    for e in ctx.entries:
        if e.facts.size > limit and e.facts.kind in IMAGE_KINDS and not e.facts.problem:
            yield _where(e), (msg("qa.image-over-limit-recompressed", name=_name(e), size=size_text(e.facts.size), limit=size_text(limit)))


def evidence_image_size(ctx: QAContext) -> Iterator[tuple]:
    for e in ctx.entries:
        if e.facts.width and e.facts.height and not e.facts.problem:
            long_side = max(e.facts.width, e.facts.height)
            if long_side < ctx.rules.min_image_px:
                yield _where(e), (msg("qa.px-too-small-read", name=_name(e), width=e.facts.width, height=e.facts.height, min_image_px=ctx.rules.min_image_px))


def evidence_duplicate(ctx: QAContext) -> Iterator[tuple]:
    first: dict[str, str] = {}
    for e in ctx.entries:
        if e.facts.kind == "empty":
            continue
        if e.facts.sha256 in first:
            yield _where(e), msg("qa.same-file-as-identical", name=_name(e), first=first[e.facts.sha256])
        else:
            first[e.facts.sha256] = f"{e.id} ({_name(e)})"


def evidence_date(ctx: QAContext) -> Iterator[tuple]:
    oldest = ctx.today - dt.timedelta(days=ctx.rules.max_age_days)
    for e in ctx.entries:
        if e.date is None:
            continue
        if e.date > ctx.today:
            yield _where(e), msg("qa.dated-after-letter", name=_name(e), date=e.date, today=ctx.today)
        elif e.date < oldest:
            yield _where(e), (msg("qa.dated-older-than-days", name=_name(e), date=e.date, max_age_days=ctx.rules.max_age_days))


NAME_PATTERN = "A<NN>_<what>_<tracking, order or SKU>.<ext>"
NAME_PATTERN_EAC = "EAC_<product ID>_<year>.pdf"  # the form the seeds recommend for certificates
_SUGGESTED = re.compile(r"^(A\d{2}_[a-z0-9-]+(_[A-Za-z0-9-]+)?\.(pdf|jpg|png)|EAC_[A-Za-z0-9-]+_\d{4}\.pdf)$")


def _slug(text: str) -> str:
    text = re.sub(r"^A\d{2}_", "", text)
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words)[:24].strip("-")


def suggested_name(e, key: str | None, english: str | None = None) -> str:
    what = _slug(_name(e).rsplit('.', 1)[0]) or (_slug(english) if english else "") or "file"
    ext = CANONICAL_EXT.get(e.facts.kind, Path(e.file).suffix.lstrip(".").lower() or "bin")
    key = re.sub(r"[^A-Za-z0-9-]", "", key or "")
    return f"A{e.number:02d}_{what}" + (f"_{key}" if key else "") + f".{ext}"


def evidence_name(ctx: QAContext) -> Iterator[tuple]:
    key = None
    if ctx.case_file is not None and ctx.case_file.case.items:
        first = ctx.case_file.case.items[0]
        key = first.tracking or first.order or first.sku
    for e in ctx.entries:
        if _SUGGESTED.match(e.name) and _name(e) == e.name:
            continue
        why = "has spaces or non-ASCII characters" if not re.fullmatch(r"[A-Za-z0-9._-]+", e.name) else \
            "does not follow the naming pattern"
        yield _where(e), (msg("qa.suggested-pattern-certificates", name=_name(e), why=why, suggested_name=suggested_name(e, key, e.descriptions.get('en')), name_pattern=NAME_PATTERN, name_pattern_eac=NAME_PATTERN_EAC))


# ---- personal data -------------------------------------------------------------------
# Values found are never put in a message: only the kind and where.
from docgen.evidence.pii import kind_label, pii_kinds  # noqa: E402,F401
from docgen.i18n import msg, size_text


def _own_addresses(ctx: QAContext) -> frozenset[str]:
    """The seller's own e-mail is not a buyer's personal data."""
    if ctx.case_file is not None and ctx.case_file.case.seller.email:
        return frozenset({ctx.case_file.case.seller.email.lower()})
    return frozenset()


def personal_data(ctx: QAContext) -> Iterator[tuple]:
    """Errors: buyer data in the seller's text, or evidence that could not be scanned
    (so it cannot be masked)."""
    from docgen.evidence.redact import scan_entries

    from docgen.evidence.pii import mask

    own = _own_addresses(ctx)
    for e, scan in zip(ctx.entries, scan_entries(ctx.entries, own)):
        kinds = pii_kinds(e.name, own)  # a name is printed in the index and the bundle's bookmarks
        if kinds:
            yield _where(e), msg("qa.file-name-contains", number=e.number, kinds=kinds)
        if scan is not None and scan.problem:
            yield _where(e), msg("qa.buyers-personal-data-it", name=mask(e.name), problem=scan.problem)
    covered: list[str] = []
    if ctx.letter is not None:  # everything the letter says, in every language (text_ru too, #13)
        for seg in ctx.letter.segments.values():
            texts = list(dict.fromkeys(seg.texts.values()))
            covered += texts
            kinds = list(dict.fromkeys(k for t in texts for k in pii_kinds(t, own)))
            if kinds:
                yield seg.id, msg("qa.letter-text-contains", kinds=kinds)
    if ctx.case_file is not None:  # free-text case fields the letter does not print as they are
        for path, value in _case_fields(ctx.case_file.case):
            if any(value in t for t in covered):
                continue
            kinds = pii_kinds(value, own)
            if kinds:
                yield path, msg("qa.case-field-contains", kinds=kinds)


# IDs, codes and paths: checked by their own rules; `seller.email` is the seller's own
_NOT_FREE_TEXT = {"shop_id", "order", "sku", "tracking", "amount", "offer_id", "code", "reference", "id", "file",
                  "email", "previous_manifest", "payout_id", "ticket"}


def _case_fields(case) -> Iterator[tuple[str, str]]:
    """Every free-text field of the case, by its path (IDs, codes and file paths aside)."""
    from docgen.case.yaml_source import field_path

    for loc, value in _case_values(case):
        yield field_path(loc), value


def _case_values(case, free_text_only: bool = True) -> Iterator[tuple[tuple, str]]:
    """Every text field of the case with its location (only free text by default)."""

    def walk(value, loc: tuple):
        if isinstance(value, str):
            if not free_text_only or not loc or loc[-1] not in _NOT_FREE_TEXT:
                yield loc, value
        elif isinstance(value, dict):
            for k, v in value.items():
                yield from walk(v, loc + (k,))
        elif isinstance(value, (list, tuple)):
            for n, v in enumerate(value):
                yield from walk(v, loc + (n,))

    yield from walk(case.model_dump(mode="python", exclude_none=True), ())


# ---- text that looks like something else (#13) ---------------------------------------------
# Bidi controls reorder what follows them (a name shows as «A01_invoicefdp.jpg» for
# «A01_invoice\u202egpj.pdf»); zero-width characters make two equal-looking IDs differ.
# Any of them in a case field, a file name or the letter is an error, named by code point.
HIDDEN_CHARS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e"  # bidi embeddings and overrides
    "\u2066\u2067\u2068\u2069"  # bidi isolates
    "\u200e\u200f\u061c"  # left-to-right, right-to-left and Arabic letter marks
    "\u200b\u200c\u200d\u2060\ufeff"  # zero-width space, non-joiner, joiner, word joiner, no-break space (BOM)
)


def hidden_chars(text: str) -> list[str]:
    return sorted({ch for ch in text if ch in HIDDEN_CHARS})


def _code_points(chars: list[str]) -> str:
    import unicodedata

    return ", ".join(f"U+{ord(c):04X} ({unicodedata.name(c, '')})" for c in chars)


def shown(text: str) -> str:
    """`text` with each hidden character written out as <U+XXXX>, so a message shows it
    rather than applies it."""
    return "".join(f"<U+{ord(c):04X}>" if c in HIDDEN_CHARS else c for c in text)


def _case_lines(case_file):
    """loc → line in the case file (None when it cannot be read again)."""
    from docgen.case.yaml_source import parse_yaml
    from docgen.errors import DocgenError

    try:
        doc = parse_yaml(case_file.path.read_bytes(), str(case_file.path))
    except (OSError, DocgenError):
        return lambda loc: None
    return doc.line


def hidden_characters(ctx: QAContext) -> Iterator[tuple]:
    from docgen.case.yaml_source import field_path

    reported: set[str] = set()
    if ctx.case_file is not None:
        line_of = None
        for loc, value in _case_values(ctx.case_file.case, free_text_only=False):
            chars = hidden_chars(value)
            if not chars:
                continue
            if line_of is None:
                line_of = _case_lines(ctx.case_file)
            reported.add(value)
            if loc[-1] == "file":
                reported.add(Path(value).name)  # the letter lists attachments by name
            line = line_of(loc)
            if line is None:
                yield field_path(loc), msg("qa.hidden-chars-field", chars=_code_points(chars))
            else:
                yield field_path(loc), msg("qa.hidden-chars-field-line", line=line, chars=_code_points(chars))
    for e in ctx.entries:
        in_name = hidden_chars(e.file)
        if in_name and e.file not in reported:  # a case's evidence[].file is reported above, with its line
            yield _where(e), msg("qa.hidden-chars-file-name", number=e.number, chars=_code_points(in_name))
        for text in dict.fromkeys(e.descriptions.values()):  # a folder's index.yaml / index.csv
            chars = hidden_chars(text)
            if chars and not set(chars) <= set(in_name) and not any(r in text for r in reported):
                reported.add(text)
                yield _where(e), msg("qa.hidden-chars-description", number=e.number, chars=_code_points(chars))
    if ctx.letter is not None:  # a translation or a reviewer's edit
        for seg in ctx.letter.segments.values():
            chars = sorted({c for t in dict.fromkeys(seg.texts.values()) if not any(r in t for r in reported)
                            for c in hidden_chars(t)})
            if chars:
                yield seg.id, msg("qa.hidden-chars-letter", chars=_code_points(chars))


def personal_data_masked(ctx: QAContext) -> Iterator[tuple]:
    """Warnings: buyer data found in an evidence file (text layer or OCR) and masked in the bundle."""
    from docgen.evidence.redact import scan_entry

    own = _own_addresses(ctx)
    for e in ctx.entries:
        scan = scan_entry(e, own)
        if scan is None or not scan.hits:
            continue
        by_page: dict[int, list[str]] = {}
        for h in scan.hits:
            kinds = by_page.setdefault(h.page, [])
            if kind_label(h.kind) not in kinds:
                kinds.append(kind_label(h.kind))
        for page, kinds in sorted(by_page.items()):
            where = "" if e.facts.kind != "pdf" else f", page {page}"
            yield _where(e), msg("qa.masked-bundle", name=_name(e), where=where, kinds=kinds)


def active_content(ctx: QAContext) -> Iterator[tuple]:
    from docgen.evidence.redact import evidence_active_content as found

    for e in ctx.entries:
        if e.facts.kind == "pdf" and not e.facts.problem:
            kinds = found(e.path, e.facts.sha256)
            if kinds:
                yield _where(e), msg("qa.removed-bundle", name=_name(e), kinds=kinds)


def reappeal_evidence(ctx: QAContext) -> Iterator[tuple]:
    previous = ctx.previous_evidence or {}
    if ctx.entries and all(e.facts.sha256 in previous for e in ctx.entries):
        yield "evidence", (msg("qa.no-new-evidence-since"))
