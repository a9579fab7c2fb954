"""The explanation the seller reads, from parallel templates written by people
(letter_templates/explain/<lang>.j2), and the same facts as JSON. The notice's own
words are passed in as data and never evaluated as template code."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from docgen.errors import DocgenError, Problem
from docgen.notice.classify import NoticeReading, NoticeRules
from docgen.resources import templates_dir
from docgen.i18n import msg

SELLER_LANGS = ("zh", "en")


@lru_cache(maxsize=4)
def _template(path: Path, mtime: float):
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(undefined=StrictUndefined, keep_trailing_newline=True, autoescape=False)
    return env.from_string(path.read_text(encoding="utf-8"))


def _fields(reading: NoticeReading, rules: NoticeRules, lang: str) -> list[dict]:
    out = []
    for name, value in reading.fields.items():
        if name == "window_days":
            meaning = f"{value} 天（滚动统计）" if lang == "zh" else f"{value} days (rolling)"
        else:
            meaning = rules.meaning(name, value, lang) or value
        out.append({"name": name, "value": value, "meaning": meaning})
    return out


def report_context(reading: NoticeReading, rules: NoticeRules, lang: str, notice_file: str,
                   translation: list[str] | None) -> dict:
    info = rules.case_types.get(reading.case_type) if reading.case_type else None
    return {
        "case_type": reading.case_type,
        "type_name": info.name[lang] if info else "",
        "quotes": reading.quotes,
        "fields": _fields(reading, rules, lang),
        "undecided": [{"id": ct, "name": rules.case_types[ct].name[lang]} for ct in reading.undecided],
        "code": reading.code,
        "date": reading.date.strftime("%Y-%m-%d" if lang == "zh" else "%d.%m.%Y") if reading.date else None,
        "orders": reading.orders,
        "skus": reading.skus,
        "meaning": info.meaning[lang] if info else "",
        "evidence": info.evidence[lang] if info else [],
        "pitfalls": info.pitfalls[lang] if info else [],
        "terms": [{"found": found, "base": t.text(reading.lang), "zh": t.zh, "en": t.en, "ru": t.ru}
                  for t, found in reading.terms],
        "translation": translation or [],
        "translation_missing": translation is None and reading.lang != lang,
        "notice_lang": reading.lang,
        "notice_file": notice_file,
    }


def render_report(reading: NoticeReading, rules: NoticeRules, lang: str, notice_file: str,
                  translation: list[str] | None = None) -> str:
    if lang not in SELLER_LANGS:
        raise DocgenError(Problem("", "--lang", msg("notice.explanations-are-written", seller_langs=' or '.join(SELLER_LANGS))))
    path = templates_dir() / "explain" / f"{lang}.j2"
    if not path.is_file():
        raise DocgenError(Problem(str(path), "", msg("notice.template-missing-letter-templates")))
    ctx = report_context(reading, rules, lang, notice_file, translation)
    return _template(path, path.stat().st_mtime).render(**ctx)


def report_json(reading: NoticeReading, rules: NoticeRules, lang: str, notice_file: str,
                translation: list[str] | None = None) -> dict:
    ctx = report_context(reading, rules, lang, notice_file, translation)
    ctx["scores"] = reading.scores
    ctx["date"] = reading.date.isoformat() if reading.date else None
    ctx["notice_lang"] = reading.lang
    return ctx
