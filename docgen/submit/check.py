"""`docgen check-submit OUTDIR`: reads every file under OUTDIR/submit/ as Ozon would
receive it (PDF text, OCR of PDF pages without much text, DOCX text, .eml headers,
body and attachments, .txt) and lists what breaks the rules: CJK characters (ru/en
targets), internal check ids, the sign-off page, unmasked buyer data, active PDF
content, a file over the upload limit. `docgen build --final` runs the same rules."""
from __future__ import annotations

import email
import email.policy
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from docgen.evidence.pii import pii_kinds
from docgen.evidence.redact import active_content, ocr_lines
from docgen.i18n import Msg, msg, render, size_text

SUBMIT = "submit"
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_OCR_BELOW = 40  # a PDF page with fewer text characters than this is read by OCR too


@dataclass(frozen=True)
class SubmitProblem:
    file: str  # relative to OUTDIR
    rule: str  # cjk | check-id | signoff | personal-data | active-content | size
    detail: Msg  # never the personal value itself

    def __str__(self) -> str:
        return self.render()

    def render(self, lang: str | None = None) -> str:
        return f"{self.file}: {self.rule}: {render(self.detail, lang)}"


def internal_markers() -> list[str]:
    """Words that only internal material carries: check ids that cannot be ordinary
    words, and the sign-off title in every language."""
    from docgen.qa.registry import CHECKS

    ids = [c.name for c in CHECKS if "-" in c.name or c.name in ("untranslated", "placeholders", "terminology")]
    ids += ["personal-data-masked", "bundle-size", "review-stale"]
    return sorted(set(ids))


def signoff_titles() -> list[str]:
    from docgen.render.templates import load_templates

    out = []
    for lang in ("ru", "en", "zh"):
        try:
            out.append(load_templates(None, lang).render("signoff_title", {}))
        except Exception:  # a template set without the key has no such page to find
            continue
    return out


def _pdf_pages(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-q", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          timeout=300).stdout.decode("utf-8", "replace")
    return text.split("\f")[:-1] if "\f" in text else [text]


def _ocr_page(path: Path, page: int) -> str:
    from docgen.evidence.redact import rasterise_page

    with tempfile.TemporaryDirectory() as d:
        ppm = rasterise_page(path, page, 150, Path(d) / "p", "ppm")
        return "\n".join(" ".join(w.text for w in line) for line in ocr_lines(ppm, "rus+eng"))


def _docx_text(data_path: Path) -> str:
    import docx

    d = docx.Document(str(data_path))
    parts = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    for section in d.sections:
        parts.extend(p.text for p in section.header.paragraphs)
        parts.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(parts)


def _texts(path: Path, rel: str, ocr: bool) -> list[tuple[str, str]]:
    """(where, text) pieces of one file; PDFs page by page."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        out = []
        for i, text in enumerate(_pdf_pages(path), 1):
            out.append((f"{rel}, page {i}", text))
            if ocr and len(text.strip()) < _OCR_BELOW + 60:  # a page made of an image: read it as Ozon would
                out.append((f"{rel}, page {i} (OCR)", _ocr_page(path, i)))
        return out
    if suffix == ".docx":
        return [(rel, _docx_text(path))]
    return [(rel, path.read_text(encoding="utf-8", errors="replace"))]


def check_submit(outdir: Path, target: str | None = None, own: frozenset[str] = frozenset(),
                 max_bytes: int | None = None, ocr: bool = True) -> list[SubmitProblem]:
    """Every problem with what is under OUTDIR/submit/ (empty list: it can be sent).
    `target`, `own` (the seller's own e-mail addresses) and `max_bytes` default to what
    manifest.json recorded."""
    import json

    outdir = Path(outdir)
    folder = outdir / SUBMIT
    manifest = {}
    if (outdir / "manifest.json").is_file():
        manifest = json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))
    sub = manifest.get("submit", {})
    target = target or sub.get("target", "ru")
    own = own or frozenset(a.lower() for a in sub.get("own_emails", []))
    max_bytes = max_bytes or sub.get("max_bytes") or 5 * 1024 * 1024
    problems: list[SubmitProblem] = []
    if not folder.is_dir():
        return [SubmitProblem(SUBMIT, "missing", msg("submit.no-folder"))]
    markers = internal_markers()
    titles = signoff_titles()

    def scan(where: str, text: str, own: frozenset[str]) -> None:
        if target in ("ru", "en") and _CJK.search(text):
            problems.append(SubmitProblem(where, "cjk", msg("submit.cjk")))
        for m in markers:
            if re.search(rf"(?<![\w-]){re.escape(m)}(?![\w-])", text):
                problems.append(SubmitProblem(where, "check-id", msg("submit.check-id", marker=m)))
        flat = " ".join(text.split())
        if any(t and t in flat for t in titles):
            problems.append(SubmitProblem(where, "signoff", msg("submit.signoff")))
        kinds = pii_kinds(text, own | {sub.get("support_email", "").lower()})
        if kinds:
            problems.append(SubmitProblem(where, "personal-data", msg("submit.personal-data", kinds=kinds)))

    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.name == "NOT-READY.txt":  # a note to the seller in their language; never uploaded
            continue
        rel = path.relative_to(outdir).as_posix()
        if path.suffix.lower() != ".eml" and path.stat().st_size > max_bytes:
            problems.append(SubmitProblem(rel, "size", msg("submit.size", size=size_text(path.stat().st_size),
                                                                limit=size_text(max_bytes))))
        if path.suffix.lower() == ".pdf" and active_content(path):
            problems.append(SubmitProblem(rel, "active-content", msg("submit.active-content", kinds=active_content(path))))
        if path.suffix.lower() == ".eml":
            mail = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            sender = str(mail.get("From", ""))
            own_here = own | frozenset(a.lower() for a in re.findall(r"[\w.+-]+@[\w.-]+", sender))
            head = f"Subject: {mail.get('Subject', '')}"
            body = mail.get_body(preferencelist=("plain",))
            pieces = [(rel, head + "\n" + (body.get_content() if body else ""))]
            with tempfile.TemporaryDirectory() as d:
                for part in mail.iter_attachments():
                    name = Path(part.get_filename() or "attachment.bin").name
                    data = part.get_payload(decode=True) or b""
                    if len(data) > max_bytes:
                        problems.append(SubmitProblem(f"{rel} → {name}", "size", msg("submit.attachment-size")))
                    p = Path(d) / name
                    p.write_bytes(data)
                    if p.suffix.lower() == ".pdf" and active_content(p):
                        problems.append(SubmitProblem(f"{rel} → {name}", "active-content",
                                                      msg("submit.active-content", kinds=active_content(p))))
                    pieces += [(f"{rel} → {w}", t) for w, t in _texts(p, name, ocr)]
            for where, text in pieces:
                scan(where, text, own_here)
            continue
        for where, text in _texts(path, rel, ocr):
            scan(where, text, own)
    return problems
