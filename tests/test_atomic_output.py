"""Outputs are replaced all at once; a failed build leaves the previous outputs intact."""
from __future__ import annotations

import pytest

from docgen import BuildOptions, DocgenError, build
from docgen.writers import WRITERS, FnWriter

SMALL = BuildOptions(formats=("pdf",), bundle=False)  # what these tests need: some outputs to replace


def test_interrupted_build_keeps_previous_outputs(fund_hold_case, monkeypatch):
    first = build(fund_hold_case, SMALL)
    before = {p.relative_to(first.outdir): p.read_bytes() for p in first.outdir.rglob("*") if p.is_file()}

    def exploding(doc):
        raise KeyboardInterrupt

    monkeypatch.setitem(WRITERS, "pdf", FnWriter("pdf", ".pdf", exploding))
    with pytest.raises(KeyboardInterrupt):
        build(fund_hold_case, SMALL)
    after = {p.relative_to(first.outdir): p.read_bytes() for p in first.outdir.rglob("*") if p.is_file()}
    assert after == before
    leftovers = [p.name for p in fund_hold_case.parent.iterdir() if p.name.startswith(".out")]
    assert leftovers == []


def test_rebuild_replaces_outputs(fund_hold_case):
    r1 = build(fund_hold_case, BuildOptions(formats=("pdf",)))
    assert (r1.outdir / "submit/evidence-bundle.pdf").is_file()
    r2 = build(fund_hold_case, SMALL)  # no bundle: an output of the earlier build only
    assert not (r2.outdir / "submit/evidence-bundle.pdf").exists() and (r2.outdir / "submit/letter.ru.pdf").is_file()
    # a file docgen did not write is never wiped (issue #13): tests/test_output_folder.py


def test_refuses_to_replace_case_folder_or_foreign_folder(fund_hold_case, tmp_path):
    with pytest.raises(DocgenError, match="replace the case folder"):
        build(fund_hold_case, BuildOptions(outdir=fund_hold_case.parent))
    with pytest.raises(DocgenError, match="replace the case folder"):
        build(fund_hold_case, BuildOptions(outdir=tmp_path))
    foreign = fund_hold_case.parent / "evidence"
    with pytest.raises(DocgenError, match="not written by docgen"):
        build(fund_hold_case, BuildOptions(outdir=foreign))
    assert (foreign / "A01_tracking_RU741852963CN.pdf").is_file()
