"""`docgen reply TYPE`: the four reply types Ozon allows, from the parallel templates,
checked before printing; forbidden types refused with the reason."""
from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
import yaml

from docgen.checkfile import check_file
from docgen.cli import main
from docgen.reply.compose import compose, make_request
from docgen.reply.templates import REPLY_TYPES, replies_dir

ASKED = ["--asked-at", "2026-11-29T14:05", "--replied-at", "2026-11-29T14:40"]
FIELDS = {
    "shipping": ["--order", "58213746-0017-1", "--tracking", "RU741852963CN", "--carrier", "post_russia",
                 "--shipped-on", "2026-11-28"],
    "delay": ["--order", "58213746-0017-1", "--event", "customs", "--event-date", "2026-11-25",
              "--new-date", "2026-12-05", "--tracking", "RU741852963CN"],
    "returns": ["--order", "58213746-0017-1", "--item", "Зарядное устройство 65 Вт"],
    "gift": ["--order", "58213746-0017-1", "--gift", "чехол для телефона", "--gift-seller", "手机壳一个"],
}
EXPECT = {  # (lang, text) that must appear in the output
    "shipping": [("ru", "Трек-номер: RU741852963CN"), ("ru", "«Почта России» 28.11.2026"),
                 ("zh", "已于2026年11月28日交给俄罗斯邮政承运"), ("en", "handed over to Russian Post on 28 November 2026")],
    "delay": [("ru", "25.11.2026 посылка была задержана на таможенном контроле"),
              ("ru", "Новая ожидаемая дата доставки — 05.12.2026"), ("zh", "新的预计送达日期为2026年12月5日"),
              ("en", "The new expected delivery date is 5 December 2026")],
    "returns": [("ru", "Нажмите «Вернуть товар»"), ("zh", "点击“退货”"), ("en", "Tap “Return item”")],
    "gift": [("ru", "К заказу 58213746-0017-1 мы добавим подарок: чехол для телефона."),
             ("zh", "赠送手机壳一个，随本次订单（58213746-0017-1）发出。"), ("en", "ships together with this order")],
}


def _run(capsys, argv):
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("reply_type", REPLY_TYPES)
def test_each_type_in_russian_with_the_chinese_beside_it(capsys, reply_type):
    code, out, err = _run(capsys, ["reply", reply_type, *ASKED, *FIELDS[reply_type], "--shop", "Example Home"])
    assert code == 0, err
    reply, seller = out.split("—— 中文对照")
    assert reply.startswith("—— 发给买家的回复（ru") and "Здравствуйте!" in reply
    assert "С уважением, магазин «Example Home»" in reply and "напишите нам, пожалуйста, в этом чате" in reply
    assert "您好！" in seller and "此致，Example Home店铺" in seller
    for lang, text in EXPECT[reply_type]:
        if lang == "ru":
            assert text in reply
        elif lang == "zh":
            assert text in seller
    assert "0 个错误，0 个警告" in err


@pytest.mark.parametrize("reply_type", REPLY_TYPES)
def test_each_type_in_english(capsys, reply_type):
    code, out, err = _run(capsys, ["reply", reply_type, *ASKED, *FIELDS[reply_type], "--target", "en", "--lang", "en",
                                   "--json"])
    assert code == 0, err
    data = json.loads(out)
    assert data["target"]["lang"] == "en" and data["findings"] == [] and data["summary"]["error"] == 0
    assert data["target"]["text"].startswith("Hello,\n") and "please reply in this chat" in data["target"]["text"]
    for lang, text in EXPECT[reply_type]:
        if lang == "en":
            assert text in data["target"]["text"]
    assert not any("\u4e00" <= c <= "\u9fff" for c in data["target"]["text"])


@pytest.mark.parametrize("reply_type,target,lang,event",
                         [(t, tg, lg, None) for t, tg, lg in itertools.product(
                             ["shipping", "returns", "gift"], ["ru", "en"], ["zh", "en"])]
                         + [("delay", tg, lg, ev) for tg, lg in itertools.product(["ru", "en"], ["zh", "en"])
                            for ev in ("customs", "sorting", "flight", "weather", "border", "holiday")])
def test_every_template_gives_no_finding(reply_type, target, lang, event):
    options = {"target": target, "lang": lang, "asked_at": "2026-11-29T14:05", "replied_at": "2026-11-29T14:40",
               "shop": "Example Home"}
    argv = FIELDS[reply_type]
    options.update({argv[i][2:].replace("-", "_"): argv[i + 1] for i in range(0, len(argv), 2)})
    if event:
        options["event"] = event
    reply = compose(make_request(reply_type, options))
    assert reply.findings == []
    # the seller's copy is there, in the seller's language
    assert reply.seller_text and (lang == target or reply.seller_text != reply.target_text)


def test_replies_read_as_correct_russian_and_english(tmp_path, languagetool):
    """The real LanguageTool finds nothing in the rendered replies."""
    for target in ("ru", "en"):
        texts = []
        for reply_type in REPLY_TYPES:
            options = {"target": target, "asked_at": "2026-11-29T14:05", "replied_at": "2026-11-29T14:40"}
            argv = FIELDS[reply_type]
            options.update({argv[i][2:].replace("-", "_"): argv[i + 1] for i in range(0, len(argv), 2)})
            if target == "en":
                options.update({k: v for k, v in (("item", "65 W charger"), ("gift", "a phone case")) if k in options})
            texts.append(compose(make_request(reply_type, options)).target_text)
        f = tmp_path / f"{target}.txt"
        f.write_text(" ".join(" ".join(texts).split()), encoding="utf-8")  # one request per language
        grammar = [f for f in check_file(f, target, languagetool=True).findings if f.check == "grammar"]
        assert grammar == [], [(g.where, g.message) for g in grammar]


@pytest.mark.parametrize("asked,lang,words", [
    ("follow-up", "zh", ["不能生成“follow-up”类型的消息", "主动联系"]),
    ("review", "zh", ["索要评价"]),
    ("marketing", "zh", ["营销消息被 Ozon 禁止"]),
    ("review-request", "en", ["no message of type “review-request”", "banned by Ozon"]),
    ("promotion", "en", ["promotions, new arrivals, coupons"]),
    ("hello", "en", ["unknown reply type “hello”", "shipping, delay, returns or gift"]),
])
def test_forbidden_types_are_refused_with_the_reason(capsys, asked, lang, words):
    code, out, err = _run(capsys, ["reply", asked, *ASKED, "--lang", lang, "--order", "1"])
    assert code == 2 and out == ""
    assert err.startswith("docgen: error: reply: TYPE: ")
    for w in words:
        assert w in err


def test_asked_at_is_required(capsys):
    code, out, err = _run(capsys, ["reply", "returns", "--order", "58213746-0017-1"])
    assert code == 2 and out == ""
    assert "--asked-at: required" in err and "proactive contact" in err
    code, out, err = _run(capsys, ["reply", "returns", "--order", "1", "--asked-at", "2026-11-29T15:00",
                                   "--replied-at", "2026-11-29T14:00"])
    assert code == 2 and "--asked-at: is later than the reply" in err


def test_a_banned_word_in_typed_text_blocks_the_reply(capsys):
    code, out, err = _run(capsys, ["reply", "gift", *ASKED, "--order", "58213746-0017-1", "--lang", "en",
                                   "--gift", "скидка 10% на следующий заказ, пишите в t.me/shop"])
    assert code == 2 and out == ""
    assert "reply: --gift: promotion: promotion (скидка)" in err
    assert "reply: --gift: link: link outside Ozon (t.me/shop)" in err
    assert err.count("promotion (скидка)") == 1  # the same words in the seller's copy: reported once
    assert "was not printed" in err


def test_late_reply_is_a_warning_and_still_printed(capsys):
    code, out, err = _run(capsys, ["reply", "returns", "--order", "58213746-0017-1", "--asked-at",
                                   "2026-11-29T09:00", "--replied-at", "2026-11-29T13:30"])
    assert code == 0 and "Вернуть товар" in out
    assert "warning [answer-window]" in err and "4.5 小时" in err and "0 个错误，1 个警告" in err


def test_reply_after_48_hours_is_refused(capsys):
    code, out, err = _run(capsys, ["reply", "returns", "--order", "58213746-0017-1", "--lang", "en", "--asked-at",
                                   "2026-11-26T09:00", "--replied-at", "2026-11-29T09:00"])
    assert code == 2 and out == ""
    assert "answer-window" not in out and "reply deadline: the buyer wrote 72 hours ago" in err


def test_input_from_yaml_with_line_numbers(tmp_path, capsys):
    f = tmp_path / "reply.yaml"
    f.write_text("type: delay\nasked_at: 2026-11-29T14:05\nreplied_at: 2026-11-29T14:30\n"
                 "order: \"58213746-0017-1\"\nevent: other\nevent_date: 2026-11-26\nnew_date: 2026-12-03\n"
                 "event_text: посылка задержана из-за сбоя в системе перевозчика\n", encoding="utf-8")
    code, out, err = _run(capsys, ["reply", "delay", "-i", str(f)])
    assert code == 0, err
    assert "26.11.2026: посылка задержана из-за сбоя в системе перевозчика" in out
    assert "03.12.2026" in out
    # mistakes: each with the file, its line and the field
    f.write_text("asked_at: 2026-11-29T14:05\norder: 58213746\ncarrier: СДЭК\ntracking: 加微信\nnote: x\n",
                 encoding="utf-8")
    code, out, err = _run(capsys, ["reply", "shipping", "-i", str(f)])
    assert code == 2 and out == ""
    assert f"{f}:2: order: write IDs and numbers in quotes" in err
    assert f"{f}:4: tracking: contains Chinese characters" in err
    assert f"{f}:5: note: not a field of a shipping reply" in err
    # options override the file
    f.write_text("asked_at: 2026-11-29T14:05\nreplied_at: 2026-11-29T14:10\norder: \"1\"\ncarrier: cdek\n"
                 "tracking: \"X\"\n", encoding="utf-8")
    code, out, err = _run(capsys, ["reply", "shipping", "-i", str(f), "--tracking", "CDEK123456"])
    assert code == 0 and "Трек-номер: CDEK123456" in out and "«СДЭК»" in out


def test_typed_text_is_data_not_template_code(capsys):
    code, out, err = _run(capsys, ["reply", "gift", *ASKED, "--order", "1", "--gift", "{{ 7*7 }} {% if 1 %}x{% endif %}"])
    assert code == 0 and "{{ 7*7 }} {% if 1 %}x{% endif %}" in out and "49" not in out


def test_templates_are_parallel():
    data = {lang: yaml.safe_load((replies_dir() / f"{lang}.yaml").read_text(encoding="utf-8"))
            for lang in ("ru", "en", "zh")}
    keys = {lang: set(d) for lang, d in data.items()}
    assert keys["ru"] == keys["en"] == keys["zh"]
    for key in ("events", "carriers"):
        assert set(data["ru"][key]) == set(data["en"][key]) == set(data["zh"][key])
    for t in REPLY_TYPES:
        assert len(data["ru"][t]) == len(data["en"][t]) == len(data["zh"][t])


def test_messages_to_the_seller_come_from_the_catalogs():
    """docgen reply's own messages are gettext messages: each has its Chinese in the zh catalog."""
    from docgen.i18n import gettext
    from docgen.reply.compose import MESSAGES, say

    for code, english in MESSAGES.items():
        assert gettext(english, "zh") != english, code
        assert say(code, "en", target="ru", type="x", reason="y", errors=0, warnings=0, rules="r")
    assert say("checked", "zh", errors=1, warnings=2, rules="r") == "已检查：1 个错误，2 个警告（规则：r）"


def test_readme_reply_session_matches_the_command(capsys):
    """The README shows a reply session; its output is what the command prints."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Replies to buyers", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    command = block.splitlines()[0]
    assert command.startswith("$ docgen reply shipping")
    import shlex

    code, out, err = _run(capsys, shlex.split(command[2:].replace("\\\n", ""))[1:])
    assert code == 0
    for line in (out + err).splitlines():
        assert line in block, line


@pytest.mark.parametrize("sample", sorted((Path(__file__).resolve().parent.parent / "samples" / "replies").glob("*.yaml")))
def test_sample_reply_files(capsys, sample):
    reply_type = yaml.safe_load(sample.read_text(encoding="utf-8"))["type"]
    code, out, err = _run(capsys, ["reply", reply_type, "-i", str(sample)])
    assert code == 0, err
    assert "58213746-0017-1" in out
    assert "0 error(s), 0 warning(s)" in err or "0 个错误，0 个警告" in err
