"""`docgen review import`: merge a translator's reviewed file into the letter."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from docgen.errors import DocgenError, Problem
from docgen.review.files import read_review_docx, read_review_xliff
from docgen.review.state import ReviewRecord, load_letter_state


def _edit_problems(source: str, after: str, target_lang: str, source_lang: str) -> list[str]:
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


def import_review(file: Path, reviewer: str, native_language: str = "ru", outdir: Path | None = None,
                  languagetool: bool = True):
    from docgen.build import BuildOptions, build

    file = Path(file)
    shown = str(file)
    if not reviewer.strip():
        raise DocgenError(Problem(shown, "--reviewer", "give the reviewer's full name"))
    if not file.is_file():
        raise DocgenError(Problem(shown, "", "file not found"))
    reader = {".xlf": read_review_xliff, ".xliff": read_review_xliff, ".docx": read_review_docx}.get(
        file.suffix.lower())
    if reader is None:
        raise DocgenError(Problem(shown, "", "expected a .xlf or .docx review file"))
    outdir = Path(outdir) if outdir else file.parent
    state = load_letter_state(outdir)
    reviewed = reader(file)
    if reviewed.letter_sha256 != state["letter_sha256"]:
        raise DocgenError(Problem(shown, "letter hash", "this file was made for another version of the letter "
                                  f"({reviewed.letter_sha256[:12]}…, current {state['letter_sha256'][:12]}…); "
                                  "export a fresh review file from the current build"))
    segs = {s["id"]: s for s in state["segments"]}
    problems: list[Problem] = []
    for uid in sorted(set(reviewed.targets) - set(segs)):
        problems.append(Problem(shown, uid, "unknown segment id"))
    for uid in sorted(set(segs) - set(reviewed.targets)):
        problems.append(Problem(shown, uid, "segment missing from the file"))
    changed = []
    for uid, after in reviewed.targets.items():
        seg = segs.get(uid)
        if seg is None:
            continue
        before = seg["target"] or ""
        if seg["origin"] in ("template", "data"):
            if after.strip() != before.strip():
                problems.append(Problem(shown, uid, "template sentence is locked; change the template instead"))
            continue
        for p in _edit_problems(seg["source"], after, state["target_lang"], state["source_lang"]):
            problems.append(Problem(shown, uid, p))
        if after.strip() != before.strip():
            changed.append({"id": uid, "before": before, "after": after.strip()})
    if problems:
        raise DocgenError(problems)

    record = ReviewRecord(
        reviewer=reviewer.strip(), native_language=native_language,
        time=dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        letter_sha256="", reviewed_file=file.name, changed=changed,
        segments={uid: {"source": segs[uid]["source"], "target": reviewed.targets[uid].strip()}
                  for uid in reviewed.targets if segs[uid]["origin"] not in ("template", "data")})
    case_path = (outdir / state["case"]).resolve()
    result = build(case_path, BuildOptions(outdir=outdir, review=record, languagetool=languagetool))
    _remember(record, state)
    return result, record


def _remember(record: ReviewRecord, state: dict) -> None:
    """Approved translations go into the translation memory, used before MT next time."""
    from docgen.translate.cache import SegmentCache

    cache = SegmentCache()
    try:
        for seg in record.segments.values():
            cache.tm_put(seg["source"], state["source_lang"], state["target_lang"], seg["target"], record.reviewer)
    finally:
        cache.close()
