"""Facts about one evidence file, read by streaming: memory stays flat however big it is."""
from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

from docgen.digest import sha256_file


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


def sniff(head: bytes) -> str:
    if not head:
        return "empty"
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"hevc"):
        return "heic"
    return "unknown"


DEFAULT_MAX_PAGES = 200  # evidence_rules.max_pages


def _declared_pages(reader) -> int | None:
    """The page tree's /Count: known before any page is touched."""
    try:
        count = reader.trailer["/Root"]["/Pages"]["/Count"]
        return int(count)
    except Exception:  # noqa: BLE001 — a broken tree is found when the pages are read
        return None


def _pdf_facts(path: Path, max_pages: int = DEFAULT_MAX_PAGES) -> tuple[int | None, str | None]:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError

    too_many = ("PDF has {n} pages, over the limit of {max} (evidence_rules.max_pages); "
                "attach the pages that matter")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(str(path), strict=False)
            if reader.is_encrypted:
                return None, "PDF is encrypted"
            declared = _declared_pages(reader)
            if declared is not None and declared > max_pages:
                return declared, too_many.format(n=declared, max=max_pages)
            n = len(reader.pages)
            if n > max_pages:
                return n, too_many.format(n=n, max=max_pages)
            for page in reader.pages:  # the bundle parses every content stream: inflate each once here
                contents = page.get_contents()
                if contents is not None:
                    contents.get_data()
            return n, None
    except LimitReachedError:
        return None, "PDF cannot be read safely (a stream inflates past the size limit)"
    except (DependencyError, FileNotDecryptedError):  # AES-256 and friends: encrypted all the same
        return None, "PDF is encrypted"
    except RecursionError:
        return None, "PDF cannot be read (its page tree nests too deep)"
    except Exception as e:  # noqa: BLE001 — any failure to parse an untrusted file is a finding
        return None, f"PDF cannot be read ({type(e).__name__})"


def _jpeg_has_end(path: Path) -> bool:
    with open(path, "rb") as f:
        f.seek(0, 2)
        f.seek(max(0, f.tell() - 4096))
        return b"\xff\xd9" in f.read()


MAX_IMAGE_PIXELS = 89_478_485  # JPEG: Pillow's decompression-bomb threshold (decoded scaled down)
MAX_DECODE_PIXELS = 30_000_000  # PNG: decoded whole in the bundle; 30 MP ≈ 6000×5000
_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))


def _png_data_problem(path: Path) -> str | None:
    """Inflates the image data as a stream (memory stays flat) and compares its length
    with what the header promises: a truncated IDAT passes Pillow's verify()."""
    import struct
    import zlib

    with open(path, "rb") as f:
        f.read(8)
        d = zlib.decompressobj()
        got = 0
        expected = None
        while True:
            head = f.read(8)
            if len(head) < 8:
                break
            length, kind = struct.unpack(">I4s", head)
            if kind == b"IHDR":
                w, h, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", f.read(13))
                f.read(4)
                bits = depth * _PNG_CHANNELS.get(colour, 4)

                def row_bytes(width: int) -> int:
                    return 1 + (width * bits + 7) // 8 if width else 0
                if interlace:
                    expected = sum(row_bytes((w - x0 + dx - 1) // dx) * ((h - y0 + dy - 1) // dy)
                                   for x0, y0, dx, dy in _ADAM7 if w > x0 and h > y0)
                else:
                    expected = h * row_bytes(w)
                continue
            if kind == b"IDAT":
                left = length
                while left:
                    chunk = f.read(min(left, 1 << 16))
                    if not chunk:
                        break
                    left -= len(chunk)
                    try:
                        got += len(d.decompress(chunk))
                        while d.unconsumed_tail:
                            got += len(d.decompress(d.unconsumed_tail))
                    except zlib.error:
                        return "PNG image data is corrupt"
                f.read(4)
                continue
            if kind == b"IEND":
                break
            f.seek(length + 4, 1)
    if expected is not None and (got < expected or not d.eof):
        return "PNG is truncated (image data incomplete)"
    return None


def _image_facts(path: Path) -> tuple[int | None, int | None, str | None]:
    from PIL import Image

    saved_limit = Image.MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # Opening reads only the header, so a 30000×30000 image costs nothing here; the
            # pixel limits are ours (below), applied before anything is decoded.
            Image.MAX_IMAGE_PIXELS = None
            with Image.open(path) as im:
                w, h = im.width, im.height
                fmt = im.format
                limit = MAX_IMAGE_PIXELS if fmt == "JPEG" else MAX_DECODE_PIXELS
                if w * h > limit:
                    return w, h, f"image is {w}×{h} pixels, too large to process safely; scale it down"
                im.verify()  # PNG: walks every chunk and its CRC without decoding pixels
        if fmt == "JPEG":
            if not _jpeg_has_end(path):
                return w, h, "JPEG is truncated (no end-of-image marker)"
            # every 8×8 luminance block costs at least one bit of entropy-coded data, in any
            # Huffman JPEG (baseline or progressive): fewer bytes means the header lies
            if path.stat().st_size < w * h / 512:
                return w, h, f"JPEG header claims {w}×{h} pixels but the file holds too little image data"
            with Image.open(path) as im:
                # decoded at 1/8 scale: a header that lies about the size has too little data
                im.draft("RGB", (max(1, w // 8), max(1, h // 8)))
                im.load()
        elif fmt == "PNG":
            problem = _png_data_problem(path)
            if problem:
                return w, h, problem
        return w, h, None
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, EOFError) as e:
        return None, None, f"image cannot be read ({type(e).__name__})"
    finally:
        Image.MAX_IMAGE_PIXELS = saved_limit


def inspect_file(path: Path, max_pages: int = DEFAULT_MAX_PAGES) -> FileFacts:
    """The facts of one file; a file read before (same content, same limit) is not parsed
    again (`docgen.evidence.cache`)."""
    from docgen.evidence import cache

    digest, size = sha256_file(path)
    return cache.cached(cache.entry_key("facts", digest, max_pages=max_pages),
                        lambda: _inspect(path, digest, size, max_pages), _facts_from_json, asdict)


_FIELD_TYPES = {"size": (int,), "sha256": (str,), "kind": (str,), "pages": (int, type(None)),
                "width": (int, type(None)), "height": (int, type(None)), "problem": (str, type(None))}


def _facts_from_json(data: dict) -> FileFacts:
    if set(data) != set(_FIELD_TYPES) or not all(isinstance(data[k], t) for k, t in _FIELD_TYPES.items()):
        raise ValueError("not a FileFacts entry")
    return FileFacts(**data)


def _inspect(path: Path, digest: str, size: int, max_pages: int) -> FileFacts:
    with open(path, "rb") as f:
        head = f.read(16)
    kind = sniff(head)
    if kind == "pdf":
        pages, problem = _pdf_facts(path, max_pages)
        return FileFacts(size, digest, kind, pages=pages, problem=problem)
    if kind in ("jpeg", "png"):
        w, h, problem = _image_facts(path)
        return FileFacts(size, digest, kind, pages=1 if problem is None else None, width=w, height=h, problem=problem)
    return FileFacts(size, digest, kind)
