"""`build_case`: case file → letters (target language and the seller's), evidence index
and bundle, qa.json, the review files and manifest.json, written atomically into one
output folder.

A build is a sequence of stage functions over one `BuildState`; each stage reads what
earlier ones left and adds its part, and an `Event` is emitted before each (progress
bars, the web page). A build depends only on (case, options, session settings), so a
batch can run it in another process."""
from __future__ import annotations

import datetime as dt
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from docgen.case.loader import CaseFile, load_case
from docgen.errors import NotFinalError, Problem
from docgen.evidence.index import EvidenceEntry, evidence_entries, index_json, with_letter_texts
from docgen.evidence.rules import EvidenceRules
from docgen.i18n import msg
from docgen.model import Document, Finding, Letter
from docgen.pipeline.session import Session
from docgen.qa import QAContext, run_checks, summary
from docgen.render import render_letter
from docgen.render.compose import bundle_labels, compose_documents, index_labels, signoff_document
from docgen.render.index import index_document
from docgen.render.typography import typeset_blocks
from docgen.review.apply import apply_review
from docgen.review.state import ReviewRecord, letter_state, load_review_record
from docgen.render.signoff import ORIGIN_WORDS, Review
from docgen.store import OutputStore, one
from docgen.store.manifest import case_manifest, previous_evidence
from docgen.store.outdir import claim_outdir, staged_folder
from docgen.translate import SegmentTranslator, translate_letter
from docgen.writers.registry import DOCUMENT_FORMATS, WRITERS, check_formats


@dataclass
class BuildOptions:
    outdir: Path | None = None  # default: out/ beside the case file
    # machine translation for seller text; "auto": the installed packages; None: none (leave marked)
    translator: SegmentTranslator | None | str = "auto"
    formats: tuple[str, ...] = DOCUMENT_FORMATS  # printable documents (rows of the OUTPUTS table)
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


@dataclass(frozen=True)
class Event:
    """What a pipeline reports as it goes: `stage` before each stage, `done` at the end."""

    kind: str  # "stage" | "done"
    stage: str
    source: str


@dataclass
class BuildState:
    source: Path
    options: BuildOptions
    session: Session
    case_file: CaseFile | None = None
    outdir: Path | None = None
    previous: dict[str, str] | None = None
    changes: dict[str, tuple[str, dt.date | None]] | None = None  # re-appeal: new/updated evidence
    entries: list[EvidenceEntry] = field(default_factory=list)
    letter: Letter | None = None
    record: ReviewRecord | None = None
    stale: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    state: str = "draft"
    reviewed_ok: bool = False
    forced: str | None = None
    review: Review | None = None
    documents: dict[str, Document] = field(default_factory=dict)
    result: BuildResult | None = None
    held: ExitStack = field(default_factory=ExitStack)  # OUTDIR's lock, from the check to the last rename


# ---- stages ---------------------------------------------------------------------------


def load(s: BuildState) -> None:
    check_formats(s.options.formats)
    s.case_file = load_case(s.source)
    s.outdir = Path(s.options.outdir) if s.options.outdir else s.case_file.folder / "out"
    # one build per OUTDIR (exit 2 if busy); a review import keeps the whole old folder in pre-review-*/
    s.held.enter_context(claim_outdir(s.outdir, s.case_file.folder, keep_previous=s.options.review is not None))
    s.previous = previous_evidence(s.case_file)


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


def gather_evidence(s: BuildState) -> None:
    entries = evidence_entries(s.case_file)
    s.changes = evidence_changes(entries, s.previous, s.case_file.case.effective_letter_date)
    s.entries = _mark_updated(entries, s.changes)


def render(s: BuildState) -> None:
    s.letter = render_letter(s.case_file, s.changes)


def translate(s: BuildState) -> None:
    case = s.case_file.case
    translator = s.options.translator
    if translator == "auto":
        # no model installed: the translation memory and the glossary still serve (the rest stays untranslated)
        translator = (s.session.translator(case.language, case.target, without_model=True)
                      if case.language != case.target else None)
    translate_letter(s.letter, translator)


def carry_review(s: BuildState) -> None:
    """A review carries over to later builds for every sentence whose source is unchanged."""
    s.record = s.options.review or (load_review_record(s.outdir) if s.outdir.is_dir() else None)
    s.stale = apply_review(s.letter, s.record) if s.record else []
    if s.options.review is not None:
        s.options.review.letter_sha256 = s.letter.text_sha256()
    s.entries = with_letter_texts(s.entries, s.letter)


def check(s: BuildState) -> None:
    case = s.case_file.case
    ctx = QAContext(case_file=s.case_file, letter=s.letter, entries=s.entries,
                    rules=EvidenceRules.from_config(case.evidence_rules), today=case.effective_letter_date,
                    previous_evidence=s.previous, languagetool=s.options.languagetool,
                    grammar_checker=s.session.grammar_checker)
    s.findings = run_checks(ctx)
    for sid in s.stale:
        s.findings.append(Finding("review-stale", "warning", sid, msg("build.source-changed-after-review")))


def gate(s: BuildState) -> None:
    """--final: refuse while a seller sentence is unreviewed or error findings remain."""
    letter, options = s.letter, s.options
    s.reviewed_ok = s.record is not None and s.record.letter_sha256 == letter.text_sha256()
    # every seller sentence goes to Ozon in the seller's name: MT, the seller's own Russian,
    # memory and glossary hits alike need a recorded review before the letter is final
    unreviewed = [g for g in letter.seller_segments() if not g.reviewed] \
        if letter.source_lang != letter.target_lang else []
    errors = [f for f in s.findings if f.severity == "error"]
    if options.final and (unreviewed or errors):
        if not options.force_reason:
            shown = str(s.case_file.path)
            problems = [Problem(shown, g.id, msg("build.not-translated", lang=letter.target_lang)
                                if g.origin == "untranslated" else
                                msg("build.not-reviewed", origin=ORIGIN_WORDS[g.origin]))
                        for g in unreviewed]
            problems += [Problem(shown, f.where, msg("build.error-finding", check=f.check, message=f.message))
                         for f in errors]
            raise NotFinalError(problems)
        s.forced = options.force_reason
    s.state = "final" if options.final else "reviewed" if s.reviewed_ok else "draft"


def compose(s: BuildState) -> None:
    record = s.record
    s.review = Review(record.reviewer, record.native_language, record.time[:10]) if s.reviewed_ok else None
    s.documents = compose_documents(s.case_file, s.letter, s.findings, s.review, s.forced,
                                    record if s.reviewed_ok else None)


@dataclass(frozen=True)
class BundleData:
    """What the bundle writer reads: the cover (the index PDF), the attachments, what to
    mask in them (entry id → redact Scan), the per-file limit (the bundle is split into
    parts under it), and the findings list a part that stays over the limit is added to."""

    cover_pdf: bytes
    entries: list[EvidenceEntry]
    labels: object
    masks: dict = field(default_factory=dict)
    max_bytes: int | None = None
    findings: list = field(default_factory=list)


@dataclass(frozen=True)
class ReviewData:
    """What the review-file writers read: letter.json's content and the glossary."""

    state: dict
    glossary: object


def index_payloads(entries: list[EvidenceEntry], labels, findings: list[Finding], bundle: bool,
                   rules: EvidenceRules | None = None, own: frozenset[str] = frozenset()) -> dict:
    """The index for Ozon (submit/: target language, no QA column) and the seller's
    (both languages, with its checks), its JSON and (optionally) the bundle — the Ozon
    index as cover, buyer data masked, active content removed, split into parts under
    `rules.max_bytes` — as payloads by kind. A part that cannot be kept under the limit
    adds a `bundle-size` error to `findings`."""
    from docgen.evidence.redact import bundle_masks
    from docgen.writers.registry import OUTPUTS

    rules = rules or EvidenceRules()
    doc = index_document(entries, labels, findings)
    submit_doc = index_document(entries, labels, findings, audience="submit")
    cover_row = next(o for o in OUTPUTS if o.kind == "index.submit" and o.format == "pdf")

    def bundle_data(store: OutputStore) -> BundleData:
        cover = store.read(cover_row.relpath(lang=labels.target)) or WRITERS["pdf"].write(submit_doc, None)
        return BundleData(cover, entries, bundle_labels(labels.target), bundle_masks(entries, own), rules.max_bytes,
                          findings)

    payloads = {"index": one(doc), "index.submit": one(submit_doc, lang=labels.target),
                "index.data": one(index_json(entries, findings))}
    if bundle:
        payloads["bundle"] = one(bundle_data)
    return payloads


def qa_payload(findings: list[Finding]):
    """qa.json, made when it is written: after the bundle, which may add findings."""
    return lambda store: {"summary": summary(findings), "findings": [f.as_dict() for f in findings]}


def submit_payloads(s: BuildState, rules: EvidenceRules) -> dict:
    """ticket.txt (every case) and email.eml (where the channel is e-mail), made after
    the letter and the bundle are written (they list and attach them)."""
    from docgen.submit.channels import load_channels
    from docgen.submit.ticket import email_message, letter_for_language, submission, ticket_text

    case = s.case_file.case
    channels = load_channels()
    channel = channels.for_case(case.case_type, case.topic)
    lang = channel.lang(case.target)
    translator = None
    if lang != case.target and case.language != lang:
        translator = s.session.translator(case.language, lang, without_model=True) \
            if s.options.translator == "auto" else \
            s.options.translator
    letter = letter_for_language(case, s.letter, lang, translator)
    missing = [g.id for g in letter.seller_segments() if not g.text(lang)] if letter is not s.letter else []
    for sid in missing:
        s.findings.append(Finding("channel-language", "error", sid,
                                  msg("submit.channel-needs-language", lang=lang, field=f"{sid}")))
    if channel.channel == "email" and not case.seller.email:
        s.findings.append(Finding("channel-language", "error", "seller.email", msg("submit.email-needs-sender")))
    # the text pasted into the form reads as the PDF does: amounts, references, capitals typeset
    typeset = Document(lang=lang, title="", running_header="", page_label="",
                       blocks=typeset_blocks(letter.view(lang), lang)).plain_text()
    sub = submission(case, channels, letter.segments["subject"].text(lang) or "", typeset)

    def uploads(store: OutputStore) -> list[str]:
        sent = [rel.split("/", 1)[1] for rel in store.files if rel.startswith("submit/") and rel.endswith(".pdf")]
        return [n for n in sent if n.startswith("letter.")] + sorted(n for n in sent if n.startswith("evidence-bundle"))

    def ticket(store: OutputStore) -> str:
        return ticket_text(case, channels, sub, uploads(store), rules.max_bytes / 1048576)

    payloads = {"ticket": one(ticket)}
    if channel.channel == "email" and case.seller.email:
        def eml(store: OutputStore):
            files = [store.root / rel for rel in store.files if rel.startswith("submit/evidence-bundle")]
            return email_message(case, channels, sub, sorted(files), case.effective_letter_date)
        payloads["email"] = one(eml)
    return payloads


def write(s: BuildState) -> None:
    case_file, letter, options = s.case_file, s.letter, s.options
    case = case_file.case
    outdir = s.outdir.resolve()
    state_data = letter_state(letter, case_file.path, outdir)
    def signoff(store: OutputStore) -> Document:
        # the page names the letter file in submit/ it refers to, with that file's SHA-256
        # (the PDF when one is written, else the DOCX): written before it, in table order
        sent = [rel for rel in (f"submit/letter.{case.target}.pdf", f"submit/letter.{case.target}.docx")
                if rel in store.files]
        signoff_doc = s.documents["signoff"]
        if sent:
            signoff_doc = signoff_document(case_file, letter, s.findings, s.review, s.forced,
                                           s.record if s.reviewed_ok else None,
                                           checked_file=(Path(sent[0]).name, store.files[sent[0]][0]))
            s.documents["signoff"] = signoff_doc
        if options.pdfa:  # the internal record carries the case and the index data; what is sent embeds nothing
            signoff_doc.pdf_variant = "pdf/a-3b"
            signoff_doc.attachments = [(case_file.path.name, case_file.path.read_bytes()),
                                       ("evidence-index.json", store.read("seller/evidence-index.json"))]
        return signoff_doc

    target_doc = s.documents[f"letter.{case.target}"]
    if options.pdfa:
        target_doc.pdf_variant = "pdf/a-3b"

    record_kept = s.record if s.reviewed_ok else None
    own = frozenset({case.seller.email.lower()}) if case.seller.email else frozenset()
    rules = EvidenceRules.from_config(case.evidence_rules)

    def manifest(store: OutputStore) -> dict:
        data = case_manifest(case_file, s.entries, store.listing(), letter, s.state, record_kept, s.forced)
        data["submit"] = {"target": case.target, "own_emails": sorted(own), "max_bytes": rules.max_bytes}
        # what this build was asked to write: `batch --only-changed` rebuilds a case built with less,
        # a review import rebuilds what was built (store.manifest.built_with)
        data["options"] = {"bundle": options.bundle, "formats": list(options.formats), "pdfa": options.pdfa}
        return data

    payloads = index_payloads(s.entries, index_labels(case_file, letter), s.findings, options.bundle, rules, own)
    payloads |= submit_payloads(s, rules)
    payloads |= {
        "letter.target": one(target_doc, lang=case.target),
        "letter.seller": one(s.documents[f"letter.{case.language}"], lang=case.language),
        "signoff": one(signoff),
        "qa": one(qa_payload(s.findings)),
        "qa.html": one(lambda store: (qa_payload(s.findings)(store), case.language)),
        "letter.state": one(state_data),
        "review.xliff": one(ReviewData(state_data, s.session.glossary)),
        "review.docx": one(ReviewData(state_data, s.session.glossary)),
        "manifest": one(manifest),
    }
    if s.record is not None:
        payloads["review.state"] = one(s.record.as_dict())
    if any(f.severity == "error" for f in s.findings):
        from docgen.render.readiness import not_ready_text

        payloads["not-ready"] = one(lambda store: not_ready_text(s.findings, case.language))
    with staged_folder(s.outdir, keep_previous=options.review is not None) as tmp:
        written = OutputStore(tmp).write_all(payloads, options.formats)
        if options.final:  # what is sent must keep the rules, --force or not
            from docgen.submit.check import check_submit

            problems = check_submit(tmp, case.target, own, rules.max_bytes)
            if problems:
                raise NotFinalError([Problem(str(outdir), p.file, msg("build.submit-breaks-rules", rule=p.rule,
                                                                        detail=p.detail)) for p in problems])
    s.result = BuildResult(outdir=outdir, outputs=[outdir / rel for rel in written], findings=s.findings,
                           letter=letter, entries=s.entries, documents=s.documents)


STAGES: tuple[Callable[[BuildState], None], ...] = (
    load, gather_evidence, render, translate, carry_review, check, gate, compose, write)


def build_case(source: str | Path, options: BuildOptions | None = None, session: Session | None = None,
               on_event: Callable[[Event], None] | None = None) -> BuildResult:
    """Builds one case with `session` (one made from the environment when not given)."""
    if session is None:
        with Session.from_env() as own:
            return build_case(source, options, own, on_event)
    s = BuildState(source=Path(source), options=options or BuildOptions(), session=session)
    with session.active(), s.held:
        for stage in STAGES:
            if on_event:
                on_event(Event("stage", stage.__name__, str(source)))
            stage(s)
    if on_event:
        on_event(Event("done", "", str(source)))
    return s.result


__all__ = ["BuildOptions", "BuildResult", "BuildState", "Event", "STAGES", "build_case"]
