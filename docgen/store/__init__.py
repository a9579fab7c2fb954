"""The output store: the one owner of "where outputs go". A pipeline hands it payloads
by kind; it writes every row of the OUTPUTS table (`docgen.writers.registry`) whose kind
it has, into a staged folder that replaces OUTDIR in one rename (`outdir.py`), and
records each file's path, SHA-256 and size for the manifest (`manifest.py`)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Mapping

from docgen.writers.registry import WRITERS, Output, outputs_for

# A payload: the data for one file of a kind and the name parameters ({lang}); the data
# may be a function of the store, for outputs made from earlier ones (bundle cover,
# PDF/A attachments, the manifest).
Payload = tuple[Any, Mapping[str, str]]


def one(data: Any, **params: str) -> list[Payload]:
    return [(data, params)]


class OutputStore:
    def __init__(self, root: Path):
        self.root = root
        self.files: dict[str, tuple[str, int]] = {}  # relative path → (sha256, size), in write order

    def put(self, output: Output, data: Any, **params: str) -> Path:
        rel = output.relpath(**params)
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        writer = WRITERS[output.format]
        to_file = getattr(writer, "to_file", None)
        files = [path]
        if to_file is not None:
            files = to_file(data, path) or [path]  # streamed: a large output never sits in memory whole
        else:
            tmp = path.with_name(path.name + ".part")
            tmp.write_bytes(writer.write(data, None))
            tmp.replace(path)
        from docgen.digest import sha256_file

        for p in files:  # one row may make several files (a bundle in parts)
            self.files[p.relative_to(self.root).as_posix()] = sha256_file(p)
        return path

    def read(self, rel: str) -> bytes | None:
        path = self.root / rel
        return path.read_bytes() if rel in self.files else None

    def write_all(self, payloads: Mapping[str, list[Payload] | Callable], formats: tuple[str, ...],
                  table: tuple[Output, ...] | None = None) -> list[str]:
        """Every row of the table whose kind has a payload, in table order."""
        for row in outputs_for(set(payloads), formats, table):
            for data, params in payloads[row.kind]:
                self.put(row, data(self) if callable(data) else data, **params)
        return list(self.files)

    def listing(self) -> list[dict]:
        return [{"path": rel, "sha256": sha, "size": size} for rel, (sha, size) in self.files.items()]


__all__ = ["OutputStore", "Payload", "one"]
