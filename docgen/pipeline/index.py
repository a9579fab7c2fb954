"""`build_index`: the evidence index (and optionally the bundle) on its own, for a case
file or a plain folder of files — the service providers' bulk job."""
from __future__ import annotations

import datetime as dt
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from docgen.case.loader import load_case
from docgen.errors import DocgenError, Problem
from docgen.evidence.index import EvidenceEntry, evidence_entries, folder_entries
from docgen.evidence.rules import EvidenceRules
from docgen.i18n import msg
from docgen.model import Finding
from docgen.pipeline.build import index_payloads, qa_payload
from docgen.pipeline.session import Session
from docgen.qa import QAContext, run_checks, summary
from docgen.render import render_letter
from docgen.render.compose import folder_index_labels, index_labels
from docgen.store import OutputStore, one
from docgen.store.manifest import index_manifest
from docgen.store.outdir import claim_outdir, staged_folder
from docgen.writers.registry import DOCUMENT_FORMATS, check_formats


@dataclass
class IndexOptions:
    outdir: Path | None = None  # default: index/ beside a case file; <folder>-index/ beside a folder
    lang: str = "zh"  # the seller's language (folder mode)
    target: str = "ru"  # the language Ozon reads (folder mode)
    bundle: bool = False
    rules: EvidenceRules | None = None  # folder mode; a case uses its own evidence_rules
    formats: tuple[str, ...] = DOCUMENT_FORMATS


@dataclass
class IndexResult:
    outdir: Path
    outputs: list[Path]
    entries: list[EvidenceEntry]
    findings: list[Finding] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        return summary(self.findings)


def build_index(path: str | Path, options: IndexOptions | None = None, session: Session | None = None) -> IndexResult:
    if session is None:
        with Session.from_env() as own:
            return build_index(path, options, own)
    with session.active(), ExitStack() as held:
        return _build_index(Path(path), options or IndexOptions(), held)


def _build_index(path: Path, options: IndexOptions, held: ExitStack) -> IndexResult:
    if not path.exists():
        raise DocgenError(Problem(str(path), "", msg("indexer.no-such-file-folder")))
    for name, value, allowed in (("--lang", options.lang, ("zh", "en")), ("--target", options.target, ("ru", "en"))):
        if value not in allowed:
            raise DocgenError(Problem(str(path), name, msg("indexer.must-be-one", allowed=', '.join(allowed))))
    check_formats(options.formats)

    if path.is_file():
        case_file = load_case(path)
        outdir = Path(options.outdir) if options.outdir else case_file.folder / "index"
        held.enter_context(claim_outdir(outdir, case_file.folder))  # one writer per OUTDIR
        letter = render_letter(case_file)
        entries = evidence_entries(case_file)
        labels = index_labels(case_file, letter)
        ctx = QAContext(case_file=case_file, entries=entries, today=case_file.case.effective_letter_date,
                        rules=EvidenceRules.from_config(case_file.case.evidence_rules))
    else:
        folder = path.resolve()
        outdir = Path(options.outdir) if options.outdir else folder.parent / f"{folder.name}-index"
        held.enter_context(claim_outdir(outdir, folder))
        entries = folder_entries(folder, options.lang, options.target, exclude=outdir.resolve())
        labels = folder_index_labels(folder.name, options.lang, options.target)
        ctx = QAContext(entries=entries, rules=options.rules or EvidenceRules(), today=dt.date.today())

    findings = run_checks(ctx)
    own = frozenset({case_file.case.seller.email.lower()}) if path.is_file() and case_file.case.seller.email \
        else frozenset()
    payloads = index_payloads(entries, labels, findings, options.bundle, ctx.rules, own)
    seller_lang = case_file.case.language if path.is_file() else options.lang
    payloads |= {"qa": one(qa_payload(findings)), "qa.html": one(lambda store: (qa_payload(findings)(store), seller_lang)),
                 "manifest": one(lambda store: index_manifest(path.name, entries, store.listing()))}
    with staged_folder(outdir) as tmp:
        written = OutputStore(tmp).write_all(payloads, options.formats)
    out = outdir.resolve()
    return IndexResult(outdir=out, outputs=[out / rel for rel in written], entries=entries, findings=findings)
