"""`docgen review import`, the first two steps: `read_review_file` (parse) →
`review_record` (validate: every problem at once, or a ReviewRecord). The rebuild and
the memory are `docgen.pipeline.review` (the web page uses the same steps)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from docgen.errors import DocgenError, Problem
from docgen.i18n import msg
from docgen.review.files import ReviewFile, read_review_docx, read_review_xliff
from docgen.review.state import CHECKLIST, ReviewRecord

from docgen.review.po import read_review_po

READERS = {".xlf": read_review_xliff, ".xliff": read_review_xliff, ".docx": read_review_docx, ".po": read_review_po}


def edit_problems(source: str, after: str, target_lang: str, source_lang: str) -> list[str]:
    """The `numbers` and `placeholders` checks on one edited sentence."""
    from docgen.qa.language_checks import number_problems
    from docgen.translate.protect import PLACEHOLDER

    problems = []
    if not after.strip():
        problems.append("translation is empty")
    if PLACEHOLDER.search(after):
        problems.append("a placeholder (ZQn) is left in the text")
    if source_lang != target_lang:
        problems += number_problems(source, after)
    return problems


def read_review_file(file: Path) -> ReviewFile:
    file = Path(file)
    if not file.is_file():
        raise DocgenError(Problem(str(file), "", msg("review.file-not-found")))
    reader = READERS.get(file.suffix.lower())
    if reader is None:
        raise DocgenError(Problem(str(file), "", msg("review.expected-xlf-docx-po-review")))
    return reader(file)


def review_record(state: dict, reviewed: ReviewFile, reviewer: str, native_language: str = "ru",
                  checklist: list[str] | tuple[str, ...] = (), contact: str = "",
                  reasons: dict[str, str] | None = None, shown: str | None = None) -> ReviewRecord:
    """Validates a reviewed file against the letter it was made for; every problem at
    once (DocgenError), or the record to apply. `reasons` (segment id → why) adds to
    the reasons the file carries for changed template sentences."""
    shown = shown or str(reviewed.path)
    problems: list[Problem] = []
    if not reviewer.strip():
        problems.append(Problem(shown, "--reviewer", msg("review.give-reviewer-s-full")))
    if not native_language.strip():
        problems.append(Problem(shown, "--native-language", msg("review.give-native-language")))
    for item in checklist:
        if item not in CHECKLIST:
            problems.append(Problem(shown, "--confirm", msg("review.unknown-checklist-item", item=item,
                                                            items=", ".join(CHECKLIST))))
    if reviewed.letter_sha256 != state["letter_sha256"]:
        raise DocgenError(Problem(shown, "letter hash", msg("review.this-file-was-made",
                                                             file_sha=reviewed.letter_sha256[:12],
                                                             current_sha=state["letter_sha256"][:12])))
    reasons = {**reviewed.reasons, **(reasons or {})}
    segs = {s["id"]: s for s in state["segments"]}
    for uid in sorted(set(reviewed.targets) - set(segs)):
        problems.append(Problem(shown, uid, msg("review.unknown-segment-id")))
    for uid in sorted(set(segs) - set(reviewed.targets)):
        problems.append(Problem(shown, uid, msg("review.segment-missing-from-file")))
    for uid in sorted(set(reasons) - set(segs)):
        problems.append(Problem(shown, uid, msg("review.reason-for-unknown-id")))
    changed, deviations, left_empty = [], [], []
    for uid, after in reviewed.targets.items():
        seg = segs.get(uid)
        if seg is None:
            continue
        after = after.strip()
        before = (seg["target"] or "").strip()
        if seg["origin"] == "data":
            if after != before:
                problems.append(Problem(shown, uid, msg("review.data-locked")))
            continue
        if seg["origin"] == "template":
            template_text = (seg.get("template_text") or before).strip()
            if after == template_text:
                continue  # as the template says (a change made in an earlier review is undone)
            reason = (reasons.get(uid) or (seg.get("deviation") if after == before else "") or "").strip()
            if not reason:
                problems.append(Problem(shown, uid, msg("review.template-changed-needs-reason")))
            for p in edit_problems(template_text, after, "", ""):
                problems.append(Problem(shown, uid, p))
            from docgen.qa.language_checks import number_problems

            for p in number_problems(template_text, after):
                problems.append(Problem(shown, uid, p.replace("of the source", "of the template sentence")))
            deviations.append({"id": uid, "before": template_text, "after": after, "reason": reason})
            continue
        if not after:  # the translator left it: not reviewed, keeps its state (untranslated stays an error)
            left_empty.append(uid)
            continue
        for p in edit_problems(seg["source"], after, state["target_lang"], state["source_lang"]):
            problems.append(Problem(shown, uid, p))
        if after != before:
            changed.append({"id": uid, "before": before, "after": after})
    if problems:
        raise DocgenError(problems)
    return ReviewRecord(
        reviewer=reviewer.strip(), native_language=native_language.strip(),
        time=dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        letter_sha256="", reviewed_file=Path(reviewed.path).name, changed=changed, deviations=deviations,
        checklist=[c for c in CHECKLIST if c in checklist], contact=contact.strip(), left_empty=left_empty,
        segments={uid: {"source": segs[uid]["source"], "target": reviewed.targets[uid].strip(),
                        "origin": segs[uid]["origin"]}
                  for uid in reviewed.targets
                  if segs[uid]["origin"] not in ("template", "data") and uid not in left_empty})


def parse(file: Path, reviewer: str = "") -> ReviewFile:
    """The parse step (the name the pipeline uses)."""
    return read_review_file(file)


def validate(reviewed: ReviewFile, state: dict, reviewer: str, native_language: str,
             checklist: list[str] | tuple[str, ...] = (), contact: str = "",
             reasons: dict[str, str] | None = None) -> ReviewRecord:
    """The validate step: the review as a record, or every problem at once."""
    return review_record(state, reviewed, reviewer, native_language, checklist, contact, reasons)
