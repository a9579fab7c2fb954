"""The QA base: what a check reads (`QAContext`), what a check is (`Check`: name,
severity, function, what it needs, which checks it comes after), and running a list
of checks. Check modules import this; the table of checks (`registry.py`) imports the
check modules — no circle.

Preconditions as in translate-toolkit's pofilter: a check whose `needs` are missing
(no case for a plain evidence folder, no letter) is skipped; and a check listed with
`after=("placeholders",)` reports nothing at a place where one of those checks already
found an error — one cause, one finding."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Literal

from docgen.case.loader import CaseFile
from docgen.case.types import case_type, type_checks
from docgen.evidence.index import EvidenceEntry
from docgen.evidence.rules import EvidenceRules
from docgen.model import SEVERITIES, Finding, Letter, Severity

# What a check can need from the context; a check whose needs are missing is skipped.
Need = Literal["case", "letter", "previous", "buyer", "index"]
NEEDS: tuple[Need, ...] = ("case", "letter", "previous", "buyer", "index")


@dataclass
class QAContext:
    case_file: CaseFile | None = None
    letter: Letter | None = None
    entries: list[EvidenceEntry] = field(default_factory=list)
    rules: EvidenceRules = field(default_factory=EvidenceRules)
    today: dt.date = field(default_factory=dt.date.today)  # the letter's date in a build
    previous_evidence: dict[str, str] | None = None  # re-appeal: sha256 → path in the earlier manifest
    languagetool: bool = True  # start/use the LanguageTool server for the grammar check
    buyer_facing: bool = False  # text for a buyer: the buyer-message checks apply
    seller_lang: str | None = None  # language of the seller's messages (buyer-message findings)
    asked_at: dt.datetime | None = None  # the buyer's message (answer-window check)
    replied_at: dt.datetime | None = None
    index: bool = True  # the letter comes with an evidence index (attachment references are checked)
    # (lang, start_server, cache_only=False) → LanguageTool client or None; a Session's, else the module's own
    grammar_checker: Callable[..., Any] | None = None

    def has(self, need: Need) -> bool:
        return {"case": self.case_file is not None, "letter": self.letter is not None,
                "previous": self.previous_evidence is not None, "buyer": self.buyer_facing,
                "index": self.index}[need]


# A check yields (where, message) pairs or (where, message, start, end) — the message a Msg —
# or Findings (a check whose severity comes from data: one per rule of buyer-rules.yaml).
CheckFn = Callable[[QAContext], Iterable[tuple]]


@dataclass(frozen=True)
class Check:
    name: str
    severity: Severity
    run: CheckFn
    doc: str
    needs: tuple[Need, ...] = ()
    after: tuple[str, ...] = ()  # checks whose error at the same place makes this one's finding redundant

    def __post_init__(self) -> None:
        unknown = set(self.needs) - set(NEEDS)
        if unknown:
            raise ValueError(f"check {self.name}: unknown need(s) {sorted(unknown)}")


def run_checks(ctx: QAContext, checks: list[Check]) -> list[Finding]:
    findings: list[Finding] = []
    failed: dict[str, set[str]] = {}  # check name → places where it found an error
    only_for = type_checks()
    kind = case_type(ctx.case_file.case.case_type) if ctx.case_file is not None else None
    for check in checks:
        if not all(ctx.has(n) for n in check.needs):
            continue
        if check.name in only_for and (kind is None or check.name not in kind.checks):
            continue  # a check of other case types (CASE_TYPE_TABLE)
        blocked = set().union(*(failed.get(name, set()) for name in check.after)) if check.after else set()
        for hit in check.run(ctx):
            if isinstance(hit, Finding):
                f = hit
            else:
                where, message, *span = hit
                f = Finding(check=check.name, severity=check.severity, where=where, message=message,
                            start=span[0] if span else None, end=span[1] if span else None)
            if f.where in blocked:
                continue
            findings.append(f)
            if f.severity == "error":
                failed.setdefault(check.name, set()).add(f.where)
            seg = ctx.letter.segments.get(f.where) if ctx.letter else None
            if seg is not None:
                seg.findings.append(f)
    return findings


def summary(findings: list[Finding]) -> dict[str, int]:
    return {sev: sum(1 for f in findings if f.severity == sev) for sev in SEVERITIES}
