"""What is sent to Ozon: buyer data masked (text layers and, by real Tesseract OCR,
screenshots), active PDF content removed, the bundle under the upload limit."""
from __future__ import annotations

import io
import json
import os
import subprocess

import pikepdf
import pytest
import yaml
from PIL import Image, ImageDraw, ImageFont

from docgen import BuildOptions, build
from docgen.evidence.redact import active_content
from docgen.evidence.rules import EvidenceRules
from docgen.indexer import IndexOptions, build_index
from tests.conftest import pdf_text

PHONE, MAIL = "+7 912 345-67-89", "ivan.petrov@mail.ru"
MB = 1024 * 1024


def _font(size: int):
    path = subprocess.run(["fc-match", "-f", "%{file}", "Noto Sans"], capture_output=True, text=True).stdout
    return ImageFont.truetype(path, size)


def chat_screenshot(path, phone=PHONE, mail=MAIL):
    im = Image.new("RGB", (1280, 720), "white")
    d = ImageDraw.Draw(im)
    f = _font(28)
    d.text((40, 40), "Чат с покупателем · заказ 58213746-0017-1", font=f, fill="black")
    d.text((40, 120), f"Покупатель: Иван, тел. {phone}", font=f, fill="black")
    d.text((40, 200), f"E-mail: {mail}", font=f, fill="black")
    d.text((40, 280), "Продавец: ops@example.com", font=f, fill="black")
    im.save(path)


def ocr(png) -> str:
    # one core, as docgen runs it: OpenMP threads fighting the other test worker cost seconds
    return subprocess.run(["tesseract", str(png), "-", "-l", "rus+eng"], capture_output=True, text=True,
                          env={**os.environ, "OMP_THREAD_LIMIT": "1"}).stdout


def _edit(case_path, mutate):
    data = yaml.safe_load(case_path.read_text(encoding="utf-8"))
    mutate(data)
    case_path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _add_evidence(case, name, description_ru, evidence_id):
    def mutate(d):
        d["evidence"].append({"id": evidence_id, "file": f"evidence/{name}", "description": "证据",
                              "description_ru": description_ru})
        d["facts"][0]["evidence"].append(evidence_id)
    _edit(case, mutate)


def _bundle_files(out):
    return sorted(out.rglob("evidence-bundle*.pdf"))


def test_phone_in_a_screenshot_is_masked_by_ocr(fund_hold_case, tmp_path):
    ev = fund_hold_case.parent / "evidence"
    chat_screenshot(ev / "A03_chat_RU741852963CN.png")
    before = (ev / "A03_chat_RU741852963CN.png").read_bytes()
    assert "345-67-89" in ocr(ev / "A03_chat_RU741852963CN.png")  # the screenshot really shows it
    _add_evidence(fund_hold_case, "A03_chat_RU741852963CN.png", "Переписка с покупателем", "E3")
    r = build(fund_hold_case, BuildOptions(languagetool=False, formats=()))  # reads the bundle only
    assert (ev / "A03_chat_RU741852963CN.png").read_bytes() == before  # the seller's file is never modified
    masked = [f for f in r.findings if f.check == "personal-data-masked"]
    assert [(f.where, f.severity) for f in masked] == [("evidence.E3", "warning")]
    assert "phone number" in masked[0].message and "e-mail" in masked[0].message
    assert PHONE not in json.dumps([f.as_dict() for f in r.findings], ensure_ascii=False)
    [bundle] = _bundle_files(r.outdir)
    pages = len(pikepdf.open(bundle).pages)
    # the screenshot's page (the last one), rendered and read back by OCR: the values are gone
    subprocess.run(["pdftoppm", "-r", "150", "-f", str(pages), "-l", str(pages), "-png", "-singlefile", str(bundle),
                    str(tmp_path / "page")], check=True)
    text = ocr(tmp_path / "page.png")
    assert "Покупатель" in text and "ops@example.com" in text  # the rest stays legible
    assert "345-67" not in text and "ivan.petrov" not in text
    index = " ".join(pdf_text(bundle).split())
    assert "Переписка с покупателем (данные покупателя скрыты)" in index


def _active_pdf(path):
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    content = b"BT /F1 14 Tf 72 700 Td (Tracking: delivered 24.10.2026) Tj ET"
    page = pdf.pages[0]
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)))
    page.obj.Contents = pdf.make_stream(content)
    js = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('hi')"))
    pdf.Root.OpenAction = js
    page.obj.AA = pikepdf.Dictionary(O=js)
    launch = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[72, 600, 300, 620],
                                A=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe")))
    widget = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, Rect=[72, 500, 300, 520],
                                FT=pikepdf.Name.Tx, T=pikepdf.String("field"))
    page.obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(launch), pdf.make_indirect(widget)]))
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([page.obj.Annots[1]]))
    pdf.attachments["payload.txt"] = pikepdf.AttachedFileSpec(pdf, b"payload")
    pdf.save(path)


def test_active_content_is_removed_from_the_bundle(fund_hold_case):
    ev = fund_hold_case.parent / "evidence"
    _active_pdf(ev / "A03_tracking_RU741852963CN.pdf")
    found = active_content(ev / "A03_tracking_RU741852963CN.pdf")
    assert {"JavaScript", "Launch", "OpenAction", "AA", "form", "embedded files"} <= set(found)
    _add_evidence(fund_hold_case, "A03_tracking_RU741852963CN.pdf", "Трекинг", "E3")
    r = build(fund_hold_case, BuildOptions(languagetool=False, formats=()))  # reads the bundle only
    info = [f for f in r.findings if f.check == "active-content"]
    assert [(f.where, f.severity) for f in info] == [("evidence.E3", "info")]
    assert "JavaScript" in info[0].message and "removed in the bundle" in info[0].message
    [bundle] = _bundle_files(r.outdir)
    assert active_content(bundle) == []
    assert "Tracking: delivered 24.10.2026" in pdf_text(bundle)  # the page itself is kept
    raw = bundle.read_bytes()
    assert b"app.alert" not in raw and b"calc.exe" not in raw and b"payload" not in raw


def _photo(path, seed: int):
    """A 4000×3000 "photo" of about 2.9 MB (smooth noise: it compresses like a photo)."""
    Image.effect_noise((1000, 750), 60 + seed).convert("RGB").resize((4000, 3000), Image.BILINEAR) \
        .save(path, "JPEG", quality=82)


def test_three_large_photos_fit_the_upload_limit(fund_hold_case):
    ev = fund_hold_case.parent / "evidence"
    for i in (3, 4, 5):
        _photo(ev / f"A0{i}_photo_RU741852963CN.jpg", i)
        assert 2.5 * MB < (ev / f"A0{i}_photo_RU741852963CN.jpg").stat().st_size < 5 * MB
        _add_evidence(fund_hold_case, f"A0{i}_photo_RU741852963CN.jpg", "Фото упаковки", f"E{i}")
    r = build(fund_hold_case, BuildOptions(languagetool=False, formats=()))  # reads the bundle only
    files = _bundle_files(r.outdir)
    assert files and all(f.stat().st_size <= 5 * MB for f in files)
    assert not [f for f in r.findings if f.check == "bundle-size"]
    # every photo is there, at ≥ 150 dpi where it is placed on A4
    pages = sum(len(pikepdf.open(f).pages) for f in files)
    assert pages == 1 + sum(e.facts.pages for e in r.entries)  # the index, then every page of every attachment
    photos = []
    for f in files:
        listing = subprocess.run(["pdfimages", "-list", str(f)], capture_output=True, text=True, check=True).stdout
        for row in listing.splitlines()[2:]:
            cols = row.split()
            if int(cols[3]) >= 1500:  # width: one of the photos (the sample screenshot is narrower)
                photos.append((int(cols[12]), int(cols[13])))  # x-ppi, y-ppi as placed
    assert len(photos) == 3 and all(min(ppi) >= 150 for ppi in photos), photos


def test_bundle_is_split_into_parts_under_the_limit(tmp_path):
    folder = tmp_path / "evidence"
    folder.mkdir()
    for i in range(1, 5):
        Image.effect_noise((900, 1200), 80).convert("RGB").save(folder / f"A0{i}_scan_X.png")  # ~1.8 MB each
    r = build_index(folder, IndexOptions(bundle=True, rules=EvidenceRules(max_bytes=2 * MB)))
    files = _bundle_files(r.outdir)
    assert [f.name for f in files][:2] == ["evidence-bundle-part1.pdf", "evidence-bundle-part2.pdf"]
    assert all(f.stat().st_size <= 2 * MB for f in files)
    total = sum(len(pikepdf.open(f).pages) for f in files)
    assert total == 1 + 4  # the index, then one page per scan: nothing lost between parts
    stamps = " ".join(pdf_text(f) for f in files)
    assert all(f"Приложение {n} · стр. 1/1" in stamps for n in range(1, 5))
