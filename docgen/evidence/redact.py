"""Masking buyers' personal data in what is sent, and removing active PDF content.

Where the data is: PDF text layers through `pdftotext -bbox-layout` (word boxes in
points), images and PDF pages without a text layer through Tesseract (`tesseract … tsv`,
word boxes in pixels). The words of each line are joined, the PII patterns
(`docgen.evidence.pii`) run over the line, and every match becomes the union of the
boxes of the words it touches.

How it is masked (only in the bundle; the seller's files are never modified): an image
gets opaque boxes painted into its pixels; a PDF page with a hit is rasterised at
150 dpi with the boxes burnt in, so its text layer — and the value — is gone.

Active content (JavaScript, Launch and other actions, /AA, /OpenAction, embedded
files, forms) is found in the evidence PDFs and stripped from the bundle with pikepdf.
"""
from __future__ import annotations

import os
import subprocess
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from docgen.evidence.pii import pii_spans
from docgen.settings import child_env

RASTER_DPI = 150  # a masked PDF page is rasterised at this resolution (Ozon: legible at ≥ 150 dpi)
PAD = 0.25  # boxes grow by this fraction of the line height on every side
OCR_MAX_SIDE = 2500  # larger images (12 MP photos) are scaled down for OCR only (boxes scaled back)


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float  # top-left origin; points on a PDF page, pixels on an image

    def grown(self, pad: float) -> "Box":
        return Box(self.x0 - pad, self.y0 - pad, self.x1 + pad, self.y1 + pad)

    def scaled(self, k: float) -> "Box":
        return Box(self.x0 * k, self.y0 * k, self.x1 * k, self.y1 * k)


@dataclass(frozen=True)
class Word:
    text: str
    box: Box


@dataclass(frozen=True)
class PiiHit:
    page: int  # 1-based; 1 for an image
    kind: str  # phone | email | passport | id-card (pii.KIND_LABELS)
    boxes: tuple[Box, ...]
    ocr: bool  # found by OCR (image or a page without text layer)


@dataclass(frozen=True)
class Scan:
    hits: tuple[PiiHit, ...] = ()
    problem: str | None = None  # the file could not be scanned: masking is impossible
    ocr_seconds: float = field(default=0.0, compare=False)  # timing, not part of what was found
    page_sizes: dict = field(default_factory=dict)  # page → (width, height) in points (PDF)

    def pages(self) -> dict[int, list[Box]]:
        out: dict[int, list[Box]] = {}
        for h in self.hits:
            out.setdefault(h.page, []).extend(h.boxes)
        return out


def hits_in_lines(lines: list[list[Word]], page: int, own: frozenset[str], ocr: bool) -> list[PiiHit]:
    """Runs the PII patterns over each line (words joined by one space)."""
    hits = []
    for words in lines:
        text, offsets = "", []
        for w in words:
            if text:
                text += " "
            offsets.append((len(text), len(text) + len(w.text)))
            text += w.text
        for kind, start, end in pii_spans(text, own):
            touched = [w for w, (a, b) in zip(words, offsets) if a < end and b > start]
            if touched:
                h = max(w.box.y1 - w.box.y0 for w in touched)
                hits.append(PiiHit(page, kind, tuple(w.box.grown(h * PAD) for w in touched), ocr))
    return hits


# ---- text layers ------------------------------------------------------------------------

def _pdf_words(path: Path) -> list[tuple[float, float, list[list[Word]]]]:
    """Per page: width, height (points) and the lines of words with their boxes."""
    out = subprocess.run(["pdftotext", "-q", "-bbox-layout", "-enc", "UTF-8", str(path), "-"],
                         capture_output=True, timeout=300)
    if out.returncode != 0:
        raise ValueError(f"pdftotext failed (exit {out.returncode})")
    xml = out.stdout.decode("utf-8", "replace")
    root = ET.fromstring(xml[xml.index("<html"):] if "<html" in xml else xml)
    pages = []
    for page in root.iter("{http://www.w3.org/1999/xhtml}page"):
        lines = []
        for line in page.iter("{http://www.w3.org/1999/xhtml}line"):
            words = [Word(w.text or "", Box(float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")),
                                            float(w.get("yMax"))))
                     for w in line.iter("{http://www.w3.org/1999/xhtml}word")]
            if words:
                lines.append(words)
        pages.append((float(page.get("width")), float(page.get("height")), lines))
    return pages


# ---- OCR ------------------------------------------------------------------------------

def tesseract_available() -> bool:
    from shutil import which

    return which("tesseract") is not None


def ocr_lines(image_path: Path, langs: str) -> list[list[Word]]:
    """Word boxes (pixels of the image as stored) from `tesseract IMAGE - -l LANGS tsv`."""
    from PIL import Image

    scale = 1.0
    src = image_path
    tmp = None
    with Image.open(image_path) as im:
        side = max(im.size)
        if side > OCR_MAX_SIDE or im.mode not in ("RGB", "L", "RGBA", "P", "1"):
            import tempfile

            scale = min(1.0, OCR_MAX_SIDE / side)
            small = im.convert("RGB")
            if scale < 1:
                small = small.resize((round(im.width * scale), round(im.height * scale)))
            # uncompressed: PNG's deflate of a 12 MP photo cost ~1 s of CPU for a file read once
            fd, name = tempfile.mkstemp(suffix=".ppm")
            os.close(fd)
            tmp = Path(name)
            small.save(tmp, format="PPM")
            src = tmp
    try:
        env = child_env(OMP_THREAD_LIMIT="1")  # frugal: one core per OCR
        out = subprocess.run(["tesseract", str(src), "-", "-l", langs, "tsv"], capture_output=True, env=env,
                             timeout=600)
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    if out.returncode != 0:
        raise ValueError(f"tesseract failed (exit {out.returncode})")
    lines: dict[tuple, list[Word]] = {}
    for row in out.stdout.decode("utf-8", "replace").splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        left, top, width, height = (int(c) for c in cols[6:10])
        box = Box(left, top, left + width, top + height).scaled(1 / scale)
        lines.setdefault((cols[1], cols[2], cols[3], cols[4]), []).append(Word(cols[11].strip(), box))
    return list(lines.values())


def rasterise_page(path: Path, page: int, dpi: int, out_prefix: Path, image_format: str = "png") -> Path:
    """One PDF page as PNG, or uncompressed PPM for an image only OCR reads (`pdftoppm`);
    returns the file."""
    flag = ["-png"] if image_format == "png" else []
    subprocess.run(["pdftoppm", "-q", "-r", str(dpi), "-f", str(page), "-l", str(page), *flag, "-singlefile",
                    str(path), str(out_prefix)], check=True, capture_output=True, timeout=300)
    return out_prefix.with_name(f"{out_prefix.name}.{image_format}")


# ---- scanning one evidence file -------------------------------------------------------

def ocr_languages(seller_language: str | None) -> str:
    return "rus+eng+chi_sim" if seller_language == "zh" else "rus+eng"


def _scan_to_json(scan: Scan) -> dict:
    return {"hits": [[h.page, h.kind, [[b.x0, b.y0, b.x1, b.y1] for b in h.boxes], h.ocr] for h in scan.hits],
            "ocr_seconds": scan.ocr_seconds, "page_sizes": [[n, w, h] for n, (w, h) in scan.page_sizes.items()]}


def _scan_from_json(data: dict) -> Scan:
    hits = tuple(PiiHit(int(page), str(kind), tuple(Box(*(float(v) for v in b)) for b in boxes), bool(ocr))
                 for page, kind, boxes, ocr in data["hits"])
    sizes = {int(n): (float(w), float(h)) for n, w, h in data["page_sizes"]}
    return Scan(hits, ocr_seconds=float(data["ocr_seconds"]), page_sizes=sizes)


def _scan_cached(path: str, sha256: str, kind: str, langs: str, own: frozenset[str]) -> Scan:
    """The scan of one file's content, from the evidence cache when it was scanned before
    with the same languages, Tesseract and rules; a scan that failed is not kept."""
    from docgen.evidence import cache

    key = cache.entry_key("pii-scan", sha256, kind=kind, langs=langs, own=sorted(own),
                          tesseract=cache.tesseract_version())
    stored = cache.get(key)
    if stored is not None:
        try:
            return _scan_from_json(stored)
        except (TypeError, ValueError, KeyError, IndexError):
            pass  # a malformed entry: scanned again and overwritten
    scan = _scan(path, kind, langs, own)
    if scan.problem is None:
        cache.put(key, _scan_to_json(scan))
    return scan


def _scan(path: str, kind: str, langs: str, own: frozenset[str]) -> Scan:
    p = Path(path)
    started = time.perf_counter()
    ocr_time = 0.0
    try:
        if kind in ("jpeg", "png"):
            if not tesseract_available():
                return Scan(problem="Tesseract is not installed (run ./scripts/setup); the image was not scanned")
            hits = hits_in_lines(ocr_lines(p, langs), 1, own, ocr=True)
            return Scan(tuple(hits), ocr_seconds=time.perf_counter() - started)
        if kind == "pdf":
            hits: list[PiiHit] = []
            sizes = {}
            for n, (w, h, lines) in enumerate(_pdf_words(p), 1):
                sizes[n] = (w, h)
                if lines:
                    hits += hits_in_lines(lines, n, own, ocr=False)
                elif tesseract_available():  # a scanned page: OCR a 150 dpi rendering
                    import tempfile

                    t0 = time.perf_counter()
                    with tempfile.TemporaryDirectory() as d:
                        ppm = rasterise_page(p, n, RASTER_DPI, Path(d) / "page", "ppm")
                        k = 72 / RASTER_DPI
                        for hit in hits_in_lines(ocr_lines(ppm, langs), n, own, ocr=True):
                            hits.append(PiiHit(hit.page, hit.kind, tuple(b.scaled(k) for b in hit.boxes), True))
                    ocr_time += time.perf_counter() - t0
            return Scan(tuple(hits), ocr_seconds=ocr_time, page_sizes=sizes)
    except (ValueError, OSError, subprocess.SubprocessError, ET.ParseError) as e:
        return Scan(problem=f"could not be scanned for personal data ({type(e).__name__})")
    return Scan()


def scan_evidence(path: Path, sha256: str, kind: str, seller_language: str | None = None,
                  own: frozenset[str] = frozenset()) -> Scan:
    """Buyer data in one evidence file (cached by content: QA and the bundle share one scan)."""
    return _scan_cached(str(path), sha256, kind, ocr_languages(seller_language), frozenset(a.lower() for a in own))


# ---- masking (bundle only) -----------------------------------------------------------

def masked_image(path: Path, boxes: list[Box], out: Path) -> Path:
    """A copy of the image with opaque boxes painted into its pixels (PNG stays PNG,
    anything else becomes JPEG)."""
    from PIL import Image, ImageDraw

    with Image.open(path) as im:
        img = im.convert("RGB")
    draw = ImageDraw.Draw(img)
    for b in boxes:
        draw.rectangle([b.x0, b.y0, b.x1, b.y1], fill=(0, 0, 0))
    if path.suffix.lower() == ".png" or out.suffix == ".png":
        out = out.with_suffix(".png")
        img.save(out, optimize=False)
    else:
        out = out.with_suffix(".jpg")
        img.save(out, quality=90)
    return out


def masked_page_image(path: Path, page: int, boxes_pt: list[Box], out_prefix: Path) -> Path:
    """The PDF page rasterised at RASTER_DPI with the boxes (points) burnt in."""
    from PIL import Image, ImageDraw

    png = rasterise_page(path, page, RASTER_DPI, out_prefix)
    k = RASTER_DPI / 72
    with Image.open(png) as im:
        img = im.convert("RGB")
    draw = ImageDraw.Draw(img)
    for b in boxes_pt:
        s = b.scaled(k)
        draw.rectangle([s.x0, s.y0, s.x1, s.y1], fill=(0, 0, 0))
    img.save(png)
    return png


# ---- active content ------------------------------------------------------------------

_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/ResetForm", "/GoToE", "/GoToR",
                   "/Rendition", "/RichMediaExecute", "/Sound", "/Movie", "/Hide", "/SetOCGState"}
_ACTIVE_ANNOTS = {"/Widget", "/FileAttachment", "/Screen", "/Movie", "/Sound", "/RichMedia", "/3D"}


def _action_kinds(action) -> set[str]:
    import pikepdf

    kinds = set()
    seen = 0
    while isinstance(action, pikepdf.Dictionary) and seen < 50:
        s = action.get("/S")
        if s is not None and str(s) in _ACTIVE_ACTIONS:
            kinds.add(str(s).lstrip("/"))
        action = action.get("/Next")
        seen += 1
    return kinds


def active_content(path: Path) -> list[str]:
    """What an evidence PDF carries that could act when opened: JavaScript, Launch,
    auto-actions, embedded files, forms (names, sorted)."""
    import pikepdf

    found: set[str] = set()
    try:
        with pikepdf.open(path) as pdf:
            root = pdf.Root
            if "/OpenAction" in root:
                found.add("OpenAction")
                found |= _action_kinds(root.OpenAction)
            if "/AA" in root:
                found.add("AA")
            if "/AcroForm" in root:
                found.add("form")
            names = root.get("/Names")
            if names is not None:
                if "/JavaScript" in names:
                    found.add("JavaScript")
                if "/EmbeddedFiles" in names:
                    found.add("embedded files")
            for page in pdf.pages:
                if "/AA" in page.obj:
                    found.add("AA")
                for annot in page.obj.get("/Annots", []) or []:
                    if not isinstance(annot, pikepdf.Dictionary):
                        continue
                    sub = str(annot.get("/Subtype", ""))
                    if sub == "/Widget":
                        found.add("form")
                    elif sub == "/FileAttachment":
                        found.add("embedded files")
                    elif sub in _ACTIVE_ANNOTS:
                        found.add(sub.lstrip("/"))
                    if "/AA" in annot:
                        found.add("AA")
                    found |= _action_kinds(annot.get("/A"))
    except Exception:  # unreadable: evidence-readable reports it; nothing of it reaches the bundle
        return []
    return sorted(found)


def evidence_active_content(path: Path, sha256: str) -> list[str]:
    """`active_content` of an evidence file, from the evidence cache when its content
    was read before."""
    from docgen.evidence import cache

    def load(value) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError("not a list of names")
        return value

    return cache.cached(cache.entry_key("active-content", sha256), lambda: active_content(path), load, list)


def strip_active(pdf) -> None:
    """Removes from a pikepdf document everything `active_content` looks for."""
    import pikepdf

    root = pdf.Root
    for key in ("/OpenAction", "/AA", "/AcroForm"):
        if key in root:
            del root[key]
    names = root.get("/Names")
    if names is not None:
        for key in ("/JavaScript", "/EmbeddedFiles"):
            if key in names:
                del names[key]
    for page in pdf.pages:
        if "/AA" in page.obj:
            del page.obj["/AA"]
        annots = page.obj.get("/Annots")
        if annots is None:
            continue
        keep = []
        for annot in annots:
            if not isinstance(annot, pikepdf.Dictionary):
                continue
            if str(annot.get("/Subtype", "")) in _ACTIVE_ANNOTS or _action_kinds(annot.get("/A")):
                continue
            if "/AA" in annot:
                del annot["/AA"]
            keep.append(annot)
        if keep:
            page.obj["/Annots"] = pikepdf.Array(keep)
        else:
            del page.obj["/Annots"]


def scan_entry(entry, own: frozenset[str] = frozenset()) -> Scan | None:
    """The scan of one evidence entry that goes into the bundle (None when it does not)."""
    if entry.facts.kind not in ("pdf", "jpeg", "png") or entry.facts.problem or not entry.facts.pages:
        return None
    return scan_evidence(entry.path, entry.facts.sha256, entry.facts.kind, entry.source_lang, own)


def scan_entries(entries, own: frozenset[str] = frozenset()) -> list[Scan | None]:
    """scan_entry of several entries, the ones not in the cache read side by side: one
    Tesseract per core (each runs single-threaded), so a case with three screenshots waits
    for the slowest OCR rather than for the sum."""
    entries = list(entries)
    workers = min(len(entries), len(os.sched_getaffinity(0)))
    if workers < 2:
        return [scan_entry(e, own) for e in entries]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(workers, thread_name_prefix="docgen-scan") as pool:
        return list(pool.map(lambda e: scan_entry(e, own), entries))


def bundle_masks(entries, own: frozenset[str] = frozenset()) -> dict[str, Scan]:
    """Entry id → scan, for the entries with buyer data to mask."""
    out = {}
    for e in entries:
        scan = scan_entry(e, own)
        if scan is not None and scan.hits:
            out[e.id] = scan
    return out
