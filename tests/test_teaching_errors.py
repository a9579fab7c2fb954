"""#15 item 2: errors that teach — the slips of a Chinese keyboard get the exact line and
what to type instead, in the seller's language (LANG=zh_CN.UTF-8), exit 2."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from docgen import DocgenError, load_case
from tests.conftest import copy_sample


def _case(tmp_path, edit):
    case = copy_sample("fund-hold", tmp_path / "c")
    case.write_text(edit(case.read_text(encoding="utf-8")), encoding="utf-8")
    return case


def _problems(case):
    with pytest.raises(DocgenError) as e:
        load_case(case)
    return e.value.problems


def _line_of(case, needle):
    return next(n for n, ln in enumerate(case.read_text(encoding="utf-8").splitlines(), 1) if needle in ln)


def _cli_zh(case):
    env = {**os.environ, "LANG": "zh_CN.UTF-8"}
    env.pop("LC_ALL", None), env.pop("LC_MESSAGES", None), env.pop("DOCGEN_UI", None)
    r = subprocess.run([sys.executable, "-m", "docgen", "build", str(case), "-o", str(case.parent / "out")], capture_output=True, text=True,
                       env=env)
    return r


def test_fullwidth_colon_names_its_line_in_chinese(tmp_path):
    case = _case(tmp_path, lambda t: t.replace("  code: HOLD-012", "  code：HOLD-012"))
    (p,) = _problems(case)
    assert p.line == _line_of(case, "code：") and p.code == "case.fullwidth-colon"
    assert p.render("zh").endswith("请把全角冒号「：」改成半角「:」")
    assert p.render("en").endswith('replace the full-width colon "：" with ":"')


def test_fullwidth_comma_and_quotes(tmp_path):
    case = _case(tmp_path, lambda t: t.replace("evidence: [E1, E2]", "evidence: [E1，E2]")
                 .replace('shop_id: "123456789"', "shop_id: “123456789”"))
    found = {p.code: p for p in _problems(case)}
    assert found["case.fullwidth-comma"].line == _line_of(case, "[E1，E2]")
    assert found["case.fullwidth-quote"].line == _line_of(case, "shop_id")
    assert "全角逗号「，」改成半角「,」" in found["case.fullwidth-comma"].render("zh")


def test_fullwidth_punctuation_in_seller_text_is_left_alone(tmp_path):
    # Chinese quotes and colons inside free text and a block text are the seller's words
    case = _case(tmp_path, lambda t: t.replace("  code: HOLD-012", "  code: HOLD-012\n  text: |\n    Reason：no tracking\n    原因：无轨迹")
                 .replace("signatory: Li Wei", "signatory: Li Wei\n  position: “总经理”"))
    assert load_case(case).case.notice.text.startswith("Reason：")


@pytest.mark.parametrize("written", ["2026年10月28日", "2026/10/28", "2026.10.28", "2026年10月28"])
def test_chinese_date_says_how_to_write_it(tmp_path, written):
    case = _case(tmp_path, lambda t: t.replace("  date: 2026-10-28", f"  date: {written}", 1))
    (p,) = _problems(case)
    assert p.field == "notice.date" and p.line == _line_of(case, written) and p.code == "case.date-chinese-style"
    assert "写成 2026-10-28" in p.render("zh") and "write it as 2026-10-28" in p.render("en")


def test_blank_date_is_an_error_naming_its_line(tmp_path):
    case = _case(tmp_path, lambda t: t.replace("  - date: 2026-10-20", "  - date:"))
    (p,) = _problems(case)
    assert (p.field, p.line, p.code) == ("facts[0].date", _line_of(case, "  - date:"), "case.date-blank")


@pytest.mark.parametrize("field,word,value", [
    ("case_type", "资金冻结", "fund_hold"), ("case_type", "货款暂扣", "fund_hold"),
    ("language", "中文", "zh"), ("target", "俄语", "ru")])
def test_chinese_alias_is_accepted(tmp_path, field, word, value):
    case = _case(tmp_path, lambda t: t.replace(f"{field}: {value}", f"{field}: {word}", 1))
    assert getattr(load_case(case).case, field) == value


def test_chinese_reason_alias_and_meaning_parts(tmp_path):
    case = copy_sample("listing-takedown", tmp_path / "c")
    text = case.read_text(encoding="utf-8")
    assert "reason: certificate_missing" in text
    for word in ("缺少认证", "合格证书", "缺少俄语说明书"):  # aliases.yaml, notices.yaml meaning, aliases.yaml
        case.write_text(text.replace("reason: certificate_missing", f"reason: {word}"), encoding="utf-8")
        want = "description" if "说明书" in word else "certificate_missing"
        assert load_case(case).case.reason == want


def test_ambiguous_or_unknown_value_lists_valid_values_with_chinese_meaning(tmp_path):
    case = _case(tmp_path, lambda t: t.replace("case_type: fund_hold", "case_type: 冻结"))
    (p,) = _problems(case)
    assert p.code == "case.value-ambiguous" and p.line == _line_of(case, "case_type:")
    assert "fund_hold（资金冻结" in p.render("zh") and "support_request" in p.render("zh")
    assert "listing_takedown" not in p.render("zh")
    case = _case(tmp_path / "2", lambda t: t.replace("case_type: fund_hold", "case_type: 退款"))
    (p,) = _problems(case)
    assert p.code == "case.value-not-valid"
    assert all(ct in p.render("zh") for ct in ("fund_hold", "listing_takedown", "performance_review", "support_request"))
    assert "有效值" in p.render("zh")


@pytest.mark.parametrize("target", ["ru", "en"])
def test_name_latin_required_for_chinese_name(tmp_path, target):
    case = _case(tmp_path, lambda t: t.replace("  name_latin: Shenzhen Example Technology Co., Ltd.\n", "")
                 .replace("target: ru", f"target: {target}"))
    (p,) = _problems(case)
    assert p.code == "case.name-latin-required" and p.line == _line_of(case, "  name: 深圳")
    assert "seller.name_latin" in p.render("zh") and "拉丁字母" in p.render("zh")
    case = _case(tmp_path / "2", lambda t: t.replace("name_latin: Shenzhen Example Technology Co., Ltd.", 'name_latin: ""'))
    # a blank name_latin is refused too: as a blank (every blank optional field is, #13) or as missing
    assert {p.code for p in _problems(case)} & {"case.name-latin-required", "case.blank"}


def test_latin_name_needs_no_name_latin(tmp_path):
    case = _case(tmp_path, lambda t: t.replace("  name_latin: Shenzhen Example Technology Co., Ltd.\n", "")
                 .replace("name: 深圳市示例科技有限公司", "name: Shenzhen Example Technology Co., Ltd."))
    assert load_case(case).case.seller.name_latin is None


def test_cli_with_chinese_locale_teaches_with_line_numbers(tmp_path):
    case = _case(tmp_path, lambda t: t.replace("  code: HOLD-012", "  code：HOLD-012"))
    r = _cli_zh(case)
    assert r.returncode == 2, r.stderr
    assert f"case.yaml:{_line_of(case, 'code：')}: code: 请把全角冒号「：」改成半角「:」" in r.stderr
    case = _case(tmp_path / "2", lambda t: t.replace("  date: 2026-10-28", "  date: 2026年10月28日", 1))
    r = _cli_zh(case)
    assert r.returncode == 2 and f"case.yaml:{_line_of(case, '2026年10月28日')}: notice.date:" in r.stderr
    assert "写成 2026-10-28" in r.stderr


@pytest.mark.parametrize("edit, field, code, zh, en", [
    # pydantic's own words never reach the seller: each kind of error has a code (#15, found by #14's batch)
    (lambda t: t.replace("  date: 2026-10-28", '  date: "30.02.2026"', 1), "notice.date", "case.not-a-date",
     "'30.02.2026' 不是有效日期：请写成 YYYY-MM-DD", "'30.02.2026' is not a date: write it as YYYY-MM-DD"),
    (lambda t: t.replace("  date: 2026-10-28", "  date: 2026-02-30", 1), "notice.date", "yaml.no-such-date",
     "日历上没有这一天", "no such date"),
    (lambda t: t.replace("appeal_round: 1", "appeal_round: 1\nappeal_round: 2"), "appeal_round", "yaml.duplicate-key",
     "写了两次", "is given twice"),
    (lambda t: t.replace('shop_id: "123456789"', 'shop_id: "12345abc"'), "seller.shop_id", "case.shop-id-digits",
     "店铺 ID 只能是数字", "shop ID must be digits only"),
])
def test_value_errors_are_codes_in_the_sellers_language(tmp_path, edit, field, code, zh, en):
    case = _case(tmp_path, edit)
    (p,) = [p for p in _problems(case) if p.field == field]
    assert p.code == code and zh in p.render("zh") and en in p.render("en")
    assert "Input should" not in p.render("zh") and "Value error" not in p.render("en")


def test_out_of_range_number_names_the_limit_and_never_echoes_personal_data(tmp_path):
    case = _case(tmp_path, lambda t: t.replace("appeal_round: 1", "appeal_round: 25"))
    (p,) = [p for p in _problems(case) if p.field == "appeal_round"]
    assert p.code == "case.at-most" and p.render("zh").endswith("appeal_round: 25 太大：最多为 20")
    case = _case(tmp_path / "2", lambda t: t.replace("  date: 2026-10-28", '  date: "+7 912 345-67-89"', 1))
    (p,) = [p for p in _problems(case) if p.field == "notice.date"]
    assert p.code == "case.not-a-date" and "345" not in p.render("en") and "…" in p.render("en")
