"""Whether a built package is ready to send to Ozon (#15 item 4): the CLI summary and
NOT-READY.txt, in the seller's language, with each error's place and a one-line fix
(a `fix.<check>` code of the message catalog; `fix.other` for a check without one)."""
from __future__ import annotations

from docgen.i18n import msg, render
from docgen.model import Finding

MESSAGES_FIX_PREFIX = "fix."


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


def fix(f: Finding):
    from docgen.i18n.catalog import MESSAGES

    code = MESSAGES_FIX_PREFIX + f.check
    return msg(code if code in MESSAGES else MESSAGES_FIX_PREFIX + "other")


def lines(findings: list[Finding], lang: str) -> list[str]:
    """The summary in `lang`: one line when ready; else the headline, then per error its
    place, what is wrong and how to fix it."""
    errs = errors(findings)
    if not errs:
        return [render(msg("ready.yes"), lang)]
    out = [render(msg("ready.no", count=len(errs)), lang)]
    for i, f in enumerate(errs, 1):
        out.append(f"  {i}. [{f.check}] {f.where}: {f.render(lang)}")
        out.append(f"     → {render(fix(f), lang)}")
    return out


def not_ready_text(findings: list[Finding], lang: str) -> str:
    """NOT-READY.txt: the seller's language, then English (once when they are the same)."""
    parts = [lines(findings, lang)]
    if lang != "en":
        parts.append(lines(findings, "en"))
    return "\n\n".join("\n".join(p) for p in parts) + "\n"
