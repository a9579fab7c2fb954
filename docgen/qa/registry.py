"""The table of checks. Each is registered explicitly here, with its name, severity,
what it needs and which checks it comes after; add a check by writing a function in a
checks module and one line in `CHECKS`. The check modules are imported at the top: they
import only `qa.base`, never this table."""
from __future__ import annotations

from docgen.model import Finding
from docgen.qa import buyer_checks as bc
from docgen.qa import evidence_checks as ev
from docgen.qa import fidelity as fd
from docgen.qa import language_checks as lc
from docgen.qa import letter_checks as lt
from docgen.qa.base import Check, CheckFn, Need, QAContext, summary
from docgen.qa.base import run_checks as _run

CHECKS: list[Check] = [
    Check("untranslated", "error", lt.untranslated, "seller text with no translation, or CJK left in the letter",
          ("letter",)),
    Check("placeholders", "error", lt.placeholders, "a protected term, ID or number lost or repeated by MT",
          ("letter",)),
    Check("glyphs", "error", lt.glyphs, "characters no PDF font can draw (they would print as boxes)", ("letter",)),
    Check("grammar", "warning", lc.grammar, "LanguageTool: grammar and spelling (or: grammar not checked)",
          ("letter",)),
    Check("terminology", "warning", lc.terminology,
          "a glossary term of the source whose Russian term is missing from the translation", ("letter",),
          after=("placeholders",)),
    Check("forbidden-terms", "error", lc.forbidden_terms, "a term the glossary forbids", ("letter",)),
    Check("numbers", "error", lc.numbers, "a number, ID, date or amount of the source missing from the target",
          ("letter",), after=("placeholders",)),
    Check("fidelity", "error", fd.missing, "a source sentence missing from the translation", ("letter",)),
    Check("fidelity-suspect", "warning", fd.suspect,
          "a translation sentence with no source, a suspicious length ratio, or source words left untranslated",
          ("letter",)),
    Check("style", "warning", lc.style, "pleading or subjective wording; a fact without an evidence reference",
          ("letter",)),
    Check("buyer-message", "error", bc.buyer_message,
          "buyer-facing text: promotions, review requests, other channels, links, asking for address, phone or "
          "payment (glossary/buyer-rules.yaml; severity per rule)", ("letter", "buyer")),
    Check("answer-window", "error", bc.answer_window,
          "a reply to a buyer later than the answer window (buyer-rules.yaml: past 2 hours a warning, past 48 an "
          "error)", ("letter", "buyer")),
    Check("evidence-refs", "warning", lc.attachment_refs,
          "«Приложение N» not in the index, or an attachment no fact refers to", ("letter", "index")),
    Check("metric-window", "warning", lt.metric_window,
          "performance review: evidence dates do not span the metric's window", ("case",)),
    Check("reappeal", "warning", lt.reappeal,
          "repeated appeal without the previous manifest to compare with, or without previous.ticket", ("case",)),
    Check("appeal-limit", "error", lt.appeal_limit,
          "fund hold: more appeals for one order than Ozon accepts (hold_reasons.yaml)", ("case",)),
    Check("fact-date", "warning", lt.fact_date, "a fact's text names a date other than its date or period",
          ("case",)),
    Check("evidence-match", "warning", lt.evidence_match,
          "evidence that does not answer the notice's reason (certificate, hold code's required files)",
          ("case",)),
    Check("reappeal-evidence", "error", ev.reappeal_evidence,
          "repeated appeal whose evidence is all unchanged since the previous one", ("case", "previous")),
    Check("evidence-type", "error", ev.evidence_type, "evidence that is not PDF, JPEG or PNG by content"),
    Check("evidence-readable", "error", ev.evidence_readable,
          "evidence that is empty, corrupt, truncated, encrypted or too large to open"),
    Check("evidence-size", "error", ev.evidence_size, "evidence over the size limit"),
    Check("evidence-image-size", "warning", ev.evidence_image_size, "an image too small to read"),
    Check("evidence-duplicate", "warning", ev.evidence_duplicate, "the same file attached twice"),
    Check("evidence-date", "warning", ev.evidence_date, "evidence dated after the letter or older than the limit"),
    Check("evidence-name", "info", ev.evidence_name, "a file name that does not follow the naming pattern"),
    Check("evidence-recompressed", "info", ev.evidence_recompressed,
          "an image over the size limit, recompressed in the bundle"),
    Check("hidden-characters", "error", ev.hidden_characters,
          "bidi controls or zero-width characters in a case field, an evidence file name or the letter "
          "(a name that displays as another)"),
    Check("personal-data", "error", ev.personal_data,
          "buyers' phone numbers, e-mails or passport-like numbers in the case text, or evidence that "
          "could not be scanned for them"),
    Check("personal-data-masked", "warning", ev.personal_data_masked,
          "buyers' personal data found in an evidence file (text layer or OCR), masked in the bundle"),
    Check("active-content", "info", ev.active_content,
          "JavaScript, actions, embedded files or forms in an evidence PDF, removed in the bundle"),
]


def run_checks(ctx: QAContext, checks: list[Check] | None = None) -> list[Finding]:
    return _run(ctx, checks or CHECKS)


__all__ = ["CHECKS", "Check", "CheckFn", "Need", "QAContext", "run_checks", "summary"]
