"""QA of the Russian: the real LanguageTool server, and each language check on a
sentence made for it (and quiet on a correct one)."""
from __future__ import annotations

import json

import pytest

from docgen import BuildOptions, Session, build
from docgen.checkfile import check_file
from docgen.cli import main
from docgen.qa import languagetool as lt
from tests.conftest import pdf_text


def _check(tmp_path, ru: list[str], zh: list[str] | None = None, **kw):
    target = tmp_path / "ru.txt"
    target.write_text("\n".join(ru) + "\n", encoding="utf-8")
    source = None
    if zh is not None:
        source = tmp_path / "zh.txt"
        source.write_text("\n".join(zh) + "\n", encoding="utf-8")
    return check_file(target, "ru", source, "zh" if zh else None, **kw)


def _by_check(result, name):
    return [f for f in result.findings if f.check == name]


@pytest.mark.parametrize("sentence,rule,flagged", [
    ("В течении месяца мы ждали ответа.", "V_TECHENIЕ", "В течении месяца"),
    ("Мы подали апеляция на это решение.", "MORFOLOGIK_RULE_RU_RU", "апеляция"),
    ("Красивый машина стоит у склада.", "Unify_Adj_NN_gender", "Красивый машина"),
])
def test_languagetool_finds_known_errors(tmp_path, languagetool, sentence, rule, flagged):
    (f,) = _by_check(_check(tmp_path, [sentence]), "grammar")
    assert f"[{rule}]" in f.message and sentence[f.start:f.end] == flagged


def test_languagetool_quiet_on_correct_russian_and_project_words(tmp_path, languagetool):
    result = _check(tmp_path, [
        "В течение месяца покупатель получил посылку в пункте выдачи заказов.",
        "Просим снять удержание средств по заказу.",
        "Товар продаётся на маркетплейсе по схеме FBS, артикул указан в карточке товара.",
    ])
    assert _by_check(result, "grammar") == []


def test_second_build_rechecks_nothing(fund_hold_case, languagetool, tmp_path, monkeypatch):
    monkeypatch.setenv("DOCGEN_CACHE_DIR", str(tmp_path / "fresh-cache"))  # nothing checked before this test
    # two sessions, as two separate runs of docgen: the cache on disk is what they share
    one, two = Session.from_env(), Session.from_env()
    checker = one.grammar_checker("ru")
    start, start_texts = checker.requests, checker.texts_sent
    # the findings and the letter are read: no printable documents, no bundle
    first = build(fund_hold_case, BuildOptions(formats=(), bundle=False), session=one)
    sent = checker.texts_sent - start_texts
    texts = {s.text("ru") for s in first.letter.segments.values() if s.text("ru") and s.origin != "data"}
    assert sent == len(texts) > 10  # each distinct sentence of the letter went to LanguageTool once
    assert checker.requests - start == 1  # … all of them in one request
    assert not [f for f in first.findings if f.check == "grammar" and f.where == "letter"]  # it was checked
    requests = checker.requests
    second = build(fund_hold_case, BuildOptions(formats=(), bundle=False), session=two)
    other = two.grammar_checker("ru")
    assert checker.requests == requests and checker.texts_sent == start_texts + sent  # all from the cache
    assert other.requests == 0 and other.texts_sent == 0
    one.close(), two.close()
    grammar = [(f.where, f.message) for f in second.findings if f.check == "grammar"]
    assert grammar == [(f.where, f.message) for f in first.findings if f.check == "grammar"]


def test_grammar_not_checked_when_server_down(fund_hold_case, monkeypatch, tmp_path):
    monkeypatch.setenv("LT_URL", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("DOCGEN_CACHE_DIR", str(tmp_path / "cache"))  # no sentence checked before
    r = build(fund_hold_case, BuildOptions(formats=("pdf",), bundle=False))  # reads the sign-off PDF
    (f,) = [f for f in r.findings if f.check == "grammar"]
    assert f.where == "letter" and f.message.startswith("grammar not checked") and f.severity == "warning"
    assert any(f.check == "numbers" for f in r.findings) is False  # other checks ran, and found nothing
    text = " ".join(pdf_text(r.outdir / "review/signoff.pdf").split())
    assert "Грамматика не проверена: сервер LanguageTool недоступен" in text


def test_terminology(tmp_path):
    zh = ["买家在提货点签收了包裹。"]
    bad = _check(tmp_path, ["Клиент забрал коробку в магазине."], zh, languagetool=False)
    missing = {f.message.split("«")[1].split("»")[0] for f in _by_check(bad, "terminology")}
    assert missing == {"买家", "提货点", "包裹"}
    good = _check(tmp_path, ["Покупатель получил посылку в пункте выдачи заказов."], zh, languagetool=False)
    assert _by_check(good, "terminology") == []  # «посылку», «пункте выдачи заказов»: inflected forms count


def test_forbidden_terms(tmp_path):
    (f,) = _by_check(_check(tmp_path, ["Мы направляем апелляцию по заказу."], languagetool=False), "forbidden-terms")
    assert f.severity == "error" and "«апелляцию» is a forbidden term" in f.message
    assert _by_check(_check(tmp_path, ["Мы направляем обращение по заказу."], languagetool=False),
                     "forbidden-terms") == []


def test_numbers_dates_compared_as_dates(tmp_path):
    zh = ["2026年10月24日订单 58213746-0017-1 金额 3480.00 RUB，共 17 件。"]
    ok = _check(tmp_path, ["24 октября 2026 г. заказ 58213746-0017-1 на сумму 3480,00 RUB, всего 17 штук."], zh,
                languagetool=False)
    assert _by_check(ok, "numbers") == []
    ok2 = _check(tmp_path, ["24.10.2026 заказ 58213746-0017-1 на сумму 3 480.00 RUB, всего 17 штук."], zh,
                 languagetool=False)
    assert _by_check(ok2, "numbers") == []
    bad = _check(tmp_path, ["25.10.2026 заказ 58213746-0017-2 на сумму 3840.00 RUB, всего 71 штука."], zh,
                 languagetool=False)
    msgs = {f.message for f in _by_check(bad, "numbers")}
    assert msgs == {"date 2026-10-24 of the source is missing from the translation",
                    "ID 58213746-0017-1 of the source is missing from the translation",
                    "number 3480 of the source is missing from the translation",
                    "number 17 of the source is missing from the translation"}


def test_untranslated_and_placeholders(tmp_path):
    r = _check(tmp_path, ["Покупатель 签收了 посылку.", "Same text here.", "Заказ ZQ3 доставлен."],
               ["买家签收了包裹。", "Same text here.", "订单已送达。"], languagetool=False)
    found = {(f.where, f.check) for f in r.findings}
    assert ("p1", "untranslated") in found and ("p2", "untranslated") in found and ("p3", "placeholders") in found
    assert ("p3", "untranslated") not in found


def test_style_and_promo(tmp_path):
    r = _check(tmp_path, ["Честно, мы ничего не нарушали, войдите в положение."], ["我保证没骗人。"], languagetool=False)
    phrases = {f.message.split("«")[1].split("»")[0] for f in _by_check(r, "style")}
    assert phrases == {"войдите в положение", "честно", "我保证", "没骗人"}
    assert _by_check(_check(tmp_path, ["Товар передан перевозчику 20.10.2026."], ["货物已于2026年10月20日交给承运商。"],
                            languagetool=False), "style") == []
    buyer = _check(tmp_path, ["Спасибо за заказ! Скидка 10% по промокоду, пишите в Telegram: https://t.me/shop"],
                   languagetool=False, buyer=True, seller_lang="en")
    found = _by_check(buyer, "buyer-message")
    what = " ".join(f.message for f in found)
    assert "Скидка" in what and "промокоду" in what and "Telegram" in what and "https://t.me/shop" in what
    assert {f.severity for f in found} == {"error"}
    assert _by_check(_check(tmp_path, ["Спасибо за заказ! Посылка передана в доставку."], languagetool=False,
                            buyer=True), "buyer-message") == []
    # not a buyer-facing text: the buyer rules do not apply
    assert _by_check(_check(tmp_path, ["Скидка 10%"], languagetool=False), "buyer-message") == []


def test_evidence_refs_in_letter_match_index(fund_hold_case):
    import yaml

    data = yaml.safe_load(fund_hold_case.read_text(encoding="utf-8"))
    data["facts"][0]["text_ru"] += " Подробности в Приложении 5."
    fund_hold_case.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    r = build(fund_hold_case, BuildOptions(formats=(), bundle=False))  # the findings only
    (f,) = [f for f in r.findings if f.check == "evidence-refs"]
    assert f.where == "fact.1" and "Приложение 5 is referred to but is not in the evidence index" in f.message


def test_check_cli_json_and_text(tmp_path, capsys):
    p = tmp_path / "draft.txt"
    p.write_text("Мы направляем апелляцию.\n", encoding="utf-8")
    assert main(["check", str(p), "--lang", "ru", "--json", "--no-languagetool"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["error"] == 1
    assert [f["check"] for f in data["findings"] if f["severity"] == "error"] == ["forbidden-terms"]
    assert any(f["message"].startswith("grammar not checked") for f in data["findings"])
    assert main(["check", str(p), "--lang", "ru", "--no-languagetool"]) == 0
    out = capsys.readouterr().out
    assert "draft.txt:p1: error [forbidden-terms]" in out and "\033[" not in out  # plain when piped


def test_check_cli_docx_and_mismatched_source(tmp_path, capsys):
    import docx

    d = docx.Document()
    d.add_paragraph("Первый абзац.")
    d.add_paragraph("Второй абзац.")
    path = tmp_path / "draft.docx"
    d.save(str(path))
    src = tmp_path / "src.txt"
    src.write_text("只有一段。\n", encoding="utf-8")
    assert main(["check", str(path), "--lang", "ru", "--source", str(src), "--source-lang", "zh"]) == 2
    assert "has 1 paragraphs but draft.docx has 2" in capsys.readouterr().err


def test_lt_status_command(capsys, languagetool):
    assert main(["lt", "status"]) == 0
    out = capsys.readouterr().out
    assert "running at http://127.0.0.1:" in out or "answers" in out  # own server, or DOCGEN_TEST_LT_URL


def test_grammar_for_a_language_without_module(tmp_path):
    p = tmp_path / "zh.txt"
    p.write_text("我们已经上传新的合格证书。\n", encoding="utf-8")
    r = check_file(p, "zh")
    (f,) = _by_check(r, "grammar")
    assert "no zh module" in f.message


def test_java_missing_is_a_status_not_a_crash(monkeypatch, tmp_path):
    monkeypatch.setenv("DOCGEN_STATE_DIR", str(tmp_path / "state"))  # as if no server ran yet
    monkeypatch.delenv("LT_URL", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no java on PATH
    st = lt.start(timeout=5)
    assert not st.running and "cannot run Java" in st.message
