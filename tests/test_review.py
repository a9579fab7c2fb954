"""The translator's review round trip: export, edit as a CAT tool / Word would, import,
and a letter whose sign-off page names the reviewer and the hash they approved."""
from __future__ import annotations

import json
import shutil

import docx
import pytest
import yaml

from docgen import BuildOptions, DocgenError, build
from docgen.cli import main
from docgen.review.files import Xliff12
from docgen.pipeline.review import import_review
from tests.conftest import SAMPLES, pdf_text

NEW_FACT2 = "24.10.2026 покупатель получил посылку в пункте выдачи заказов."


@pytest.fixture
def draft(tmp_path):
    """A fund-hold case whose fact 2 has no translation yet, built once."""
    case = tmp_path / "fund-hold" / "case.yaml"
    shutil.copytree(SAMPLES / "fund-hold", case.parent, ignore=shutil.ignore_patterns("out"))
    data = yaml.safe_load(case.read_text(encoding="utf-8"))
    del data["facts"][1]["text_ru"]
    case.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    build(case, BuildOptions(languagetool=False))
    return case.parent / "out"


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
    assert units["intro"].xmlelement.get("translate") == "no" and target(units["intro"]).get("state") == "final"
    assert target(units["fact.1"]).get("state") == "translated"
    assert target(units["fact.2"]).get("state") == "needs-translation"
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
    assert "Родной язык / 母语: ru" in signoff
    assert f"SHA-256 текста письма: / 信件正文 SHA-256： {record.letter_sha256}" in signoff
    m = json.loads((draft / "manifest.json").read_text(encoding="utf-8"))
    assert m["state"] == "reviewed" and m["review"]["reviewer"] == "Анна Иванова"
    assert {"id": "fact.2", "before": "", "after": NEW_FACT2} in m["review"]["changed"]
    # the pre-review outputs are kept beside the new ones
    (pre,) = [p for p in draft.iterdir() if p.name.startswith("pre-review-")]
    assert (pre / "submit/letter.ru.pdf").read_bytes() == before["submit/letter.ru.pdf"]
    # a later plain build keeps the review while the letter is unchanged …
    again = build(draft.parent / "case.yaml", BuildOptions(languagetool=False))
    assert json.loads((draft / "manifest.json").read_text(encoding="utf-8"))["state"] == "reviewed"
    assert again.letter.segments["fact.2"].text("ru") == NEW_FACT2
    # … and --final now passes
    assert main(["build", str(draft.parent / "case.yaml"), "--final"]) == 0
    assert json.loads((draft / "manifest.json").read_text(encoding="utf-8"))["state"] == "final"


def test_round_trip_through_docx(draft):
    d = docx.Document(str(draft / "review/review.docx"))
    rows = {r.cells[0].text: r for r in d.tables[0].rows[1:]}
    rows["fact.2"].cells[2].text = NEW_FACT2
    d.save(str(draft / "review-edited.docx"))
    assert main(["review", "import", str(draft / "review-edited.docx"), "--reviewer", "Пётр Смирнов"]) == 0
    text = " ".join(pdf_text(draft / "submit/letter.ru.pdf").split())
    signoff = " ".join(pdf_text(draft / "review/signoff.pdf").split())
    assert f"{NEW_FACT2[:-1]} (см. приложения 1, 2)." in text and "Проверяющий (ФИО) / 审核人（姓名）: Пётр Смирнов" in signoff


@pytest.mark.parametrize("edits,message", [
    ({"fact.2": "24.10.2026 покупатель получил посылку.", "fact.1": "Отправление передано перевозчику."},
     "ID 58213746-0017-1 of the source is missing"),
    ({"fact.2": "Покупатель получил посылку ZQ1."}, "placeholder"),
    ({"intro": "Другое вступление."}, "template sentence is locked"),
    ({"fact.2": ""}, "translation is empty"),
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
    build(case, BuildOptions(languagetool=False))
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
    assert "fact.2: machine translation not reviewed yet" in err or "fact.2: error finding [untranslated]" in err
    assert _snapshot(draft) == before
    assert main(["build", str(case), "--final", "--force"]) == 2  # a reason is required
    # forced or not, Chinese left in what is sent is refused (submit/ rules), and nothing written
    assert main(["build", str(case), "--final", "--force", "--reason", "срочно, согласовано с продавцом"]) == 3
    assert "submit/letter.ru.pdf, page 1: cjk" in capsys.readouterr().err and _snapshot(draft) == before
    # once the sentence has a person's translation, the forced build goes through (MT would stay unreviewed)
    data = yaml.safe_load(case.read_text(encoding="utf-8"))
    data["facts"][1]["text_ru"] = "24.10.2026 покупатель получил посылку в пункте выдачи."
    data["facts"][0].pop("text_ru")
    data["facts"][0]["text"] = "Отправление передано перевозчику 20.10.2026."  # no Chinese, still unreviewed
    case.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert main(["build", str(case), "--final", "--force", "--reason", "срочно, согласовано с продавцом"]) == 0
    m = json.loads((draft / "manifest.json").read_text(encoding="utf-8"))
    assert m["state"] == "final" and m["forced"] == "срочно, согласовано с продавцом"
    text = " ".join(pdf_text(draft / "review/signoff.pdf").split())
    assert "Отправлено без завершённой проверки, причина / 未完成审核即发送，原因: срочно, согласовано с продавцом" in text


def test_translation_memory_round_trip(draft, tmp_path):
    reviewed = _edit_xliff(draft, {"fact.2": NEW_FACT2})
    import_review(reviewed, "Анна Иванова", outdir=draft, languagetool=False)
    tmx = tmp_path / "tm.tmx"
    assert main(["review", "tm-export", "-o", str(tmx)]) == 0
    from translate.storage.tmx import tmxfile

    units = {u.source: u.target for u in tmxfile(tmx.read_bytes()).units}
    assert units["2026年10月24日买家在提货点签收包裹。"] == NEW_FACT2
    # loaded into another machine's memory, it is used before MT
    import os

    os.environ["DOCGEN_CACHE_DIR"], saved = str(tmp_path / "other-cache"), os.environ["DOCGEN_CACHE_DIR"]
    try:
        assert main(["review", "tm-import", str(tmx)]) == 0
        from docgen.translate import SegmentTranslator
        from docgen.translate.cache import SegmentCache

        class NoMT:
            name = "none"

            def translate_batch(self, texts, source, target):
                raise AssertionError("MT must not be called")

        tr = SegmentTranslator(mt=NoMT(), cache=SegmentCache())
        (res,) = tr.translate_segments(["2026年10月24日买家在提货点签收包裹。"], "zh", "ru")
        assert res.text == NEW_FACT2 and res.origin == "human"
    finally:
        os.environ["DOCGEN_CACHE_DIR"] = saved


def test_review_export_rewrites_the_files_through_the_output_table(draft, capsys):
    xlf, rdocx = draft / "review/review.xlf", draft / "review/review.docx"
    before = xlf.read_bytes()
    xlf.unlink(), rdocx.unlink()
    assert main(["review", "export", str(draft)]) == 0
    assert xlf.read_bytes() == before and rdocx.is_file()
    assert f"wrote {xlf} and {rdocx}" in capsys.readouterr().out
