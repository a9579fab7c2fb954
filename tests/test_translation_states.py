"""Seller text without a person's translation: marked, never dropped; MT is recorded."""
from __future__ import annotations

import json

import yaml

from docgen import BuildOptions, build
from docgen.translate import SegmentTranslator
from tests.conftest import docx_text, pdf_text


def _drop_translation(case_path):
    data = yaml.safe_load(case_path.read_text(encoding="utf-8"))
    del data["facts"][1]["text_ru"]
    case_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_untranslated_segment_is_marked_and_is_an_error(fund_hold_case):
    _drop_translation(fund_hold_case)
    r = build(fund_hold_case, BuildOptions(bundle=False))  # reads the letter (DOCX, PDF), sign-off, qa.json
    for text in (docx_text(r.outdir / "submit/letter.ru.docx"), pdf_text(r.outdir / "submit/letter.ru.pdf")):
        flat = " ".join(text.split())
        assert "2. [ТРЕБУЕТСЯ ПЕРЕВОД] 2026年10月24日买家在提货点签收包裹。 (см. приложения 1, 2)" in flat
    qa = json.loads((r.outdir / "qa.json").read_text(encoding="utf-8"))
    errors = [f for f in qa["findings"] if f["severity"] == "error"]
    assert [(f["check"], f["where"]) for f in errors] == [("untranslated", "fact.2")]
    assert "facts[1].text_ru" in errors[0]["message"]
    signoff = " ".join(pdf_text(r.outdir / "review/signoff.pdf").split())
    part = signoff[signoff.index("Сегменты без перевода"):]
    assert "fact.2" in part and "2026年10月24日买家在提货点签收包裹。" in part
    assert "ошибки / 错误 предупреждения / 警告 к сведению / 提示 1 0 0" in signoff


class ScriptedTranslator:
    """A stand-in for the MT model (the real one is tested in test_mt_engine.py): answers
    from a script, copying placeholders the way a good model does."""

    name = "scripted 0.1"

    def __init__(self, script: dict[str, str]):
        self.script = script
        self.calls = []

    def translate_batch(self, texts, source, target):
        self.calls.append((tuple(texts), source, target))
        return [self.script[t] for t in texts]


def test_machine_translation_fills_and_is_listed_for_review(fund_hold_case):
    _drop_translation(fund_hold_case)
    tr = ScriptedTranslator({"ZQ1ZQ2在ZQ3签收ZQ4。": "ZQ1 ZQ2 получил ZQ4 в ZQ3."})
    r = build(fund_hold_case, BuildOptions(translator=SegmentTranslator(mt=tr, cache=None), formats=("docx",),
                                           bundle=False))  # reads manifest.json and the sign-off DOCX
    # the date and the glossary terms (买家, 提货点, 包裹) are protected before MT …
    assert tr.calls == [(("ZQ1ZQ2在ZQ3签收ZQ4。",), "zh", "ru")]
    seg = r.letter.segments["fact.2"]
    # … and restored: the date in Russian format, the terms in the case the context needs
    assert seg.text("ru") == "24.10.2026 покупатель получил посылку в пункте выдачи заказов."
    assert seg.origin == "mt" and seg.mt_model == "scripted 0.1"
    m = json.loads((r.outdir / "manifest.json").read_text(encoding="utf-8"))
    assert m["segments"]["fact.2"] == {"origin": "mt", "mt_model": "scripted 0.1", "reviewed": False}
    rows = docx_text(r.outdir / "review/signoff.docx")
    assert "fact.2 | машинный перевод / 机器翻译 (scripted 0.1) | 2026年10月24日买家在提货点签收包裹。" in rows
    assert not [f for f in r.findings if f.severity == "error"]


def test_lost_placeholder_is_an_error_and_value_kept(fund_hold_case):
    _drop_translation(fund_hold_case)
    tr = ScriptedTranslator({"ZQ1ZQ2在ZQ3签收ZQ4。": "ZQ1 ZQ2 получил ZQ4 ZQ4."})
    r = build(fund_hold_case, BuildOptions(translator=SegmentTranslator(mt=tr, cache=None), formats=(),
                                           bundle=False))  # the test reads the letter model and findings
    seg = r.letter.segments["fact.2"]
    assert seg.text("ru").endswith("[пункт выдачи заказов]")
    found = [(f.check, f.where, f.message) for f in r.findings if f.check == "placeholders"]
    assert ("placeholders", "fact.2", "glossary term 'пункт выдачи заказов' was lost in translation "
            "(added at the end in brackets)") in found
    assert any("'посылка' appears 2 times" in msg for _, _, msg in found)
