"""`build_index`: the evidence index (and optionally the bundle) on its own, for a case
file or a plain folder of files — the service providers' bulk job."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from docgen.case.loader import load_case
from docgen.errors import DocgenError, Problem
from docgen.evidence.index import EvidenceEntry, IndexLabels, evidence_entries, folder_entries
from docgen.evidence.outputs import write_index_outputs
from docgen.evidence.rules import EvidenceRules
from docgen.model import Finding
from docgen.output import check_outdir, staged_folder, write_json
from docgen.qa import QAContext, run_checks, summary
from docgen.render.templates import load_templates
from docgen.writers import WRITERS


@dataclass
class IndexOptions:
    outdir: Path | None = None  # default: index/ beside a case file; <folder>-index/ beside a folder
    lang: str = "zh"  # the seller's language (folder mode)
    target: str = "ru"  # the language Ozon reads (folder mode)
    bundle: bool = False
    rules: EvidenceRules | None = None  # folder mode; a case uses its own evidence_rules
    formats: tuple[str, ...] = tuple(WRITERS)


@dataclass
class IndexResult:
    outdir: Path
    outputs: list[Path]
    entries: list[EvidenceEntry]
    findings: list[Finding] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        return summary(self.findings)


def build_index(path: str | Path, options: IndexOptions | None = None) -> IndexResult:
    options = options or IndexOptions()
    path = Path(path)
    if not path.exists():
        raise DocgenError(Problem(str(path), "", "no such file or folder"))
    for name, value, allowed in (("--lang", options.lang, ("zh", "en")), ("--target", options.target, ("ru", "en"))):
        if value not in allowed:
            raise DocgenError(Problem(str(path), name, f"must be one of {', '.join(allowed)}"))

    if path.is_file():
        from docgen.build import index_labels
        from docgen.render import render_letter

        case_file = load_case(path)
        outdir = Path(options.outdir) if options.outdir else case_file.folder / "index"
        check_outdir(outdir, case_file.folder)
        letter = render_letter(case_file)
        entries = evidence_entries(case_file)
        labels = index_labels(case_file, letter)
        ctx = QAContext(case_file=case_file, entries=entries, today=case_file.case.effective_letter_date,
                        rules=EvidenceRules.from_config(case_file.case.evidence_rules))
    else:
        folder = path.resolve()
        outdir = Path(options.outdir) if options.outdir else folder.parent / f"{folder.name}-index"
        check_outdir(outdir, folder)
        entries = folder_entries(folder, options.lang, options.target, exclude=outdir.resolve())
        ts = load_templates(None, options.target)
        labels = IndexLabels(
            target=options.target, second=options.lang if options.lang != options.target else None,
            heading_context={"reference": folder.name}, running_header=folder.name,
            page_label=ts.plain["page_label"], case_line=False)
        ctx = QAContext(entries=entries, rules=options.rules or EvidenceRules(), today=dt.date.today())

    findings = run_checks(ctx)
    with staged_folder(outdir) as tmp:
        own = frozenset({case_file.case.seller.email.lower()}) if path.is_file() and case_file.case.seller.email \
            else frozenset()
        written = write_index_outputs(tmp, entries, labels, findings, options.formats, options.bundle, ctx.rules, own)
        write_json(tmp / "qa.json", {"summary": summary(findings), "findings": [f.as_dict() for f in findings]})
        written.append(tmp / "qa.json")
        write_json(tmp / "manifest.json", {
            "kind": "evidence-index", "source": path.name,
            "inputs": [{"role": "evidence", "id": e.id, "path": e.file, "sha256": e.facts.sha256,
                        "size": e.facts.size} for e in entries],
        })
    out = outdir.resolve()
    return IndexResult(outdir=out, outputs=[out / p.name for p in written] + [out / "manifest.json"],
                       entries=entries, findings=findings)
