"""Payout hold codes: `letter_templates/fund_hold/hold_reasons.yaml`, a data file the
user edits (codes, texts per language, required evidence, the appeal limit)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from docgen.errors import DocgenError, Problem
from docgen.resources import templates_dir
from docgen.i18n import msg

HOLD_FILE = Path("fund_hold") / "hold_reasons.yaml"
_LANGS = ("ru", "zh", "en")


@dataclass(frozen=True)
class RequiredEvidence:
    kind: str
    match: re.Pattern


@dataclass(frozen=True)
class HoldReason:
    code: str  # the reason's name (no_tracking, documents_expired …)
    texts: dict  # language → {name, conclusion, evidence}
    required_evidence: tuple[RequiredEvidence, ...]


@dataclass(frozen=True)
class HoldTable:
    max_appeal_rounds: int
    reasons: dict[str, HoldReason]  # reason name → reason
    codes: dict[str, str]  # hold code → reason name

    def lookup(self, value: str | None) -> HoldReason | None:
        """A reason by its name or by a hold code."""
        if not value:
            return None
        return self.reasons.get(value) or self.reasons.get(self.codes.get(value, ""))

    def known(self) -> list[str]:
        return [*self.reasons, *self.codes]


@lru_cache(maxsize=8)
def _load(path: Path, mtime: float) -> HoldTable:
    shown = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DocgenError(Problem(shown, "", msg("case.hold-reasons-file-not"))) from None
    except yaml.YAMLError as e:
        raise DocgenError(Problem(shown, "", msg("case.invalid-yaml-2", error=getattr(e, 'problem', e)))) from None
    problems = []
    if not isinstance(data, dict) or not isinstance(data.get("reasons"), dict):
        raise DocgenError(Problem(shown, "reasons", msg("case.mapping-hold-codes-required")))
    limit = data.get("max_appeal_rounds", 2)
    if not isinstance(limit, int) or limit < 1:
        problems.append(Problem(shown, "max_appeal_rounds", msg("case.must-be-whole-number")))
    reasons = {}
    for code, entry in data["reasons"].items():
        if not isinstance(entry, dict):
            problems.append(Problem(shown, f"reasons.{code}", msg("case.must-be-mapping")))
            continue
        texts = {}
        for lang in _LANGS:
            t = entry.get(lang)
            missing = [k for k in ("name", "conclusion", "evidence") if not isinstance((t or {}).get(k), str)]
            if missing:
                problems.append(Problem(shown, f"reasons.{code}.{lang}", msg("case.needs-text", missing=', '.join(missing))))
                continue
            texts[lang] = {k: t[k].strip() for k in ("name", "conclusion", "evidence")}
        required = []
        for i, r in enumerate(entry.get("required_evidence") or []):
            try:
                required.append(RequiredEvidence(str(r["kind"]), re.compile(str(r["match"]), re.I)))
            except (KeyError, TypeError, re.error) as e:
                problems.append(Problem(shown, f"reasons.{code}.required_evidence[{i}]",
                                        msg("case.needs-kind-valid-match", error=type(e).__name__)))
        reasons[str(code)] = HoldReason(str(code), texts, tuple(required))
    codes = data.get("codes") or {}
    if not isinstance(codes, dict):
        problems.append(Problem(shown, "codes", msg("case.mapping-hold-code-reason")))
        codes = {}
    for code, name in codes.items():
        if name not in reasons:
            problems.append(Problem(shown, f"codes.{code}", msg("case.reason-not-under-reasons", name=name)))
    if problems:
        raise DocgenError(problems)
    return HoldTable(max_appeal_rounds=limit, reasons=reasons, codes={str(k): str(v) for k, v in codes.items()})


def hold_table() -> HoldTable:
    path = (templates_dir() / HOLD_FILE).resolve()
    return _load(path, path.stat().st_mtime if path.exists() else 0.0)


def hold_reason_of(case) -> HoldReason | None:
    """The case's hold reason: `hold_reason` (a reason or a code), else the notice code
    when it is listed."""
    if case.case_type != "fund_hold":
        return None
    table = hold_table()
    return table.lookup(case.hold_reason) or (None if case.hold_reason else table.lookup(case.notice.code))
