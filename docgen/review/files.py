"""review.xlf (XLIFF 1.2 through translate-toolkit) and review.docx (a bilingual table
for Word): written from a built letter, read back after the translator's edits.

Both carry the letter's SHA-256, so a file made for another version is refused. Units
are one per segment with its stable id. Template sentences are `final` and approved
(a reviewer may still change one for this letter, giving the reason in a note); data
(file names) is locked (`translate="no"`); every seller sentence — machine output,
the seller's own Russian, memory or glossary hits — is `needs-review-translation`
until a review is recorded, then `signed-off` and approved. Notes carry the
segment's QA findings, glossary hints and the protected values (IDs, numbers) that
must not change."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from translate.storage import xliff

from docgen.errors import DocgenError, Problem
from docgen.glossary import Glossary
from docgen.translate.protect import protect
from docgen.i18n import msg

REVIEW_XLF = "review.xlf"
REVIEW_DOCX = "review.docx"
SHA_MARK = "docgen-letter-sha256:"

STATE = {"template": "final", "data": "final", "mt": "needs-review-translation", "untranslated": "needs-translation",
         "seller": "needs-review-translation", "tm": "needs-review-translation",
         "glossary": "needs-review-translation", "human": "translated"}
ORIGIN_NOTE = {
    "mt": "Machine translation ({model}): check line by line / Машинный перевод: проверьте построчно",
    "seller": "The seller's own translation, not reviewed: check line by line / "
              "Перевод продавца, не проверен: проверьте построчно",
    "tm": "From the translation memory (reviewed for another letter): check it fits here / "
          "Из памяти переводов: проверьте, подходит ли здесь",
    "glossary": "The whole sentence is a glossary term / Фраза целиком взята из глоссария",
    "human": "Written during the review / Переведено при проверке",
    "untranslated": "No translation yet: translate / Нет перевода: переведите",
}
TEMPLATE_NOTE = ("Template sentence (every letter): change it only if it is wrong for this letter, and give the "
                 "reason in a note / Шаблонная фраза: меняйте только для этого письма, указав причину в примечании")
REASON_NOTE_FROM = ("reviewer", "translator")  # <note from="…"> read back as the reason for a template change


XLIFF12_NS = "urn:oasis:names:tc:xliff:document:1.2"


class Xliff12Unit(xliff.xliffunit):
    namespace = XLIFF12_NS


class Xliff12(xliff.xlifffile):
    """translate-toolkit's XLIFF store, writing version 1.2 (the one CAT tools read best)."""

    UnitClass = Xliff12Unit
    XMLskeleton = """<?xml version="1.0" ?>
<xliff version='1.2' xmlns='urn:oasis:names:tc:xliff:document:1.2'>
<file original='NoName' source-language='en' datatype='plaintext'>
<body>
</body>
</file>
</xliff>"""
    namespace = XLIFF12_NS


def _mark_protected(unit, which: str, values: list[str]) -> None:
    """Wraps each protected value (ID, code, amount) in <mrk mtype="protected">, which
    XLIFF 1.2 CAT tools keep and show as locked."""
    el = unit.xmlelement.find(unit.namespaced(which))
    if el is None or not el.text or len(el):
        return
    text, pos, last = el.text, 0, None
    pieces = []
    for v in sorted({v for v in values if v in text}, key=text.find):
        i = text.find(v, pos)
        if i < 0:
            continue
        pieces.append((text[pos:i], v))
        pos = i + len(v)
    if not pieces:
        return
    el.text = pieces[0][0]
    for before, value in pieces:
        if last is not None:
            last.tail = before
        last = etree.SubElement(el, unit.namespaced("mrk"))
        last.set("mtype", "protected")
        last.text = value
    last.tail = text[pos:]


@dataclass
class ReviewFile:
    letter_sha256: str
    targets: dict[str, str]  # segment id → reviewed target
    path: Path
    reasons: dict[str, str] = field(default_factory=dict)  # segment id → the reviewer's reason (template changes)


# The words of the notes. review.xlf and review.po: English (CAT tools show them as they
# are); review.docx for a Russian letter: English and the reviewer's language, Russian.
NOTE_WORDS = {
    "en": {"qa": "QA {severity} [{check}]: {message}", "glossary": "Glossary", "dates": "Dates",
           "keep": "Keep unchanged",
           "changed": "Changed for this letter (template: «{template}»); reason: {reason}"},
    "en+ru": {"qa": "QA {severity} / {severity_ru} [{check}]: {message}", "glossary": "Glossary / Глоссарий",
              "dates": "Dates / Даты", "keep": "Keep unchanged / Не менять",
              "changed": "Changed for this letter / Изменено для этого письма (template / шаблон: «{template}»); "
                         "reason / причина: {reason}"},
}
SEVERITY_RU = {"error": "ошибка", "warning": "предупреждение", "note": "замечание", "info": "сведения"}


def note_words(target_lang: str, docx: bool = False) -> dict:
    return NOTE_WORDS["en+ru" if docx and target_lang == "ru" else "en"]


def _notes(seg: dict, glossary: Glossary, source_lang: str, target_lang: str, template_hint: bool = True,
           words: dict | None = None) -> list[str]:
    w = words or NOTE_WORDS["en"]
    notes = [w["qa"].format(severity=f["severity"], severity_ru=SEVERITY_RU.get(f["severity"], f["severity"]),
                            check=f["check"], message=f["message"]) for f in seg.get("findings", [])]
    if seg["origin"] == "data":
        return notes  # locked: hints would only be noise
    if seg["origin"] == "template":
        if seg.get("deviation"):
            return notes + [w["changed"].format(template=seg["template_text"], reason=seg["deviation"])]
        return notes + ([TEMPLATE_NOTE] if template_hint else [])  # the DOCX says it once, above the table
    for m in glossary.find(seg["source"], source_lang):
        if m.term.status != "forbidden":
            # the target language's term; for a Russian letter the English term as a pointer
            gloss = f"{w['glossary']}: {m.term.text(source_lang)} = {m.term.text(target_lang)}"
            if target_lang == "ru":
                gloss += f" ({m.term.en})"
            notes.append(f"{gloss}; {m.term.note}".rstrip("; "))
    spans = protect(seg["source"], source_lang, target_lang, None).spans
    protected = sorted({sp.source for sp in spans if sp.kind != "date"})
    dates = sorted({f"{sp.source} = {sp.target}" for sp in spans if sp.kind == "date"})
    if dates:
        notes.append(f"{w['dates']}: " + ", ".join(dates))
    if protected:
        notes.append(f"{w['keep']}: " + ", ".join(protected))
    if seg.get("reviewed"):
        notes.append("Reviewed / Проверено")
    else:
        notes.append(ORIGIN_NOTE[seg["origin"]].format(model=seg.get("mt_model") or "MT"))
    return notes


def write_review_xliff(state: dict, glossary: Glossary, path: Path) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(review_xliff_bytes(state, glossary))
    tmp.replace(path)


def review_xliff_bytes(state: dict, glossary: Glossary) -> bytes:
    store = Xliff12(sourcelanguage=state["source_lang"], targetlanguage=state["target_lang"])
    store.setfilename(store.getfilenode("NoName"), f"letter.{state['target_lang']}#{SHA_MARK}{state['letter_sha256']}")
    for seg in state["segments"]:
        unit = store.UnitClass(seg["source"])
        store.addunit(unit)
        unit.setid(seg["id"])
        unit.settarget(seg["target"] or "")
        if unit.xmlelement.find(unit.namespaced("target")) is None:  # an empty target, still to be written
            etree.SubElement(unit.xmlelement, unit.namespaced("target"))
            unit.xmlelement.insert(1, unit.xmlelement.find(unit.namespaced("target")))
        state_name = "signed-off" if seg.get("reviewed") else STATE[seg["origin"]]
        unit.set_state_n(unit.statemap[state_name])
        # approved: only text a person wrote for every letter (templates, data) or a recorded review
        unit.markapproved(seg["origin"] in ("template", "data") or bool(seg.get("reviewed")))
        if seg["origin"] not in ("template", "data"):
            keep = [sp.source for sp in protect(seg["source"], state["source_lang"], state["target_lang"], None).spans
                    if sp.kind != "date"]
            _mark_protected(unit, "source", keep)
            _mark_protected(unit, "target", keep)
        if seg["origin"] == "data":
            unit.xmlelement.set("translate", "no")  # locked: file names and IDs are the same in every language
        for note in _notes(seg, glossary, state["source_lang"], state["target_lang"]):
            unit.addnote(note, origin="developer")
    return bytes(store)


_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.I)


def _refuse_declarations(data: bytes, path: Path) -> None:
    """A review file never needs a DOCTYPE: entities could hide text or pull in files."""
    for enc in ("utf-8", "utf-16"):
        if enc == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        m = _DECLARATION.search(data.decode(enc, "ignore"))
        if m:
            line = data.decode(enc, "ignore")[:m.start()].count("\n") + 1
            raise DocgenError(Problem(str(path), "", msg("review.declares-doctype", what=m.group(1).upper()), line))


MAX_DOCX_MEMBER = 20 * 1024 * 1024  # uncompressed, per member of a review DOCX
MAX_DOCX_TOTAL = 60 * 1024 * 1024
MAX_DOCX_MEMBERS = 2000


def _check_docx_archive(path: Path) -> None:
    """Member names and uncompressed sizes, from the zip directory, before anything is inflated."""
    import zipfile
    from pathlib import PurePosixPath, PureWindowsPath

    shown = str(path)
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise DocgenError(Problem(shown, "", msg("review.not-readable-docx-file", error=type(e).__name__))) from None
    problems = []
    if len(infos) > MAX_DOCX_MEMBERS:
        problems.append(Problem(shown, "", msg("review.docx-too-many-parts", n=len(infos))))
    total = 0
    for info in infos[:MAX_DOCX_MEMBERS]:
        name = info.filename
        if (PurePosixPath(name).is_absolute() or PureWindowsPath(name).is_absolute() or PureWindowsPath(name).drive
                or ".." in PurePosixPath(name.replace("\\", "/")).parts):
            problems.append(Problem(shown, "", msg("review.docx-path-traversal")))
            break
        if info.file_size > MAX_DOCX_MEMBER:
            problems.append(Problem(shown, "", msg("review.docx-part-too-large", mb=info.file_size // 1048576,
                                                         limit=MAX_DOCX_MEMBER // 1048576)))
            break
        total += info.file_size
    if total > MAX_DOCX_TOTAL:
        problems.append(Problem(shown, "", msg("review.docx-too-large", limit=MAX_DOCX_TOTAL // 1048576)))
    if problems:
        raise DocgenError(problems)


def read_review_xliff(path: Path) -> ReviewFile:
    data = path.read_bytes()
    _refuse_declarations(data, path)
    try:
        store = Xliff12.parsestring(data)
    except Exception as e:  # lxml and translate-toolkit raise several kinds for a broken file
        raise DocgenError(Problem(str(path), "", msg("review.not-readable-xliff-file", error=type(e).__name__))) from None
    sha = None
    for name in store.getfilenames():
        m = re.search(re.escape(SHA_MARK) + r"([0-9a-f]{64})", name or "")
        if m:
            sha = m.group(1)
    if sha is None:
        raise DocgenError(Problem(str(path), "file/@original", msg("review.not-docgen-review-file")))
    targets, reasons = {}, {}
    for unit in store.units:
        if unit.isheader():
            continue
        uid = unit.xmlelement.get("id") or ""  # getid() would prefix the file name
        if uid in targets:
            raise DocgenError(Problem(str(path), uid, msg("review.segment-id-appears-twice")))
        targets[uid] = unit.target or ""
        notes = [n.text.strip() for n in unit.xmlelement.iterchildren(unit.namespaced("note"))
                 if n.get("from") in REASON_NOTE_FROM and n.text and n.text.strip()]
        if notes:
            reasons[uid] = " ".join(notes)
    return ReviewFile(letter_sha256=sha, targets=targets, path=path, reasons=reasons)


def write_review_docx(state: dict, glossary: Glossary, path: Path) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(review_docx_bytes(state, glossary))
    tmp.replace(path)


def review_docx_bytes(state: dict, glossary: Glossary) -> bytes:
    import io

    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt

    d = docx.Document()
    sec = d.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Mm(297), Mm(210)
    sec.left_margin = sec.right_margin = Mm(15)
    d.add_heading("Review / Проверка перевода", level=1)
    d.add_paragraph("Check every row and edit only the «translation» column. Grey rows are template sentences "
                    "used in every letter: change one only if it is wrong for this letter, and write why in the "
                    "«reason» column. Segment ids: fact.N = fact N of the letter, request = the request, "
                    "evidence.ID = the description of an attachment, header.* / subject / intro … = template parts. "
                    "Then: docgen review import review.docx --reviewer \"Name Surname\".")
    d.add_paragraph("Проверьте каждую строку и правьте только столбец «translation». Серые строки — шаблонные "
                    "фразы всех писем: меняйте такую фразу, только если она неверна для этого письма, и укажите "
                    "причину в столбце «reason». Обозначения: fact.N — факт N письма, request — просьба, "
                    "evidence.ID — описание приложения, header.* / subject / intro … — части шаблона.")
    d.add_paragraph(f"{SHA_MARK}{state['letter_sha256']}")
    t = d.add_table(rows=1, cols=5)
    t.style = "Table Grid"
    t.autofit = False
    widths = [Mm(22), Mm(82), Mm(82), Mm(50), Mm(31)]
    ru = state["target_lang"] == "ru"  # the reviewer reads Russian: every label in Russian and English
    heads = (("id / сегмент", f"source / исходный текст ({state['source_lang']})",
              f"translation / перевод ({state['target_lang']})", "notes / примечания", "reason / причина") if ru else
             ("id", f"source ({state['source_lang']})", f"translation ({state['target_lang']})", "notes", "reason"))
    for i, h in enumerate(heads):
        t.rows[0].cells[i].text = h
        t.rows[0].cells[i].width = widths[i]
    for seg in state["segments"]:
        cells = t.add_row().cells
        values = (seg["id"], seg["source"], seg["target"] or "",
                  "\n".join(_notes(seg, glossary, state["source_lang"], state["target_lang"], template_hint=False,
                                    words=note_words(state["target_lang"], docx=True))),
                  seg.get("deviation") or "")
        for i, v in enumerate(values):
            cells[i].text = v
            cells[i].width = widths[i]
            for p in cells[i].paragraphs:
                for r in p.runs:
                    r.font.size = Pt(9)
        if seg["origin"] in ("template", "data"):  # grey: shared by every letter
            from docx.oxml import OxmlElement
            from docx.oxml.ns import qn

            for c in cells:
                shd = OxmlElement("w:shd")
                shd.set(qn("w:val"), "clear")
                shd.set(qn("w:fill"), "E7E6E6")
                c._tc.get_or_add_tcPr().append(shd)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def read_review_docx(path: Path) -> ReviewFile:
    import docx

    _check_docx_archive(path)
    try:
        d = docx.Document(str(path))
    except Exception as e:
        raise DocgenError(Problem(str(path), "", msg("review.not-readable-docx-file", error=type(e).__name__))) from None
    sha = None
    for p in d.paragraphs:
        m = re.search(re.escape(SHA_MARK) + r"\s*([0-9a-f]{64})", p.text)
        if m:
            sha = m.group(1)
    if sha is None or not d.tables:
        raise DocgenError(Problem(str(path), "", msg("review.not-docgen-review-file-2")))
    targets: dict[str, str] = {}
    reasons: dict[str, str] = {}
    for row in d.tables[0].rows[1:]:
        cells = row.cells
        uid = cells[0].text.strip()
        if uid in targets:
            raise DocgenError(Problem(str(path), uid, msg("review.segment-id-appears-twice")))
        targets[uid] = "\n".join(p.text for p in cells[2].paragraphs).strip()
        if len(cells) > 4 and cells[4].text.strip():
            reasons[uid] = cells[4].text.strip()
    return ReviewFile(letter_sha256=sha, targets=targets, path=path, reasons=reasons)
