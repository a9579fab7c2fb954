"""Translation memory as TMX 1.4 (translate-toolkit's `tmxfile`): reviewed sentences
out, approved translations in (used before MT).

The header's `srclang` is the memory's source language (`zh` for a zh→ru memory;
`*all*` when it holds several). Each `<tu>` carries the reviewer as `creationid` and
the time of the review as `creationdate` (`YYYYMMDDThhmmssZ`), so export → import →
export keeps both. An import is checked whole before anything is written: a unit in
a language pair docgen does not translate (`PAIRS`) is refused with its place."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from translate.storage.tmx import tmxfile

from docgen.errors import DocgenError, Problem
from docgen.i18n import msg
from docgen.translate.memory import PAIRS, MemoryRow, TranslationMemory
from docgen.version import __version__

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def tmx_date(iso: str) -> str:
    """ISO 8601 → TMX `creationdate` (UTC, `YYYYMMDDThhmmssZ`); "" when unknown or unreadable."""
    try:
        t = dt.datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return ""
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.timezone.utc)
    return t.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def iso_date(tmx: str) -> str:
    """TMX `creationdate` → ISO 8601 (UTC); "" when absent or not in TMX's form."""
    try:
        return dt.datetime.strptime(tmx, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.timezone.utc).isoformat()
    except (TypeError, ValueError):
        return ""


def _base(lang: str | None) -> str:
    return (lang or "").replace("_", "-").split("-")[0].lower()


def tmx_bytes(rows: list[MemoryRow]) -> bytes:
    sources = sorted({r.src for r in rows})
    srclang = sources[0] if len(sources) == 1 else "*all*"  # TMX 1.4: *all* = any of the tuv languages
    store = tmxfile(sourcelanguage=srclang)
    header = store.document.getroot().find(store.namespaced("header"))
    header.set("srclang", srclang)
    header.set("creationtool", "docgen")
    header.set("creationtoolversion", __version__)
    for r in rows:
        unit = store.addsourceunit(r.source, r.src)
        unit.settarget(r.target, r.tgt, append=True)
        if r.created and tmx_date(r.created):
            unit.xmlelement.set("creationdate", tmx_date(r.created))
        if r.reviewer:
            unit.xmlelement.set("creationid", r.reviewer)
    return bytes(store)


def export_tmx(path: Path, memory: TranslationMemory | None = None) -> int:
    """Writes the memory to `path`, a file the user names: never overwritten (exit 2)."""
    from docgen.store.userfile import write_user_file

    memory = memory or TranslationMemory()
    rows = memory.all()
    write_user_file(path, tmx_bytes(rows))
    return len(rows)


def read_tmx(path: Path) -> list[MemoryRow]:
    """The units of a TMX file as memory rows; every unit in a language pair docgen does
    not translate is a problem (DocgenError, all at once)."""
    shown = str(path)
    try:
        store = tmxfile(path.read_bytes())
    except Exception as e:  # lxml raises several kinds for a broken file
        raise DocgenError(Problem(shown, "", msg("review.not-readable-tmx-file", error=type(e).__name__))) from None
    header = store.document.getroot().find(store.namespaced("header"))
    header_src = _base(header.get("srclang") if header is not None else None)
    rows: list[MemoryRow] = []
    problems: list[Problem] = []
    for n, unit in enumerate(store.units, 1):
        el = unit.xmlelement
        tuvs = []
        for tuv in el.iterchildren(unit.namespaced("tuv")):
            seg = tuv.find(unit.namespaced("seg"))
            text = "".join(seg.itertext()).strip() if seg is not None else ""
            tuvs.append((_base(tuv.get(XML_LANG) or tuv.get("lang")), text, tuv))
        if len(tuvs) < 2:
            continue  # nothing to translate into
        src = _base(el.get("srclang")) or header_src
        if src in ("", "*all*") or src not in {lang for lang, _, _ in tuvs}:
            src = tuvs[0][0]
        source = next(text for lang, text, _ in tuvs if lang == src)
        where = f"tu {n}" + (f" (tuid {el.get('tuid')})" if el.get("tuid") else "")
        for lang, text, tuv in tuvs:
            if lang == src:
                continue
            if (src, lang) not in PAIRS:
                problems.append(Problem(shown, where, msg("review.tm-pair-not-translated", src=src or "?",
                                                          tgt=lang or "?", pairs=", ".join(
                                                              f"{a}→{b}" for a, b in sorted(PAIRS))),
                                        line=tuv.sourceline or el.sourceline))
                continue
            if not (source and text):
                continue
            reviewer = tuv.get("creationid") or el.get("creationid") or ""
            created = iso_date(tuv.get("creationdate") or el.get("creationdate") or "")
            rows.append(MemoryRow(source, src, lang, text, reviewer, created))
    if problems:
        raise DocgenError(problems)
    return rows


def import_tmx(path: Path, memory: TranslationMemory | None = None) -> int:
    rows = read_tmx(path)  # checked whole: a refused file writes nothing
    memory = memory or TranslationMemory()
    memory.put_all(rows)
    return len(rows)
