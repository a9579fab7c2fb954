"""The personal-data scanner (issue #13, item 6): what it finds, where it looks, and that
no message, finding or printout ever carries the value it found."""
from __future__ import annotations

import json

import pytest
import yaml

from docgen.cli import main
from docgen.qa.language_checks import number_problems
from docgen.evidence.pii import mask, scan_pdf, scan_text
from tests.conftest import SAMPLE_NAMES, SAMPLES

PHONES = ["+7.912.345.67.89", "7 912 345-67-89", "+7 9123 45 67 89", "+7 912 345–67–89", "+7 912 345‑67‑89",
          "＋７ ９１２ ３４５ ６７ ８９", "тел. 912 345-67-89", "8 (912) 345-67-89", "+7 (912) 345-67-89",
          "+86 138 0013 8000"]
EMAILS = ["buyer.ivanova@mail.ru", "buyer[at]mail.ru", "buyer (at) mail (dot) ru", "покупатель@почта.рф",
          "买家＠qq.com"]
PASSPORTS = ["4510 123456", "4510№123456", "4510-123456", "45 10 123456", "45 10 № 123456", "паспорт 4510123456",
             "护照号 E12345678", "E12345678", "G12345678", "EA1234567"]
NOT_PII = ["заказ 58213746-0017-1", "SKU 1184520937", "трек RU741852963CN", "24.10.2026", "3480.00 RUB",
           "магазин 123456789", "10.10.2026 — передано 17", "HOLD-012", "E1, E2", "EX-65C-WHT", "2026年10月24日",
           "ops@example", "ИНН 7707083893"]


@pytest.mark.parametrize("text", PHONES)
def test_phones_found(text):
    assert [h.kind for h in scan_text(f"Звонил покупатель, {text}, вчера")] == ["phone"]


@pytest.mark.parametrize("text", EMAILS)
def test_emails_found(text):
    assert [h.kind for h in scan_text(f"почта: {text} — ответа нет")] == ["email"]


@pytest.mark.parametrize("text", PASSPORTS)
def test_passports_found(text):
    assert [h.kind for h in scan_text(f"Данные: {text}.")] == ["passport"]


@pytest.mark.parametrize("text", NOT_PII)
def test_ids_dates_amounts_are_not_pii(text):
    assert scan_text(text) == []


def test_samples_have_no_personal_data():
    for name in SAMPLE_NAMES:
        assert scan_text((SAMPLES / name / "case.yaml").read_text(encoding="utf-8"), ["ops@example.com"]) == []


def test_hits_are_positions_never_values(tmp_path):
    text = "Покупатель: +7 912 345-67-89, buyer@mail.ru"
    hits = scan_text(text)
    assert [(h.kind, text[h.start:h.end]) for h in hits] == [("phone", "+7 912 345-67-89"), ("email", "buyer@mail.ru")]
    assert "912" not in repr(hits) and "buyer" not in repr(hits)
    assert mask(text) == "Покупатель: •••, •••"
    assert len(mask(text, keep_length=True)) == len(text)


def test_numbers_check_never_quotes_personal_data():
    problems = number_problems("买家电话 +7 912 345-67-89，订单 58213746-0017-1，护照 4510 123456", "Телефон покупателя, заказ")
    joined = " ".join(problems)
    assert "58213746-0017-1" in joined  # an order number is still named
    for secret in ("912", "345", "67-89", "4510", "123456"):
        assert secret not in joined
    assert "personal data" in joined


def test_pdf_hits_have_page_and_box(tmp_path):
    from tests.test_evidence import _pdf_with_text

    pdf = tmp_path / "chat.pdf"
    _pdf_with_text(pdf, ["nothing here", "Buyer: +7 912 345-67-89"])
    (hit,) = scan_pdf(pdf)
    assert hit.kind == "phone" and hit.page == 2 and hit.bbox is not None
    x0, y0, x1, y1 = hit.bbox
    assert 0 <= x0 < x1 and 0 <= y0 < y1


def test_every_case_field_and_file_name_is_scanned(fund_hold_case, capsys):
    ev = fund_hold_case.parent / "evidence"
    (ev / "A01_tracking_RU741852963CN.pdf").rename(ev / "chat +79123456789 buyer@mail.ru.pdf")
    d = yaml.safe_load(fund_hold_case.read_text(encoding="utf-8"))
    d["evidence"][0]["file"] = "evidence/chat +79123456789 buyer@mail.ru.pdf"
    d["notice"]["text"] = "Покупатель (тел. 912 345-67-89) пожаловался."
    d["items"][0]["name"] = "Зарядка, паспорт 4510 123456"
    d["seller"]["signatory"] = "Li Wei, ivanova[at]mail.ru"
    d["request_ru"] = "Просим связаться с покупателем: +7.912.345.67.89."
    d["evidence"][1]["description_ru"] = "Скриншот, покупатель@почта.рф"
    fund_hold_case.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert main(["build", "--no-bundle", str(fund_hold_case)]) == 0
    out = fund_hold_case.parent / "out"
    qa = (out / "qa.json").read_text(encoding="utf-8")
    found = {f["where"] for f in json.loads(qa)["findings"] if f["check"] == "personal-data"}
    assert "evidence.E1" in found  # the file name
    assert "request" in found and "evidence.E2" in found and "signatory" in found
    assert {"notice.text", "items[0].name"} & found or any(w.startswith("header") for w in found)
    printed = capsys.readouterr()
    for secret in ("912", "345", "67-89", "buyer@", "ivanova", "4510", "123456", "покупатель@"):
        assert secret not in qa, secret
        assert secret not in printed.out + printed.err, secret
