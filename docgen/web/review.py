"""What the review page does, without the web: find the letters of a folder, re-check
one edited segment with the letter's own checks, keep drafts, sign.

Signing runs the same parse → validate → apply steps as `docgen review import`
(`docgen.review.importer`), with the drafts in place of a returned file."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from docgen.model import Letter, LetterBlock, Segment
from docgen.review.files import ReviewFile
from docgen.review.state import LETTER_STATE, load_letter_state

# the checks re-run on one edited segment (the letter-wide ones stay with the build)
LIVE_CHECKS = ("placeholders", "numbers", "terminology", "forbidden-terms", "fidelity", "fidelity-suspect", "style",
               "grammar")


@dataclass
class CaseRef:
    key: str  # position in the queue, as a string
    outdir: Path
    name: str  # shown in the queue


def find_cases(path: Path) -> list[CaseRef]:
    """One built letter (OUTDIR with letter.json), or a batch folder: `cases/*/out`
    (as `docgen batch` writes them) or any folder up to three levels down holding a letter.json."""
    path = Path(path).resolve()
    if (path / LETTER_STATE).is_file():
        return [CaseRef("1", path, path.parent.name + "/" + path.name)]
    up = len(Path(LETTER_STATE).parts)  # letter.json's folder levels below OUTDIR

    def outdir_of(p: Path) -> Path:
        return p.parents[up - 1]

    found = sorted({outdir_of(p) for p in path.glob("cases/*/out/" + LETTER_STATE)}
                   | {outdir_of(p) for depth in ("*/", "*/*/", "*/*/*/") for p in path.glob(depth + LETTER_STATE)})
    return [CaseRef(str(i), d, d.relative_to(path).as_posix()) for i, d in enumerate(found, 1)]


def _state_dir() -> Path:
    from docgen.settings import current

    return current().state_dir


class Drafts:
    """The reviewer's unsigned edits of one letter, kept in docgen's state folder
    (`review-drafts/`), so a restart of the page loses nothing. Drafts made for another
    version of the letter are set aside, not applied."""

    def __init__(self, outdir: Path, letter_sha256: str):
        key = hashlib.sha256(str(Path(outdir).resolve()).encode()).hexdigest()[:16]
        self.path = _state_dir() / "review-drafts" / f"{key}.json"
        self.letter_sha256 = letter_sha256
        self.edits: dict[str, dict[str, str]] = {}  # id → {"text", "reason"?}
        self.checklist: list[str] = []
        self.stale = False
        if self.path.is_file():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except ValueError:
                data = {}
            if data.get("letter_sha256") == letter_sha256:
                self.edits = data.get("edits", {})
                self.checklist = data.get("checklist", [])
            elif data.get("edits"):
                self.stale = True

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".part")
        tmp.write_text(json.dumps({"letter_sha256": self.letter_sha256, "edits": self.edits,
                                   "checklist": self.checklist}, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(self.path)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


def check_segment(state: dict, seg_id: str, text: str, languagetool: bool = True) -> list[dict]:
    """The letter's own checks (LIVE_CHECKS) on one segment with an edited target."""
    from docgen.qa.registry import CHECKS, QAContext, run_checks
    from docgen.review.importer import edit_problems

    seg = next(s for s in state["segments"] if s["id"] == seg_id)
    src, tgt = state["source_lang"], state["target_lang"]
    if seg["origin"] in ("template", "data"):
        template_text = seg.get("template_text") or seg["target"] or ""
        from docgen.qa.language_checks import number_problems

        problems = [{"check": "numbers", "severity": "error", "message": p.replace("of the source", "of the template")}
                    for p in number_problems(template_text, text)]
        # a template sentence changed for this letter is checked as text of the letter
        letter = _one_segment_letter(seg_id, {tgt: text}, tgt, tgt, "human")
        findings = run_checks(QAContext(letter=letter, languagetool=languagetool, index=False),
                              [c for c in CHECKS if c.name in ("grammar", "forbidden-terms", "style")])
    else:
        problems = [{"check": "numbers" if "missing" in p else "placeholders", "severity": "error", "message": p}
                    for p in edit_problems(seg["source"], text, tgt, src) if p != "translation is empty"]
        letter = _one_segment_letter(seg_id, {src: seg["source"], tgt: text}, src, tgt, seg["origin"])
        findings = run_checks(QAContext(letter=letter, languagetool=languagetool, index=False),
                              [c for c in CHECKS if c.name in LIVE_CHECKS and c.name != "numbers"])
    if not text.strip():
        problems.insert(0, {"check": "untranslated", "severity": "error", "message": "translation is empty"})
    out = problems + [{"check": f.check, "severity": f.severity, "message": f.message} for f in findings
                      if not f.message.startswith(("fact without an evidence reference", "grammar not checked"))]
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(out, key=lambda f: order[f["severity"]])


def _one_segment_letter(seg_id: str, texts: dict[str, str], src: str, tgt: str, origin: str) -> Letter:
    seg = Segment(id=seg_id, texts=texts, source_lang=src, origin=origin if origin != "untranslated" else "human")
    return Letter(case_type="", source_lang=src, target_lang=tgt, segments={seg_id: seg},
                  blocks=[LetterBlock("para", [seg_id])], furniture={}, untranslated_mark={})


def review_file_from_drafts(state: dict, drafts: Drafts, outdir: Path) -> ReviewFile:
    """The letter's targets with the drafts applied: what a returned review file would hold."""
    targets, reasons = {}, {}
    for seg in state["segments"]:
        edit = drafts.edits.get(seg["id"])
        targets[seg["id"]] = edit["text"] if edit else (seg["target"] or "")
        if edit and edit.get("reason"):
            reasons[seg["id"]] = edit["reason"]
    return ReviewFile(letter_sha256=state["letter_sha256"], targets=targets, path=Path(outdir) / "review (web page)",
                      reasons=reasons)


def sign(outdir: Path, reviewer: str, native_language: str, contact: str, checklist: list[str],
         languagetool: bool = True):
    """Validates the drafts as `docgen review import` would, then applies them and
    rebuilds; raises DocgenError with every problem (nothing changed)."""
    from docgen.pipeline.review import apply_record
    from docgen.review.importer import review_record

    state = load_letter_state(outdir)
    drafts = Drafts(outdir, state["letter_sha256"])
    reviewed = review_file_from_drafts(state, drafts, outdir)
    record = review_record(state, reviewed, reviewer, native_language, checklist, contact, shown="review page")
    record.reviewed_file = "web page"
    result = apply_record(outdir, state, record, languagetool)
    drafts.clear()
    return result, record
