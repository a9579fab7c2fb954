"""`build`: case file → letters (target language and the seller's), evidence index and
bundle, qa.json and manifest.json, written atomically into one output folder."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from docgen import __version__
from docgen.case.loader import CaseFile, load_case
from docgen.errors import DocgenError, NotFinalError, Problem
from docgen.evidence.index import EvidenceEntry, IndexLabels, evidence_entries, with_letter_texts
from docgen.evidence.inspect import sha256_file
from docgen.evidence.outputs import write_index_outputs
from docgen.evidence.rules import EvidenceRules
from docgen.model import Document, Finding, Letter, Paragraph
from docgen.output import check_outdir, staged_folder, write_json
from docgen.qa import QAContext, run_checks, summary
from docgen.render import render_letter
from docgen.render.letter import seller_name
from docgen.render.typography import typeset_blocks
from docgen.resources import folder_version, glossary_dir, templates_dir
from docgen.review.files import REVIEW_DOCX, REVIEW_XLF, write_review_docx, write_review_xliff
from docgen.review.state import ReviewRecord, load_review_record, save_letter_state
from docgen.signoff import Review, signoff_blocks
from docgen.translate import SegmentTranslator, default_translator, translate_letter
from docgen.writers import WRITERS


@dataclass
class BuildOptions:
    outdir: Path | None = None  # default: out/ beside the case file
    # machine translation for seller text; "auto": the installed packages; None: none (leave marked)
    translator: SegmentTranslator | None | str = "auto"
    formats: tuple[str, ...] = tuple(WRITERS)
    bundle: bool = True  # evidence-bundle.pdf
    pdfa: bool = False  # letter PDF as PDF/A-3b with the case file and index JSON embedded
    final: bool = False  # refuse while MT is unreviewed or error findings remain …
    force_reason: str | None = None  # … unless forced, with a reason printed on the sign-off page
    review: "ReviewRecord | None" = None  # a review being imported (docgen review import)
    languagetool: bool = True  # start/use LanguageTool for the grammar check


@dataclass
class BuildResult:
    outdir: Path
    outputs: list[Path]
    findings: list[Finding]
    letter: Letter
    entries: list[EvidenceEntry] = field(default_factory=list)
    documents: dict[str, Document] = field(default_factory=dict)

    @property
    def summary(self) -> dict[str, int]:
        return summary(self.findings)


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
        raise DocgenError(Problem(shown, "previous_manifest", f"file not found: {rel}")) from None
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise DocgenError(Problem(shown, "previous_manifest", f"not a docgen manifest.json: {rel}")) from None


def evidence_changes(entries: list[EvidenceEntry], previous: dict[str, str] | None,
                     when: dt.date) -> dict[str, tuple[str, dt.date | None]] | None:
    """Re-appeal: evidence id → ("updated", date) for a file whose content changed since
    the previous manifest (same path, new SHA-256), ("new", None) for a file that was not
    there; unchanged files are left out. None without a previous manifest."""
    if previous is None:
        return None
    paths = {Path(p).as_posix() for p in previous.values()}
    out = {}
    for e in entries:
        if e.facts.sha256 in previous:
            continue
        out[e.id] = ("updated", e.date or when) if Path(e.file).as_posix() in paths else ("new", None)
    return out


def _mark_updated(entries: list[EvidenceEntry], changes: dict | None) -> list[EvidenceEntry]:
    if not changes:
        return entries
    return [replace(e, updated=changes[e.id][1], status=changes[e.id][0]) if e.id in changes else e
            for e in entries]


def apply_review(letter: Letter, record: ReviewRecord) -> list[str]:
    """Puts the reviewed targets into the letter where the source is unchanged; returns
    the ids whose source changed since the review (those need reviewing again)."""
    stale = []
    for sid, seg_review in record.segments.items():
        seg = letter.segments.get(sid)
        if seg is None or not seg.is_seller_text:
            continue
        if seg.source != seg_review["source"]:
            stale.append(sid)
            continue
        seg.texts[letter.target_lang] = seg_review["target"]
        seg.reviewed = True
        if seg.origin == "untranslated":
            seg.origin = "human"  # the reviewer wrote it
    return stale


def compose_documents(case_file: CaseFile, letter: Letter, findings: list[Finding], review: Review | None = None,
                      forced: str | None = None) -> dict[str, Document]:
    """Name (without extension) → printable letter. Output variants are data."""
    case = case_file.case
    docs: dict[str, Document] = {}
    for lang in dict.fromkeys([case.target, case.language]):
        fur = letter.furniture[lang]
        blocks = keep_closing_together(typeset_blocks(letter.view(lang), lang))
        if lang == case.target:
            blocks += signoff_blocks(case, letter, findings, review, forced)
        subject = letter.segments["subject"].text(lang) or fur["title"]
        docs[f"letter.{lang}"] = Document(lang=lang, title=subject, running_header=fur["running_header"],
                                          page_label=fur["page_label"], blocks=blocks)
    return docs


def keep_closing_together(blocks: list) -> list:
    """The last line before «С уважением» keeps with it, so that no page holds only the
    closing and the signature."""
    for i, b in enumerate(blocks):
        if getattr(b, "style", None) == "closing":
            j = i - 1
            if j >= 0 and isinstance(blocks[j], Paragraph):
                blocks[j] = replace(blocks[j], keep_with_next=True)
            break
    return blocks


def index_labels(case_file: CaseFile, letter: Letter) -> IndexLabels:
    case = case_file.case
    fur = letter.furniture[case.target]
    return IndexLabels(
        target=case.target, second=case.language if case.language != case.target else None,
        heading_context={"seller": case.seller, "seller_name": seller_name(case, case.target),
                         "reference": case.case_reference},
        running_header=fur["running_header"], page_label=fur["page_label"],
        seller_names={lang: seller_name(case, lang) for lang in (case.target, case.language)})


def _manifest(case_file: CaseFile, entries: list[EvidenceEntry], outputs: list[Path], letter: Letter,
              state: str, record: ReviewRecord | None, forced: str | None) -> dict:
    case_sha, case_size = sha256_file(case_file.path)
    return {
        "state": state,
        **({"review": {"reviewer": record.reviewer, "native_language": record.native_language, "time": record.time,
                       "letter_sha256": record.letter_sha256, "file": record.reviewed_file,
                       "changed": record.changed}} if record else {}),
        **({"forced": forced} if forced else {}),
        "docgen": __version__,
        "templates": folder_version(templates_dir()),
        "glossary": folder_version(glossary_dir()),
        "case_type": case_file.case.case_type,
        "appeal_round": case_file.case.appeal_round,
        "letter_date": case_file.case.effective_letter_date.isoformat(),
        "letter_sha256": letter.text_sha256(),
        "inputs": [{"role": "case", "path": case_file.path.name, "sha256": case_sha, "size": case_size}]
        + [{"role": "evidence", "id": e.id, "path": e.file, "sha256": e.facts.sha256, "size": e.facts.size,
            **({"updated": e.updated.isoformat()} if e.updated else {})} for e in entries],
        "outputs": [{"path": p.name, "sha256": sha256_file(p)[0], "size": p.stat().st_size} for p in outputs],
        "segments": {s.id: {"origin": s.origin, **({"mt_model": s.mt_model} if s.mt_model else {}),
                            **({"reviewed": True} if s.reviewed else {})}
                     for s in letter.seller_segments()},
    }


def build(case_path: str | Path, options: BuildOptions | None = None) -> BuildResult:
    options = options or BuildOptions()
    case_file = load_case(case_path)
    case = case_file.case
    outdir = Path(options.outdir) if options.outdir else case_file.folder / "out"
    check_outdir(outdir, case_file.folder)
    previous = previous_evidence(case_file)

    entries = evidence_entries(case_file)
    changes = evidence_changes(entries, previous, case.effective_letter_date)
    entries = _mark_updated(entries, changes)
    letter = render_letter(case_file, changes)
    translator = options.translator
    if translator == "auto":
        translator = default_translator(case.language, case.target) if case.language != case.target else None
    translate_letter(letter, translator)
    # a review carries over to later builds for every sentence whose source is unchanged
    record = options.review or (load_review_record(outdir) if outdir.is_dir() else None)
    stale = apply_review(letter, record) if record else []
    if options.review is not None:
        options.review.letter_sha256 = letter.text_sha256()
    entries = with_letter_texts(entries, letter)
    ctx = QAContext(case_file=case_file, letter=letter, entries=entries,
                    rules=EvidenceRules.from_config(case.evidence_rules), today=case.effective_letter_date,
                    previous_evidence=previous, languagetool=options.languagetool)
    findings = run_checks(ctx)
    for sid in stale:
        findings.append(Finding("review-stale", "warning", sid,
                                "the source changed after the review; this sentence needs reviewing again"))

    reviewed_ok = record is not None and record.letter_sha256 == letter.text_sha256()
    unreviewed = [s.id for s in letter.seller_segments() if s.origin in ("mt", "untranslated") and not s.reviewed]
    errors = [f for f in findings if f.severity == "error"]
    forced = None
    if options.final and (unreviewed or errors):
        if not options.force_reason:
            problems = [Problem(str(case_file.path), sid, "machine translation not reviewed yet") for sid in unreviewed]
            problems += [Problem(str(case_file.path), f.where, f"error finding [{f.check}]: {f.message}")
                         for f in errors]
            raise NotFinalError(problems)
        forced = options.force_reason
    state = "final" if options.final else "reviewed" if reviewed_ok else "draft"
    review = Review(record.reviewer, record.native_language, record.time[:10]) if reviewed_ok else None
    documents = compose_documents(case_file, letter, findings, review, forced)

    with staged_folder(outdir, keep_previous=options.review is not None) as tmp:
        own = frozenset({case.seller.email.lower()}) if case.seller.email else frozenset()
        written = write_index_outputs(tmp, entries, index_labels(case_file, letter), findings,
                                      options.formats, options.bundle, ctx.rules, own)
        if options.pdfa:
            doc = documents[f"letter.{case.target}"]
            doc.pdf_variant = "pdf/a-3b"
            doc.attachments = [(case_file.path.name, case_file.path.read_bytes()),
                               ("evidence-index.json", (tmp / "evidence-index.json").read_bytes())]
        for name, doc in documents.items():
            for fmt in options.formats:
                path = tmp / f"{name}.{fmt}"
                WRITERS[fmt](doc, path)
                written.append(path)
        write_json(tmp / "qa.json", {"summary": summary(findings), "findings": [f.as_dict() for f in findings]})
        state_data = save_letter_state(letter, case_file.path, tmp, outdir.resolve())
        written += [tmp / "qa.json", tmp / "letter.json"]
        if record is not None:
            record.save(tmp)
            written.append(tmp / "review.json")
        from docgen.glossary import load_glossary

        glossary = load_glossary()
        write_review_xliff(state_data, glossary, tmp / REVIEW_XLF)
        write_review_docx(state_data, glossary, tmp / REVIEW_DOCX)
        written += [tmp / REVIEW_XLF, tmp / REVIEW_DOCX]
        write_json(tmp / "manifest.json", _manifest(case_file, entries, written, letter, state,
                                                    record if reviewed_ok else None, forced))
    final = [outdir.resolve() / p.name for p in written] + [outdir.resolve() / "manifest.json"]
    return BuildResult(outdir=outdir.resolve(), outputs=final, findings=findings, letter=letter,
                       entries=entries, documents=documents)
