"""`build`: case file → letters (target language and the seller's), evidence index,
qa.json and manifest.json, written atomically into one output folder."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from docgen import __version__
from docgen.case.loader import CaseFile, load_case
from docgen.evidence.index import EvidenceEntry, evidence_entries, index_document, index_json
from docgen.evidence.inspect import sha256_file
from docgen.model import Document, Finding, Letter
from docgen.output import check_outdir, staged_folder, write_json
from docgen.qa import QAContext, run_checks, summary
from docgen.render import render_letter
from docgen.resources import folder_version, glossary_dir, templates_dir
from docgen.signoff import signoff_blocks
from docgen.translate import Translator, translate_letter
from docgen.writers import WRITERS


@dataclass
class BuildOptions:
    outdir: Path | None = None  # default: out/ beside the case file
    translator: Translator | None = None  # machine translation for seller text; None: leave marked
    formats: tuple[str, ...] = tuple(WRITERS)


@dataclass
class BuildResult:
    outdir: Path
    outputs: list[Path]
    findings: list[Finding]
    letter: Letter
    documents: dict[str, Document] = field(default_factory=dict)

    @property
    def summary(self) -> dict[str, int]:
        return summary(self.findings)


def compose_documents(case_file: CaseFile, letter: Letter, entries: list[EvidenceEntry],
                      findings: list[Finding]) -> dict[str, Document]:
    """Name (without extension) → printable document. Output variants are data."""
    case = case_file.case
    docs: dict[str, Document] = {}
    for lang in dict.fromkeys([case.target, case.language]):
        fur = letter.furniture[lang]
        blocks = letter.view(lang)
        if lang == case.target:
            blocks += signoff_blocks(case, letter, findings)
        subject = letter.segments["subject"].text(lang) or fur["title"]
        docs[f"letter.{lang}"] = Document(lang=lang, title=subject, running_header=fur["running_header"],
                                          page_label=fur["page_label"], blocks=blocks)
    docs["evidence-index"] = index_document(case_file, letter, entries)
    return docs


def _manifest(case_file: CaseFile, entries: list[EvidenceEntry], outputs: list[Path], letter: Letter) -> dict:
    case_sha, case_size = sha256_file(case_file.path)
    return {
        "docgen": __version__,
        "templates": folder_version(templates_dir()),
        "glossary": folder_version(glossary_dir()),
        "case_type": case_file.case.case_type,
        "letter_date": case_file.case.effective_letter_date.isoformat(),
        "letter_sha256": letter.text_sha256(),
        "inputs": [{"role": "case", "path": case_file.path.name, "sha256": case_sha, "size": case_size}]
        + [{"role": "evidence", "id": e.id, "path": e.file, "sha256": e.facts.sha256, "size": e.facts.size}
           for e in entries],
        "outputs": [{"path": p.name, "sha256": sha256_file(p)[0], "size": p.stat().st_size} for p in outputs],
        "segments": {s.id: {"origin": s.origin, **({"mt_model": s.mt_model} if s.mt_model else {})}
                     for s in letter.seller_segments()},
    }


def build(case_path: str | Path, options: BuildOptions | None = None) -> BuildResult:
    options = options or BuildOptions()
    case_file = load_case(case_path)
    outdir = Path(options.outdir) if options.outdir else case_file.folder / "out"
    check_outdir(outdir, case_file.folder)

    letter = render_letter(case_file)
    translate_letter(letter, options.translator)
    entries = evidence_entries(case_file)
    findings = run_checks(QAContext(case_file=case_file, letter=letter, entries=entries))
    documents = compose_documents(case_file, letter, entries, findings)

    with staged_folder(outdir) as tmp:
        written: list[Path] = []
        for name, doc in documents.items():
            for fmt in options.formats:
                path = tmp / f"{name}.{fmt}"
                WRITERS[fmt](doc, path)
                written.append(path)
        write_json(tmp / "evidence-index.json", index_json(entries, letter))
        write_json(tmp / "qa.json", {"summary": summary(findings), "findings": [f.as_dict() for f in findings]})
        written += [tmp / "evidence-index.json", tmp / "qa.json"]
        write_json(tmp / "manifest.json", _manifest(case_file, entries, written, letter))
    final = [outdir.resolve() / p.name for p in written] + [outdir.resolve() / "manifest.json"]
    return BuildResult(outdir=outdir.resolve(), outputs=final, findings=findings, letter=letter, documents=documents)
