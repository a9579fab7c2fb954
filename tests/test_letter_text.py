"""The editor's findings (issue #12), one test per row: the letter now reads as the
"better" column. Letters are rendered in-process (templates → Letter → typeset view),
so these tests need no LanguageTool and no files."""
from __future__ import annotations

import copy
import re
import datetime as dt

import pytest

from docgen import DocgenError
from docgen.case.loader import _semantic_problems
from docgen.case.yaml_source import YamlDoc
from docgen.case.model import Case
from docgen.model import Paragraph
from docgen.qa import QAContext, run_checks
from docgen.qa.registry import CHECKS
from docgen.render import render_letter
from docgen.render.typography import NBSP, typeset_blocks, typeset_text

SELLER = {"name": "深圳市示例科技有限公司", "name_latin": "Shenzhen Example Technology Co., Ltd.",
          "shop_id": "123456789", "signatory": "Li Wei"}
FACT = {"date": dt.date(2026, 11, 20), "text": "2026年11月20日买家签收。", "text_ru": "20.11.2026 покупатель получил заказ.",
        "text_en": "The buyer received the order on 20.11.2026.", "evidence": ["E1"]}
EVIDENCE = {"id": "E1", "file": "evidence/A01_tracking_RU1CN.pdf", "description": "物流轨迹",
            "description_ru": "Трекинг перевозчика", "description_en": "Carrier tracking"}
BASE = {
    "fund_hold": {"items": [{"order": "12345678-0001-1", "amount": "3480.00 RUB"}]},
    "listing_takedown": {"items": [{"sku": "1184520937"}], "reason": "certificate_missing"},
    "performance_review": {"items": [{"order": "12345678-0001-1"}], "metric": "on_time_delivery",
                           "window_days": 30},
    "support_request": {"items": [{"sku": "1184520937"}], "topic": "payout"},
}


def make_case(case_type: str, language: str = "zh", target: str = "ru", **changes) -> Case:
    data = {"case_type": case_type, "language": language, "target": target, "letter_date": dt.date(2026, 11, 25),
            "seller": dict(SELLER), "notice": {"date": dt.date(2026, 11, 23)}, "facts": [copy.deepcopy(FACT)],
            "evidence": [dict(EVIDENCE)], "request": "请求处理。", "request_ru": "Просим рассмотреть обращение.",
            "request_en": "Please review this request.", **copy.deepcopy(BASE[case_type])}
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return Case.model_validate(data)


def text(case: Case, lang: str | None = None) -> str:
    """The printed letter of one language, with its typography, one paragraph a line."""
    lang = lang or case.target
    letter = render_letter(case)
    lines = []
    for b in typeset_blocks(letter.view(lang), lang):
        if isinstance(b, Paragraph):
            lines.append((b.label + " " if b.label else "") + b.text)
    return "\n".join(lines)


def flat(case: Case, lang: str | None = None) -> str:
    return " ".join(text(case, lang).split())  # NBSP counts as a space here


def load_problems(case: Case) -> list[str]:
    from pathlib import Path

    return [p.message for p in _semantic_problems(case, Path("/nonexistent"), "case.yaml", YamlDoc(None, None))
            if not p.field.startswith("evidence")]


# ---- the table, row by row -------------------------------------------------------------------

def test_fund_hold_without_code_dates_the_notice_not_the_posting():
    ru = flat(make_case("fund_hold"))
    assert "по отправлению 12345678-0001-1 (уведомление от 23.11.2026)" in ru
    assert "12345678-0001-1 от 23.11.2026" not in ru
    with_code = flat(make_case("fund_hold", notice={"date": dt.date(2026, 11, 23), "code": "HOLD-777"}))
    assert "по отправлению 12345678-0001-1 (уведомление HOLD-777 от 23.11.2026)" in with_code


def test_support_topic_in_the_genitive_and_the_date_on_a_noun():
    ru = flat(make_case("support_request"))
    assert "Тема: Обращение по вопросу выплат: SKU 1184520937" in ru
    assert "обращаемся по вопросу выплат (уведомление от 23.11.2026)." in ru
    assert "«выплаты»" not in ru
    for topic, words in (("account", "аккаунта продавца"), ("orders", "заказов"), ("logistics", "логистики")):
        assert f"по вопросу {words}" in flat(make_case("support_request", topic=topic))


def test_support_code_is_named_as_an_error():
    ru = flat(make_case("support_request", notice={"date": dt.date(2026, 11, 2), "code": "ERR_PAYOUT_BLOCKED"}))
    assert "в связи с ошибкой ERR_PAYOUT_BLOCKED (02.11.2026)" in ru
    assert "в связи с ERR_PAYOUT_BLOCKED" not in ru


@pytest.mark.parametrize("case_type, enum_field, text_field, value", [
    ("performance_review", "metric", "metric_name", "Индекс локализации"),
    ("support_request", "topic", "topic_text", "Возврат комиссии"),
    ("listing_takedown", "reason", "reason_text", "Нарушение требований к маркировке"),
])
def test_other_asks_for_the_name_as_the_notice_shows_it(case_type, enum_field, text_field, value):
    bare = make_case(case_type, **{enum_field: "other"})
    assert any(text_field in m for m in load_problems(bare))
    case = make_case(case_type, notice={"date": dt.date(2026, 11, 23), "text": "Товар скрыт до проверки."},
                     **{enum_field: "other", text_field: value})
    assert not load_problems(case)
    ru = flat(case)
    assert value in ru
    for said_nothing in ("показатель «показатель", "вопросу «иной вопрос»", "иная причина", "другой показатель",
                         "другой вопрос", "другая причина"):
        assert said_nothing not in ru
    assert "Текст уведомления: «Товар скрыт до проверки»." in ru


def test_support_request_has_no_conclusion_block():
    ru = text(make_case("support_request"))
    assert "\nВывод\n" not in ru and "Просьба\nПросим" in ru
    assert ru.count("Просим") == 1


def test_intro_claims_every_fact_is_proven_only_when_true():
    claim = "каждый факт подтверждён приложением"
    assert claim in flat(make_case("fund_hold"))
    unproven = make_case("fund_hold", facts=[{**FACT, "evidence": []}, FACT])
    assert claim not in flat(unproven)
    assert "每项事实均附有证明材料" not in flat(unproven, "zh")


def test_two_skus_are_all_named_in_the_plural():
    case = make_case("listing_takedown", items=[{"sku": "1184520937"}, {"sku": "1184520938"}])
    ru = flat(case)
    assert "Тема: Просьба восстановить в продаже товары SKU 1184520937, 1184520938" in ru
    assert "по которому товары скрыты от покупателей" in ru
    assert "Карточки товаров соответствуют требованиям Ozon." in ru
    assert "Отправления и товары, к которым относится обращение" in ru
    one = flat(make_case("listing_takedown"))
    assert "товар SKU 1184520937" in one and "товар скрыт от покупателей" in one
    support = flat(make_case("support_request", items=[{"order": "1-1"}, {"order": "2-2"}]))
    assert "Обращение по вопросу выплат: отправления 1-1, 2-2" in support
    assert make_case("support_request", items=[{"order": "1-1"}, {"order": "2-2"}]).case_reference == "1-1, 2-2"


def test_payout_question_needs_no_order_and_names_the_payout():
    case = make_case("support_request", items=None, payout_id="PAYOUT-2026-11-02")
    assert not load_problems(case)
    ru = flat(case)
    assert "Тема: Обращение по вопросу выплат: выплата № PAYOUT-2026-11-02" in ru
    assert "Обращение касается выплаты № PAYOUT-2026-11-02." in ru
    assert "отправление" not in ru.lower() and "Отправления и товары" not in ru
    assert any("at least one item" in m for m in load_problems(make_case("fund_hold", items=None)))


def test_hold_reason_brings_its_own_conclusion():
    default = flat(make_case("fund_hold"))
    assert "выполнен надлежащим образом" in default
    no_tracking = flat(make_case("fund_hold", hold_reason="no_tracking"))  # a reason, as docgen explain writes
    expired = flat(make_case("fund_hold", hold_reason="HOLD-045"))  # or a hold code
    assert "Причина удержания, указанная в уведомлении: отсутствуют данные о движении отправления" in no_tracking
    assert "Причина удержания, указанная в уведомлении: истёк срок действия документов продавца." in expired
    assert "данные трекинга подтверждают" in no_tracking and "истёкший срок действия" in expired
    assert "выполнен надлежащим образом" not in expired
    # the notice code picks the entry when hold_reason is not given
    by_code = flat(make_case("fund_hold", notice={"date": dt.date(2026, 11, 23), "code": "HOLD-045"}))
    assert "истёкший срок действия" in by_code
    zh = flat(make_case("fund_hold", hold_reason="HOLD-045"), "zh")
    assert "卖家资质文件已过期" in zh and "该冻结原因通常需要的材料" in zh
    assert any("unknown hold reason" in m for m in load_problems(make_case("fund_hold", hold_reason="HOLD-999")))


def test_takedown_made_in_error_has_its_own_intro_and_conclusion():
    fixed = flat(make_case("listing_takedown"))
    wrong = flat(make_case("listing_takedown", takedown_kind="in_error"))
    assert "принятые нами меры" in fixed and "Причина скрытия товара устранена" in fixed
    assert "Тема: Просьба отменить ошибочное скрытие товара SKU 1184520937" in wrong
    assert "По нашим данным, товар скрыт ошибочно" in wrong
    assert "товар скрыт ошибочно: нарушения, указанного в уведомлении, нет." in wrong
    assert "устранена" not in wrong
    assert "商品系被误隐藏" in flat(make_case("listing_takedown", takedown_kind="in_error"), "zh")


def _checks(case: Case, name: str):
    from docgen.case.loader import CaseFile
    from pathlib import Path

    cf = CaseFile(case=case, path=Path("/x/case.yaml"), folder=Path("/x"))
    return run_checks(QAContext(case_file=cf, letter=render_letter(case)), [c for c in CHECKS if c.name == name])


def test_performance_fact_period_and_window():
    period_fact = {"period": {"from": dt.date(2026, 10, 1), "to": dt.date(2026, 10, 31)},
                   "text": "2026年10月1日至31日所有货件按时交付。",
                   "text_ru": "С 01.10.2026 по 31.10.2026 все отправления передавались перевозчику в срок.",
                   "evidence": ["E1"]}
    case = make_case("performance_review", notice={"date": dt.date(2026, 10, 31)}, facts=[period_fact],
                     evidence=[{**EVIDENCE, "date": dt.date(2026, 11, 1),
                                "period": {"from": dt.date(2026, 10, 1), "to": dt.date(2026, 10, 31)}}])
    ru = flat(case)
    assert "с 01.10.2026 по 31.10.2026" in ru  # the letter states the window
    assert "1. С 01.10.2026 по 31.10.2026 все отправления" in ru  # no contradicting date before it
    assert _checks(case, "metric-window") == [] and _checks(case, "fact-date") == []
    # the old sample: a September fact dated 01.10
    wrong = make_case("performance_review", notice={"date": dt.date(2026, 10, 31)},
                      facts=[{**FACT, "date": dt.date(2026, 10, 1), "text": "2026年9月1日至30日，所有货件均按时交付。",
                              "text_ru": "С 01.09.2026 по 30.09.2026 все отправления передавались в срок."}])
    (f,) = _checks(wrong, "fact-date")
    assert f.severity == "warning" and "2026-09-01" in f.message
    printed = make_case("performance_review", facts=[{**FACT, "text": "货件延迟。", "text_ru": "Передача задержалась.",
                                                     "text_en": "Handover was late."}])
    assert "1. 20.11.2026 — передача задержалась" in flat(printed)


def test_evidence_period_covers_the_window_in_english():
    case = make_case("performance_review", language="en", target="en", notice={"date": dt.date(2026, 10, 31)},
                     window_days=60, evidence=[{**EVIDENCE, "date": dt.date(2026, 10, 27),
                                                "period": {"from": dt.date(2026, 8, 28),
                                                           "to": dt.date(2026, 10, 26)}}],
                     facts=[{**FACT, "date": dt.date(2026, 10, 27), "text": "Shipping log checked."}])
    assert _checks(case, "metric-window") == []
    no_period = make_case("performance_review", language="en", target="en", notice={"date": dt.date(2026, 10, 31)},
                          window_days=60, evidence=[{**EVIDENCE, "date": dt.date(2026, 10, 27)}],
                          facts=[{**FACT, "date": dt.date(2026, 10, 27), "text": "Shipping log checked."}])
    assert [f.check for f in _checks(no_period, "metric-window")] == ["metric-window"]
    en = flat(case, "en")
    assert "from 1 September 2026 to 31 October 2026" in en


# ---- typography ------------------------------------------------------------------------------

def test_russian_typography():
    case = make_case("fund_hold", facts=[{**FACT, "text_ru": "20.11.2026 покупатель получил заказ RU1CN."},
                                         {**FACT, "date": dt.date(2026, 11, 21), "text": "后台显示已送达。",
                                          "text_ru": "В личном кабинете статус — «Доставлено»."}])
    ru = text(case)
    assert f"заказ RU1CN (см.{NBSP}приложение{NBSP}1)." in ru  # the reference before the full stop
    assert f"21.11.2026{NBSP}— в личном кабинете" in ru  # lower case after the date dash
    assert f"1. Отправление №{NBSP}12345678-0001-1; сумма{NBSP}3{NBSP}480,00{NBSP}руб." in ru  # capital, NBSP, amount
    assert f"Приложение{NBSP}1. Трекинг перевозчика" in ru
    assert "Ozon" in typeset_text("Ozon", "ru")
    assert typeset_text("выплата 152400.00 RUB.", "ru") == f"выплата 152{NBSP}400,00{NBSP}руб."
    assert typeset_text("3480.00 RUB", "en") == f"3,480.00{NBSP}RUB"
    assert typeset_text("3480.00 RUB", "zh") == f"3,480.00{NBSP}卢布"
    assert typeset_text("24 октября 2026 г.", "ru") == f"24{NBSP}октября{NBSP}2026{NBSP}г."
    assert typeset_text("на сумму 3480.00 RUB", "ru") == f"на сумму{NBSP}3{NBSP}480,00{NBSP}руб."


def test_amounts_still_match_the_numbers_check():
    from docgen.qa.language_checks import number_problems

    for formatted in (typeset_text("3480.00 RUB", lang) for lang in ("ru", "en", "zh")):
        assert number_problems("金额 3480.00 RUB", formatted) == []
    assert number_problems("金额 3480.00 RUB", "сумма 3 480,00 руб.") == []
    assert number_problems("金额 3480.00 RUB", "сумма 3 481,00 руб.") != []


def test_chinese_closing_and_reference_and_english_terms():
    case = make_case("fund_hold", items=[{"order": "12345678-0001-1", "offer_id": "EX-1"}])
    zh = text(case, "zh")
    assert "\n此致\n敬礼！\n" in zh
    assert "2026年11月20日买家签收（见附件1）。" in zh
    assert "。 （见附件" not in zh
    en = text(make_case("fund_hold", language="en", target="en", items=[{"order": "1-1", "offer_id": "EX-1"}]), "en")
    assert "offer ID EX-1" in en and "article" not in en
    support_en = flat(make_case("support_request", language="en", target="en"), "en")
    assert "are writing about payouts (notice of 23 November 2026)." in support_en
    perf_zh = flat(make_case("performance_review"), "zh")
    assert "准时送达率" in perf_zh and "准时发货率" not in perf_zh


def test_previous_rule_and_position_are_printed():
    case = make_case("listing_takedown", appeal_round=2, rule="Правила размещения товаров, п. 4.2.",
                     previous={"ticket": "SR-778812", "date": dt.date(2026, 11, 10),
                               "rejection": "Документ не читается."},
                     seller={**SELLER, "position": "Генеральный директор"})
    ru = flat(case)
    assert ("Предыдущее обращение № SR-778812 от 10.11.2026 отклонено по причине: «Документ не читается»." in ru)
    assert "Применимое правило Ozon: Правила размещения товаров, п. 4.2." in ru
    assert "С уважением, Генеральный директор Li Wei Shenzhen Example Technology Co., Ltd." in ru
    without = flat(make_case("listing_takedown", appeal_round=2))
    assert "Предыдущее обращение отклонено." in without and "№ от" not in without
    assert [f.where for f in _checks(make_case("listing_takedown", appeal_round=2), "reappeal")] == \
        ["appeal_round", "previous.ticket"]


def test_seed_rules_as_checks():
    third = make_case("fund_hold", appeal_round=3, previous={"ticket": "SR-1"}, previous_manifest="../r2/manifest.json")
    (f,) = _checks(third, "appeal-limit")
    assert f.severity == "error" and "at most 2 appeals" in f.message
    assert _checks(make_case("fund_hold", appeal_round=2), "appeal-limit") == []
    cert = make_case("listing_takedown", evidence=[{**EVIDENCE, "file": "evidence/A01_photo_1.jpg",
                                                   "description": "包装照片", "description_ru": "Фото упаковки"}])
    (f,) = _checks(cert, "evidence-match")
    assert f.severity == "warning" and "certificate" in f.message
    declared = make_case("listing_takedown", evidence=[{**EVIDENCE, "file": "evidence/A01_scan_1.pdf",
                                                       "kind": "certificate"}])
    assert _checks(declared, "evidence-match") == []
    named = make_case("listing_takedown", evidence=[{**EVIDENCE, "file": "evidence/EAC_1184520937_2026.pdf"}])
    assert _checks(named, "evidence-match") == []


def test_seller_copy_marks_untranslated_and_machine_sentences():
    case = make_case("fund_hold", facts=[{**FACT, "text_ru": None}, FACT])
    letter = render_letter(case)
    zh = "\n".join(b.text for b in letter.view("zh") if isinstance(b, Paragraph))
    assert "2026年11月20日买家签收。「俄文信中此段尚未翻译」" in zh.replace(" ", "")
    assert zh.count("「俄文信中此段尚未翻译」") == 1
    letter.segments["fact.1"].texts["ru"] = "20.11.2026 покупатель получил заказ."
    letter.segments["fact.1"].origin = "mt"
    zh = "\n".join(b.text for b in letter.view("zh") if isinstance(b, Paragraph))
    assert "「机器翻译，待母语审核」" in zh and "「俄文信中此段尚未翻译」" not in zh
    letter.segments["fact.1"].reviewed = True
    zh = "\n".join(b.text for b in letter.view("zh") if isinstance(b, Paragraph))
    assert "「机器翻译" not in zh
    ru = "\n".join(b.text for b in letter.view("ru") if isinstance(b, Paragraph))
    assert "「" not in ru


def test_loading_rejects_fields_of_other_case_types():
    with pytest.raises(Exception):
        Case.model_validate({"case_type": "fund_hold"})
    assert any("does not apply" in m for m in load_problems(make_case("fund_hold", takedown_kind="fixed")))
    assert any("does not apply" in m for m in load_problems(make_case("listing_takedown", payout_id="P-1")))
    assert DocgenError


def test_third_fund_hold_appeal_exits_3_with_strict(fund_hold_case):
    import yaml

    from docgen.cli import main

    data = yaml.safe_load(fund_hold_case.read_text(encoding="utf-8"))
    data.update(appeal_round=3, previous={"ticket": "SR-2", "date": "2026-11-01", "rejection": "Нет трека."})
    fund_hold_case.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert main(["build", str(fund_hold_case), "--strict", "--no-bundle"]) == 3
    import json

    qa = json.loads((fund_hold_case.parent / "out" / "qa.json").read_text(encoding="utf-8"))
    assert [f["severity"] for f in qa["findings"] if f["check"] == "appeal-limit"] == ["error"]


def test_long_unbreakable_strings_wrap_inside_the_page(tmp_path):
    import subprocess

    from docgen.model import Document, Run
    from docgen.writers import pdf_writer

    long_name = "A01_" + "x" * 150 + ".pdf"
    doc = Document(lang="ru", title="t", running_header="h", page_label="{page}/{pages}", blocks=[
        Paragraph([Run(f"Приложение 1. Файл {long_name} и отправление 58213746-0017-1.")], style="item")])
    pdf = tmp_path / "long.pdf"
    pdf_writer.write(doc, pdf)
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', bbox))
    assert right <= 595.3 - 18 * 72 / 25.4 + 1, f"text runs off the page (xMax {right})"
    assert "58213746-0017-1" in pdf_text_of(pdf)


def pdf_text_of(path):
    from tests.conftest import pdf_text

    return " ".join(pdf_text(path).split())


def test_closing_never_stands_alone_on_a_page(tmp_path):
    """Whatever the length of the attachment list, the page with «С уважением» also
    holds the last attachment line (the signature block is never alone on a page)."""
    from docgen.build import keep_closing_together
    from docgen.model import Document, Run
    from docgen.writers import pdf_writer
    from tests.conftest import pdf_text

    def letter(n: int):
        blocks = [Paragraph([Run(f"Приложение {i}. Скриншот трекинга с сайта перевозчика")], style="item")
                  for i in range(1, n + 1)]
        blocks += [Paragraph([Run("С уважением,")], style="closing"), Paragraph([Run("Li Wei")], style="closing"),
                   Paragraph([Run("Shenzhen Example Technology Co., Ltd.")], style="closing"),
                   Paragraph([Run("Подпись: ________")], style="signature")]
        doc = Document(lang="ru", title="t", running_header="h", page_label="{page}/{pages}",
                       blocks=keep_closing_together(blocks))
        path = tmp_path / f"l{n}.pdf"
        pdf_writer.write(doc, path)
        return pdf_text(path).split("\f")

    first_page = letter(80)[0]
    capacity = max(int(m) for m in re.findall(r"Приложение (\d+)\.", first_page))
    for n in range(capacity - 3, capacity + 2):
        pages = letter(n)
        closing = next(p for p in pages if "С уважением" in p)
        assert "Приложение" in closing, f"{n} attachments: the closing stands alone on its page"
