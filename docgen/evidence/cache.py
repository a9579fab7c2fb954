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
import os
import subprocess
import tempfile
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

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
    from docgen.settings import current

    return current().cache_dir / FOLDER


def entry_key(what: str, sha256: str, **params: Any) -> str:
    data = {"what": what, "sha256": sha256, "rules": rules_version(), **params}
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


# values read or written by this process (content-addressed, so never stale): a build
# asks for one file's scan from three places (two checks and the bundle)
_memory: "OrderedDict[tuple[str, str], Any]" = OrderedDict()
_MEMORY_ENTRIES = 512


def forget_memory() -> None:
    """Drops what this process holds (the disk entries stay): as a new process would start."""
    _memory.clear()


def _remember(where: Path, key: str, value: Any) -> None:
    _memory[(str(where), key)] = value
    _memory.move_to_end((str(where), key))
    while len(_memory) > _MEMORY_ENTRIES:
        _memory.popitem(last=False)


def get(key: str) -> Any | None:
    """The stored value, or None when there is none or it cannot be read."""
    where = folder()
    if (str(where), key) in _memory:
        return _memory[(str(where), key)]
    path = where / key[:2] / f"{key}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != key or "value" not in data:
        return None
    _remember(where, key, data["value"])
    return data["value"]


def put(key: str, value: Any) -> None:
    """Stores `value` (JSON) atomically; a cache that cannot be written is skipped."""
    where = folder()
    _remember(where, key, value)
    path = where / key[:2] / f"{key}.json"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump({"key": key, "value": value}, f, ensure_ascii=False)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return


def cached(key: str, compute: Callable[[], Any], load: Callable[[Any], Any], dump: Callable[[Any], Any]) -> Any:
    """`load(stored)` when the entry is there and loads; else `compute()`, stored as `dump(value)`."""
    stored = get(key)
    if stored is not None:
        try:
            return load(stored)
        except (TypeError, ValueError, KeyError, IndexError):
            pass  # a malformed entry: computed again and overwritten
    value = compute()
    put(key, dump(value))
    return value


__all__ = ["cached", "entry_key", "folder", "forget_memory", "get", "put", "rules_version", "tesseract_version"]
