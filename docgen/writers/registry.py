"""The output table. `WRITERS`: format → writer (bytes from a Document or typed data);
`OUTPUTS`: one row per output file — what it shows (`kind`), in which format, in which
folder of OUTDIR, under which name. Output variants are data: a pipeline hands the
store a payload per kind, and the store writes every row whose kind it has.

Adding a format is one writer module plus one line in `WRITERS`; adding an output is
one row in `OUTPUTS` (and, for a new kind, its payload in the pipeline)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Protocol

from docgen.errors import DocgenError, Problem
from docgen.i18n import msg


@dataclass(frozen=True)
class WriterOptions:
    """Format knobs that are not part of the Document (none needed yet by the built-ins)."""

    extra: dict[str, Any] = field(default_factory=dict)


class Writer(Protocol):
    name: str
    suffix: str

    def write(self, data: Any, opts: WriterOptions) -> bytes: ...


@dataclass(frozen=True)
class FnWriter:
    """A writer made of a function `data → bytes`; `to_file` (optional) streams a large
    output straight into a file instead of holding it in memory."""

    name: str
    suffix: str
    fn: Callable[[Any], bytes]
    to_file: Callable[[Any, Path], list[Path] | None] | None = None  # returns the files written, if several

    def write(self, data: Any, opts: WriterOptions | None = None) -> bytes:
        return self.fn(data)

    def __call__(self, data: Any, path: Path) -> None:
        """The older calling style, `WRITERS[fmt](doc, path)`."""
        if self.to_file is not None:
            self.to_file(data, Path(path))
        else:
            Path(path).write_bytes(self.fn(data))


@dataclass(frozen=True)
class Output:
    """One row of the OUTPUTS table."""

    kind: str  # what it shows: "letter.target", "letter.seller", "index", "qa", …
    format: str  # key in WRITERS
    folder: str = ""  # sub-folder of OUTDIR: "" (top) | "submit" | "seller" | "review"
    name: str = ""  # file name without suffix; {lang} is the document's language. Default: kind

    def filename(self, **params: str) -> str:
        return (self.name or self.kind).format(**params) + WRITERS[self.format].suffix

    def relpath(self, **params: str) -> str:
        return f"{self.folder}/{self.filename(**params)}" if self.folder else self.filename(**params)


def _docx(doc) -> bytes:
    from docgen.writers import docx_writer

    return docx_writer.to_bytes(doc)


def _pdf(doc) -> bytes:
    from docgen.writers import pdf_writer

    return pdf_writer.to_bytes(doc)


def _json(data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _json_compact(data) -> bytes:  # letter.json: one segment field per line, as before
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _xliff(data) -> bytes:
    from docgen.review.files import review_xliff_bytes

    return review_xliff_bytes(data.state, data.glossary)


def _review_docx(data) -> bytes:
    from docgen.review.files import review_docx_bytes

    return review_docx_bytes(data.state, data.glossary)


def _review_po(data) -> bytes:
    from docgen.review.po import review_po_bytes

    return review_po_bytes(data.state, data.glossary)


def _bundle_file(data, path: Path) -> list[Path]:
    """evidence-bundle.pdf, or evidence-bundle-part1.pdf, -part2.pdf … each under the limit."""
    from docgen.evidence.bundle import write_bundle
    from docgen.model import Finding

    result = write_bundle(path, data.cover_pdf, data.entries, data.labels, masks=data.masks,
                          max_bytes=data.max_bytes)
    data.findings.extend(Finding("bundle-size", "error", "evidence-bundle", m) for m in result.problems)
    return result.files


def _bundle(data) -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="docgen-bundle-") as d:
        path = Path(d) / "evidence-bundle.pdf"
        files = _bundle_file(data, path)
        if len(files) != 1:
            raise ValueError("the bundle was split into parts: write it to a folder")
        return files[0].read_bytes()


def _text(data) -> bytes:  # ticket.txt
    return data.encode("utf-8")


def _eml(message) -> bytes:  # email.eml: an email.message.EmailMessage
    return message.as_bytes()


def _html(data) -> bytes:  # qa.html: (qa.json's content, the seller's language)
    from docgen.writers.html import qa_html

    qa, lang = data
    return qa_html(qa, lang)


WRITERS: dict[str, Writer] = {
    "docx": FnWriter("docx", ".docx", _docx),
    "pdf": FnWriter("pdf", ".pdf", _pdf),
    "json": FnWriter("json", ".json", _json),
    "json-lines": FnWriter("json-lines", ".json", _json_compact),
    "xliff": FnWriter("xliff", ".xlf", _xliff),
    "review-docx": FnWriter("review-docx", ".docx", _review_docx),
    "po": FnWriter("po", ".po", _review_po),
    "bundle": FnWriter("bundle", ".pdf", _bundle, _bundle_file),
    "text": FnWriter("text", ".txt", _text),
    "eml": FnWriter("eml", ".eml", _eml),
    "html": FnWriter("html", ".html", _html),
}

# Formats a user picks for printable documents (BuildOptions.formats, IndexOptions.formats).
DOCUMENT_FORMATS: tuple[str, ...] = ("docx", "pdf")

OUTPUTS: tuple[Output, ...] = (
    # submit/: what goes to Ozon, nothing else (no QA, no check ids, no sign-off page,
    # no Chinese for a ru/en target; buyer data masked) — `docgen check-submit` reads it
    Output("index.submit", "docx", "submit", "evidence-index.{lang}"),
    Output("index.submit", "pdf", "submit", "evidence-index.{lang}"),
    Output("bundle", "bundle", "submit", "evidence-bundle"),
    Output("letter.target", "docx", "submit", "letter.{lang}"),
    Output("letter.target", "pdf", "submit", "letter.{lang}"),
    Output("ticket", "text", "submit", "ticket"),
    Output("email", "eml", "submit", "email"),
    # seller/: what the seller reads (their language; the index in both, with its checks)
    Output("letter.seller", "docx", "seller", "letter.{lang}"),
    Output("letter.seller", "pdf", "seller", "letter.{lang}"),
    Output("index", "docx", "seller", "evidence-index"),
    Output("index", "pdf", "seller", "evidence-index"),
    Output("index.data", "json", "seller", "evidence-index"),
    # review/: what the translator works on
    Output("signoff", "docx", "review", "signoff"),
    Output("signoff", "pdf", "review", "signoff"),
    Output("letter.state", "json-lines", "review", "letter"),
    Output("review.state", "json-lines", "review", "review"),
    Output("review.xliff", "xliff", "review", "review"),
    Output("review.docx", "review-docx", "review", "review"),
    Output("review.po", "po", "review", "review"),  # only on `docgen review export --format po`
    # top level: the findings, and the manifest written last, over everything above
    Output("qa", "json", "", "qa"),
    Output("qa.html", "html", "", "qa"),
    Output("not-ready", "text", "submit", "NOT-READY"),  # only while error findings remain (#15)
    Output("manifest", "json", "", "manifest"),
)


def formats_given(values: list[str] | None) -> tuple[str, ...]:
    """The `--format` values of a command line, each once, in order; none given: every
    document format."""
    return tuple(dict.fromkeys(values)) if values else DOCUMENT_FORMATS


def check_formats(formats: tuple[str, ...], where: str = "--format") -> tuple[str, ...]:
    """The document formats asked for; an unknown one is bad input (exit 2), not a KeyError."""
    unknown = [f for f in formats if f not in WRITERS or f not in DOCUMENT_FORMATS and f not in _extra_formats()]
    if unknown:
        raise DocgenError(Problem("", where, msg("writers.unknown-format", format=unknown[0],
                                                  known=", ".join(DOCUMENT_FORMATS + _extra_formats()))))
    return formats


def _extra_formats() -> tuple[str, ...]:
    """Document formats added to the table beyond the built-in ones (a writer of Documents
    registered with a row of a document kind)."""
    doc_kinds = {"index", "index.submit", "letter.target", "letter.seller", "signoff"}
    return tuple(dict.fromkeys(o.format for o in OUTPUTS if o.kind in doc_kinds and o.format not in DOCUMENT_FORMATS))


def outputs_for(kinds, formats: tuple[str, ...], table: tuple[Output, ...] | None = None) -> list[Output]:
    """The rows of `kinds`, printable documents limited to `formats`, in table order."""
    doc_formats = set(DOCUMENT_FORMATS) | set(_extra_formats())
    return [o for o in (table or OUTPUTS) if o.kind in kinds and (o.format not in doc_formats or o.format in formats)]
