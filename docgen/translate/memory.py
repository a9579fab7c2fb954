"""The translation memory: sentences a reviewer approved, used before MT.

It is a translator's work, so it lives in docgen's **state** folder
(`Settings.tm_file`, `$DOCGEN_STATE_DIR/translation-memory.sqlite`), not with the
caches: clearing `~/.cache/docgen` must never delete it. Each row keeps who reviewed
it and when (TMX `creationid` / `creationdate`).

Until #16 the memory was a table in the segment cache (`segments.sqlite`). On first
use the rows still there are copied here, then that table is dropped, once (a `meta`
row records it), under a write lock so that two processes starting together migrate
once."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from docgen.settings import current
from docgen.translate.cache import connect

# language pairs docgen translates: a seller's language → the language of the letter
# (docgen.case.model LANGUAGES × TARGETS, without the same language)
PAIRS: frozenset[tuple[str, str]] = frozenset({("zh", "ru"), ("zh", "en"), ("en", "ru")})


@dataclass(frozen=True)
class MemoryRow:
    source: str
    src: str
    tgt: str
    target: str
    reviewer: str = ""
    created: str = ""  # ISO 8601 time of the review ("" when unknown)


class TranslationMemory:
    def __init__(self, path: Path | None = None, legacy: Path | None = None):
        settings = current()
        self.path = Path(path) if path else settings.tm_file
        self.db = connect(self.path)
        self.db.execute("create table if not exists tm (source text, src text, tgt text, target text, "
                        "reviewer text, created text, primary key (source, src, tgt))")
        self.db.execute("create table if not exists meta (key text primary key, value text)")
        self.db.commit()
        self.migrated = self._migrate(Path(legacy) if legacy else settings.segment_cache_file)

    def _migrate(self, old: Path) -> int:
        """Rows of the old memory table in the segment cache → here; returns how many."""
        if self.db.execute("select 1 from meta where key = 'migrated-from-cache'").fetchone():
            return 0
        self.db.execute("begin immediate")  # one process migrates; the others wait, then see the meta row
        try:
            if self.db.execute("select 1 from meta where key = 'migrated-from-cache'").fetchone():
                self.db.rollback()
                return 0
            rows: list = []
            if old.is_file() and old.resolve() != self.path.resolve():
                src = sqlite3.connect(str(old), timeout=30)
                try:
                    if src.execute("select 1 from sqlite_master where type = 'table' and name = 'tm'").fetchone():
                        rows = list(src.execute("select source, src, tgt, target, reviewer from tm"))
                finally:
                    src.close()
            self.db.executemany("insert or ignore into tm values (?, ?, ?, ?, ?, '')", rows)
            self.db.execute("insert into meta values ('migrated-from-cache', ?)", (str(old),))
            self.db.commit()
        except BaseException:
            self.db.rollback()
            raise
        if rows:  # copied and committed: the cache no longer holds a translator's work
            src = sqlite3.connect(str(old), timeout=30)
            try:
                src.execute("drop table if exists tm")
                src.commit()
            finally:
                src.close()
        return len(rows)

    def get(self, source: str, src: str, tgt: str) -> str | None:
        row = self.db.execute("select target from tm where source = ? and src = ? and tgt = ?",
                              (source, src, tgt)).fetchone()
        return row[0] if row else None

    def put(self, source: str, src: str, tgt: str, target: str, reviewer: str = "", created: str = "") -> None:
        self.put_all([MemoryRow(source, src, tgt, target, reviewer, created)])

    def put_all(self, rows: list[MemoryRow]) -> None:
        """All rows in one transaction: an import is written whole or not at all."""
        with self.db:
            self.db.executemany("insert or replace into tm values (?, ?, ?, ?, ?, ?)",
                                [(r.source, r.src, r.tgt, r.target, r.reviewer, r.created) for r in rows])

    def all(self) -> list[MemoryRow]:
        return [MemoryRow(*r) for r in self.db.execute(
            "select source, src, tgt, target, reviewer, created from tm order by src, tgt, source")]

    def close(self) -> None:
        self.db.close()
