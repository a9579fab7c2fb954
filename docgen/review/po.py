"""review.po: the review file for a translator who works in a PO editor (Poedit, Lokalize,
Virtaal, Weblate), through translate-toolkit's PO storage.

One entry per segment: the segment id is `msgctxt`, the source `msgid`, the target
`msgstr`; the notes of review.xlf (QA findings, glossary hints, IDs to keep, the origin)
are automatic comments (`#.`). A seller sentence not reviewed yet is `fuzzy` (needs
review), as XLIFF's `needs-review-translation`. The letter's SHA-256 is the header field
`X-Docgen-Letter-SHA256`, so a file made for another version is refused like an XLIFF.
A translator comment (`# …`) on a template sentence is read back as the reason for
changing it for this letter.

Why not `xliff2po` → edit → `po2xliff`: xliff2po writes no `msgctxt` (the segment ids
are lost) and drops `file/@original` (the letter hash); po2xliff then numbers the units
1…n in an XLIFF 1.1 file. `docgen review import` refuses such a file (nothing says which
sentence is which, nor for which letter): `docgen review export OUTDIR --format po` is
the supported path for PO editors (tests/test_review_po.py runs both)."""
from __future__ import annotations

import re
from pathlib import Path

from docgen.errors import DocgenError, Problem
from docgen.glossary import Glossary
from docgen.i18n import msg

REVIEW_PO = "review.po"
SHA_HEADER = "X-Docgen-Letter-SHA256"
MAX_PO_BYTES = 20 * 1024 * 1024
LOCKED_NOTE = "Locked (file name): keep it as it is / Не меняйте: имя файла"


def review_po_bytes(state: dict, glossary: Glossary) -> bytes:
    from translate.storage import po

    from docgen.review.files import _notes

    store = po.pofile()
    store.updateheader(add=True, Project_Id_Version="docgen review", Language=state["target_lang"],
                       X_Source_Language=state["source_lang"], **{SHA_HEADER.replace("-", "_"): state["letter_sha256"]})
    for seg in state["segments"]:
        unit = store.UnitClass(seg["source"])
        unit.setcontext(seg["id"])
        unit.target = seg["target"] or ""
        notes = _notes(seg, glossary, state["source_lang"], state["target_lang"])
        if seg["origin"] == "data":
            notes.append(LOCKED_NOTE)
        for note in notes:
            unit.addnote(note, origin="developer")
        if seg["origin"] not in ("template", "data") and not seg.get("reviewed") and unit.target:
            unit.markfuzzy(True)
        store.addunit(unit)
    return bytes(store)


def read_review_po(path: Path):
    from translate.storage import po

    from docgen.review.files import ReviewFile

    shown = str(path)
    if path.stat().st_size > MAX_PO_BYTES:
        raise DocgenError(Problem(shown, "", msg("review.po-too-large", limit=MAX_PO_BYTES // 1048576)))
    try:
        store = po.pofile.parsestring(path.read_bytes())
    except Exception as e:  # the PO parser raises several kinds for a broken file
        raise DocgenError(Problem(shown, "", msg("review.not-readable-po-file", error=type(e).__name__))) from None
    sha = (store.parseheader().get(SHA_HEADER) or "").strip()
    if not re.fullmatch(r"[0-9a-f]{64}", sha):
        raise DocgenError(Problem(shown, SHA_HEADER, msg("review.po-not-from-docgen")))
    targets: dict[str, str] = {}
    reasons: dict[str, str] = {}
    problems: list[Problem] = []
    for unit in store.units:
        if unit.isheader() or unit.isobsolete():
            continue
        uid = (unit.getcontext() or "").strip()
        if not uid:
            problems.append(Problem(shown, f"msgid «{unit.source[:40]}»", msg("review.po-no-msgctxt")))
            continue
        if uid in targets:
            problems.append(Problem(shown, uid, msg("review.segment-id-appears-twice")))
            continue
        targets[uid] = unit.target or ""
        note = (unit.getnotes("translator") or "").strip()
        if note:
            reasons[uid] = " ".join(note.split())
    if problems:
        raise DocgenError(problems)
    return ReviewFile(letter_sha256=sha, targets=targets, path=path, reasons=reasons)
