"""`sha256_file`: the SHA-256 of a file, read in blocks — what the evidence index, the
output manifest, `batch --only-changed` and the glyph-coverage record key things by.
Light on purpose (hashlib only): the font and output-store modules import it at start."""
from __future__ import annotations

import hashlib
from pathlib import Path

_BLOCK = 1 << 20


def sha256_file(path: Path | str) -> tuple[str, int]:
    """(hex digest, size in bytes)."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(_BLOCK):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size
