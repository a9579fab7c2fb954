"""Segment cache (SQLite): an identical segment — same source text, language pair,
model and glossary version — is translated once and kept across runs. A cache: safe
to delete. The translation memory (reviewed sentences) is state, not cache
(`docgen.translate.memory`)."""
from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

from docgen.settings import current


def cache_path() -> Path:
    return current().segment_cache_file


def connect(path: Path, timeout: float = 30.0) -> sqlite3.Connection:
    """A SQLite connection in WAL mode: readers never block the one writer, so parallel
    workers and a web server can share the caches."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(path), timeout=timeout)
    db.execute("pragma journal_mode=wal")
    db.execute("pragma synchronous=normal")
    return db


class SegmentCache:
    def __init__(self, path: Path | None = None):
        self.path = path or cache_path()
        self.db = connect(self.path)
        self.db.execute("create table if not exists mt (key text primary key, target text, problems text, model text)")
        self.db.commit()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(source: str, src: str, tgt: str, model: str, glossary_version: str) -> str:
        return hashlib.sha256(json.dumps([source, src, tgt, model, glossary_version]).encode()).hexdigest()

    def get(self, key: str) -> tuple[str, list[str]] | None:
        row = self.db.execute("select target, problems from mt where key = ?", (key,)).fetchone()
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        return row[0], json.loads(row[1])

    def put(self, key: str, target: str, problems: list[str], model: str) -> None:
        self.db.execute("insert or replace into mt values (?, ?, ?, ?)", (key, target, json.dumps(problems), model))
        self.db.commit()

    def close(self) -> None:
        self.db.close()
