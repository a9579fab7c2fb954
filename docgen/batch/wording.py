"""How a batch's cases read to the operator, in the UI language: a case's problem and
the words for its status and state (the progress lines, the summary and the report)."""
from __future__ import annotations

from docgen.i18n import msg, render


def shown(problem, lang: str | None = None) -> str:
    """A case's problem (a Problem, a Msg, or text) in `lang` (default: the UI language)."""
    return problem.render(lang) if hasattr(problem, "render") else str(problem)


# the words for a case's status and its manifest's state (the report, the progress lines)
WORDS = {"built": "batch.status-built", "unchanged": "batch.status-unchanged", "failed": "batch.status-failed",
         "draft": "batch.state-draft", "reviewed": "batch.state-reviewed", "final": "batch.state-final"}


def word(value: str | None, lang: str | None = None) -> str:
    """A status or state in words (`lang`, default the UI language); an unknown value as it is."""
    return render(msg(WORDS[value]), lang) if value in WORDS else (value or "")
