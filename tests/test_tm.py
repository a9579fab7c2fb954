"""The translation memory (#16 item 6): in the state folder, not the cache; migrated from
the old place once; TMX keeps the source language, the reviewer and the date; a unit in
a language pair docgen does not translate is refused with its place."""
from __future__ import annotations

import shutil
import sqlite3

from docgen.cli import main
from docgen.settings import current, use
from docgen.translate.memory import MemoryRow, TranslationMemory


def _old_cache(path, rows):
    """A segment cache as docgen wrote it before #16: the memory was its `tm` table."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(path))
    db.execute("create table mt (key text primary key, target text, problems text, model text)")
    db.execute("create table tm (source text, src text, tgt text, target text, reviewer text, "
               "primary key (source, src, tgt))")
    db.executemany("insert into tm values (?, ?, ?, ?, ?)", rows)
    db.execute("insert into mt values ('k', 'cached', '[]', 'm')")
    db.commit()
    db.close()


def test_memory_moves_from_cache_to_state_and_survives_a_cache_clear(tmp_path):
    settings = current().with_(cache_dir=tmp_path / "cache", state_dir=tmp_path / "state")
    old = [("请求解除冻结。", "zh", "ru", "Просим снять удержание.", "Анна Иванова"),
           ("货物已送达。", "zh", "ru", "Товар доставлен.", "Пётр Петров")]
    _old_cache(settings.segment_cache_file, old)
    with use(settings):
        tm = TranslationMemory()
        assert tm.path == tmp_path / "state" / "translation-memory.sqlite" and tm.migrated == 2
        assert tm.get("请求解除冻结。", "zh", "ru") == "Просим снять удержание."
        assert {(r.source, r.reviewer) for r in tm.all()} == {("请求解除冻结。", "Анна Иванова"),
                                                             ("货物已送达。", "Пётр Петров")}
        tm.close()
        # the cache keeps its cache, not the memory
        db = sqlite3.connect(str(settings.segment_cache_file))
        tables = {r[0] for r in db.execute("select name from sqlite_master where type = 'table'")}
        assert "tm" not in tables and db.execute("select target from mt").fetchone() == ("cached",)
        db.close()
        # once: a memory opened again does not migrate again, even if an old docgen refilled the cache
        _old_cache(tmp_path / "cache2" / "segments.sqlite", [("另一句。", "zh", "ru", "Другое.", "X")])
        tm = TranslationMemory(legacy=tmp_path / "cache2" / "segments.sqlite")
        assert tm.migrated == 0 and tm.get("另一句。", "zh", "ru") is None
        tm.close()
        # clearing the cache folder keeps a translator's work
        shutil.rmtree(tmp_path / "cache")
        tm = TranslationMemory()
        assert len(tm.all()) == 2 and tm.get("货物已送达。", "zh", "ru") == "Товар доставлен."
        tm.close()


def test_fresh_memory_without_an_old_cache(tmp_path):
    settings = current().with_(cache_dir=tmp_path / "cache", state_dir=tmp_path / "state")
    with use(settings):
        tm = TranslationMemory()
        assert tm.migrated == 0 and tm.all() == [] and not (tmp_path / "cache").exists()
        tm.put("源。", "zh", "ru", "Источник.", "Анна", "2026-11-10T09:30:00+00:00")
        assert tm.all() == [MemoryRow("源。", "zh", "ru", "Источник.", "Анна", "2026-11-10T09:30:00+00:00")]
        tm.close()


TMX_HEAD = """<?xml version="1.0" encoding="utf-8"?>
<tmx version="1.4">
<header creationtool="CAT" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en"
        srclang="zh-CN" datatype="plaintext"/>
<body>
"""


def test_tm_import_refuses_pairs_docgen_does_not_translate(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DOCGEN_STATE_DIR", str(tmp_path / "state"))
    bad = tmp_path / "mixed.tmx"
    bad.write_text(TMX_HEAD + """<tu creationid="Анна Иванова" creationdate="20261110T093000Z">
  <tuv xml:lang="zh-CN"><seg>货物已送达。</seg></tuv>
  <tuv xml:lang="ru-RU"><seg>Товар доставлен.</seg></tuv>
</tu>
<tu tuid="de-1">
  <tuv xml:lang="zh-CN"><seg>货物已送达。</seg></tuv>
  <tuv xml:lang="de-DE"><seg>Ware geliefert.</seg></tuv>
</tu>
<tu srclang="ru">
  <tuv xml:lang="ru"><seg>Товар доставлен.</seg></tuv>
  <tuv xml:lang="zh"><seg>货物已送达。</seg></tuv>
</tu>
</body>
</tmx>
""", encoding="utf-8")
    assert main(["review", "tm-import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:12: tu 2 (tuid de-1): zh→de is not a language pair docgen translates" in err
    assert f"{bad}:16: tu 3: ru→zh is not a language pair docgen translates" in err
    assert "tu 1" not in err and "internal error" not in err
    tm = TranslationMemory(tmp_path / "state" / "translation-memory.sqlite")
    assert tm.all() == []  # nothing half-imported: the good unit waits for a clean file
    tm.close()
    # the good unit alone goes in, with its reviewer and date kept
    good = tmp_path / "good.tmx"
    good.write_text("\n".join(bad.read_text(encoding="utf-8").splitlines()[:9]) + "\n</body>\n</tmx>\n",
                    encoding="utf-8")
    assert main(["review", "tm-import", str(good)]) == 0
    tm = TranslationMemory(tmp_path / "state" / "translation-memory.sqlite")
    assert tm.all() == [MemoryRow("货物已送达。", "zh", "ru", "Товар доставлен.", "Анна Иванова",
                                  "2026-11-10T09:30:00+00:00")]
    tm.close()
