"""The `fidelity` check: a dropped sentence is an error, an added one or a suspicious
length a warning — on the seller's own Russian, machine output and reviewed text alike."""
from __future__ import annotations

import json

import pytest
import yaml

from docgen import BuildOptions, build
from docgen.cli import main
from docgen.qa.fidelity import align, bounds, counted_length, fidelity_problems, sentences
from tests.conftest import SAMPLES, copy_sample

SRC = "2026年10月24日买家在提货点签收包裹。我保证货物是正品。"
FULL = "24.10.2026 покупатель получил посылку в пункте выдачи заказов. Товар является оригинальным."
DROPPED = "24.10.2026 покупатель получил посылку в пункте выдачи заказов."


def test_sentences_keep_numbers_dates_and_abbreviations_whole():
    assert sentences(SRC, "zh") == ["2026年10月24日买家在提货点签收包裹。", "我保证货物是正品。"]
    ru = "Выплата на сумму 3480.00 RUB удержана 24.10.2026 г. Москва. Просим снять удержание."
    assert sentences(ru, "ru") == ["Выплата на сумму 3480.00 RUB удержана 24.10.2026 г. Москва.", "Просим снять удержание."]
    assert counted_length("货件 58213746-0017-1 交由承运商", "zh") == 7
    assert counted_length("отправление RU741852963CN", "ru") == len("отправление")


@pytest.mark.parametrize("target,expected", [
    (FULL, []),
    # two sentences rendered as one, lengths agreeing: a merge, not an omission
    ("24.10.2026 покупатель получил посылку в пункте выдачи заказов, товар является оригинальным.", []),
    (DROPPED, [("error", "source sentence 2 of 2 «我保证货物是正品。» is missing from the translation")]),
    (FULL + " Просим также компенсировать моральный ущерб и задержку выплаты.",
     [("warning", "translation sentence 3 «Просим также компенсировать моральный ущерб и задержку выплаты.» has no "
                  "counterpart in the source")]),
])
def test_missing_and_added_sentences(target, expected):
    got = fidelity_problems(SRC, target, "zh", "ru")
    assert [(sev, msg[:len(want)]) for (sev, msg), (_, want) in zip(got, expected)] == expected
    assert len(got) == len(expected)


def test_length_ratio_and_untranslated_clause():
    short = fidelity_problems("卖家后台显示该货件状态为“已送达”，但金额 3480.00 RUB 的回款已被冻结。", "Выплата 3480.00 RUB удержана.",
                              "zh", "ru")
    assert short and short[0][0] == "warning" and "short for its source" in short[0][1]
    copied = fidelity_problems("The parcel was delivered on 24 October. The buyer signed for it at the pickup point.",
                               "Посылка доставлена 24 октября. The buyer signed for it at the pickup point.", "en", "ru")
    assert ("warning", "«The buyer signed for it at the pickup point» is copied from the source untranslated") in copied
    # bounds are data, per language pair
    b = bounds("zh", "ru")
    assert b.min < b.expected < b.max and bounds("en", "ru").expected < b.expected


def test_alignment_beads():
    assert align([20, 10], [60, 30], 3.0) == [([0], [0]), ([1], [1])]
    assert align([20, 10], [60], 3.0) == [([0], [0]), ([1], [])]
    assert align([20, 10], [95], 3.0) == [([0, 1], [0])]


def test_samples_pass_fidelity(built_samples):
    """The samples' human translations are complete: no fidelity finding (the bounds are tuned on them)."""
    for name, result in built_samples.items():
        assert [f for f in result.findings if f.check.startswith("fidelity")] == [], name


def test_seller_russian_that_drops_a_sentence_is_an_error(tmp_path, capsys):
    case = copy_sample("fund-hold", tmp_path)
    data = yaml.safe_load(case.read_text(encoding="utf-8"))
    data["facts"][1]["text"] = SRC
    data["facts"][1]["text_ru"] = DROPPED
    case.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    # findings, qa.json and review.xlf are read: no printable document, no bundle
    result = build(case, BuildOptions(languagetool=False, formats=(), bundle=False))
    (f,) = [f for f in result.findings if f.check == "fidelity"]
    assert f.severity == "error" and f.where == "fact.2" and "我保证货物是正品" in f.message
    qa = json.loads((result.outdir / "qa.json").read_text(encoding="utf-8"))
    assert any(x["check"] == "fidelity" and x["where"] == "fact.2" for x in qa["findings"])
    assert main(["build", str(case), "--strict", "--no-bundle"]) == 3
    # the reviewer restores the sentence: the finding goes away
    from docgen.review.files import Xliff12
    from docgen.pipeline.review import import_review

    store = Xliff12.parsestring((result.outdir / "review" / "review.xlf").read_bytes())
    for unit in store.units:
        if unit.xmlelement.get("id") == "fact.2":
            target = unit.xmlelement.find(unit.namespaced("target"))
            for child in list(target):
                target.remove(child)
            unit.settarget(FULL)
    reviewed = tmp_path / "reviewed.xlf"
    reviewed.write_bytes(bytes(store))
    after, _ = import_review(reviewed, "Анна Иванова", outdir=result.outdir, languagetool=False)
    assert not [f for f in after.findings if f.check.startswith("fidelity")]
    assert SAMPLES.is_dir()
