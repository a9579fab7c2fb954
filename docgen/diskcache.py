"""Small values docgen computes from content — what an evidence file holds, how many
pages a document lays out to, the font subsets of a PDF — kept as JSON entries (or
checked byte strings) under `<cache dir>/<namespace>/`, one file per key (the SHA-256 of everything the value depends on, content included, so
an entry is never stale). A missing, unreadable or malformed entry is ignored and
rewritten; writes are atomic (temporary file + rename), so parallel workers and a web
server share the folder; deleting it is always safe. What this process read or wrote
is also kept in memory (bounded)."""
from __future__ import annotations

import json
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable

from docgen.atomicwrite import write_bytes_atomically


def folder(namespace: str) -> Path:
    from docgen.settings import current

    return current().cache_dir / namespace


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


def get(namespace: str, key: str) -> Any | None:
    """The stored value, or None when there is none or it cannot be read."""
    where = folder(namespace)
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


def put(namespace: str, key: str, value: Any) -> None:
    """Stores `value` (JSON) atomically; a cache that cannot be written is skipped."""
    where = folder(namespace)
    _remember(where, key, value)
    data = json.dumps({"key": key, "value": value}, ensure_ascii=False).encode("utf-8")
    write_bytes_atomically(where / key[:2] / f"{key}.json", data)


def get_bytes(namespace: str, key: str) -> bytes | None:
    """Stored bytes (`put_bytes`), or None when there are none or they are not whole:
    each entry carries the SHA-256 of its bytes and is checked on reading."""
    import hashlib

    try:
        data = (folder(namespace) / key[:2] / f"{key}.bin").read_bytes()
    except OSError:
        return None
    digest, body = data[:32], data[32:]
    return body if len(digest) == 32 and hashlib.sha256(body).digest() == digest else None


def put_bytes(namespace: str, key: str, body: bytes) -> None:
    """Stores `body` atomically (not kept in memory: callers hold their own)."""
    import hashlib

    write_bytes_atomically(folder(namespace) / key[:2] / f"{key}.bin", hashlib.sha256(body).digest() + body)


def cached(namespace: str, key: str, compute: Callable[[], Any], load: Callable[[Any], Any],
           dump: Callable[[Any], Any]) -> Any:
    """`load(stored)` when the entry is there and loads; else `compute()`, stored as `dump(value)`."""
    stored = get(namespace, key)
    if stored is not None:
        try:
            return load(stored)
        except (TypeError, ValueError, KeyError, IndexError):
            pass  # a malformed entry: computed again and overwritten
    value = compute()
    put(namespace, key, dump(value))
    return value


__all__ = ["cached", "folder", "forget_memory", "get", "get_bytes", "put", "put_bytes"]
