"""`import_review`: a translator's reviewed file → a rebuilt letter. parse → validate →
apply (a rebuild with the review record: `build_case` applies it) → remember (approved
translations into the translation memory). Callable from the CLI and a web handler;
returns the BuildResult and the record."""
from __future__ import annotations

from pathlib import Path

from docgen.pipeline.build import BuildOptions, BuildResult, build_case
from docgen.pipeline.session import Session
from docgen.review.importer import parse, validate
from docgen.review.state import ReviewRecord, load_letter_state, outdir_of


def import_review(file: Path, reviewer: str, native_language: str = "ru", outdir: Path | None = None,
                  languagetool: bool = True, session: Session | None = None,
                  on_event=None, checklist: list[str] | tuple[str, ...] = (), contact: str = "",
                  reasons: dict[str, str] | None = None) -> tuple[BuildResult, ReviewRecord]:
    if session is None:
        with Session.from_env() as own:
            return import_review(file, reviewer, native_language, outdir, languagetool, own, on_event,
                                 checklist, contact, reasons)
    file = Path(file)
    with session.active():
        reviewed = parse(file, reviewer)
        outdir = Path(outdir) if outdir else outdir_of(file)
        state = load_letter_state(outdir)
        record = validate(reviewed, state, reviewer, native_language, checklist, contact, reasons)
        result = apply_record(outdir, state, record, languagetool, session, on_event)
    return result, record


def apply_record(outdir: Path, state: dict, record: ReviewRecord, languagetool: bool = True,
                 session: Session | None = None, on_event=None) -> BuildResult:
    """The apply and remember steps: rebuild with the review (the previous outputs kept in
    pre-review-<time>/), then the approved sentences into the translation memory."""
    if session is None:
        with Session.from_env() as own:
            return apply_record(outdir, state, record, languagetool, own, on_event)
    from docgen.store.manifest import built_with

    with session.active():
        case_path = (Path(outdir) / state["case"]).resolve()
        options = BuildOptions(outdir=outdir, review=record, languagetool=languagetool, **built_with(outdir))
        result = build_case(case_path, options, session, on_event)
        remember(record, state, session)
    return result


REVIEW_FORMATS = {"xliff": "review.xliff", "docx": "review.docx", "po": "review.po"}  # --format → output kind


def export_review(outdir: Path, session: Session | None = None,
                  formats: tuple[str, ...] = ("xliff", "docx")) -> list[Path]:
    """(Re)writes the review files of a built letter (`formats`: xliff, docx, po), through
    the output table, from its letter.json; returns their paths."""
    if session is None:
        with Session.from_env() as own:
            return export_review(outdir, own, formats)
    from docgen.pipeline.build import ReviewData
    from docgen.store import OutputStore, one
    from docgen.store.outdir import list_in_manifest, outdir_lock

    outdir = Path(outdir)
    with session.active(), outdir_lock(outdir):  # no build swaps OUTDIR while the files go in
        state = load_letter_state(outdir)
        data = ReviewData(state, session.glossary)
        store = OutputStore(outdir)
        written = store.write_all({REVIEW_FORMATS[f]: one(data) for f in formats}, ())
        list_in_manifest(outdir, store.listing())
    return [outdir / rel for rel in written]


def remember(record: ReviewRecord, state: dict, session: Session) -> None:
    """Approved translations go into the translation memory (state folder), used before MT
    next time, with the reviewer and the time of the review."""
    from docgen.translate.memory import MemoryRow

    session.translation_memory.put_all([
        MemoryRow(seg["source"], state["source_lang"], state["target_lang"], seg["target"], record.reviewer, record.time)
        for seg in record.segments.values()])


__all__ = ["import_review", "export_review"]
