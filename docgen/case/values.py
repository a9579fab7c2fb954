"""The case file's closed values (case_type, reason, metric …): which words a seller may
write for them (docgen/case/aliases.yaml plus the Chinese meanings of
glossary/notices.yaml) and how to list them with their Chinese meaning when a word is
not one of them."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

ALIASES_FILE = Path(__file__).resolve().parent / "aliases.yaml"


def allowed_values() -> dict[str, tuple[str, ...]]:
    """field → its valid values (hold_reason from the fund-hold table)."""
    from docgen.case.model import METRICS, TAKEDOWN_KINDS, TAKEDOWN_REASONS, TOPICS
    from docgen.case.types import CASE_TYPE_TABLE

    # the case types are read now: a row may be added at run time
    out = {"case_type": tuple(CASE_TYPE_TABLE), "language": ("zh", "en"), "target": ("ru", "en"),
           "reason": TAKEDOWN_REASONS, "metric": METRICS, "topic": TOPICS, "takedown_kind": TAKEDOWN_KINDS}
    try:
        from docgen.case.holds import hold_table

        out["hold_reason"] = tuple(hold_table().known())  # reason names and hold codes
    except Exception:  # noqa: BLE001 — the hold table has its own errors, reported where it is used
        pass
    return out


@lru_cache(maxsize=1)
def _notice_values() -> dict[str, dict[str, dict[str, str]]]:
    """field → value → {zh, en} meaning, from glossary/notices.yaml (case types by name)."""
    from docgen.resources import glossary_dir

    try:
        data = yaml.safe_load((glossary_dir() / "notices.yaml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return {}
    out = {k: dict(v or {}) for k, v in (data.get("field_values") or {}).items() if isinstance(v, dict)}
    out["case_type"] = {ct: info.get("name") or {} for ct, info in (data.get("case_types") or {}).items()
                        if isinstance(info, dict)}
    return out


def meaning(field: str, value: str, lang: str = "zh") -> str:
    texts = _notice_values().get(field, {}).get(value) or {}
    return texts.get(lang, "") if isinstance(texts, dict) else ""


def _words(text: str) -> list[str]:
    """'缺少认证 / 合格证书（EAC 证书）' → ['缺少认证 / 合格证书（EAC 证书）', '缺少认证', '合格证书']"""
    head = re.split(r"[（(]", text)[0]
    return [text.strip(), *(p.strip() for p in head.split("/"))]


@lru_cache(maxsize=1)
def _alias_table() -> dict[str, dict[str, set[str]]]:
    """field → word → the values it may stand for."""
    table: dict[str, dict[str, set[str]]] = {}
    data = yaml.safe_load(ALIASES_FILE.read_text(encoding="utf-8")) or {}
    for field, values in data.items():
        for value, words in (values or {}).items():
            for w in words or []:
                table.setdefault(field, {}).setdefault(str(w).strip(), set()).add(value)
    for field, values in _notice_values().items():
        for value, texts in values.items():
            if isinstance(texts, dict) and texts.get("zh"):
                for w in _words(texts["zh"]):
                    if w:
                        table.setdefault(field, {}).setdefault(w, set()).add(value)
    return table


def resolve(field: str, word: str, allowed: tuple[str, ...]) -> tuple[str | None, tuple[str, ...]]:
    """(the value `word` stands for, or None; the values it could stand for if ambiguous)."""
    if word in allowed:
        return word, ()
    found = {v for v in _alias_table().get(field, {}).get(word.strip(), set()) if v in allowed}
    if len(found) == 1:
        return found.pop(), ()
    return None, tuple(v for v in allowed if v in found)


def choices(field: str, values: tuple[str, ...]) -> str:
    """'certificate_missing（缺少认证 / 合格证书…）, wrong_category（类目错放）, …'"""
    out = []
    for v in values:
        zh = meaning(field, v, "zh")
        out.append(f"{v}（{zh}）" if zh else v)
    return ", ".join(out)
