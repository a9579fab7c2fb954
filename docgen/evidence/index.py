"""The bilingual evidence index: one row per attachment, numbered as in the letter.

Entries come from a case (descriptions from the letter's segments, so translations
apply) or from a plain folder of files (descriptions from a sidecar `index.yaml` /
`index.csv`, else from file names)."""
from __future__ import annotations

import csv
import re
import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from docgen.case.loader import CaseFile
from docgen.errors import DocgenError, Problem
from docgen.evidence.inspect import FileFacts, inspect_file
from docgen.evidence.snapshot import EvidenceOpenError, Snapshot
from docgen.model import Finding, Letter
from docgen.i18n import msg

SIDECARS = ("index.yaml", "index.yml", "index.csv")
MASKED_CHECK = "personal-data-masked"  # its findings mark an attachment «данные покупателя скрыты»


@dataclass(frozen=True)
class EvidenceEntry:
    id: str
    number: int
    file: str  # as written in the case (relative to the case folder) or relative to the folder
    path: Path  # the private copy read once from `file` (evidence/snapshot.py): every reader reads it
    date: dt.date | None
    descriptions: dict[str, str]  # language → text (only the languages known)
    facts: FileFacts
    cited_by: tuple[int, ...] = ()  # numbers of the facts citing it
    updated: dt.date | None = None  # re-appeal: changed since the previous appeal (the file's date)
    status: str | None = None  # re-appeal: "new" (not in the previous appeal) or "updated"
    source_lang: str = "zh"
    snapshot: Snapshot | None = field(default=None, repr=False, compare=False)  # keeps the copy alive

    @property
    def name(self) -> str:
        return Path(self.file).name


def evidence_entries(case_file: CaseFile) -> list[EvidenceEntry]:
    """Entries for a case's evidence, in letter order (descriptions: the seller's text and
    any person's translation; `with_letter_texts` adds machine translations)."""
    case = case_file.case
    out = []
    snap = Snapshot()
    for i, ev in enumerate(case.evidence, 1):
        cited = tuple(n for n, f in enumerate(case.facts, 1) if ev.id in f.evidence)
        texts = {case.language: ev.description}
        if (t := case.evidence_translation(ev)):
            texts[case.target] = t
        try:  # opened once, copied privately: the hash, checks, scan, OCR and bundle read the same bytes
            path = snap.take(case_file.folder, ev.file)
        except EvidenceOpenError as e:  # changed since the case was loaded
            raise DocgenError(Problem(str(case_file.path), f"evidence[{i - 1}].file", e.message)) from None
        out.append(EvidenceEntry(id=ev.id, number=i, file=ev.file, path=path, date=ev.date, descriptions=texts,
                                 facts=inspect_file(path, case.evidence_rules.max_pages), cited_by=cited,
                                 source_lang=case.language, snapshot=snap))
    return out


def with_letter_texts(entries: list[EvidenceEntry], letter: Letter) -> list[EvidenceEntry]:
    out = []
    for e in entries:
        seg = letter.segments.get(f"evidence.{e.id}")
        out.append(replace(e, descriptions=dict(seg.texts)) if seg else e)
    return out


def _description_from_name(path: Path) -> str:
    stem = re.sub(r"^A\d{2}_", "", path.stem)
    return " ".join(stem.replace("_", " ").replace("-", " ").split()) or path.name


def _read_sidecar(folder: Path) -> tuple[dict[str, dict], Path | None]:
    for name in SIDECARS:
        p = folder / name
        if not p.is_file():
            continue
        try:
            if p.suffix == ".csv":
                with open(p, newline="", encoding="utf-8-sig") as f:
                    rows = list(csv.DictReader(f))
                if rows and "file" not in rows[0]:
                    raise DocgenError(Problem(str(p), "file", msg("evidence.csv-needs-file-column"), 1))
                return {r["file"]: {k: v for k, v in r.items() if k and v} for r in rows}, p
            from docgen.case.yaml_source import parse_yaml

            data = parse_yaml(p.read_bytes(), str(p)).data or {}  # every YAML problem: file:line (#13)
        except (yaml.YAMLError, UnicodeDecodeError, csv.Error) as e:
            raise DocgenError(Problem(str(p), "", msg("evidence.cannot-read-sidecar", error=type(e).__name__))) from None
        if not isinstance(data, dict) or not all(isinstance(v, (dict, str)) for v in data.values()):
            raise DocgenError(Problem(str(p), "", msg("evidence.index-yaml-maps-each"), 1))
        return {k: (v if isinstance(v, dict) else {"description": v}) for k, v in data.items()}, p
    return {}, None


def _parse_date(value, sidecar: Path, name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise DocgenError(Problem(str(sidecar), f"{name}.date", msg("evidence.dates-are-written-yyyy"))) from None


def folder_entries(folder: Path, lang: str, target: str, exclude: Path | None = None) -> list[EvidenceEntry]:
    """Every file in `folder` (recursively, sorted by path), numbered A01, A02 …"""
    folder = folder.resolve()
    meta, sidecar = _read_sidecar(folder)
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()
                   and not any(part.startswith(".") for part in p.relative_to(folder).parts)
                   and p.name not in SIDECARS
                   and not (exclude and (p.resolve() == exclude or exclude in p.resolve().parents)))
    out = []
    snap = Snapshot()
    for i, p in enumerate(files, 1):
        rel = p.relative_to(folder).as_posix()
        try:  # read once, as for a case (symlinked folders on the way are refused)
            copy = snap.take(folder, rel)
        except EvidenceOpenError as e:
            raise DocgenError(Problem(str(p), "", e.message)) from None
        m = meta.get(rel) or meta.get(p.name) or {}
        if m.get("description"):
            texts = {lang: str(m["description"])}
        else:  # a name is not in any one language: it stands in both columns as it is
            texts = {lang: _description_from_name(p), target: _description_from_name(p)}
        if m.get(f"description_{target}"):
            texts[target] = str(m[f"description_{target}"])
        out.append(EvidenceEntry(id=f"A{i:02d}", number=i, file=rel, path=copy, descriptions=texts, snapshot=snap,
                                 date=_parse_date(m.get("date"), sidecar or folder, rel) if sidecar else None,
                                 facts=inspect_file(copy), source_lang=lang))
    return out


def index_json(entries: list[EvidenceEntry], findings: list[Finding] | None = None) -> list[dict]:
    by_where: dict[str, list[Finding]] = {}
    for f in findings or []:
        by_where.setdefault(f.where, []).append(f)
    return [{
        "number": e.number, "id": e.id, "file": e.file, "date": e.date.isoformat() if e.date else None,
        "description": dict(e.descriptions), "kind": e.facts.kind, "pages": e.facts.pages, "size": e.facts.size,
        "width": e.facts.width, "height": e.facts.height, "sha256": e.facts.sha256,
        "cited_by_facts": list(e.cited_by), "updated": e.updated.isoformat() if e.updated else None,
        "findings": [{"check": f.check, "severity": f.severity, "message": f.message}
                     for f in by_where.get(f"evidence.{e.id}", [])],
    } for e in entries]


__all__ = ["EvidenceEntry", "evidence_entries", "folder_entries", "with_letter_texts", "index_json"]
