"""manifest.json: every input and output with SHA-256 and size, the versions that made
them, the letter's state and review record — and reading an earlier appeal's manifest."""
from __future__ import annotations

import json
from pathlib import Path

from docgen.version import __version__
from docgen.case.loader import CaseFile
from docgen.errors import DocgenError, Problem
from docgen.evidence.index import EvidenceEntry
from docgen.digest import sha256_file
from docgen.i18n import msg
from docgen.model import Letter
from docgen.resources import folder_version, glossary_dir, templates_dir
from docgen.review.state import ReviewRecord


def previous_evidence(case_file: CaseFile) -> dict[str, str] | None:
    """sha256 → path of the evidence in the earlier appeal's manifest.json. The manifest
    may lie outside the case folder (../round1/out/manifest.json): it is read, never bundled."""
    rel = case_file.case.previous_manifest
    if rel is None:
        return None
    path = (case_file.folder / rel).resolve()
    shown = str(case_file.path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {i["sha256"]: i["path"] for i in data["inputs"] if i.get("role") == "evidence"}
    except FileNotFoundError:
        raise DocgenError(Problem(shown, "previous_manifest", msg("build.file-not-found", rel=rel))) from None
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise DocgenError(Problem(shown, "previous_manifest", msg("build.not-docgen-manifest-json", rel=rel))) from None


def case_manifest(case_file: CaseFile, entries: list[EvidenceEntry], outputs: list[dict], letter: Letter,
                  state: str, record: ReviewRecord | None, forced: str | None) -> dict:
    case_sha, case_size = sha256_file(case_file.path)
    return {
        "state": state,
        **({"review": {"reviewer": record.reviewer, "native_language": record.native_language, "time": record.time,
                       "letter_sha256": record.letter_sha256, "file": record.reviewed_file,
                       "changed": record.changed, "deviations": record.deviations, "checklist": record.checklist,
                       **({"contact": record.contact} if record.contact else {})}} if record else {}),
        **({"forced": forced} if forced else {}),
        "docgen": __version__,
        "templates": folder_version(templates_dir()),
        "glossary": folder_version(glossary_dir()),
        "case_type": case_file.case.case_type,
        "appeal_round": case_file.case.appeal_round,
        "letter_date": case_file.case.effective_letter_date.isoformat(),
        "letter_sha256": letter.text_sha256(),
        "inputs": [{"role": "case", "path": case_file.path.name, "sha256": case_sha, "size": case_size}]
        + evidence_inputs(entries),
        "outputs": outputs,
        "segments": {s.id: {"origin": s.origin, **({"mt_model": s.mt_model} if s.mt_model else {}),
                            "reviewed": s.reviewed}
                     for s in letter.seller_segments()},
        # template sentences the reviewer changed for this letter, with the reason
        "deviations": [{"id": s.id, "template": s.deviation[0], "text": s.text(letter.target_lang),
                        "reason": s.deviation[1]} for s in letter.segments.values() if s.deviation],
    }


def evidence_inputs(entries: list[EvidenceEntry], with_updated: bool = True) -> list[dict]:
    return [{"role": "evidence", "id": e.id, "path": e.file, "sha256": e.facts.sha256, "size": e.facts.size,
             **({"updated": e.updated.isoformat()} if with_updated and e.updated else {})} for e in entries]


def index_manifest(source_name: str, entries: list[EvidenceEntry], outputs: list[dict] | None = None) -> dict:
    return {"kind": "evidence-index", "source": source_name, "inputs": evidence_inputs(entries, with_updated=False),
            "outputs": outputs or []}


def built_with(outdir: Path) -> dict:
    """What the folder's last build was asked to write (manifest.json "options"), as
    BuildOptions fields; each one the default when absent or not of its shape. A rebuild
    that is not a new `docgen build` (a review import) writes what was written: a letter
    built without DOCX files or bundle does not gain them, a PDF/A letter stays PDF/A."""
    from docgen.writers.registry import DOCUMENT_FORMATS

    try:
        options = json.loads((Path(outdir) / "manifest.json").read_text(encoding="utf-8")).get("options")
    except (OSError, ValueError, AttributeError):
        options = None
    options = options if isinstance(options, dict) else {}
    formats = options.get("formats")
    chosen = {}
    if isinstance(formats, list) and all(f in DOCUMENT_FORMATS for f in formats):
        chosen["formats"] = tuple(dict.fromkeys(formats))
    for flag in ("bundle", "pdfa"):
        if type(options.get(flag)) is bool:
            chosen[flag] = options[flag]
    return chosen
