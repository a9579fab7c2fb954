"""Evidence that crashed or exhausted docgen (issue #13, item 3): each is now an
`evidence-readable` finding. Full-size files and peak RSS: bench/hostile_bench.py."""
from __future__ import annotations

import json

import pytest
import yaml

from docgen import BuildOptions, build
from docgen.evidence.inspect import MAX_DECODE_PIXELS, inspect_file
from tests import hostile_files as hf

MAKERS = {
    "aes256.pdf": (hf.aes256_pdf, "PDF is encrypted"),
    "bomb.pdf": (lambda p: hf.inflate_bomb_pdf(p, 100), "inflates past the size limit"),
    "pages.pdf": (lambda p: hf.many_pages_pdf(p, 201), "201 pages, over the limit of 200"),
    "big.png": (lambda p: hf.png(p, 6000, MAX_DECODE_PIXELS // 6000 + 1), "too large to process safely"),
    "truncated.png": (lambda p: hf.png(p, 1200, 900, truncate=True), "PNG is truncated"),
    "lying.jpg": (lambda p: hf.lying_jpeg(p, 6000, 6000), "too little image data"),
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile")
    return {name: make(d / name) for name, (make, _) in MAKERS.items()}


@pytest.mark.parametrize("name", list(MAKERS))
def test_inspection_reports_instead_of_crashing(hostile, name):
    facts = inspect_file(hostile[name])
    assert facts.problem and MAKERS[name][1] in facts.problem


def test_page_limit_is_per_case(hostile):
    assert inspect_file(hostile["pages.pdf"], max_pages=300).problem is None
    assert inspect_file(hostile["pages.pdf"], max_pages=300).pages == 201


def test_sound_files_still_pass(tmp_path):
    assert inspect_file(hf.png(tmp_path / "ok.png", 1200, 900)).problem is None
    from PIL import Image

    Image.new("RGB", (1200, 900), (10, 200, 10)).save(tmp_path / "ok.jpg", "JPEG")
    assert inspect_file(tmp_path / "ok.jpg").problem is None


def test_build_with_every_hostile_file(fund_hold_case, hostile):
    import shutil

    ev = fund_hold_case.parent / "evidence"
    d = yaml.safe_load(fund_hold_case.read_text(encoding="utf-8"))
    for i, name in enumerate(MAKERS, 3):
        shutil.copy(hostile[name], ev / f"A{i:02d}_{name}")
        d["evidence"].append({"id": f"E{i}", "file": f"evidence/A{i:02d}_{name}", "description": "附件",
                              "description_ru": "Приложение"})
        d["facts"][0]["evidence"].append(f"E{i}")
    fund_hold_case.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")
    # read: qa.json and the bundle (the hostile files in it); the index PDF is still made, as its cover
    result = build(fund_hold_case, BuildOptions(languagetool=False, translator=None, formats=()))
    qa = json.loads((result.outdir / "qa.json").read_text(encoding="utf-8"))
    readable = {f["where"] for f in qa["findings"] if f["check"] == "evidence-readable"}
    assert readable == {f"evidence.E{i}" for i in range(3, 3 + len(MAKERS))}
    assert (result.outdir / "submit" / "evidence-bundle.pdf").is_file()
