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
from docgen.i18n import msg, size_text

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


def _full_page_image(png: Path, top: str, bottom: str):
    """A rasterised page (masked) at its own size: the image fills the page."""
    _register_font()
    from PIL import Image
    from pypdf import PdfReader
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from docgen.evidence.redact import RASTER_DPI

    with Image.open(png) as im:
        size = (im.width * 72 / RASTER_DPI, im.height * 72 / RASTER_DPI)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=size, invariant=1)
    c.drawImage(ImageReader(str(png)), 0, 0, size[0], size[1])
    _draw_stamp(c, size[0], size[1], top, bottom)
    c.save()
    buf.seek(0)
    return PdfReader(buf).pages[0]


# Images are placed inside A4 less 15 mm margins; their resolution there is what counts.
MIN_DPI = 150  # never below this (legibility; Ozon's scans)
TARGET_DPI = 200  # large photos are scaled down to this
RECOMPRESS_OVER = 1024 * 1024  # … when the file is bigger than this (and always when over the limit)


def placed_dpi(width_px: int, height_px: int) -> float:
    page = (A4[1], A4[0]) if width_px > height_px else A4
    area_w, area_h = (page[0] - 30 * MM) / 72, (page[1] - 30 * MM) / 72  # inches
    scale = min(area_w / width_px, area_h / height_px)  # inches per pixel
    return 1 / scale


def prepared_image(path: Path, width_px: int, height_px: int, size: int, limit: int | None, work: Path) -> Path:
    """The image as it goes into the bundle: unchanged, or recompressed (JPEG, ≥ 150 dpi
    where it is placed on A4) when it is large or over the per-file limit."""
    dpi = placed_dpi(width_px, height_px)
    over = limit is not None and size > limit
    if not over and (size <= RECOMPRESS_OVER or dpi <= TARGET_DPI):
        return path
    from PIL import Image

    with Image.open(path) as im:
        img = im.convert("RGB")
    for target, quality in ((TARGET_DPI, 85), (TARGET_DPI, 75), (MIN_DPI, 75)):
        k = min(1.0, target / dpi)
        small = img.resize((max(1, round(img.width * k)), max(1, round(img.height * k))), Image.LANCZOS) \
            if k < 1 else img
        out = work / f"{path.stem}-{target}-{quality}.jpg"
        small.save(out, quality=quality, optimize=True)
        if limit is None or out.stat().st_size <= limit * 0.9:
            return out
    return out


def _usable(e: EvidenceEntry) -> bool:
    return e.facts.kind in ("pdf", "jpeg", "png") and not e.facts.problem and bool(e.facts.pages)


def _stamp_attachment(e: EvidenceEntry, count: int, first_page: int, total: int, labels: BundleLabels, reasons,
                      mask=None, limit: int | None = None, work: Path | None = None):
    """The stamped pages of one attachment, as a pypdf writer. `mask`: the redact Scan
    whose hits are masked (PDF pages with a hit rasterised, images painted over)."""
    from pypdf import PdfReader, PdfWriter

    from docgen.evidence.redact import masked_image, masked_page_image

    writer = PdfWriter()
    page_no = first_page
    masked_pages = mask.pages() if mask is not None else {}

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
            top = labels.stamp.format(n=e.number, i=i, count=count)
            if i in masked_pages:
                png = masked_page_image(e.path, i, masked_pages[i], work / f"{e.number:03d}-p{i}")
                writer.add_page(_full_page_image(png, top, bottom()))
                continue
            added = writer.add_page(page)
            # a rotated page is turned upright first, so the stamp lands top-right as read
            added.transfer_rotation_to_content()
            box = added.mediabox
            added.merge_page(_overlay(float(box.width), float(box.height), top, bottom()))
    else:
        page_no += 1
        path = e.path
        if 1 in masked_pages:
            path = masked_image(path, masked_pages[1], work / f"{e.number:03d}-masked{path.suffix.lower()}")
        path = prepared_image(path, e.facts.width or 1, e.facts.height or 1,
                              path.stat().st_size, limit, work)
        writer.add_page(_image_page(path, e.facts.width or 1, e.facts.height or 1,
                                    labels.stamp.format(n=e.number, i=1, count=1), bottom()))
    return writer


@dataclass
class BundleResult:
    files: list[Path]  # evidence-bundle.pdf, or evidence-bundle-part1.pdf, -part2.pdf … each ≤ the limit
    pages: int
    problems: list[str]  # what could not be kept under the limit (a single page over it)


@dataclass
class _Unit:
    path: Path  # a PDF holding some consecutive bundle pages
    first: int  # 0-based bundle page index of its first page
    pages: int


def _split_unit(unit: _Unit, work: Path) -> list[_Unit]:
    """One PDF per page of a unit (to split an attachment bigger than the limit)."""
    import pikepdf

    out = []
    with pikepdf.open(unit.path) as src:
        for i, page in enumerate(src.pages):
            one = pikepdf.Pdf.new()
            one.pages.append(page)
            p = unit.path.with_name(f"{unit.path.stem}-p{i + 1:04d}.pdf")
            one.save(p)
            one.close()
            out.append(_Unit(p, unit.first + i, 1))
    return out


def _save_group(units: list[_Unit], out: Path, bookmarks: list[tuple[str, int]]) -> int:
    """Joins units into `out` (active content stripped); returns its size."""
    import pikepdf

    from docgen.evidence.redact import strip_active

    bundle = pikepdf.Pdf.new()
    # stream access (not mmap): pages are read from the part files as the bundle is written
    opened = [pikepdf.open(u.path, access_mode=pikepdf.AccessMode.stream) for u in units]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "forms are not preserved": they are removed anyway
            for pdf in opened:
                bundle.pages.extend(pdf.pages)
        strip_active(bundle)
        first = units[0].first
        last = units[-1].first + units[-1].pages
        with bundle.open_outline() as outline:
            for title, page in bookmarks:
                if first <= page < last:
                    outline.root.append(pikepdf.OutlineItem(title, page - first))
        tmp = out.with_name(out.name + ".part")
        bundle.save(tmp, deterministic_id=True)
        tmp.replace(out)
    finally:
        for pdf in opened:
            pdf.close()
        bundle.close()
    return out.stat().st_size


def _groups(units: list[_Unit], budget: int) -> list[list[_Unit]]:
    groups: list[list[_Unit]] = [[]]
    size = 0
    for u in units:
        s = u.path.stat().st_size
        if groups[-1] and size + s > budget:
            groups.append([])
            size = 0
        groups[-1].append(u)
        size += s
    return groups


def write_bundle(out: Path, cover_pdf: Path | bytes, entries: list[EvidenceEntry], labels: BundleLabels,
                 reasons: dict[str, str] | None = None, masks: dict | None = None,
                 max_bytes: int | None = None) -> BundleResult:
    """Writes the bundle; files that cannot be included get a page saying why (`reasons`
    by entry id, else the file's own problem). `masks`: entry id → redact Scan (buyer
    data masked). `max_bytes`: every file written stays under it — the bundle is split
    into `…-part1.pdf`, `…-part2.pdf` … at attachment boundaries (inside an attachment
    when one alone is bigger); large images are recompressed."""
    import shutil
    import tempfile

    from pypdf import PdfReader, PdfWriter

    reasons = reasons or {}
    masks = masks or {}
    counts = [e.facts.pages if _usable(e) else 1 for e in entries]
    cover = PdfReader(io.BytesIO(cover_pdf) if isinstance(cover_pdf, bytes) else str(cover_pdf))
    total = len(cover.pages) + sum(counts)
    parts_dir = Path(tempfile.mkdtemp(prefix=".bundle-parts-", dir=out.parent))
    try:
        cover_writer = PdfWriter()
        for i, page in enumerate(cover.pages, 1):
            added = cover_writer.add_page(page)
            box = added.mediabox
            added.merge_page(_overlay(float(box.width), float(box.height), None,
                                      labels.page.format(page=i, pages=total)))
        units = [_Unit(parts_dir / "000-cover.pdf", 0, len(cover.pages))]
        with open(units[0].path, "wb") as f:
            cover_writer.write(f)
        del cover_writer
        bookmarks = []
        page_no = len(cover.pages)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for k, (e, count) in enumerate(zip(entries, counts), 1):
                bookmarks.append((labels.bookmark.format(n=e.number) + f". {e.name}", page_no))
                writer = _stamp_attachment(e, count, page_no, total, labels, reasons, masks.get(e.id),
                                           max_bytes, parts_dir)
                part = parts_dir / f"{k:03d}.pdf"
                with open(part, "wb") as f:
                    writer.write(f)
                del writer  # this attachment's pages can go before the next one is read
                units.append(_Unit(part, page_no, count))
                page_no += count
        problems: list[str] = []
        if max_bytes is None or sum(u.path.stat().st_size for u in units) <= max_bytes * 0.97:
            _save_group(units, out, bookmarks)
            return BundleResult([out], total, problems)
        # split: whole attachments where they fit, page by page where one alone does not
        fine: list[_Unit] = []
        for u in units:
            fine += _split_unit(u, parts_dir) if u.path.stat().st_size > max_bytes * 0.9 and u.pages > 1 else [u]
        budget = int(max_bytes * 0.9)
        for _attempt in range(4):
            groups = _groups(fine, budget)
            files = [out.with_name(f"{out.stem}-part{i}.pdf") for i in range(1, len(groups) + 1)]
            sizes = [_save_group(g, f, bookmarks) for g, f in zip(groups, files)]
            if _attempt == 3 or all(s <= max_bytes for s, g in zip(sizes, groups) if len(g) > 1):
                break
            for f in files:
                f.unlink(missing_ok=True)
            budget = int(budget * 0.8)
        for s, g, f in zip(sizes, groups, files):
            if s > max_bytes:
                problems.append(msg("evidence.bundle-page-alone-mb", name=f.name, first=g[0].first + 1, size=size_text(s), max_bytes=size_text(max_bytes)))
        return BundleResult(files, total, problems)
    finally:
        shutil.rmtree(parts_dir, ignore_errors=True)
