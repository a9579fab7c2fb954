"""Golden tests: the text of every output of every sample, compared with tests/golden/.

After an intended change to templates or layout, regenerate and review the diff:

    DOCGEN_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
    git diff tests/golden/
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_NAMES, docx_text, pdf_text

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("DOCGEN_UPDATE_GOLDEN") == "1"


def _normalise(text: str) -> str:
    lines = [ln.rstrip() for ln in text.replace("\f", "\n<page>\n").splitlines()]
    out: list[str] = []
    for ln in lines:
        if ln or (out and out[-1]):
            out.append(ln)
    return "\n".join(out).strip() + "\n"


def _outputs(result) -> list[Path]:
    """Every printable output, in every folder of the layout (submit/, seller/, review/)."""
    return sorted(p for p in result.outdir.rglob("*") if p.suffix in (".pdf", ".docx"))


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_output_text_matches_golden(built_samples, name):
    result = built_samples[name]
    mismatched = []
    outputs = _outputs(result)
    assert len(outputs) >= 10, outputs  # letter, seller copy, indexes, bundle, sign-off, review: none skipped
    for path in outputs:
        text = _normalise(pdf_text(path) if path.suffix == ".pdf" else docx_text(path))
        golden = GOLDEN / name / f"{path.relative_to(result.outdir).as_posix()}.txt"
        if UPDATE:
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(text, encoding="utf-8")
            continue
        assert golden.is_file(), f"no golden file {golden}: run with DOCGEN_UPDATE_GOLDEN=1"
        if golden.read_text(encoding="utf-8") != text:
            mismatched.append(path.relative_to(result.outdir).as_posix())
    assert not mismatched, f"{name}: text differs from tests/golden for {mismatched} (see the module docstring)"
