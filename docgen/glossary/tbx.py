"""TBX read/write through translate-toolkit. Russian is the source language of every
entry (the language the letters are judged in); English and Chinese are its targets.
The data categories docgen needs beyond terms are TBX term notes on the Russian term:
partOfSpeech, grammaticalGender, administrativeStatus, and an `x-inflects` note; a
do-not-translate entry carries `<descrip type="Translation needed">no</descrip>`."""
from __future__ import annotations

import io
import os
from functools import lru_cache
from pathlib import Path

from lxml import etree
from translate.storage.tbx import tbxfile

from docgen.errors import DocgenError, Problem
from docgen.glossary.model import Glossary, Term
from docgen.resources import folder_version, glossary_dir
from docgen.i18n import msg

GENDER_TBX = {"m": "masculine", "f": "feminine", "n": "neuter", "pl": "otherGender"}
STATUS_TBX = {"preferred": "preferredTerm-admn-sts", "forbidden": "deprecatedTerm-admn-sts",
              "do-not-translate": "preferredTerm-admn-sts"}


def _ns(unit, tag: str) -> str:
    return unit.namespaced(tag)


def _term_note(unit, tig, kind: str, value: str) -> None:
    el = etree.SubElement(tig, _ns(unit, "termNote"))
    el.set("type", kind)
    el.text = value


def write_tbx(terms: list[Term], path: Path) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(tbx_bytes(terms))
    os.replace(tmp, path)


def tbx_bytes(terms: list[Term]) -> bytes:
    store = tbxfile(sourcelanguage="ru")
    for t in terms:
        unit = store.addsourceunit(t.ru)
        unit.setid(t.id)
        unit.settarget(t.en, lang="en")
        unit.set_target_terms([t.zh], lang="zh")
        ru_lang = unit.getlanguageNode(lang="ru")
        tig = ru_lang.find(_ns(unit, "tig"))
        _term_note(unit, tig, "partOfSpeech", t.pos)
        if t.gender:
            _term_note(unit, tig, "grammaticalGender", GENDER_TBX[t.gender])
        _term_note(unit, tig, "administrativeStatus", STATUS_TBX[t.status])
        _term_note(unit, tig, "x-inflects", "yes" if t.inflects else "no")
        if t.optional:
            _term_note(unit, tig, "x-optional", " ".join(t.optional))
        if t.status == "do-not-translate":
            d = etree.Element(_ns(unit, "descrip"))
            d.set("type", "Translation needed")
            d.text = "no"
            unit.xmlelement.insert(0, d)
        if t.source:
            a = etree.Element(_ns(unit, "admin"))
            a.set("type", "source")
            a.text = t.source
            unit.xmlelement.insert(0, a)
        if t.note:
            unit.addnote(t.note)
    return bytes(store)


def read_tbx(path: Path) -> list[Term]:
    try:
        store = tbxfile(io.BytesIO(path.read_bytes()), sourcelanguage="ru")
    except (OSError, etree.XMLSyntaxError) as e:
        raise DocgenError(Problem(str(path), "", msg("glossary.cannot-read-tbx-file", error=e))) from None
    inv_gender = {v: k for k, v in GENDER_TBX.items()}
    terms = []
    for unit in store.units:
        if unit.isheader():
            continue
        ru_lang = unit.getlanguageNode(lang="ru")
        tig = ru_lang.find(_ns(unit, "tig")) if ru_lang is not None else None
        notes = {}
        if tig is not None:
            for n in tig.iter(_ns(unit, "termNote")):
                notes[n.get("type")] = (n.text or "").strip()
        translatable = unit.istranslatable()
        admin = {a.get("type"): (a.text or "").strip() for a in unit.xmlelement.iter(_ns(unit, "admin"))}
        status_tbx = notes.get("administrativeStatus", "")
        status = "forbidden" if status_tbx.startswith("deprecated") else \
            "do-not-translate" if not translatable else "preferred"
        en = [x.text for x in unit.get_target_terms("en")]
        zh = [x.text for x in unit.get_target_terms("zh")]
        terms.append(Term(
            id=unit.getid() or "", ru=unit.source or "", en=en[0] if en else "", zh=zh[0] if zh else "",
            pos=notes.get("partOfSpeech", ""), gender=inv_gender.get(notes.get("grammaticalGender", "")),
            inflects=notes.get("x-inflects", "yes") != "no", status=status, source=admin.get("source", ""),
            note=unit.getnotes() or "", optional=tuple(notes.get("x-optional", "").split()),
        ))
    return terms


def default_path() -> Path:
    return glossary_dir() / "ozon.tbx"


@lru_cache(maxsize=4)
def _load(path: Path, stamp: float) -> Glossary:
    return Glossary(read_tbx(path), version=folder_version(path.parent))


def load_glossary(path: Path | None = None) -> Glossary:
    path = (path or default_path()).resolve()
    if not path.is_file():
        return Glossary([], version="none")
    return _load(path, path.stat().st_mtime)
