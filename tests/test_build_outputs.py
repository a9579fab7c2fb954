"""What `docgen build` writes, read back: DOCX text, PDF text and fonts, JSON."""
from __future__ import annotations

import hashlib
import json
import re
import subprocess

import docx
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader

from tests.conftest import SAMPLE_NAMES, docx_text, pdf_text

EXPECTED_FILES = {"submit/letter.ru.docx", "submit/letter.ru.pdf", "submit/evidence-index.ru.docx",
                  "submit/evidence-index.ru.pdf", "submit/evidence-bundle.pdf", "submit/ticket.txt",
                  "seller/evidence-index.docx", "seller/evidence-index.pdf", "seller/evidence-index.json",
                  "review/signoff.pdf", "review/signoff.docx", "review/letter.json", "review/review.xlf",
                  "review/review.docx", "qa.json", "qa.html", "manifest.json"}


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_output_written(built_samples, name):
    r = built_samples[name]
    lang = r.letter.source_lang
    names = {p.relative_to(r.outdir).as_posix() for p in r.outdir.rglob("*") if p.is_file()}
    names.discard("submit/email.eml")  # only where the channel is e-mail (tests/test_submit_layout.py)
    assert names == EXPECTED_FILES | {f"seller/letter.{lang}.docx", f"seller/letter.{lang}.pdf"}


def test_fund_hold_letter_ru_content(built_samples):
    r = built_samples["fund-hold"]
    for text in (docx_text(r.outdir / "submit/letter.ru.docx"), pdf_text(r.outdir / "submit/letter.ru.pdf")):
        flat = " ".join(text.split())
        assert "От: Shenzhen Example Technology Co., Ltd." in flat
        assert "ID магазина: 123456789" in flat
        assert "Дата: 02.11.2026" in flat
        assert "Тема: Просьба снять удержание средств по отправлению 58213746-0017-1 (уведомление HOLD-012 от 28.10.2026)" in flat
        assert "2. 24.10.2026 покупатель получил посылку в пункте выдачи заказов (см. приложения 1, 2)." in flat
        assert "3. 28.10.2026 — в личном кабинете" in flat and "удержана (см. приложение 2)." in flat
        assert "сумма 3 480,00 руб." in flat
        assert "Просим снять удержание средств по заказу." in flat
        assert "Приложение 1. Скриншот трекинга с сайта перевозчика (файл A01_tracking_RU741852963CN.pdf)" in flat
        assert "Подпись:" in flat
        # the letter only: the sign-off page is its own document in review/
        assert "Лист проверки" not in flat and not re.search(r"[\u4e00-\u9fff]", flat), "Chinese in the Russian letter"
    signoff = " ".join(pdf_text(r.outdir / "review/signoff.pdf").split())
    assert "Лист проверки перевода носителем языка / 母语译文审核签字页" in signoff
    assert f"SHA-256 текста письма: / 信件正文 SHA-256： {r.letter.text_sha256()}" in signoff
    assert "Проверяющий (ФИО) / 审核人（姓名）: ____" in signoff


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_letters_keep_references_and_amounts_together(built_samples, name):
    """pdftotext keeps the PDF's lines: no line may end inside «см. приложение 1»,
    «№ 58213746-0017-1», «3 480,00 руб.» or inside an ID (the NBSPs and no-break IDs)."""
    r = built_samples[name]
    target = r.letter.target_lang
    text = pdf_text(r.outdir / f"submit/letter.{target}.pdf")
    for bad in (r"№[ \u00a0]*\n", r"(см\.|see)[ \u00a0]*\n", r"([Пп]риложени[еяю]|Attachments?|SKU)[ \u00a0]*\n[ \u00a0]*\d", r"\d[ \u00a0]*\n[ \u00a0]*(руб\.|RUB)",
                r"\n[ \u00a0]*—", r"\d-\n\d"):
        assert not re.search(bad, text), f"{name}: line break inside {re.search(bad, text).group()!r}"
    for amount in re.findall(r"[\d., \u00a0]+(?=[ \u00a0]руб\.)", text):
        assert re.fullmatch(r"\s*\d{1,3}([ \u00a0]\d{3})*,\d{2}", amount), amount
    zh = r.outdir / "seller/letter.zh.pdf"
    if zh.exists():  # «附件1» stays whole in the seller's copy
        assert not re.search(r"附件[ \u00a0]*\n[ \u00a0]*\d", pdf_text(zh))
    if "руб" in text or "RUB" in text:
        assert re.search(r"\d{1,3}( \d{3})+,\d{2} руб\.|\d{1,3}(,\d{3})+\.\d{2} RUB", " ".join(text.split()))


def test_seller_copy_has_same_numbering(built_samples):
    r = built_samples["fund-hold"]
    zh = " ".join(pdf_text(r.outdir / "seller/letter.zh.pdf").split())
    assert "主题：申请解除货件 58213746-0017-1 的资金冻结" in zh
    assert "2. 2026年10月24日买家在提货点签收包裹（见附件1、2）。" in zh
    assert "附件2. 卖家后台货件详情截图" in zh
    assert "签字页" not in zh  # the sign-off page is in review/, on its own


def test_pdf_page_furniture_and_fonts(built_samples):
    r = built_samples["fund-hold"]
    pdf = r.outdir / "submit/letter.ru.pdf"
    reader = PdfReader(str(pdf))
    assert len(reader.pages) == 1  # the letter only: its pages are the ones counted
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)
    pages = pdf_text(pdf).split("\f")
    assert "стр. 1 из 1" in pages[0]
    assert "ID магазина 123456789 · HOLD-012" in pages[0]
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows), "every font embedded"
    families = {row.split()[0].split("+", 1)[1] for row in rows}
    assert "Noto-Sans" in families and "Noto-Sans-CJK-SC" not in families  # no Chinese in what is sent
    signoff_fonts = subprocess.run(["pdffonts", str(r.outdir / "review/signoff.pdf")], capture_output=True,
                                   text=True).stdout
    assert "Noto-Sans-CJK-SC" in signoff_fonts
    assert not any("JP" in f or "DejaVu" in f for f in families)
    zh_fonts = subprocess.run(["pdffonts", str(r.outdir / "seller/letter.zh.pdf")], capture_output=True, text=True).stdout
    assert "CJK-SC" in zh_fonts and "CJK-JP" not in zh_fonts


def test_pdf_has_no_missing_glyphs(built_samples):
    for r in built_samples.values():
        for pdf in r.outdir.glob("*.pdf"):
            text = pdf_text(pdf)
            assert "\ufffd" not in text and "□□" not in text, pdf.name


def test_docx_page_setup_fonts_and_fields(built_samples):
    r = built_samples["fund-hold"]
    d = docx.Document(str(r.outdir / "submit/letter.ru.docx"))
    s = d.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    rfonts = d.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == "SimSun"
    footer_xml = s.footer._element.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml and "стр." in footer_xml
    assert "ID магазина 123456789 · HOLD-012" in s.header.paragraphs[0].text
    idx = docx.Document(str(r.outdir / "seller/evidence-index.docx"))
    assert idx.sections[0].page_width > idx.sections[0].page_height  # landscape
    table = idx.tables[0]
    assert table.rows[0].cells[0].text == "№ / 编号"
    assert table.rows[1].cells[0].text == "Приложение 1 / 附件1"
    assert "w:tblHeader" in table.rows[0]._tr.xml and "w:cantSplit" in table.rows[1]._tr.xml


def test_evidence_index_content(built_samples):
    r = built_samples["fund-hold"]
    data = json.loads((r.outdir / "seller/evidence-index.json").read_text(encoding="utf-8"))
    e1 = data[0]
    raw = (r.outdir.parent / "evidence" / "A01_tracking_RU741852963CN.pdf").read_bytes()
    assert e1["number"] == 1 and e1["kind"] == "pdf" and e1["pages"] == 1
    assert e1["sha256"] == hashlib.sha256(raw).hexdigest() and e1["size"] == len(raw)
    assert e1["cited_by_facts"] == [1, 2]
    assert e1["description"] == {"zh": "承运商官网物流轨迹截图", "ru": "Скриншот трекинга с сайта перевозчика"}
    text = " ".join(pdf_text(r.outdir / "seller/evidence-index.pdf").split())
    assert "Опись приложений / 附件清单" in text
    assert "Скриншот трекинга с сайта перевозчика" in text and "承运商官网物流轨迹截图" in text
    assert e1["sha256"][:12] in text and "25.10.2026" in text


def test_manifest_hashes_match_files(built_samples):
    for r in built_samples.values():
        m = json.loads((r.outdir / "manifest.json").read_text(encoding="utf-8"))
        assert m["docgen"] and m["templates"].startswith("2026.") and m["glossary"]
        listed = {o["path"]: o for o in m["outputs"]}
        assert set(listed) == {p.relative_to(r.outdir).as_posix() for p in r.outdir.rglob("*") if p.is_file()} \
            - {"manifest.json"}
        for name, o in listed.items():
            raw = (r.outdir / name).read_bytes()
            assert o["sha256"] == hashlib.sha256(raw).hexdigest() and o["size"] == len(raw)
        case = m["inputs"][0]
        assert case["role"] == "case"
        assert case["sha256"] == hashlib.sha256((r.outdir.parent / "case.yaml").read_bytes()).hexdigest()
        assert [i["id"] for i in m["inputs"][1:]] == [e["id"] for e in
                                                     json.loads((r.outdir / "seller/evidence-index.json").read_text())]
        assert m["letter_sha256"] == r.letter.text_sha256()


def test_qa_json_shape(built_samples):
    r = built_samples["listing-takedown"]
    qa = json.loads((r.outdir / "qa.json").read_text(encoding="utf-8"))
    assert qa["summary"] == {"error": 0, "warning": 1, "info": 0}
    (f,) = qa["findings"]
    assert f == {"check": "style", "severity": "warning", "where": "fact.1", "code": "qa.fact-without-evidence-reference",
                 "message": "fact without an evidence reference: Ozon rejects claims without proof",
                 "messages": {"en": "fact without an evidence reference: Ozon rejects claims without proof",
                              "zh": "这条事实没有引用证据：没有证据的说法会被 Ozon 驳回"}}


def test_english_seller_gets_english_copy(built_samples):
    r = built_samples["support-request"]
    en = " ".join(pdf_text(r.outdir / "seller/letter.en.pdf").split())
    assert "Subject: Support request about payouts: payout no. PAYOUT-2026-11-05" in en
    assert "1. The sales report for October 2026, issued on 01.11.2026, shows 152,400.00 RUB accrued" in en
    assert "(see Attachment 1)." in en
    ru = " ".join(pdf_text(r.outdir / "submit/letter.ru.pdf").split())
    assert "Тема: Обращение по вопросу выплат: выплата № PAYOUT-2026-11-05" in ru
    assert "Лист проверки" not in ru
    signoff = " ".join(pdf_text(r.outdir / "review/signoff.pdf").split())
    assert "Лист проверки перевода носителем языка / Native-speaker review sign-off" in signoff


def test_docx_page_count_field_carries_the_page_count(built_samples):
    """Readers that do not update fields show the cached NUMPAGES value: it must be the
    letter's page count (the letter alone: no sign-off page counted)."""
    r = built_samples["fund-hold"]
    d = docx.Document(str(r.outdir / "submit/letter.ru.docx"))
    footer = d.sections[0].footer.paragraphs[0]._p
    runs = list(footer.iter(qn("w:r")))
    cached, in_numpages, after_separate = [], False, False
    for run in runs:
        for el in run:
            if el.tag == qn("w:instrText"):
                in_numpages = "NUMPAGES" in el.text
            elif el.tag == qn("w:fldChar"):
                after_separate = el.get(qn("w:fldCharType")) == "separate"
            elif el.tag == qn("w:t") and in_numpages and after_separate:
                cached.append(el.text)
    pdf_pages = len(PdfReader(str(r.outdir / "submit/letter.ru.pdf")).pages)
    assert cached and int(cached[0]) >= 1 and abs(int(cached[0]) - pdf_pages) <= 1
    # IDs never break: hyphens inside an order number are Word's non-breaking hyphens
    body = d.element.body
    assert body.findall(".//" + qn("w:noBreakHyphen"))
    assert "58213746-0017-1" in docx_text(r.outdir / "submit/letter.ru.docx")
