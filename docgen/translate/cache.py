"""Segment cache (SQLite): an identical segment — same source text, language pair,
model and glossary version — is translated once and kept across runs. The same file
holds the translation memory: reviewed translations, used before MT."""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path


def cache_path() -> Path:
    env = os.environ.get("DOCGEN_CACHE_DIR")
    base = Path(env) if env else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "docgen"
    return base / "segments.sqlite"


class SegmentCache:
    def __init__(self, path: Path | None = None):
        self.path = path or cache_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path))
        self.db.execute("create table if not exists mt (key text primary key, target text, problems text, model text)")
        self.db.execute("create table if not exists tm (source text, src text, tgt text, target text, "
                        "reviewer text, primary key (source, src, tgt))")
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

    def tm_get(self, source: str, src: str, tgt: str) -> str | None:
        row = self.db.execute("select target from tm where source = ? and src = ? and tgt = ?",
                              (source, src, tgt)).fetchone()
        return row[0] if row else None

    def tm_put(self, source: str, src: str, tgt: str, target: str, reviewer: str = "") -> None:
        self.db.execute("insert or replace into tm values (?, ?, ?, ?, ?)", (source, src, tgt, target, reviewer))
        self.db.commit()

    def tm_all(self) -> list[tuple[str, str, str, str, str]]:
        return list(self.db.execute("select source, src, tgt, target, reviewer from tm order by source"))

    def close(self) -> None:
        self.db.close()
