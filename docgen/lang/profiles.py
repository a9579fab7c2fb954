"""Language profiles: one entry per language docgen writes or reads, with the facts the
stages share — its locale tag (DOCX proofing language) and its LanguageTool language
(None: no grammar check). Adding a language is one entry here plus its templates
(`letter_templates/common/<code>.yaml`, which also hold its date format, list separator
and page label). Number formats, quotes and fonts are not per-language data yet: they
still live with the checks and writers that use them."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LanguageProfile:
    code: str  # ISO 639-1, as in the case file
    locale: str  # BCP 47 tag: DOCX proofing language, PDF lang
    languagetool: str | None  # LanguageTool's language code; None: not checked


PROFILES: dict[str, LanguageProfile] = {p.code: p for p in (
    LanguageProfile("ru", "ru-RU", "ru-RU"),
    LanguageProfile("en", "en-GB", "en-GB"),
    LanguageProfile("zh", "zh-CN", None),
)}


def profile(code: str) -> LanguageProfile | None:
    return PROFILES.get(code)


def locale(code: str) -> str:
    p = PROFILES.get(code)
    return p.locale if p else code


def languagetool_languages() -> dict[str, str]:
    """Language code → LanguageTool language, for the languages it checks."""
    return {p.code: p.languagetool for p in PROFILES.values() if p.languagetool}
