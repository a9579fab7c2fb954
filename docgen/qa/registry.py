"""The list of checks. Each is registered explicitly here, with its name and severity;
add a check by writing a function in a checks module and one line in `CHECKS`."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from docgen.case.loader import CaseFile
from docgen.evidence.index import EvidenceEntry
from docgen.model import SEVERITIES, Finding, Letter, Severity


@dataclass
class QAContext:
    case_file: CaseFile
    letter: Letter
    entries: list[EvidenceEntry] = field(default_factory=list)


# A check yields (where, message) pairs or (where, message, start, end).
CheckFn = Callable[[QAContext], Iterable[tuple]]


@dataclass(frozen=True)
class Check:
    name: str
    severity: Severity
    run: CheckFn
    doc: str


def _checks() -> list[Check]:
    from docgen.qa import evidence_checks as ev
    from docgen.qa import letter_checks as lt

    return [
        Check("untranslated", "error", lt.untranslated, "seller text with no translation, or CJK left in the letter"),
        Check("glyphs", "error", lt.glyphs, "characters no PDF font can draw (they would print as boxes)"),
        Check("evidence-refs", "warning", lt.evidence_refs, "a fact citing no evidence, or evidence no fact cites"),
        Check("metric-window", "warning", lt.metric_window, "performance review: evidence dates do not span the metric's window"),
        Check("reappeal", "warning", lt.reappeal, "repeated appeal without the previous manifest to compare with"),
        Check("evidence-type", "error", ev.evidence_type, "evidence that is not PDF, JPEG or PNG by content"),
        Check("evidence-readable", "error", ev.evidence_readable, "evidence that is empty, corrupt or encrypted"),
        Check("evidence-size", "error", ev.evidence_size, "evidence over the size limit"),
    ]


CHECKS: list[Check] = _checks()


def run_checks(ctx: QAContext, checks: list[Check] | None = None) -> list[Finding]:
    findings: list[Finding] = []
    for check in checks or CHECKS:
        for hit in check.run(ctx):
            where, message, *span = hit
            f = Finding(check=check.name, severity=check.severity, where=where, message=message,
                        start=span[0] if span else None, end=span[1] if span else None)
            findings.append(f)
            seg = ctx.letter.segments.get(where)
            if seg is not None:
                seg.findings.append(f)
    return findings


def summary(findings: list[Finding]) -> dict[str, int]:
    return {sev: sum(1 for f in findings if f.severity == sev) for sev in SEVERITIES}
