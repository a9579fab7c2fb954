"""Facts about one evidence file, read by streaming: memory stays flat however big it is."""
from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1 << 20

# magic bytes → kind; the extension is never trusted
_MAGIC = (
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"PK\x03\x04", "zip"),  # also DOCX/XLSX
    (b"GIF8", "gif"),
    (b"RIFF", "riff"),  # WEBP and others
)


@dataclass(frozen=True)
class FileFacts:
    size: int
    sha256: str
    kind: str  # pdf | jpeg | png | zip | gif | riff | heic | empty | unknown
    pages: int | None = None
    width: int | None = None
    height: int | None = None
    problem: str | None = None  # unreadable, encrypted, truncated …


def sha256_file(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def sniff(head: bytes) -> str:
    if not head:
        return "empty"
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"hevc"):
        return "heic"
    return "unknown"


def _pdf_facts(path: Path) -> tuple[int | None, str | None]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(str(path), strict=False)
            if reader.is_encrypted:
                return None, "PDF is encrypted"
            return len(reader.pages), None
    except (PdfReadError, ValueError, KeyError, OSError, TypeError, AttributeError) as e:
        return None, f"PDF cannot be read ({type(e).__name__})"


def _jpeg_has_end(path: Path) -> bool:
    with open(path, "rb") as f:
        f.seek(0, 2)
        f.seek(max(0, f.tell() - 4096))
        return b"\xff\xd9" in f.read()


MAX_IMAGE_PIXELS = 89_478_485  # Pillow's own decompression-bomb threshold


def _image_facts(path: Path) -> tuple[int | None, int | None, str | None]:
    from PIL import Image

    saved_limit = Image.MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # Opening reads only the header, so a 30000×30000 image costs nothing here; the
            # pixel limit is ours (below), applied before anything is decoded.
            Image.MAX_IMAGE_PIXELS = None
            with Image.open(path) as im:
                w, h = im.width, im.height
                if w * h > MAX_IMAGE_PIXELS:
                    return w, h, f"image is {w}×{h} pixels, too large to process safely; scale it down"
                fmt = im.format
                im.verify()  # PNG: walks every chunk and its CRC without decoding pixels
        if fmt == "JPEG" and not _jpeg_has_end(path):
            return w, h, "JPEG is truncated (no end-of-image marker)"
        return w, h, None
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as e:
        return None, None, f"image cannot be read ({type(e).__name__})"
    finally:
        Image.MAX_IMAGE_PIXELS = saved_limit


def inspect_file(path: Path) -> FileFacts:
    digest, size = sha256_file(path)
    with open(path, "rb") as f:
        head = f.read(16)
    kind = sniff(head)
    if kind == "pdf":
        pages, problem = _pdf_facts(path)
        return FileFacts(size, digest, kind, pages=pages, problem=problem)
    if kind in ("jpeg", "png"):
        w, h, problem = _image_facts(path)
        return FileFacts(size, digest, kind, pages=1 if problem is None else None, width=w, height=h, problem=problem)
    return FileFacts(size, digest, kind)
