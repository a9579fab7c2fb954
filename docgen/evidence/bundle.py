"""The evidence bundle: the index as cover, then every attachment in order, each page
stamped «Приложение N · стр. i/n» with a running bundle page number, one bookmark per
attachment.

Each attachment is stamped on its own with pypdf (rotated pages turned upright first)
and written to a part file, so memory is bounded by the largest attachment; pikepdf
(qpdf) then joins the parts, copying page content from the part files as it writes.
ReportLab draws stamps and image pages (it cannot load the CJK OTF fonts, so stamps are
in the letter's language: Russian or English)."""
from __future__ import annotations

import io
import subprocess
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from docgen.evidence.index import EvidenceEntry

A4 = (595.2756, 841.8898)
MM = 72 / 25.4
STAMP_FONT = "DocgenStamp"


@dataclass(frozen=True)
class BundleLabels:
    stamp: str  # "Приложение {n} · стр. {i}/{count}"
    page: str  # "Комплект, стр. {page}/{pages}"
    missing: str  # "Приложение {n} не включено в комплект: {reason}"
    bookmark: str  # "Приложение {n}"


@lru_cache(maxsize=1)
def _register_font() -> str:
    from reportlab import rl_config
    from reportlab.pdfbase import pdfmetrics

    # ReportLab's default ASCII85-encodes embedded images in pure Python: 90% of the
    # bundle's time on JPEG evidence. Binary streams are valid PDF and pass through.
    rl_config.useA85 = 0
    from reportlab.pdfbase.ttfonts import TTFont

    path = subprocess.run(["fc-match", "-f", "%{file}", "Noto Sans"], capture_output=True, text=True).stdout.strip()
    if not path.endswith(".ttf"):
        raise RuntimeError("Noto Sans (TTF) is not installed; run ./scripts/setup")
    pdfmetrics.registerFont(TTFont(STAMP_FONT, path))
    return STAMP_FONT


def _draw_stamp(c, width: float, height: float, top: str | None, bottom: str) -> None:
    font = _register_font()
    c.setFont(font, 8)
    if top:
        w = c.stringWidth(top, font, 8)
        x, y = width - 8 * MM - w, height - 8 * MM
        c.setFillColorRGB(1, 1, 1)
        c.rect(x - 2, y - 2.5, w + 4, 10.5, stroke=0, fill=1)
        c.setFillColorRGB(0.1, 0.1, 0.45)
        c.drawString(x, y, top)
    w = c.stringWidth(bottom, font, 8)
    x, y = (width - w) / 2, 6 * MM
    c.setFillColorRGB(1, 1, 1)
    c.rect(x - 2, y - 2.5, w + 4, 10.5, stroke=0, fill=1)
    c.setFillColorRGB(0.25, 0.25, 0.25)
    c.drawString(x, y, bottom)


def _overlay(width: float, height: float, top: str | None, bottom: str):
    from pypdf import PdfReader
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(width, height), invariant=1)
    _draw_stamp(c, width, height, top, bottom)
    c.save()
    buf.seek(0)
    return PdfReader(buf).pages[0]


def _image_page(path: Path, width_px: int, height_px: int, top: str, bottom: str):
    _register_font()
    from pypdf import PdfReader
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    size = (A4[1], A4[0]) if width_px > height_px else A4
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=size, invariant=1)
    margin = 15 * MM
    c.drawImage(ImageReader(str(path)), margin, margin, size[0] - 2 * margin, size[1] - 2 * margin,
                preserveAspectRatio=True, anchor="c")
    _draw_stamp(c, size[0], size[1], top, bottom)
    c.save()
    buf.seek(0)
    return PdfReader(buf).pages[0]


def _text_page(text: str, top: str, bottom: str):
    from pypdf import PdfReader
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setFont(_register_font(), 12)
    c.drawString(20 * MM, A4[1] / 2, text)
    _draw_stamp(c, A4[0], A4[1], top, bottom)
    c.save()
    buf.seek(0)
    return PdfReader(buf).pages[0]


def _usable(e: EvidenceEntry) -> bool:
    return e.facts.kind in ("pdf", "jpeg", "png") and not e.facts.problem and bool(e.facts.pages)


def _stamp_attachment(e: EvidenceEntry, count: int, first_page: int, total: int, labels: BundleLabels, reasons):
    """The stamped pages of one attachment, as a pypdf writer."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    page_no = first_page

    def bottom() -> str:
        return labels.page.format(page=page_no, pages=total)

    if not _usable(e):
        page_no += 1
        reason = reasons.get(e.id) or e.facts.problem or f"{e.facts.kind.upper()} is not PDF, JPEG or PNG"
        writer.add_page(_text_page(labels.missing.format(n=e.number, reason=reason),
                                   labels.stamp.format(n=e.number, i=1, count=1), bottom()))
    elif e.facts.kind == "pdf":
        reader = PdfReader(str(e.path), strict=False)
        for i, page in enumerate(reader.pages, 1):
            page_no += 1
            added = writer.add_page(page)
            # a rotated page is turned upright first, so the stamp lands top-right as read
            added.transfer_rotation_to_content()
            box = added.mediabox
            added.merge_page(_overlay(float(box.width), float(box.height),
                                      labels.stamp.format(n=e.number, i=i, count=count), bottom()))
    else:
        page_no += 1
        writer.add_page(_image_page(e.path, e.facts.width or 1, e.facts.height or 1,
                                    labels.stamp.format(n=e.number, i=1, count=1), bottom()))
    return writer


def write_bundle(out: Path, cover_pdf: Path, entries: list[EvidenceEntry], labels: BundleLabels,
                 reasons: dict[str, str] | None = None) -> int:
    """Writes the bundle; returns its page count. Files that cannot be included get a
    page saying why (`reasons` by entry id, else the file's own problem)."""
    import shutil
    import tempfile

    import pikepdf
    from pypdf import PdfReader, PdfWriter

    reasons = reasons or {}
    counts = [e.facts.pages if _usable(e) else 1 for e in entries]
    cover = PdfReader(str(cover_pdf))
    total = len(cover.pages) + sum(counts)
    parts_dir = Path(tempfile.mkdtemp(prefix=".bundle-parts-", dir=out.parent))
    try:
        cover_writer = PdfWriter()
        for i, page in enumerate(cover.pages, 1):
            added = cover_writer.add_page(page)
            box = added.mediabox
            added.merge_page(_overlay(float(box.width), float(box.height), None,
                                      labels.page.format(page=i, pages=total)))
        parts = [parts_dir / "000-cover.pdf"]
        with open(parts[0], "wb") as f:
            cover_writer.write(f)
        del cover_writer
        first_pages = []
        page_no = len(cover.pages)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for k, (e, count) in enumerate(zip(entries, counts), 1):
                first_pages.append(page_no)
                writer = _stamp_attachment(e, count, page_no, total, labels, reasons)
                part = parts_dir / f"{k:03d}.pdf"
                with open(part, "wb") as f:
                    writer.write(f)
                del writer  # this attachment's pages can go before the next one is read
                parts.append(part)
                page_no += count
        bundle = pikepdf.Pdf.new()
        # stream access (not mmap): pages are read from the part files as the bundle is written
        opened = [pikepdf.open(p, access_mode=pikepdf.AccessMode.stream) for p in parts]
        try:
            for pdf in opened:
                bundle.pages.extend(pdf.pages)
            with bundle.open_outline() as outline:
                for e, first in zip(entries, first_pages):
                    outline.root.append(pikepdf.OutlineItem(labels.bookmark.format(n=e.number) + f". {e.name}",
                                                            first))
            tmp = out.with_name(out.name + ".part")
            bundle.save(tmp, deterministic_id=True)
            tmp.replace(out)
        finally:
            for pdf in opened:
                pdf.close()
            bundle.close()
    finally:
        shutil.rmtree(parts_dir, ignore_errors=True)
    return total
