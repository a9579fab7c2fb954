"""The output layout: submit/ holds only what goes to Ozon, and a reader of every file
under it (PDF text, OCR of every bundle page, DOCX, .eml, .txt) finds nothing
internal, no Chinese, no sign-off page, no buyer data and no active PDF content."""
from __future__ import annotations

import email
import email.policy
import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml

from docgen import BuildOptions, build
from docgen.cli import main
from docgen.evidence.redact import active_content
from docgen.qa.registry import CHECKS
from tests.conftest import SAMPLE_NAMES, copy_sample, docx_text, pdf_text
from tests.test_redact import PHONE, _active_pdf, _add_evidence, chat_screenshot

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
SIGNOFF_TITLES = ("Лист проверки перевода носителем языка", "母语译文审核签字页", "Native-speaker review sign-off")
# check ids that are not ordinary words (grammar, style, numbers … may appear in a letter)
CHECK_IDS = [c.name for c in CHECKS if "-" in c.name] + ["personal-data-masked", "untranslated", "terminology"]


def _ocr_pdf(path: Path) -> str:
    """Every page's OCR text: one tesseract run over the list of page images, on one core
    (OMP_THREAD_LIMIT=1, as docgen runs it: OpenMP threads contending with the other test
    worker made OCR several times slower)."""
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["pdftoppm", "-r", "150", "-png", str(path), f"{d}/p"], check=True)
        pages = sorted(Path(d).glob("p*.png"))
        (Path(d) / "pages.txt").write_text("".join(f"{p}\n" for p in pages), encoding="utf-8")
        return subprocess.run(["tesseract", f"{d}/pages.txt", "-", "-l", "rus+eng"], capture_output=True, text=True,
                              check=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"}).stdout


def submit_texts(outdir: Path, ocr: bool = False) -> dict[str, str]:
    """Every file under submit/ as text, the way Ozon's agent would read it."""
    out = {}
    for path in sorted((outdir / "submit").rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(outdir).as_posix()
        if path.suffix == ".pdf":
            assert active_content(path) == [], rel
            out[rel] = pdf_text(path) + (_ocr_pdf(path) if ocr and "bundle" in path.name else "")
        elif path.suffix == ".docx":
            out[rel] = docx_text(path)
        elif path.suffix == ".eml":
            msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            out[rel] = str(msg["Subject"]) + "\n" + msg.get_body(preferencelist=("plain",)).get_content()
            for att in msg.iter_attachments():
                p = outdir / f".{att.get_filename()}"
                p.write_bytes(att.get_payload(decode=True))
                assert active_content(p) == [] and p.stat().st_size <= 5 * 1024 * 1024
                out[f"{rel} → {att.get_filename()}"] = pdf_text(p)
                p.unlink()
        else:
            out[rel] = path.read_text(encoding="utf-8")
    return out


def assert_clean(texts: dict[str, str]) -> None:
    assert texts
    for rel, text in texts.items():
        flat = " ".join(text.split())
        assert not CJK.search(text), (rel, CJK.findall(text)[:5])
        for cid in CHECK_IDS:
            assert not re.search(rf"(?<![\w-]){re.escape(cid)}(?![\w-])", text), (rel, cid)
        for title in SIGNOFF_TITLES:
            assert title not in flat, (rel, title)
        for secret in ("345-67-89", "ivan.petrov", "(912)"):
            assert secret not in text, (rel, "buyer data")


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_sample_builds_to_the_layout(built_samples, name):
    r = built_samples[name]
    out = r.outdir
    case = yaml.safe_load((out.parent / "case.yaml").read_text(encoding="utf-8"))
    target, lang = case.get("target", "ru"), case["language"]
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    for rel in (f"submit/letter.{target}.pdf", f"submit/letter.{target}.docx", f"submit/evidence-index.{target}.pdf",
                f"submit/evidence-index.{target}.docx", "submit/evidence-bundle.pdf", "submit/ticket.txt",
                f"seller/letter.{lang}.pdf", f"seller/letter.{lang}.docx", "seller/evidence-index.pdf",
                "review/signoff.pdf", "review/signoff.docx", "review/review.xlf", "review/review.docx",
                "review/letter.json", "qa.json", "qa.html", "manifest.json"):
        assert rel in files, rel
    assert not any(f.startswith("submit/") and f.endswith(".json") for f in files)
    assert_clean(submit_texts(out))
    # the letter's page numbers count letter pages only: the last page says «стр. N из N»
    letter_pdf = out / "submit" / f"letter.{target}.pdf"
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(letter_pdf)], capture_output=True,
                                                             text=True).stdout).group(1))
    label = "стр. {0} из {0}" if target == "ru" else "page {0} of {0}"
    assert label.format(pages) in pdf_text(letter_pdf)
    # the sign-off page lives in review/, the seller's index keeps its QA column and Chinese
    assert "Лист проверки перевода носителем языка" in " ".join(pdf_text(out / "review" / "signoff.pdf").split())
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {o["path"] for o in manifest["outputs"]} >= {"submit/ticket.txt", "review/signoff.pdf"}


def test_hostile_evidence_never_reaches_submit(tmp_path):
    """A screenshot with a buyer's phone, a PDF with JavaScript and a form: what is sent
    carries neither (read back by pdftotext and by OCR of every bundle page)."""
    case = copy_sample("fund-hold", tmp_path)
    ev = case.parent / "evidence"
    chat_screenshot(ev / "A03_chat_RU741852963CN.png")
    _active_pdf(ev / "A04_tracking_RU741852963CN.pdf")
    _add_evidence(case, "A03_chat_RU741852963CN.png", "Переписка с покупателем", "E3")
    _add_evidence(case, "A04_tracking_RU741852963CN.pdf", "Трекинг", "E4")
    r = build(case, BuildOptions(languagetool=False))
    texts = submit_texts(r.outdir, ocr=True)
    assert "Покупатель" in texts["submit/evidence-bundle.pdf"]  # the screenshot is there, read by OCR
    assert PHONE not in "".join(texts.values())
    assert_clean(texts)
    assert main(["check-submit", str(r.outdir)]) == 0


def test_check_submit_lists_every_problem(tmp_path, capsys):
    case = copy_sample("fund-hold", tmp_path)
    # the problems are in the files put into submit/ below: the sign-off PDF and a note (no DOCX, no bundle to OCR)
    r = build(case, BuildOptions(languagetool=False, formats=("pdf",), bundle=False))
    # what a careless hand would do: put the internal files into submit/
    (r.outdir / "submit" / "signoff.pdf").write_bytes((r.outdir / "review" / "signoff.pdf").read_bytes())
    (r.outdir / "submit" / "notes.txt").write_text("买家电话 +7 912 345-67-89; personal-data\n", encoding="utf-8")
    assert main(["check-submit", str(r.outdir)]) == 3
    printed = capsys.readouterr().out
    assert "submit/signoff.pdf, page 1: signoff" in printed and "submit/signoff.pdf, page 1: cjk" in printed
    assert "submit/notes.txt: personal-data: a phone number" in printed and "345-67" not in printed
    assert "submit/notes.txt: check-id: internal check id «personal-data»" in printed
    # the seller's language at the edge: the same problems in Chinese, the kinds of data too
    assert main(["--ui", "zh", "check-submit", "--no-ocr", str(r.outdir)]) == 3
    printed = capsys.readouterr().out
    assert "submit/notes.txt: personal-data: 电话号码未遮盖" in printed and "345-67" not in printed
    assert "submit/signoff.pdf, page 1: signoff: 含译员签字确认页" in printed


def test_final_refuses_while_submit_breaks_the_rules(tmp_path):
    case = copy_sample("fund-hold", tmp_path)
    data = yaml.safe_load(case.read_text(encoding="utf-8"))
    data["seller"]["name_latin"] = data["seller"]["name"]  # the Chinese name goes into the letter
    case.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    before = None
    # the Chinese name is in the letter: no bundle needed for the rules to refuse it
    assert main(["build", str(case), "--final", "--force", "--reason", "checked by hand", "--no-bundle"]) == 3
    assert not (case.parent / "out").exists() or before is None
