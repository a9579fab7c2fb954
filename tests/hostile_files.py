"""Hostile evidence files (issue #13, item 3), generated without holding their decoded
size in memory. Used by tests/test_hostile_evidence.py (small variants) and by
bench/hostile_bench.py (the full-size ones, with peak RSS)."""
from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(path: Path, width: int, height: int, truncate: bool = False, rgb: bool = False) -> Path:
    """A grayscale (or RGB) PNG of zero rows, compressed while generated. `truncate`: the
    image data stops halfway, in a chunk whose CRC is correct (so Pillow's verify() passes it)."""
    comp = zlib.compressobj(9)
    row = b"\x00" * (width * (3 if rgb else 1) + 1)
    parts = []
    rows = height // 2 if truncate else height
    for _ in range(rows):
        parts.append(comp.compress(row))
    parts.append(comp.flush(zlib.Z_SYNC_FLUSH) if truncate else comp.flush())
    data = b"".join(parts)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2 if rgb else 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", data) + _chunk(b"IEND", b""))
    return path


def lying_jpeg(path: Path, width: int = 10000, height: int = 10000) -> Path:
    """A 64×64 JPEG whose frame header claims `width`×`height`."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 30)).save(buf, "JPEG")
    data = bytearray(buf.getvalue())
    i = 2
    while i < len(data):
        marker, length = data[i + 1], struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC2):
            data[i + 5:i + 9] = struct.pack(">HH", height, width)
            break
        i += 2 + length
    path.write_bytes(bytes(data))
    return path


def aes256_pdf(path: Path) -> Path:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(path, encryption=pikepdf.Encryption(owner="owner", user="user", R=6, aes=True))
    return path


def inflate_bomb_pdf(path: Path, inflated_mb: int = 1024) -> Path:
    """A one-page PDF whose content stream inflates to `inflated_mb` MB of spaces."""
    import pikepdf

    comp = zlib.compressobj(9)
    block = b" " * (1 << 20)
    data = b"".join(comp.compress(block) for _ in range(inflated_mb)) + comp.flush()
    pdf = pikepdf.new()
    pdf.add_blank_page()
    stream = pikepdf.Stream(pdf, data)
    stream.Filter = pikepdf.Name.FlateDecode
    pdf.pages[0].Contents = stream
    pdf.save(path, compress_streams=False)
    return path


def many_pages_pdf(path: Path, pages: int) -> Path:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    first = pdf.pages[0]
    for _ in range(pages - 1):
        pdf.pages.append(first)
    pdf.save(path)
    return path
