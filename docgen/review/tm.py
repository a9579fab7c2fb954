"""Translation memory as TMX (translate-toolkit): reviewed sentences out, approved
translations in (used before MT)."""
from __future__ import annotations

from pathlib import Path

from translate.storage.tmx import tmxfile

from docgen.errors import DocgenError, Problem
from docgen.translate.cache import SegmentCache
from docgen.i18n import msg


def export_tmx(path: Path, cache: SegmentCache | None = None) -> int:
    """Writes the memory to `path`, a file the user names: never overwritten (exit 2)."""
    from docgen.store.userfile import write_user_file

    data, n = tmx_bytes(cache)
    write_user_file(path, data)
    return n


def tmx_bytes(cache: SegmentCache | None = None) -> tuple[bytes, int]:
    """The memory as TMX, and how many sentences it holds."""
    cache = cache or SegmentCache()
    rows = cache.tm_all()
    store = tmxfile()
    for source, src, tgt, target, reviewer in rows:
        store.addtranslation(source, src, target, tgt, comment=f"reviewed by {reviewer}" if reviewer else None)
    return bytes(store), len(rows)


def import_tmx(path: Path, cache: SegmentCache | None = None) -> int:
    cache = cache or SegmentCache()
    try:
        store = tmxfile(path.read_bytes())
    except Exception as e:  # lxml raises several kinds for a broken file
        raise DocgenError(Problem(str(path), "", msg("review.not-readable-tmx-file", error=type(e).__name__))) from None
    n = 0
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    for unit in store.units:
        tuvs = unit.xmlelement.findall("tuv")
        if len(tuvs) < 2:
            continue
        langs = [t.get(xml_lang) or t.get("lang") or "" for t in tuvs[:2]]
        src, tgt = (lang.split("-")[0].lower() for lang in langs)
        if not (unit.source and unit.target and src and tgt):
            continue
        cache.tm_put(unit.source, src, tgt, unit.target, "tmx")
        n += 1
    return n
