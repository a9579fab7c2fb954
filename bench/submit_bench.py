"""Submit-package benchmark: the fund-hold sample with three 2.9 MB photos and a chat
screenshot carrying a buyer's phone number. Prints the OCR time per image, the build
time and the size of every bundle file (each must stay under the 5 MB upload limit).

    .venv/bin/python bench/submit_bench.py
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from PIL import Image

    from docgen import BuildOptions, build
    from docgen.evidence.inspect import inspect_file
    from docgen.evidence import cache as evidence_cache
    from docgen.evidence.redact import scan_evidence
    from tests.conftest import copy_sample
    from tests.test_redact import _add_evidence, chat_screenshot

    with tempfile.TemporaryDirectory() as d:
        def cold_evidence_cache() -> None:  # OCR measured, never read from the evidence cache
            os.environ["DOCGEN_CACHE_DIR"] = tempfile.mkdtemp(dir=d, prefix="cache-")
            evidence_cache.forget_memory()

        case = copy_sample("fund-hold", Path(d))
        ev = case.parent / "evidence"
        for i in (3, 4, 5):
            p = ev / f"A0{i}_photo_RU741852963CN.jpg"
            Image.effect_noise((1000, 750), 60 + i).convert("RGB").resize((4000, 3000), Image.BILINEAR) \
                .save(p, "JPEG", quality=82)
            _add_evidence(case, p.name, "Фото упаковки", f"E{i}")
        chat_screenshot(ev / "A06_chat_RU741852963CN.png")
        _add_evidence(case, "A06_chat_RU741852963CN.png", "Переписка с покупателем", "E6")
        inputs = sum(p.stat().st_size for p in ev.iterdir())
        print(f"evidence: {len(list(ev.iterdir()))} files, {inputs / 1048576:.1f} MB")
        for p in sorted(ev.iterdir()):
            facts = inspect_file(p)
            if facts.kind in ("jpeg", "png"):
                cold_evidence_cache()
                t = time.perf_counter()
                scan = scan_evidence(p, facts.sha256, facts.kind, "zh")
                print(f"OCR {p.name} ({facts.width}x{facts.height}): {time.perf_counter() - t:.2f} s, "
                      f"{len(scan.hits)} hit(s)")
        # the same images as a build reads them: one after another, then side by side (one
        # Tesseract per core, evidence.redact.scan_entries), each from a cold cache
        from types import SimpleNamespace

        from docgen.evidence.redact import scan_entries, scan_entry

        images = [SimpleNamespace(path=p, facts=inspect_file(p), source_lang="zh") for p in sorted(ev.iterdir())
                  if p.suffix in (".jpg", ".png")]
        cold_evidence_cache()
        t = time.perf_counter()
        alone = [scan_entry(e) for e in images]
        one_by_one = time.perf_counter() - t
        cold_evidence_cache()
        t = time.perf_counter()
        together = scan_entries(images)
        side_by_side = time.perf_counter() - t
        assert [s.hits for s in alone] == [s.hits for s in together]
        print(f"OCR of the {len(images)} images: one after another {one_by_one:.2f} s, side by side "
              f"{side_by_side:.2f} s ({os.cpu_count()} cores)")
        cold_evidence_cache()
        t = time.perf_counter()
        r = build(case, BuildOptions(languagetool=False))
        print(f"build (LanguageTool off): {time.perf_counter() - t:.1f} s")
        for f in sorted(r.outdir.rglob("evidence-bundle*.pdf")):
            print(f"{f.relative_to(r.outdir)}: {f.stat().st_size / 1048576:.2f} MB")
        shutil.rmtree(r.outdir, ignore_errors=True)


if __name__ == "__main__":
    main()
