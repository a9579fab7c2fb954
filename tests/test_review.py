"""The translator's review round trip: export, edit as a CAT tool / Word would, import,
and a letter whose sign-off page names the reviewer and the hash they approved."""
from __future__ import annotations

import datetime as dt
import json
import shutil

import docx
import pytest
import yaml

from docgen import BuildOptions, DocgenError, build
from docgen.cli import main
from docgen.review.files import Xliff12
from docgen.pipeline.review import import_review
from tests.conftest import SAMPLES, docx_text, pdf_text

NEW_FACT2 = "24.10.2026 покупатель получил посылку в пункте выдачи заказов."
# a build whose printable documents and bundle no step of the test reads (findings, segments,
# manifest.json, the review files: these are written all the same)
NO_DOCUMENTS = dict(formats=(), bundle=False)


@pytest.fixture
def draft(_draft_built, tmp_path):
    """A private copy of the draft built once (conftest `_draft_built`), outputs included:
    each test may change it."""
    folder = shutil.copytree(_draft_built, tmp_path / "fund-hold")
    return folder / "out"


def _edit_xliff(out, edits: dict[str, str], dest_name="reviewed.xlf"):
    store = Xliff12.parsestring((out / "review/review.xlf").read_bytes())
    for unit in store.units:
        uid = unit.xmlelement.get("id")
        if uid in edits:
            target = unit.xmlelement.find(unit.namespaced("target"))
            for child in list(target):  # the new text replaces the whole target, markup included
                target.remove(child)
            unit.settarget(edits[uid])
            unit.set_state_n(unit.statemap["translated"])
    dest = out.parent / dest_name  # the translator's copy lives outside the output folder
    dest.write_bytes(bytes(store))
    return dest


def _snapshot(out):
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_xliff_export_shape(draft):
    store = Xliff12.parsestring((draft / "review/review.xlf").read_bytes())
    root = store.document.getroot()
    assert root.get("version") == "1.2" and root.nsmap[None] == "urn:oasis:names:tc:xliff:document:1.2"
    units = {u.xmlelement.get("id"): u for u in store.units}
    state = json.loads((draft / "review/letter.json").read_text(encoding="utf-8"))
    assert set(units) == {s["id"] for s in state["segments"]}
    target = lambda u: u.xmlelement.find(u.namespaced("target"))  # noqa: E731
    # templates: final and approved, yet open to a reviewed change for this letter
    assert units["intro"].xmlelement.get("translate") is None and target(units["intro"]).get("state") == "final"
    assert units["intro"].xmlelement.get("approved") == "yes"
    # the seller's own Russian is listed for review like MT, and nothing a reviewer has not seen is approved
    assert target(units["fact.1"]).get("state") == "needs-review-translation"
    assert target(units["fact.2"]).get("state") == "needs-translation"
    seller_ids = {s["id"] for s in state["segments"] if s["origin"] not in ("template", "data")}
    assert seller_ids == {"fact.1", "fact.2", "fact.3", "request", "evidence.E1", "evidence.E2"}
    assert all(units[uid].xmlelement.get("approved") != "yes" for uid in seller_ids)
    assert any("The seller's own translation, not reviewed" in n for n in [units["fact.1"].getnotes()])
    notes = units["fact.1"].getnotes()
    assert "Keep unchanged: 58213746-0017-1, RU741852963CN" in notes and "Glossary: 货件 = отправление" in notes
    assert "QA error [untranslated]" in units["fact.2"].getnotes()
    # protected values are marked so that CAT tools lock them
    mrk = units["fact.1"].xmlelement.find(units["fact.1"].namespaced("source")).findall(units["fact.1"].namespaced("mrk"))
    assert [(m.get("mtype"), m.text) for m in mrk] == [("protected", "58213746-0017-1"), ("protected", "RU741852963CN")]


def test_round_trip_through_xliff(draft):
    before = _snapshot(draft)
    reviewed = _edit_xliff(draft, {"fact.2": NEW_FACT2,
                                   "request": "Просим снять удержание средств по отправлению."})
    result, record = import_review(reviewed, "Анна Иванова", "ru", outdir=draft, languagetool=False)
    assert record.letter_sha256 == result.letter.text_sha256()
    assert {c["id"] for c in record.changed} == {"fact.2", "request"}
    text = " ".join(pdf_text(draft / "submit/letter.ru.pdf").split())
    assert f"2. {NEW_FACT2[:-1]} (см. приложения 1, 2)." in text
    assert "Просим снять удержание средств по отправлению." in text
    signoff = " ".join(pdf_text(draft / "review/signoff.pdf").split())  # the sign-off page is not sent
    assert "Проверяющий (ФИО) / 审核人（姓名）: Анна Иванова" in signoff and "Анна Иванова" not in text
    assert "Родной язык / 母语: русский / 俄语" in signoff
    assert f"SHA-256 текста письма: / 信件正文 SHA-256： {record.letter_sha256}" in signoff
    # … and names the letter file in submit/ the reviewer checked, with that file's own SHA-256
    import hashlib

    sent_sha = hashlib.sha256((draft / "submit/letter.ru.pdf").read_bytes()).hexdigest()
    assert f"Проверено по файлу letter.ru.pdf, SHA-256 {sent_sha}" in signoff
    assert f"核对文件 letter.ru.pdf，SHA-256 {sent_sha}" in signoff
    assert " ".join(docx_text(draft / "review/signoff.docx").split()).count(sent_sha) == 2
    m = json.loads((draft / "manifest.json").read_text(encoding="utf-8"))
    assert m["state"] == "reviewed" and m["review"]["reviewer"] == "Анна Иванова"
    assert {"id": "fact.2", "before": "", "after": NEW_FACT2} in m["review"]["changed"]
    # the pre-review outputs are kept beside the new ones
    (pre,) = [p for p in draft.iterdir() if p.name.startswith("pre-review-")]
    assert (pre / "submit/letter.ru.pdf").read_bytes() == before["submit/letter.ru.pdf"]
    # a later plain build keeps the review while the letter is unchanged …
    again = build(draft.parent / "case.yaml", BuildOptions(languagetool=False, **NO_DOCUMENTS))
    assert json.loads((draft / "manifest.json").read_text(encoding="utf-8"))["state"] == "reviewed"
    assert again.letter.segments["fact.2"].text("ru") == NEW_FACT2
    # … and --final now passes
    assert main(["build", str(draft.parent / "case.yaml"), "--final", "--no-bundle"]) == 0
    assert json.loads((draft / "manifest.json").read_text(encoding="utf-8"))["state"] == "final"


def test_a_review_import_rebuilds_what_the_build_wrote(draft):
    """A letter built PDF-only without the bundle is rebuilt after the review the same
    way: no DOCX copies or bundle appear (and a default build keeps them: above)."""
    build(draft.parent / "case.yaml", BuildOptions(languagetool=False, formats=("pdf",), bundle=False))
    reviewed = _edit_xliff(draft, {"fact.2": NEW_FACT2})
    import_review(reviewed, "Анна Иванова", outdir=draft, languagetool=False)
    now = [p.relative_to(draft).as_posix() for p in draft.rglob("*")
           if p.is_file() and not p.relative_to(draft).parts[0].startswith("pre-review-")]
    assert "submit/letter.ru.pdf" in now and "review/signoff.pdf" in now
    assert not [p for p in now if p.endswith(".docx") and p != "review/review.docx"]  # the review file stays
    assert "submit/evidence-bundle.pdf" not in now
    options = json.loads((draft / "manifest.json").read_text(encoding="utf-8"))["options"]
    assert options == {"bundle": False, "formats": ["pdf"], "pdfa": False}


def test_review_docx_notes_in_russian_and_english(draft):
    """The reviewer of a Russian letter reads the notes in Russian, with the English beside them."""
    d = docx.Document(str(draft / "review/review.docx"))
    header = [c.text for c in d.tables[0].rows[0].cells]
    assert header == ["id / сегмент", "source / исходный текст (zh)", "translation / перевод (ru)",
                      "notes / примечания", "reason / причина"]
    notes = {r.cells[0].text: r.cells[3].text for r in d.tables[0].rows[1:]}
    assert "Keep unchanged / Не менять: 58213746-0017-1, RU741852963CN" in notes["fact.1"]
    assert "Glossary / Глоссарий: 货件 = отправление" in notes["fact.1"]
    assert "Перевод продавца, не проверен: проверьте построчно" in notes["fact.1"]
    assert "QA error / ошибка [untranslated]" in notes["fact.2"]
    assert "Нет перевода: переведите" in notes["fact.2"]
    # review.xlf keeps its notes in English (CAT tools show them as they are)
    assert "Keep unchanged / Не менять" not in (draft / "review/review.xlf").read_text(encoding="utf-8")


def test_round_trip_through_docx(draft):
    d = docx.Document(str(draft / "review/review.docx"))
    rows = {r.cells[0].text: r for r in d.tables[0].rows[1:]}
    rows["fact.2"].cells[2].text = NEW_FACT2
    d.save(str(draft / "review-edited.docx"))
    assert main(["review", "import", str(draft / "review-edited.docx"), "--reviewer", "Пётр Смирнов"]) == 0
    text = " ".join(pdf_text(draft / "submit/letter.ru.pdf").split())
    signoff = " ".join(pdf_text(draft / "review/signoff.pdf").split())
    assert f"{NEW_FACT2[:-1]} (см. приложения 1, 2)." in text and "Проверяющий (ФИО) / 审核人（姓名）: Пётр Смирнов" in signoff
    # the edited file saved into OUTDIR is not docgen's: kept with the previous outputs (#13), not wiped
    (pre,) = [p for p in draft.iterdir() if p.name.startswith("pre-review-")]
    assert (pre / "review-edited.docx").is_file() and not (draft / "review-edited.docx").exists()


@pytest.mark.parametrize("edits,message", [
    ({"fact.2": "24.10.2026 покупатель получил посылку.", "fact.1": "Отправление передано перевозчику."},
     "ID 58213746-0017-1 of the source is missing"),
    ({"fact.2": "Покупатель получил посылку ZQ1."}, "placeholder"),
    ({"intro": "Другое вступление."}, "a template sentence was changed: give the reason"),
    ({"attachment.1.file": "(файл x.png)"}, "ID A01_tracking_RU741852963CN of the template sentence is missing"),
])
def test_bad_edits_refused_and_nothing_changed(draft, edits, message):
    reviewed = _edit_xliff(draft, {"fact.2": NEW_FACT2, **edits})
    before = _snapshot(draft)
    with pytest.raises(DocgenError, match=message):
        import_review(reviewed, "Анна Иванова", outdir=draft, languagetool=False)
    assert _snapshot(draft) == before


def test_stale_and_tampered_files_refused(draft):
    reviewed = _edit_xliff(draft, {"fact.2": NEW_FACT2})
    # the letter changes after export: the file is stale
    case = draft.parent / "case.yaml"
    data = yaml.safe_load(case.read_text(encoding="utf-8"))
    data["request_ru"] = "Просим снять удержание средств."
    case.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    build(case, BuildOptions(languagetool=False, **NO_DOCUMENTS))
    before = _snapshot(draft)
    with pytest.raises(DocgenError, match="made for another version of the letter"):
        import_review(reviewed, "Анна Иванова", outdir=draft, languagetool=False)
    assert _snapshot(draft) == before
    # unknown and missing ids
    fresh = _edit_xliff(draft, {"fact.2": NEW_FACT2}, "fresh.xlf")
    raw = fresh.read_bytes().replace(b'id="fact.3"', b'id="fact.9"')
    fresh.write_bytes(raw)
    with pytest.raises(DocgenError) as e:
        import_review(fresh, "Анна Иванова", outdir=draft, languagetool=False)
    msgs = {(p.field, p.message) for p in e.value.problems}
    assert ("fact.9", "unknown segment id") in msgs and ("fact.3", "segment missing from the file") in msgs


def test_final_refuses_then_force_with_reason(draft, capsys):
    case = draft.parent / "case.yaml"
    before = _snapshot(draft)
    assert main(["build", str(case), "--final"]) == 3
    err = capsys.readouterr().err
    assert "fact.2: not translated: give its translation" in err and "machine translation" not in err and "fact.2: error finding [untranslated]" in err
    assert "fact.1: not reviewed yet (the seller's own translation)" in err
    assert _snapshot(draft) == before
    assert main(["build", str(case), "--final", "--force"]) == 2  # a reason is required
    # forced or not, Chinese left in what is sent is refused (submit/ rules), and nothing written
    assert main(["build", str(case), "--final", "--force", "--reason", "срочно, согласовано с продавцом",
                 "--no-bundle"]) == 3
    assert "submit/letter.ru.pdf, page 1: cjk" in capsys.readouterr().err and _snapshot(draft) == before
    # once the sentence has a person's translation, the forced build goes through (MT would stay unreviewed)
    data = yaml.safe_load(case.read_text(encoding="utf-8"))
    data["facts"][1]["text_ru"] = "24.10.2026 покупатель получил посылку в пункте выдачи."
    data["facts"][0].pop("text_ru")
    data["facts"][0]["text"] = "Отправление передано перевозчику 20.10.2026."  # no Chinese, still unreviewed
    case.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert main(["build", str(case), "--final", "--force", "--reason", "срочно, согласовано с продавцом",
                 "--no-bundle"]) == 0
    m = json.loads((draft / "manifest.json").read_text(encoding="utf-8"))
    assert m["state"] == "final" and m["forced"] == "срочно, согласовано с продавцом"
    text = " ".join(pdf_text(draft / "review/signoff.pdf").split())
    assert "Отправлено без завершённой проверки, причина / 未完成审核即发送，原因: срочно, согласовано с продавцом" in text


def test_translation_memory_round_trip(draft, tmp_path):
    reviewed = _edit_xliff(draft, {"fact.2": NEW_FACT2})
    _, record = import_review(reviewed, "Анна Иванова", outdir=draft, languagetool=False)
    tmx = tmp_path / "tm.tmx"
    assert main(["review", "tm-export", "-o", str(tmx)]) == 0
    from lxml import etree
    from translate.storage.tmx import tmxfile

    from docgen.review.tm import tmx_date

    units = {u.source: u for u in tmxfile(tmx.read_bytes()).units}
    unit = units["2026年10月24日买家在提货点签收包裹。"]
    assert unit.target == NEW_FACT2
    # the header names the memory's source language (zh→ru), each unit its reviewer and date
    assert etree.fromstring(tmx.read_bytes()).find("header").get("srclang") == "zh"
    assert unit.xmlelement.get("creationid") == "Анна Иванова"
    assert unit.xmlelement.get("creationdate") == tmx_date(record.time) != ""
    # loaded into another machine's memory (its own state folder), it is used before MT,
    # and a second export keeps the reviewer and the date
    import os

    os.environ["DOCGEN_STATE_DIR"], saved = str(tmp_path / "other-state"), os.environ["DOCGEN_STATE_DIR"]
    try:
        assert main(["review", "tm-import", str(tmx)]) == 0
        from docgen.translate import SegmentTranslator
        from docgen.translate.memory import TranslationMemory

        class NoMT:
            name = "none"

            def translate_batch(self, texts, source, target):
                raise AssertionError("MT must not be called")

        tr = SegmentTranslator(mt=NoMT(), memory=TranslationMemory())
        (res,) = tr.translate_segments(["2026年10月24日买家在提货点签收包裹。"], "zh", "ru")
        assert res.text == NEW_FACT2 and res.origin == "tm"
        again = tmp_path / "again.tmx"
        assert main(["review", "tm-export", "-o", str(again)]) == 0

        def tus(path):
            return sorted((u.source, u.target, u.xmlelement.get("creationid"), u.xmlelement.get("creationdate"))
                          for u in tmxfile(path.read_bytes()).units)

        assert tus(again) == tus(tmx) and ("Анна Иванова" in {t[2] for t in tus(again)})
    finally:
        os.environ["DOCGEN_STATE_DIR"] = saved


def test_review_export_rewrites_the_files_through_the_output_table(draft, capsys):
    xlf, rdocx = draft / "review/review.xlf", draft / "review/review.docx"
    before = xlf.read_bytes()
    xlf.unlink(), rdocx.unlink()
    assert main(["review", "export", str(draft)]) == 0
    assert xlf.read_bytes() == before and rdocx.is_file()
    assert f"wrote {xlf} and {rdocx}" in capsys.readouterr().out


def test_seller_russian_needs_review_before_final(tmp_path, capsys):
    """Russian the seller typed (origin `seller`) is listed for review; --final refuses until a
    review is recorded; after it the sign-off page lists every seller segment in full."""
    case = tmp_path / "fund-hold" / "case.yaml"
    shutil.copytree(SAMPLES / "fund-hold", case.parent, ignore=shutil.ignore_patterns("out"))
    result = build(case, BuildOptions(languagetool=False, bundle=False))  # the import rebuilds what this wrote
    out = result.outdir
    assert {s.origin for s in result.letter.seller_segments()} == {"seller"}
    assert main(["build", str(case), "--final"]) == 3
    err = capsys.readouterr().err
    assert "request: not reviewed yet (the seller's own translation)" in err
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert m["state"] == "draft" and m["segments"]["fact.1"] == {"origin": "seller", "reviewed": False}
    # the reviewer signs without changing a word, confirming every checklist item
    assert main(["review", "import", str(out / "review" / "review.xlf"), "--reviewer", "Анна Иванова", "--confirm", "all",
                 "--contact", "anna@example.com"]) == 0
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert m["state"] == "reviewed" and all(s["reviewed"] for s in m["segments"].values())
    assert m["review"]["checklist"] == ["numbers", "terms", "attachments", "complete"]
    text = " ".join(pdf_text(out / "review" / "signoff.pdf").split())
    for seg in result.letter.seller_segments():
        assert seg.source in text.replace(" ", "") or seg.source.replace(" ", "") in text.replace(" ", ""), seg.id
    rows = docx_text(out / "review" / "signoff.docx")
    assert rows.count("перевод продавца / 卖家自译; проверено / 已审核") == 6  # every seller segment, origin in words
    assert "✓ Номера заказов" in text and "□" not in text
    assert ("Я, Анна Иванова, подтверждаю, что русский текст письма полно и точно передаёт содержание исходного "
            "текста на китайском языке") in text
    assert "本人 Анна Иванова 确认" in text
    assert "Контакт / 联系方式: anna@example.com" in text
    day = dt.datetime.fromisoformat(m["review"]["time"]).date()
    assert f"Дата проверки / 审核日期: {day:%d.%m.%Y}" in text
    assert main(["build", str(case), "--final", "--no-bundle"]) == 0


def test_template_sentence_overridden_with_reason(draft):
    """A reviewer changes a template sentence for this letter: refused without a reason,
    recorded as a deviation (sign-off page, manifest) with one; kept by later builds."""
    new_intro = ("Мы, Shenzhen Example Technology Co., Ltd. (ID магазина 123456789), просим проверить удержание "
                 "средств по отправлению 58213746-0017-1 (уведомление HOLD-012 от 28.10.2026). Ниже приведены "
                 "факты; каждый факт подтверждён приложением.")
    reviewed = _edit_xliff(draft, {"fact.2": NEW_FACT2, "intro": new_intro})
    with pytest.raises(DocgenError, match="give the reason"):
        import_review(reviewed, "Анна Иванова", outdir=draft, languagetool=False)
    # the reason as a reviewer's note in the XLIFF (as a CAT tool writes it)
    store = Xliff12.parsestring(reviewed.read_bytes())
    (unit,) = [u for u in store.units if u.xmlelement.get("id") == "intro"]
    unit.addnote("шаблон звучит слишком общо для этого заказа", origin="translator")
    reviewed.write_bytes(bytes(store))
    result, record = import_review(reviewed, "Анна Иванова", outdir=draft, languagetool=False)
    assert record.deviations == [{"id": "intro", "before": record.deviations[0]["before"], "after": new_intro,
                                  "reason": "шаблон звучит слишком общо для этого заказа"}]
    m = json.loads((draft / "manifest.json").read_text(encoding="utf-8"))
    assert m["deviations"][0]["id"] == "intro" and m["deviations"][0]["text"] == new_intro
    assert m["review"]["deviations"][0]["reason"] == "шаблон звучит слишком общо для этого заказа"
    text = " ".join(pdf_text(draft / "submit" / "letter.ru.pdf").split())
    assert new_intro in text
    text = " ".join(pdf_text(draft / "review" / "signoff.pdf").split())
    assert "шаблон звучит слишком общо для этого заказа" in text
    assert "Изменённые шаблонные фразы (только для этого письма)" in text
    assert "Исправления проверяющего (было → стало)" in text
    # the seller's copy keeps the template's own sentence; a later build keeps the change
    again = build(draft.parent / "case.yaml", BuildOptions(languagetool=False, **NO_DOCUMENTS))
    assert again.letter.segments["intro"].text("ru") == new_intro
    assert again.letter.segments["intro"].deviation[1] == "шаблон звучит слишком общо для этого заказа"
    # a fresh export → import without edits keeps the deviation and its reason
    result, record = import_review(draft / "review" / "review.xlf", "Анна Иванова", outdir=draft, languagetool=False)
    assert [d["id"] for d in record.deviations] == ["intro"]
    assert record.deviations[0]["reason"] == "шаблон звучит слишком общо для этого заказа"


def test_deviation_reason_from_the_command_line(draft):
    reviewed = _edit_xliff(draft, {"fact.2": NEW_FACT2, "greeting": "Уважаемая служба поддержки продавцов!"})
    assert main(["review", "import", str(reviewed), "--reviewer", "Анна Иванова", "--outdir", str(draft),
                 "--deviation", "greeting=обращение короче"]) == 0
    m = json.loads((draft / "manifest.json").read_text(encoding="utf-8"))
    assert m["deviations"] == [{"id": "greeting", "template": m["deviations"][0]["template"],
                                "text": "Уважаемая служба поддержки продавцов!", "reason": "обращение короче"}]
