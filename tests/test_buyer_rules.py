"""The buyer-message check (glossary/buyer-rules.yaml) over a corpus of messages a seller
might send a buyer: every bad one an `error`, every good one silent."""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml

from docgen.checkfile import check_file
from docgen.cli import main
from docgen.errors import DocgenError
from docgen.qa.buyer_rules import find, load_rules
from tests.conftest import ROOT

CORPUS = yaml.safe_load((Path(__file__).parent / "data" / "buyer_corpus.yaml").read_text(encoding="utf-8"))
WHY = ["Поставьте нам 5 звёзд и получите кешбэк 10%! Пишите в t.me/shop", "Пришлите ваш новый адрес",
       "加微信 shop123"]


def _check_lines(tmp_path: Path, lang: str, lines: list[str], **kw):
    f = tmp_path / f"{lang}.txt"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return check_file(f, lang, buyer=True, languagetool=False, **kw)


def _buyer_findings(result):
    return [f for f in result.findings if f.check in ("buyer-message", "answer-window")]


def test_corpus_shape():
    bad, good = CORPUS["bad"], CORPUS["good"]
    assert len(bad) + len(good) >= 60
    assert min(len(bad), len(good)) >= 30
    for group in (bad, good):
        assert {m["lang"] for m in group} == {"ru", "en", "zh"}
    assert set(WHY) <= {m["text"] for m in bad}


@pytest.mark.parametrize("lang", ["ru", "en", "zh"])
def test_every_bad_message_is_an_error_of_its_rule(tmp_path, lang):
    msgs = [m for m in CORPUS["bad"] if m["lang"] == lang]
    result = _check_lines(tmp_path, lang, [m["text"] for m in msgs], seller_lang="en")
    for i, m in enumerate(msgs, 1):
        errors = [f for f in _buyer_findings(result) if f.where == f"p{i}" and f.severity == "error"]
        assert errors, f"no error for {m['text']!r}"
        assert any(f.message.startswith(m["rule"] + ":") for f in errors), (m, [f.message for f in errors])


@pytest.mark.parametrize("lang", ["ru", "en", "zh"])
def test_every_good_message_gives_no_finding(tmp_path, lang):
    msgs = [m["text"] for m in CORPUS["good"] if m["lang"] == lang]
    result = _check_lines(tmp_path, lang, msgs)
    assert [(f.where, f.message) for f in _buyer_findings(result)] == []


def test_why_examples_are_errors_through_the_cli(tmp_path, capsys):
    f = tmp_path / "reply.txt"
    f.write_text("\n".join(WHY) + "\n", encoding="utf-8")
    assert main(["check", str(f), "--lang", "ru", "--buyer", "--no-languagetool", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)["findings"]
    for i in (1, 2, 3):
        assert any(x["where"] == f"p{i}" and x["check"] == "buyer-message" and x["severity"] == "error"
                   for x in found), i
    rules = {x["message"].split(":")[0] for x in found if x["check"] == "buyer-message"}
    assert {"review-request", "promotion", "link", "contact-request", "off-platform"} <= rules
    # the message is in the seller's language (zh by default) and says what to write instead
    wechat = next(x for x in found if x["where"] == "p3" and x["check"] == "buyer-message")
    assert "站外联系方式（加微信）" in wechat["message"] and "站内聊天" in wechat["message"]


@pytest.mark.parametrize("text,rule,match", [
    ("Пишите в whаtsapp", "off-platform", "whаtsapp"),          # Cyrillic а inside a Latin word
    ("ＷＨＡＴＳＡＰＰ", "off-platform", "ＷＨＡＴＳＡＰＰ"),         # full width, upper case
    ("w h a t s a p p", "off-platform", "w h a t s a p p"),      # letters typed apart
    ("Пишите в вотсапе", "off-platform", "вотсапе"),               # transliterated, inflected
    ("канал t . me/shop", "link", "t.me/shop"),                   # spaced dot
    ("канал t dot me/shop", "link", "t.me/shop"),
    ("пишите shop (at) mail.ru", "off-platform", "shop@mail.ru"),
    ("Скидкой 10% порадуем", "promotion", "Скидкой"),              # lemma: скидка
    ("Оцените покупку", "review-request", "Оцените"),              # imperative
    ("СКИДКA", "promotion", "СКИДКA"),                             # Latin A at the end
])
def test_tolerant_matching(text, rule, match):
    hits = find(text, load_rules())
    assert (rule, match) in {(h.rule.id, h.match) for h in hits}, [(h.rule.id, h.match) for h in hits]


@pytest.mark.parametrize("text", ["Мы оценим повреждение по фото.", "Оплата прошла через Ozon.",
                                  "Отправление 58213746-0017-1, SKU 1184520937, трек RU741852963CN.",
                                  "Подробности на ozon.ru/my/orders", "и т. д. и т. п."])
def test_precise_matching(text):
    assert find(text, load_rules()) == []


def test_answer_window(tmp_path):
    asked = dt.datetime(2026, 11, 29, 9, 0).astimezone()
    late = _check_lines(tmp_path, "ru", ["Ваш заказ передан в доставку."], asked_at=asked,
                        replied_at=asked + dt.timedelta(hours=3), seller_lang="en")
    window = [f for f in late.findings if f.check == "answer-window"]
    assert [f.severity for f in window] == ["warning"] and "3 hours" in window[0].message
    on_time = _check_lines(tmp_path, "ru", ["Ваш заказ передан в доставку."], asked_at=asked,
                           replied_at=asked + dt.timedelta(minutes=90))
    assert [f for f in on_time.findings if f.check == "answer-window"] == []
    # past 48 hours a reply counts as contacting the buyer first: an error
    stale = _check_lines(tmp_path, "ru", ["Ваш заказ передан в доставку."], asked_at=asked,
                         replied_at=asked + dt.timedelta(hours=50), seller_lang="en")
    window = [f for f in stale.findings if f.check == "answer-window"]
    assert [f.severity for f in window] == ["error"] and "within 48 hours" in window[0].message


def test_check_cli_asked_at(tmp_path, capsys):
    f = tmp_path / "r.txt"
    f.write_text("Ваш заказ передан в доставку.\n", encoding="utf-8")
    assert main(["check", str(f), "--lang", "ru", "--buyer", "--no-languagetool", "--json", "--seller-lang", "en",
                 "--asked-at", "2026-11-29T09:00", "--replied-at", "2026-11-29T12:30"]) == 0
    found = json.loads(capsys.readouterr().out)["findings"]
    assert [x["severity"] for x in found if x["check"] == "answer-window"] == ["warning"]
    assert main(["check", str(f), "--lang", "ru", "--buyer", "--asked-at", "yesterday"]) == 2
    assert "--asked-at: not a date and time" in capsys.readouterr().err


def test_rules_are_data_a_user_can_edit(tmp_path, monkeypatch):
    folder = tmp_path / "glossary"
    shutil.copytree(ROOT / "glossary", folder)
    rules = folder / "buyer-rules.yaml"
    text = rules.read_text(encoding="utf-8")
    text = text.replace("  - id: free-wording", "  - id: other-marketplace\n    severity: error\n    message:\n"
                        "      zh: 提到其他平台（{match}）\n      en: another marketplace ({match})\n"
                        "    ru: [авито, вайлдберриз]\n\n  - id: free-wording")
    rules.write_text(text, encoding="utf-8")
    monkeypatch.setenv("DOCGEN_GLOSSARY", str(folder))
    hits = find("Этот товар дешевле на Авито", load_rules())
    assert [(h.rule.id, h.rule.severity, h.match) for h in hits] == [("other-marketplace", "error", "Авито")]
    # a mistake in the file: exit 2 naming the file, the line and the field
    rules.write_text(text.replace("id: promotion\n    severity: error", "id: promotion\n    severity: fatal"),
                     encoding="utf-8")
    with pytest.raises(DocgenError) as e:
        load_rules()
    msg = str(e.value)
    assert f"{rules}:" in msg and "rules[0].severity: severity must be one of error, warning, info" in msg
    line = next(n for n, ln in enumerate(rules.read_text(encoding="utf-8").splitlines(), 1) if "id: promotion" in ln)
    assert f"{rules}:{line}:" in msg
