"""The evidence cache: a file's facts, buyer-data scan (pdftotext, real Tesseract OCR)
and active content are computed once per content, kept on disk, and reused by a later
build (a new process) or another case attaching the same file. Real tools are counted
through wrappers on PATH that log each call and run the real program."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from docgen.evidence import cache
from docgen.evidence.inspect import inspect_file
from docgen.evidence.redact import scan_evidence
from tests.test_redact import PHONE, chat_screenshot

WRAPPED = ("tesseract", "pdftotext")


@pytest.fixture
def counted(tmp_path, monkeypatch):
    """A fresh cache folder, and a log of every real tesseract/pdftotext run."""
    monkeypatch.setenv("DOCGEN_CACHE_DIR", str(tmp_path / "cache"))
    cache.forget_memory()
    bin_dir, log = tmp_path / "bin", tmp_path / "calls.log"
    bin_dir.mkdir()
    for tool in WRAPPED:
        real = shutil.which(tool)
        assert real, f"{tool} is installed by scripts/setup"
        w = bin_dir / tool
        w.write_text(f'#!/bin/sh\necho "{tool} $*" >> "{log}"\nexec "{real}" "$@"\n')
        w.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    log.touch()

    def calls(tool: str) -> int:  # `tesseract --version` (part of the key) is not OCR
        return sum(1 for ln in log.read_text().splitlines() if ln.startswith(tool + " ") and "--version" not in ln)

    yield calls
    cache.forget_memory()


def test_second_build_reads_no_evidence_again(counted, fund_hold_case, tmp_path):
    from docgen.pipeline.build import BuildOptions, build_case
    from docgen.pipeline.session import Session

    def build(out: str) -> dict:
        cache.forget_memory()  # as a new process
        with Session.from_env() as session:
            # qa.json is read; the bundle stays (it reads each file's scan, from the cache too);
            # no printable letters (they read no evidence)
            r = build_case(fund_hold_case, BuildOptions(outdir=tmp_path / out, languagetool=False, formats=()),
                           session)
        return json.loads((r.outdir / "qa.json").read_text(encoding="utf-8"))

    first = build("out1")
    ocr, text = counted("tesseract"), counted("pdftotext")
    assert ocr >= 1 and text >= 1, "the sample's screenshot is OCRed and its PDF's text layer read"
    assert any((tmp_path / "cache" / "evidence").rglob("*.json"))
    second = build("out2")
    assert (counted("tesseract"), counted("pdftotext")) == (ocr, text), "the second build ran OCR/pdftotext again"
    assert second == first  # the same findings from the cached facts and scans


def test_same_content_elsewhere_is_not_scanned_again_and_a_change_is(counted, tmp_path):
    a = tmp_path / "a" / "chat.png"
    a.parent.mkdir()
    chat_screenshot(a)
    facts = inspect_file(a)
    first = scan_evidence(a, facts.sha256, facts.kind, "ru")
    assert counted("tesseract") == 1 and [h.kind for h in first.hits].count("phone") == 1

    b = tmp_path / "b" / "same-chat.png"  # another case of a batch attaching the same file
    b.parent.mkdir()
    shutil.copy(a, b)
    cache.forget_memory()
    facts_b = inspect_file(b)
    assert facts_b == facts
    assert scan_evidence(b, facts_b.sha256, facts_b.kind, "ru") == first
    assert counted("tesseract") == 1

    scan_evidence(b, facts_b.sha256, facts_b.kind, "zh")  # other OCR languages: another entry
    assert counted("tesseract") == 2

    chat_screenshot(a, phone="нет", mail="нет")  # the file changed: no buyer data left
    changed = inspect_file(a)
    assert changed.sha256 != facts.sha256
    again = scan_evidence(a, changed.sha256, changed.kind, "ru")
    assert counted("tesseract") == 3
    assert [h.kind for h in again.hits] == ["email"]  # the seller's ops@example.com only


def test_a_corrupt_entry_is_ignored_and_rewritten(counted, tmp_path):
    png = tmp_path / "chat.png"
    chat_screenshot(png, phone=PHONE)
    facts = inspect_file(png)
    scan = scan_evidence(png, facts.sha256, facts.kind, "ru")
    entries = sorted((tmp_path / "cache" / "evidence").rglob("*.json"))
    assert len(entries) == 2  # the facts and the scan
    for i, e in enumerate(entries):  # one truncated, one valid JSON of the wrong shape
        e.write_text('{"key": "' if i == 0 else json.dumps({"key": e.stem, "value": {"hits": "no"}}))
    cache.forget_memory()
    assert inspect_file(png) == facts
    assert scan_evidence(png, facts.sha256, facts.kind, "ru") == scan
    assert counted("tesseract") == 2, "the corrupt scan entry was computed again"
    for e in entries:
        assert json.loads(e.read_text())["key"] == e.stem  # rewritten whole
