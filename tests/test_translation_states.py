"""Seller text without a person's translation: marked, never dropped; MT is recorded."""
from __future__ import annotations

import json

import yaml

from docgen import BuildOptions, build
from tests.conftest import docx_text, pdf_text


def _drop_translation(case_path):
    data = yaml.safe_load(case_path.read_text(encoding="utf-8"))
    del data["facts"][1]["text_ru"]
    case_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_untranslated_segment_is_marked_and_is_an_error(fund_hold_case):
    _drop_translation(fund_hold_case)
    r = build(fund_hold_case)
    for text in (docx_text(r.outdir / "letter.ru.docx"), pdf_text(r.outdir / "letter.ru.pdf")):
        flat = " ".join(text.split())
        assert "2. [ТРЕБУЕТСЯ ПЕРЕВОД] 2026年10月24日买家在提货点签收包裹。 (см. Приложения 1, 2)" in flat
    qa = json.loads((r.outdir / "qa.json").read_text(encoding="utf-8"))
    errors = [f for f in qa["findings"] if f["severity"] == "error"]
    assert [(f["check"], f["where"]) for f in errors] == [("untranslated", "fact.2")]
    assert "facts[1].text_ru" in errors[0]["message"]
    signoff = " ".join(pdf_text(r.outdir / "letter.ru.pdf").split())
    part = signoff[signoff.index("Сегменты без перевода"):]
    assert "fact.2" in part and "2026年10月24日买家在提货点签收包裹。" in part
    assert "ошибки / 错误 предупреждения / 警告 к сведению / 提示 1 0 0" in signoff


class ReversingTranslator:
    """A stand-in for the MT engine (issue 4 integrates the real one): logic around it only."""

    name = "fake-reverse 0.1"

    def __init__(self):
        self.calls = []

    def translate_batch(self, texts, source, target):
        self.calls.append((tuple(texts), source, target))
        return [f"[{source}>{target}] {t[::-1]}" for t in texts]


def test_machine_translation_fills_and_is_listed_for_review(fund_hold_case):
    _drop_translation(fund_hold_case)
    tr = ReversingTranslator()
    r = build(fund_hold_case, BuildOptions(translator=tr))
    assert tr.calls == [(("2026年10月24日买家在提货点签收包裹。",), "zh", "ru")]
    seg = r.letter.segments["fact.2"]
    assert seg.origin == "mt" and seg.mt_model == "fake-reverse 0.1"
    m = json.loads((r.outdir / "manifest.json").read_text(encoding="utf-8"))
    assert m["segments"]["fact.2"] == {"origin": "mt", "mt_model": "fake-reverse 0.1"}
    text = " ".join(pdf_text(r.outdir / "letter.ru.pdf").split())
    mt_part = text[text.index("Сегменты машинного перевода"):text.index("Сегменты без перевода")]
    assert "fact.2" in mt_part and "fake-reverse 0.1" in mt_part
