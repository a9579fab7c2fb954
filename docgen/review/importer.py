"""Reading a translator's reviewed file back: `parse` (XLIFF or DOCX → targets by
segment id) and `validate` (against the built letter's state → a ReviewRecord, or every
problem at once). The rebuild that follows is the pipeline's (`docgen.pipeline.review`);
nothing here imports it."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from docgen.errors import DocgenError, Problem
from docgen.i18n import msg
from docgen.review.files import ReviewFile, read_review_docx, read_review_xliff
from docgen.review.state import ReviewRecord

READERS = {".xlf": read_review_xliff, ".xliff": read_review_xliff, ".docx": read_review_docx}


def _edit_problems(source: str, after: str, target_lang: str, source_lang: str) -> list[str]:
    """The `numbers` and `placeholders` checks on one edited sentence."""
    from docgen.qa.language_checks import number_problems
    from docgen.translate.protect import PLACEHOLDER

    problems = []
    if not after.strip():
        problems.append(msg("review.translation-empty"))
    if PLACEHOLDER.search(after):
        problems.append(msg("review.placeholder-zqn-left-text"))
    if source_lang != target_lang:
        problems += number_problems(source, after)
    return problems


def parse(file: Path, reviewer: str) -> ReviewFile:
    file = Path(file)
    shown = str(file)
    if not reviewer.strip():
        raise DocgenError(Problem(shown, "--reviewer", msg("review.give-reviewer-s-full")))
    if not file.is_file():
        raise DocgenError(Problem(shown, "", msg("review.file-not-found")))
    reader = READERS.get(file.suffix.lower())
    if reader is None:
        raise DocgenError(Problem(shown, "", msg("review.expected-xlf-docx-review")))
    return reader(file)


def validate(reviewed: ReviewFile, state: dict, reviewer: str, native_language: str) -> ReviewRecord:
    """The review as a record, if the file fits the current letter and no edit breaks a
    rule; otherwise every problem at once (DocgenError) and nothing changes."""
    shown = str(reviewed.path)
    if reviewed.letter_sha256 != state["letter_sha256"]:
        raise DocgenError(Problem(shown, "letter hash", msg("review.this-file-was-made",
                                                             file_sha=reviewed.letter_sha256[:12],
                                                             current_sha=state['letter_sha256'][:12])))
    segs = {s["id"]: s for s in state["segments"]}
    problems: list[Problem] = []
    for uid in sorted(set(reviewed.targets) - set(segs)):
        problems.append(Problem(shown, uid, msg("review.unknown-segment-id")))
    for uid in sorted(set(segs) - set(reviewed.targets)):
        problems.append(Problem(shown, uid, msg("review.segment-missing-from-file")))
    changed = []
    for uid, after in reviewed.targets.items():
        seg = segs.get(uid)
        if seg is None:
            continue
        before = seg["target"] or ""
        if seg["origin"] in ("template", "data"):
            if after.strip() != before.strip():
                problems.append(Problem(shown, uid, msg("review.template-sentence-locked-change")))
            continue
        for p in _edit_problems(seg["source"], after, state["target_lang"], state["source_lang"]):
            problems.append(Problem(shown, uid, p))
        if after.strip() != before.strip():
            changed.append({"id": uid, "before": before, "after": after.strip()})
    if problems:
        raise DocgenError(problems)
    return ReviewRecord(
        reviewer=reviewer.strip(), native_language=native_language,
        time=dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        letter_sha256="", reviewed_file=reviewed.path.name, changed=changed,
        segments={uid: {"source": segs[uid]["source"], "target": reviewed.targets[uid].strip()}
                  for uid in reviewed.targets if segs[uid]["origin"] not in ("template", "data")})
