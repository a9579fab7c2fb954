"""Evidence: the index for a case or a folder, the bundle, personal data, re-appeals,
and bad files — each with files the tests make."""
from __future__ import annotations

import io
import json
import re
import shutil
from dataclasses import replace

import pytest
import yaml
from PIL import Image
from pypdf import PdfReader, PdfWriter

from docgen import BuildOptions, DocgenError, build
from docgen.cli import main
from docgen.indexer import IndexOptions, build_index
from tests.conftest import SAMPLES, pdf_text

# what the case-build tests below read: findings, entries, PDFs, the manifest (no DOCX, no bundle)
ONLY_PDF = BuildOptions(formats=("pdf",), bundle=False)
# … and those that read only findings, entries or the manifest: no printable document at all
NO_DOCUMENTS = BuildOptions(formats=(), bundle=False)


def _pdf_with_text(path, pages: list[str], rotate: int = 0, landscape: bool = False):
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    size = (842, 595) if landscape else (595, 842)
    c = canvas.Canvas(buf, pagesize=size)
    for text in pages:
        c.drawString(72, size[1] - 100, text)
        c.showPage()
    c.save()
    if rotate:
        reader = PdfReader(io.BytesIO(buf.getvalue()))
        writer = PdfWriter()
        for page in reader.pages:
            writer.add_page(page).rotate(rotate)
        buf = io.BytesIO()
        writer.write(buf)
    path.write_bytes(buf.getvalue())


def _jpeg(path, size=(1200, 900)):
    Image.new("RGB", size, (200, 220, 240)).save(path, "JPEG", quality=60)


def _edit(case_path, mutate):
    data = yaml.safe_load(case_path.read_text(encoding="utf-8"))
    mutate(data)
    case_path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def folder(tmp_path):
    f = tmp_path / "evidence"
    f.mkdir()
    _pdf_with_text(f / "A01_tracking_RU1CN.pdf", ["Tracking page one", "Tracking page two"])
    _jpeg(f / "A02_photo_RU1CN.jpg")
    return f


def test_folder_index_with_sidecar_and_names(folder, tmp_path):
    (folder / "index.yaml").write_text(yaml.safe_dump({
        "A01_tracking_RU1CN.pdf": {"description": "物流轨迹", "description_ru": "Трекинг", "date": "2026-10-25"}},
        allow_unicode=True), encoding="utf-8")
    r = build_index(folder, IndexOptions(formats=("pdf",)))  # the JSON and the seller's index PDF are read
    assert r.outdir == tmp_path / "evidence-index"
    data = json.loads((r.outdir / "seller/evidence-index.json").read_text(encoding="utf-8"))
    assert [(d["file"], d["pages"], d["kind"]) for d in data] == [
        ("A01_tracking_RU1CN.pdf", 2, "pdf"), ("A02_photo_RU1CN.jpg", 1, "jpeg")]
    assert data[0]["description"] == {"zh": "物流轨迹", "ru": "Трекинг"} and data[0]["date"] == "2026-10-25"
    assert data[1]["description"] == {"zh": "photo RU1CN", "ru": "photo RU1CN"}
    text = " ".join(pdf_text(r.outdir / "seller/evidence-index.pdf").split())
    assert "Опись приложений / 附件清单" in text and "Трекинг" in text and "物流轨迹" in text
    assert not (r.outdir / "submit/evidence-bundle.pdf").exists()


def test_folder_index_csv_sidecar_and_english(folder):
    (folder / "index.csv").write_text("file,description,description_en\nA02_photo_RU1CN.jpg,照片,Photo of the label\n",
                                      encoding="utf-8")
    r = build_index(folder, IndexOptions(target="en", formats=("pdf",)))
    data = json.loads((r.outdir / "seller/evidence-index.json").read_text(encoding="utf-8"))
    assert data[1]["description"] == {"zh": "照片", "en": "Photo of the label"}
    assert "List of attachments / 附件清单" in " ".join(pdf_text(r.outdir / "seller/evidence-index.pdf").split())


def test_bundle_pages_stamps_rotation_and_bookmarks(folder):
    _pdf_with_text(folder / "A03_rotated_RU1CN.pdf", ["Rotated page"], rotate=90)
    r = build_index(folder, IndexOptions(bundle=True, formats=("pdf",)))  # the bundle and the index PDF are read
    reader = PdfReader(str(r.outdir / "submit/evidence-bundle.pdf"))
    cover = len(PdfReader(str(r.outdir / "seller/evidence-index.pdf")).pages)
    assert len(reader.pages) == cover + 2 + 1 + 1
    texts = [p.extract_text() for p in reader.pages]
    n = len(texts)
    for i, t in enumerate(texts, 1):
        assert f"Комплект, стр. {i}/{n}" in t
    assert "Приложение 1 · стр. 1/2" in texts[cover] and "Tracking page one" in texts[cover]
    assert "Приложение 1 · стр. 2/2" in texts[cover + 1]
    assert "Приложение 2 · стр. 1/1" in texts[cover + 2]
    assert "Приложение 3 · стр. 1/1" in texts[cover + 3] and "Rotated page" in texts[cover + 3]
    # the rotated page was turned upright: no /Rotate left, its box is landscape
    rotated = reader.pages[cover + 3]
    assert rotated.get("/Rotate", 0) == 0 and rotated.mediabox.width > rotated.mediabox.height
    outline = [(o.title, reader.get_destination_page_number(o)) for o in reader.outline]
    assert outline == [("Приложение 1. A01_tracking_RU1CN.pdf", cover), ("Приложение 2. A02_photo_RU1CN.jpg", cover + 2),
                       ("Приложение 3. A03_rotated_RU1CN.pdf", cover + 3)]


def test_build_writes_bundle_beside_letter(built_samples):
    r = built_samples["performance-review"]
    reader = PdfReader(str(r.outdir / "submit/evidence-bundle.pdf"))
    outline = [o.title for o in reader.outline]
    assert outline == ["Приложение 1. A01_carrier-notice_58213746-0021-1.pdf",
                       "Приложение 2. A02_handover-sep_58213746-0021-1.pdf",
                       "Приложение 3. A03_handover-oct_58213746-0021-1.pdf"]
    assert "Склад консолидации" in reader.pages[-3].extract_text()


def test_bad_files_are_findings_not_tracebacks(folder, capsys):
    good = (folder / "A01_tracking_RU1CN.pdf").read_bytes()
    (folder / "zero.pdf").write_bytes(b"")
    (folder / "truncated.pdf").write_bytes(good[: len(good) // 3])
    shutil.copy(folder / "A02_photo_RU1CN.jpg", folder / "photo renamed.pdf")
    (folder / "cut.jpg").write_bytes((folder / "A02_photo_RU1CN.jpg").read_bytes()[:2000])
    (folder / "скан договора.docx").write_bytes(b"PK\x03\x04" + b"\0" * 64)
    Image.new("1", (30000, 30000)).save(folder / "bomb.png", optimize=True)
    assert main(["index", str(folder), "--bundle"]) == 0
    out = folder.parent / "evidence-index"
    qa = json.loads((out / "qa.json").read_text(encoding="utf-8"))
    by_file = {}
    index = json.loads((out / "seller/evidence-index.json").read_text(encoding="utf-8"))
    ids = {d["id"]: d["file"] for d in index}
    for f in qa["findings"]:
        by_file.setdefault(ids.get(f["where"].split(".", 1)[-1]), set()).add(f["check"])
    assert "evidence-readable" in by_file["zero.pdf"]
    assert "evidence-readable" in by_file["truncated.pdf"]
    assert "evidence-type" in by_file["photo renamed.pdf"] and "evidence-name" in by_file["photo renamed.pdf"]
    assert "evidence-readable" in by_file["cut.jpg"]
    assert {"evidence-type", "evidence-name"} <= by_file["скан договора.docx"]
    assert "evidence-readable" in by_file["bomb.png"]
    bomb = next(f for f in qa["findings"] if ids[f["where"].split(".", 1)[1]] == "bomb.png")
    assert "30000×30000" in bomb["message"]
    # every file still has its page in the bundle, bad ones with the reason
    bundle = PdfReader(str(out / "submit/evidence-bundle.pdf"))
    assert len(bundle.outline) == len(index)
    text = " ".join(p.extract_text() for p in bundle.pages)
    assert "не включено в комплект" in text
    # and the index marks them visibly
    idx_text = " ".join(pdf_text(out / "seller/evidence-index.pdf").split())
    assert "✗ evidence-readable" in idx_text
    assert "Traceback" not in capsys.readouterr().err


def test_duplicates_small_images_and_dates(fund_hold_case):
    ev = fund_hold_case.parent / "evidence"
    shutil.copy(ev / "A01_tracking_RU741852963CN.pdf", ev / "A03_copy_RU741852963CN.pdf")
    _jpeg(ev / "A04_tiny_RU741852963CN.jpg", size=(600, 400))

    def mutate(d):
        d["evidence"] += [
            {"id": "E3", "file": "evidence/A03_copy_RU741852963CN.pdf", "description": "副本", "description_ru": "Копия",
             "date": "2026-12-01"},
            {"id": "E4", "file": "evidence/A04_tiny_RU741852963CN.jpg", "description": "小图", "description_ru": "Фото",
             "date": "2026-01-05"}]
        d["facts"][0]["evidence"] += ["E3", "E4"]
    _edit(fund_hold_case, mutate)
    r = build(fund_hold_case, NO_DOCUMENTS)
    got = {(f.check, f.where) for f in r.findings}
    assert ("evidence-duplicate", "evidence.E3") in got
    assert ("evidence-image-size", "evidence.E4") in got
    assert ("evidence-date", "evidence.E3") in got  # after the letter (2026-11-02)
    assert ("evidence-date", "evidence.E4") in got  # older than 90 days
    msgs = {f.where: f.message for f in r.findings if f.check == "evidence-date"}
    assert "after the letter" in msgs["evidence.E3"] and "older than 90 days" in msgs["evidence.E4"]
    # limits are configurable per case
    _edit(fund_hold_case, lambda d: d.update(evidence_rules={"min_image_px": 500, "max_age_days": 400}))
    got = {(f.check, f.where) for f in build(fund_hold_case, NO_DOCUMENTS).findings}
    assert ("evidence-image-size", "evidence.E4") not in got and ("evidence-date", "evidence.E4") not in got


def test_personal_data_found_but_never_printed(fund_hold_case, capsys):
    ev = fund_hold_case.parent / "evidence"
    phone, mail, passport = "+7 (912) 345-67-89", "buyer.ivanova@mail.ru", "паспорт 45 06 123456"
    _pdf_with_text(ev / "A03_chat_RU741852963CN.pdf", ["Order page, no personal data", f"Buyer: {phone}, {mail}",
                                                       f"Копия: {passport}"])
    original = (ev / "A03_chat_RU741852963CN.pdf").read_bytes()
    assert "ivanova" in pdf_text(ev / "A03_chat_RU741852963CN.pdf")

    def mutate(d):
        d["evidence"].append({"id": "E3", "file": "evidence/A03_chat_RU741852963CN.pdf", "description": "聊天记录",
                              "description_ru": "Переписка"})
        d["facts"][0]["evidence"].append("E3")
        d["facts"][1]["text_ru"] += " Телефон покупателя 8 912 345 67 89."
    _edit(fund_hold_case, mutate)
    assert main(["build", str(fund_hold_case)]) == 0
    out = fund_hold_case.parent / "out"
    qa = (out / "qa.json").read_text(encoding="utf-8")
    findings = [f for f in json.loads(qa)["findings"] if f["check"] == "personal-data-masked"]
    assert all(f["severity"] == "warning" and f["message"].endswith("masked in the bundle") for f in findings)
    pages = {f["message"].split(":")[0] for f in findings if f["where"] == "evidence.E3"}
    assert pages == {"A03_chat_RU741852963CN.pdf, page 2", "A03_chat_RU741852963CN.pdf, page 3"}
    page2 = next(f["message"] for f in findings if "page 2" in f["message"])
    assert "phone number" in page2 and "e-mail" in page2
    assert "passport" in next(f["message"] for f in findings if "page 3" in f["message"])
    assert any(f["where"] == "fact.2" for f in findings) is False  # source text (zh) has none
    printed = capsys.readouterr()
    assert (ev / "A03_chat_RU741852963CN.pdf").read_bytes() == original  # the seller's file is untouched
    bundle = pdf_text(out / "submit/evidence-bundle.pdf")
    assert "Order page, no personal data" in bundle  # the page without data keeps its text layer
    for secret in ("(912)", "345-67-89", "ivanova", "45 06"):
        assert secret not in bundle
    index = re.sub(r"[0-9a-f]{64}", "<sha256>", (out / "seller/evidence-index.json").read_text(encoding="utf-8"))
    for secret in ("912", "345-67", "ivanova", "123456"):  # (a file's SHA-256 may hold «912» by chance)
        assert secret not in qa and secret not in printed.out and secret not in printed.err
        assert secret not in index


def _round_two(tmp_path):
    case = tmp_path / "fund-hold" / "case.yaml"
    shutil.copytree(SAMPLES / "fund-hold", case.parent, ignore=shutil.ignore_patterns("out"))
    first = build(case, replace(NO_DOCUMENTS, outdir=case.parent / "round1"))  # round 2 reads its manifest
    _edit(case, lambda d: d.update(appeal_round=2, previous_manifest="round1/manifest.json"))
    return case, first


def test_reappeal_with_nothing_new_is_an_error(tmp_path):
    case, _ = _round_two(tmp_path)
    r = build(case, NO_DOCUMENTS)
    (f,) = [f for f in r.findings if f.check == "reappeal-evidence"]
    assert f.severity == "error" and "no new evidence" in f.message
    assert not any(e.updated for e in r.entries)


def test_reappeal_marks_new_and_changed_evidence(tmp_path):
    case, _ = _round_two(tmp_path)
    _pdf_with_text(case.parent / "evidence" / "A01_tracking_RU741852963CN.pdf", ["Updated tracking page"])
    _edit(case, lambda d: d["evidence"][0].update(date="2026-11-01"))
    r = build(case, ONLY_PDF)
    assert not [f for f in r.findings if f.check == "reappeal-evidence"]
    assert [(e.id, e.updated and e.updated.isoformat()) for e in r.entries] == [("E1", "2026-11-01"), ("E2", None)]
    letter = " ".join(pdf_text(r.outdir / "submit/letter.ru.pdf").split())
    assert "Скриншот трекинга с сайта перевозчика (файл A01_tracking_RU741852963CN.pdf; обновлено 01.11.2026)" in letter
    assert "обновлено" not in letter.split("Приложение 2.")[1].split("С уважением")[0]
    assert "К обращению приложены обновлённые материалы: приложение 1." in letter
    zh = "".join(pdf_text(r.outdir / "seller/letter.zh.pdf").split())  # CJK lines break anywhere
    assert "；2026年11月1日更新）" in zh
    index = " ".join(pdf_text(r.outdir / "seller/evidence-index.pdf").split())
    assert "(обновлено 01.11.2026)" in index and "更新" in index
    m = json.loads((r.outdir / "manifest.json").read_text(encoding="utf-8"))
    assert m["inputs"][1]["updated"] == "2026-11-01" and "updated" not in m["inputs"][2]


def test_previous_manifest_errors(tmp_path):
    case, _ = _round_two(tmp_path)
    _edit(case, lambda d: d.update(previous_manifest="round9/manifest.json"))
    with pytest.raises(DocgenError, match="previous_manifest: file not found"):
        build(case, NO_DOCUMENTS)
    # a manifest outside the case folder (../round1/out/manifest.json) is read, never bundled
    elsewhere = tmp_path / "round1" / "out"
    elsewhere.mkdir(parents=True)
    shutil.copy(case.parent / "round1" / "manifest.json", elsewhere / "manifest.json")
    _edit(case, lambda d: d.update(previous_manifest="../round1/out/manifest.json"))
    r = build(case, NO_DOCUMENTS)
    assert [f.check for f in r.findings if f.check == "reappeal-evidence"] == ["reappeal-evidence"]
    assert "manifest.json" not in [e.name for e in r.entries]


def test_pdfa_letter_embeds_case_and_index(fund_hold_case):
    r = build(fund_hold_case, BuildOptions(pdfa=True, formats=("pdf",), bundle=False))  # reads two PDFs
    sent = PdfReader(str(r.outdir / "submit/letter.ru.pdf"))  # PDF/A-3b, and nothing embedded in what is sent
    assert not sent.attachments and b"pdfaid" in sent.trailer["/Root"]["/Metadata"].get_object().get_data()
    reader = PdfReader(str(r.outdir / "review/signoff.pdf"))  # the internal record carries the case
    files = reader.attachments
    assert set(files) == {"case.yaml", "evidence-index.json"}
    assert files["case.yaml"][0] == fund_hold_case.read_bytes()
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfaid" in xmp and (b"<pdfaid:part>3</pdfaid:part>" in xmp or b'pdfaid:part="3"' in xmp)


def test_index_cli_for_case_file(tmp_path):
    case = tmp_path / "fund-hold" / "case.yaml"
    shutil.copytree(SAMPLES / "fund-hold", case.parent, ignore=shutil.ignore_patterns("out"))
    assert main(["index", str(case), "--bundle"]) == 0
    out = case.parent / "index"
    assert {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} == {
        "seller/evidence-index.docx", "seller/evidence-index.pdf", "seller/evidence-index.json",
        "submit/evidence-index.ru.docx", "submit/evidence-index.ru.pdf", "submit/evidence-bundle.pdf",
        "qa.json", "qa.html", "manifest.json"}


def test_index_missing_path_exit_2(tmp_path, capsys):
    assert main(["index", str(tmp_path / "nope")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
