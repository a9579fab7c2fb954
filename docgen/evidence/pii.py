"""Patterns for buyers' personal data, with the spans they match (the scanner's positions:
`docgen.evidence.redact` maps them onto word boxes to mask them). Values found are never
put in a message: only the kind and where."""
from __future__ import annotations

import re

PII_PATTERNS = (
    ("a phone number (Russian format)",
     re.compile(r"(?<![\d+])(?:\+7|8)[\s\-\u00a0]?\(?\d{3}\)?[\s\-\u00a0]?\d{3}[\s\-\u00a0]?\d{2}[\s\-\u00a0]?\d{2}(?!\d)")),
    ("an e-mail address", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")),
    ("a passport-like number", re.compile(
        r"(?:паспорт\w*|passport|护照|серия)[^\d\n]{0,20}\d{2}\s?\d{2}\s?(?:№\s?)?\d{6}(?!\d)", re.I)),
    ("a passport-like number", re.compile(r"(?<!\d)\d{2}\s\d{2}\s(?:№\s?)?\d{6}(?!\d)")),
    ("an ID card number", re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")),
)


def pii_spans(text: str, own: set[str] | frozenset[str] = frozenset()) -> list[tuple[str, int, int]]:
    """(kind, start, end) of every match, in text order; `own` values (the seller's own
    e-mail, lower case) are not a buyer's data and are skipped."""
    spans = []
    for kind, pattern in PII_PATTERNS:
        for m in pattern.finditer(text):
            if m.group(0).lower() in own:
                continue
            spans.append((kind, m.start(), m.end()))
    return sorted(spans, key=lambda s: (s[1], s[2]))


def pii_kinds(text: str, own: set[str] | frozenset[str] = frozenset()) -> list[str]:
    return list(dict.fromkeys(kind for kind, _, _ in pii_spans(text, own)))
