"""`docgen explain`: a platform notice read for the seller (case type, fields, evidence,
pitfalls, glossary terms), and a case file pre-filled from it that builds."""
from __future__ import annotations

import json
import shutil
from email.message import EmailMessage
from pathlib import Path

import pytest
import yaml

from docgen.cli import main
from docgen.notice import classify_notice, read_notice
from tests.conftest import SAMPLES

NOTICES = Path(__file__).parent / "data" / "notices"

# what each notice of the corpus must be read as: case type (from the file name) and fields
EXPECTED_FIELDS = {
    "fund_hold-ru-1": {"hold_reason": "no_tracking"}, "fund_hold-ru-2": {"hold_reason": "documents_expired"},
    "fund_hold-en-1": {"hold_reason": "no_tracking"}, "fund_hold-en-2": {"hold_reason": "documents_expired"},
    "listing_takedown-ru-1": {"reason": "certificate_missing"}, "listing_takedown-ru-2": {"reason": "wrong_category"},
    "listing_takedown-ru-3": {"reason": "image_rights"}, "listing_takedown-en-1": {"reason": "certificate_missing"},
    "listing_takedown-en-2": {"reason": "price"}, "listing_takedown-en-3": {"reason": "image_rights"},
    "performance_review-ru-1": {"metric": "on_time_delivery", "window_days": "30"},
    "performance_review-ru-2": {"metric": "cancellation_rate", "window_days": "60"},
    "performance_review-ru-3": {"metric": "return_rate", "window_days": "90"},
    "performance_review-en-1": {"metric": "on_time_delivery", "window_days": "30"},
    "performance_review-en-2": {"metric": "cancellation_rate", "window_days": "60"},
    "performance_review-en-3": {"metric": "response_time", "window_days": "90"},
    "support_request-ru-1": {"topic": "payout"}, "support_request-ru-2": {"topic": "account"},
    "support_request-ru-3": {"topic": "account"}, "support_request-en-1": {"topic": "payout"},
    "support_request-en-2": {"topic": "account"}, "support_request-en-3": {"topic": "account"},
}
CORPUS = sorted(NOTICES.glob("*.txt"))


def test_corpus_has_three_notices_per_case_type_and_language():
    kinds = [p.stem.rsplit("-", 1)[0] for p in CORPUS]
    for case_type in ("fund_hold", "listing_takedown", "performance_review", "support_request"):
        for lang in ("ru", "en"):
            assert kinds.count(f"{case_type}-{lang}") >= 3


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_notice_is_classified(path):
    reading = classify_notice(read_notice(path))
    assert reading.case_type == path.stem.split("-")[0]
    assert reading.lang == path.stem.split("-")[1]
    for key, value in EXPECTED_FIELDS.get(path.stem, {}).items():
        assert reading.fields.get(key) == value, key
    assert reading.quotes, "the phrases that decided it are shown to the seller"
    assert all(q in reading.text for q in reading.quotes)


def test_ids_dates_and_codes_are_read():
    r = classify_notice(read_notice(NOTICES / "fund_hold-ru-2.txt"))
    assert (r.code, r.date.isoformat(), r.orders) == ("HOLD-045", "2026-11-10", ["87654321-0012-2"])
    r = classify_notice(read_notice(NOTICES / "listing_takedown-ru-1.txt"))
    assert r.code is None, "a product status is not the notice's code"
    assert r.skus == ["1234567890"] and r.date.isoformat() == "2026-11-05"


def test_inflected_russian_terms_found_by_lemma():
    r = classify_notice("Средства по отправлению удержаны, уведомления о доставке нет.")
    found = {t.ru: surface for t, surface in r.terms}
    assert found.get("отправление") == "отправлению"
    assert "доставке" in found.values()


def test_unclear_notice_is_said_so(tmp_path, capsys):
    p = tmp_path / "n.txt"
    p.write_text("Здравствуйте! Спасибо, что работаете с нами.\n", encoding="utf-8")
    assert main(["explain", str(p)]) == 0
    out = capsys.readouterr().out
    assert "无法确定" in out and "--case-type" in out
    assert main(["explain", str(p), "-o", str(tmp_path / "case.yaml")]) == 2
    assert "--case-type" in capsys.readouterr().err
    assert not (tmp_path / "case.yaml").exists()


def test_report_in_chinese(capsys):
    assert main(["explain", str(NOTICES / "fund_hold-ru-1.txt")]) == 0
    out = capsys.readouterr().out
    assert "资金冻结" in out and "fund_hold" in out
    assert "「HOLD-012」" in out and "物流无轨迹" in out
    assert "□ 多个冻结订单合并申诉" in out, "the seeds' pitfalls as a checklist"
    assert "отправлению — 货件" in out, "Ozon terms in the notice with their Chinese"
    assert "未安装 ru→zh 翻译模型" in out


def test_report_in_english_and_json(capsys):
    assert main(["explain", str(NOTICES / "performance_review-ru-1.txt"), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Case type: performance (seller rating) warning" in out
    assert "Rolling window: 30 days" in out and "Pitfalls (check each):" in out
    assert main(["explain", str(NOTICES / "support_request-en-1.txt"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["case_type"] == "support_request" and data["code"] == "ERR_PAYOUT_BLOCKED"
    assert data["date"] == "2026-11-02"


def test_case_type_can_be_named(capsys):
    assert main(["explain", str(NOTICES / "support_request-en-2.txt"), "--case-type", "listing_takedown",
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["case_type"] == "listing_takedown"


def test_notice_text_is_data_not_template_code(tmp_path, capsys):
    p = tmp_path / "n.txt"
    p.write_text("Товар скрыт от покупателей. {{ 7 * 7 }} {% raw %}\n", encoding="utf-8")
    assert main(["explain", str(p), "-o", str(tmp_path / "case.yaml")]) == 0
    capsys.readouterr()
    assert "{{ 7 * 7 }} {% raw %}" in yaml.safe_load((tmp_path / "case.yaml").read_text())["notice"]["text"]


def test_email_notice(tmp_path, capsys):
    msg = EmailMessage()
    msg["From"] = "noreply@example.invalid"
    msg["Subject"] = "Удержание средств по отправлению 45678912-0003-1"
    msg.set_content("<p>Выплата заморожена.</p><p>Код HOLD-012, 23.11.2026</p>", subtype="html", charset="utf-8",
                    cte="base64")
    p = tmp_path / "notice.eml"
    p.write_bytes(bytes(msg))
    text = read_notice(p)
    assert "Выплата заморожена." in text and "<p>" not in text
    r = classify_notice(text)
    assert (r.case_type, r.code, r.orders) == ("fund_hold", "HOLD-012", ["45678912-0003-1"])


@pytest.mark.parametrize("content,message", [
    (None, "file not found"), (b"", "the notice is empty"), (b"\x00\x01\x02\xff\xfe\x00" * 50, "not"),
])
def test_bad_notice_files(tmp_path, capsys, content, message):
    p = tmp_path / "n.txt"
    if content is not None:
        p.write_bytes(content)
    assert main(["explain", str(p)]) == 2
    err = capsys.readouterr().err
    assert str(p) in err and message in err and "internal error" not in err


def test_windows_1251_notice(tmp_path):
    p = tmp_path / "n.txt"
    p.write_bytes("Товар снят с продажи: нет сертификата соответствия.".encode("cp1251"))
    assert classify_notice(read_notice(p)).fields == {"reason": "certificate_missing"}


def test_output_never_overwrites(tmp_path, capsys):
    out = tmp_path / "case.yaml"
    out.write_text("mine\n", encoding="utf-8")
    assert main(["explain", str(NOTICES / "fund_hold-ru-1.txt"), "-o", str(out)]) == 2
    assert out.read_text() == "mine\n"


def _fill(case: dict, evidence: str) -> dict:
    """What the seller adds by hand: the company, facts, evidence and the request."""
    case["seller"] = {"name": "深圳市示例贸易有限公司", "name_latin": "Shenzhen Example Trading Co., Ltd.",
                      "shop_id": "123456789", "email": "seller@example.com", "signatory": "Li Wei"}
    case["letter_date"] = "2026-11-25"
    case["facts"] = [{"date": "2026-11-20", "text": "包裹已在提货点签收。", "text_ru": "Посылка получена в пункте выдачи.",
                      "evidence": ["E1"]}]
    case["evidence"] = [{"id": "E1", "file": evidence, "description": "承运商官网物流轨迹截图",
                         "description_ru": "Скриншот трекинга с сайта перевозчика", "date": "2026-11-21"}]
    case["request"] = "请求解除该订单的资金冻结。"
    case["request_ru"] = "Просим снять удержание средств по заказу."
    for item in case["items"]:
        for k in [k for k, v in item.items() if v == ""]:
            del item[k]
    return case


def test_skeleton_from_notice_builds_once_filled(tmp_path, capsys):
    out = tmp_path / "case" / "case.yaml"
    assert main(["explain", str(NOTICES / "fund_hold-ru-1.txt"), "-o", str(out)]) == 0
    assert "wrote" in capsys.readouterr().err
    case = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert case["case_type"] == "fund_hold"
    assert case["notice"]["code"] == "HOLD-012" and str(case["notice"]["date"]) == "2026-11-23"
    assert "трек-номер не отслеживается" in case["notice"]["text"]
    assert [i["order"] for i in case["items"]] == ["45678912-0003-1"]
    sample_evidence = next((SAMPLES / "fund-hold" / "evidence").glob("*.pdf"))
    shutil.copy(sample_evidence, out.parent / sample_evidence.name)
    out.write_text(yaml.safe_dump(_fill(case, sample_evidence.name), allow_unicode=True), encoding="utf-8")
    from docgen import BuildOptions, build

    result = build(out, BuildOptions(formats=(), bundle=False, languagetool=False))  # manifest and findings
    assert (result.outdir / "manifest.json").is_file()
    assert not [f for f in result.findings if f.severity == "error"], [f.as_dict() for f in result.findings]


def test_fund_hold_with_several_postings_takes_one(tmp_path, capsys):
    p = tmp_path / "n.txt"
    p.write_text("Средства удержаны по отправлениям 11111111-0001-1 и 22222222-0001-1 (HOLD-012).\n", encoding="utf-8")
    out = tmp_path / "case.yaml"
    assert main(["explain", str(p), "-o", str(out)]) == 0
    assert "one order per" in capsys.readouterr().err
    assert [i["order"] for i in yaml.safe_load(out.read_text())["items"]] == ["11111111-0001-1"]


def test_notice_machine_translated_when_a_model_is_installed(tmp_path, monkeypatch, capsys):
    """With an installed ru→zh package (a real, tiny, random-weight one) the notice comes
    translated, marked as machine translation; protected IDs survive it."""
    from docgen.translate.packages import install_package
    from tests.model_factory import build_argos_package

    monkeypatch.setenv("DOCGEN_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("DOCGEN_CACHE_DIR", str(tmp_path / "cache"))
    install_package(build_argos_package(tmp_path, "ru", "zh", eos_bias=4.0))
    assert main(["explain", str(NOTICES / "fund_hold-ru-1.txt")]) == 0
    out = capsys.readouterr().out
    assert "通知译文（机器翻译，仅供理解，未经人工审核）" in out and "未安装" not in out
    translated = out.split("未经人工审核）：\n", 1)[1]
    assert "45678912-0003-1" in translated and "HOLD-012" in translated
