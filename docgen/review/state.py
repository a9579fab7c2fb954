"""What a build leaves for the review: the letter's segments (`letter.json`) and, once
a review is imported, the reviewed record (`review.json`), both in the output folder."""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from docgen.errors import DocgenError, Problem
from docgen.model import Letter
from docgen.i18n import msg

REVIEW_FOLDER = "review"  # the translator's files, inside the output folder
LETTER_STATE = "review/letter.json"
REVIEW_STATE = "review/review.json"


def outdir_of(file: Path) -> Path:
    """The output folder a review file belongs to: OUTDIR for OUTDIR/review/review.xlf."""
    folder = Path(file).parent
    if folder.name == REVIEW_FOLDER and (folder.parent / "manifest.json").is_file():
        return folder.parent
    return folder


def save_letter_state(letter: Letter, case_path: Path, folder: Path, final_dir: Path) -> dict:
    """Writes letter.json and returns what it holds (the review files are made from it)."""
    data = letter_state(letter, case_path, final_dir)
    (folder / LETTER_STATE).parent.mkdir(parents=True, exist_ok=True)
    (folder / LETTER_STATE).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return data


def letter_state(letter: Letter, case_path: Path, final_dir: Path) -> dict:
    """What letter.json holds: the letter's sentences, which the review files and the
    review import read."""
    return {
        "case": os.path.relpath(case_path, final_dir),
        "source_lang": letter.source_lang, "target_lang": letter.target_lang,
        "letter_sha256": letter.text_sha256(),
        "segments": [{"id": s.id, "origin": s.origin, "mt_model": s.mt_model, "source": s.source,
                      "target": s.text(letter.target_lang), "findings": [f.as_dict() for f in s.findings],
                      "reviewed": s.reviewed,
                      **({"template_text": s.deviation[0], "deviation": s.deviation[1]} if s.deviation else {})}
                     for s in letter.segments.values()],
    }


def load_letter_state(outdir: Path) -> dict:
    path = outdir / LETTER_STATE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DocgenError(Problem(str(outdir), "", msg("review.not-docgen-output-folder"))) from None
    except ValueError:
        raise DocgenError(Problem(str(path), "", msg("review.letter-json-damaged-rebuild"))) from None


CHECKLIST = ("numbers", "terms", "attachments", "complete")  # what the reviewer confirms, in sign-off order


@dataclass
class ReviewRecord:
    """A recorded review: every reviewed segment's source and approved target, the
    template sentences changed for this letter (with the reason), the checklist items
    the reviewer confirmed."""

    reviewer: str
    native_language: str
    time: str  # ISO 8601, UTC
    letter_sha256: str  # the letter text the reviewer approved (after their edits)
    segments: dict[str, dict[str, str]]  # id → {"source": …, "target": …}
    changed: list[dict[str, str]] = field(default_factory=list)  # {"id", "before", "after"}
    reviewed_file: str = ""
    deviations: list[dict[str, str]] = field(default_factory=list)  # {"id", "before", "after", "reason"}
    checklist: list[str] = field(default_factory=list)  # confirmed items of CHECKLIST
    contact: str = ""
    left_empty: list[str] = field(default_factory=list)  # units the translator left blank: not reviewed

    def as_dict(self) -> dict:
        return asdict(self)

    def save(self, folder: Path) -> None:
        (folder / REVIEW_STATE).parent.mkdir(parents=True, exist_ok=True)
        (folder / REVIEW_STATE).write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1) + "\n",
                                           encoding="utf-8")


def load_review_record(outdir: Path) -> ReviewRecord | None:
    path = outdir / REVIEW_STATE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        known = set(ReviewRecord.__dataclass_fields__)
        return ReviewRecord(**{k: v for k, v in data.items() if k in known})
    except (ValueError, TypeError):
        raise DocgenError(Problem(str(path), "", msg("review.review-json-damaged"))) from None
