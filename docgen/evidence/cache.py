"""What docgen learns by reading an evidence file — its facts (`inspect_file`), the buyer
data found in it (text layer and OCR), its active PDF content — kept on disk under
`<cache dir>/evidence/`, so that a rebuild, or another case of a batch attaching the
same file, runs neither pypdf, pdftotext, pikepdf nor Tesseract on it again.

An entry is one small JSON file named by the SHA-256 of its key: the file's SHA-256
(its content, never its path), what was computed, its parameters (OCR languages, the
seller's own addresses, the page limit), the Tesseract version where OCR may run, and
`rules_version()` — a hash of docgen's version and of the code that reads evidence
(inspect, pii, redact) and of the phone-number library, so that a change to any of them
recomputes. A missing, unreadable or malformed entry is ignored (and rewritten);
writes are atomic (temporary file + rename), so parallel workers may share the folder.
"""
from __future__ import annotations

import hashlib
import json
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from docgen import diskcache

FOLDER = "evidence"


@lru_cache(maxsize=1)
def rules_version() -> str:
    """Changes whenever the code (or the library) that reads evidence changes."""
    from docgen.version import __version__

    h = hashlib.sha256(__version__.encode())
    here = Path(__file__).resolve().parent
    for name in ("inspect.py", "pii.py", "redact.py"):
        h.update((here / name).read_bytes())
    try:
        from importlib.metadata import version

        h.update(version("phonenumbers").encode())
    except Exception:  # noqa: BLE001 — not installed: the scan reports it elsewhere
        pass
    return h.hexdigest()[:16]


@lru_cache(maxsize=1)
def tesseract_version() -> str:
    """`tesseract --version`'s first line ("" when it is not installed)."""
    try:
        out = subprocess.run(["tesseract", "--version"], capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return ""
    text = (out.stdout or out.stderr).decode("utf-8", "replace").strip()
    return text.splitlines()[0] if text else ""


def folder() -> Path:
    return diskcache.folder(FOLDER)


def entry_key(what: str, sha256: str, **params: Any) -> str:
    data = {"what": what, "sha256": sha256, "rules": rules_version(), **params}
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def get(key: str) -> Any | None:
    return diskcache.get(FOLDER, key)


def put(key: str, value: Any) -> None:
    diskcache.put(FOLDER, key, value)


def cached(key: str, compute: Callable[[], Any], load: Callable[[Any], Any], dump: Callable[[Any], Any]) -> Any:
    return diskcache.cached(FOLDER, key, compute, load, dump)


forget_memory = diskcache.forget_memory

__all__ = ["cached", "entry_key", "folder", "forget_memory", "get", "put", "rules_version", "tesseract_version"]
