"""Writing the evidence index (DOCX, PDF, JSON) and the bundle into a staging folder;
shared by `docgen build` and `docgen index`."""
from __future__ import annotations

from pathlib import Path

from docgen.evidence.bundle import BundleLabels, write_bundle
from docgen.evidence.redact import bundle_masks
from docgen.evidence.rules import EvidenceRules
from docgen.evidence.index import EvidenceEntry, IndexLabels, index_document, index_json
from docgen.model import Finding
from docgen.output import write_json
from docgen.render.templates import load_templates
from docgen.writers import WRITERS


def bundle_labels(lang: str) -> BundleLabels:
    ts = load_templates(None, lang)
    return BundleLabels(stamp=ts.plain["bundle_stamp"], page=ts.plain["bundle_page"],
                        missing=ts.plain["bundle_missing"], bookmark=ts.render("index_attachment", {"n": "{n}"}))


def write_index_outputs(folder: Path, entries: list[EvidenceEntry], labels: IndexLabels, findings: list[Finding],
                        formats: tuple[str, ...], bundle: bool, rules: EvidenceRules | None = None,
                        own: frozenset[str] = frozenset()) -> list[Path]:
    """Writes the index and (with `bundle`) the bundle: buyer data masked, active content
    removed, split into parts under `rules.max_bytes`. A part that cannot be kept under
    the limit adds a `bundle-size` error to `findings`."""
    rules = rules or EvidenceRules()
    doc = index_document(entries, labels, findings)
    written = []
    for fmt in formats:
        path = folder / f"evidence-index.{fmt}"
        WRITERS[fmt](doc, path)
        written.append(path)
    write_json(folder / "evidence-index.json", index_json(entries, findings))
    written.append(folder / "evidence-index.json")
    if bundle:
        cover = folder / "evidence-index.pdf"
        if "pdf" not in formats:
            cover = folder / ".cover.pdf"
            WRITERS["pdf"](doc, cover)
        result = write_bundle(folder / "evidence-bundle.pdf", cover, entries, bundle_labels(labels.target),
                              masks=bundle_masks(entries, own), max_bytes=rules.max_bytes)
        if cover.name == ".cover.pdf":
            cover.unlink()
        written += result.files
        findings += [Finding("bundle-size", "error", "evidence-bundle", message) for message in result.problems]
    return written
