"""QA benchmark: every registered check on 100 letters, with the real LanguageTool.

    .venv/bin/python bench/qa_bench.py [--letters 100]

Letters are the four samples with varied orders, dates and facts (templates repeat
across letters, as in an agency's bulk work). Runs twice against a fresh result cache
in bench/.data/: cold (everything checked) and warm (the per-sentence cache answers).
Prints segments/s, total time and LanguageTool's share of it."""
from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / ".data"
sys.path.insert(0, str(ROOT))


def make_cases(n: int) -> list[Path]:
    import yaml

    base = DATA / "qa-cases"
    shutil.rmtree(base, ignore_errors=True)
    rnd = random.Random(1)
    samples = sorted(p for p in (ROOT / "samples").iterdir() if (p / "case.yaml").is_file())
    out = []
    for i in range(n):
        src = samples[i % len(samples)]
        dest = base / f"{i:03d}-{src.name}"
        shutil.copytree(src, dest, ignore=shutil.ignore_patterns("out"))
        data = yaml.safe_load((dest / "case.yaml").read_text(encoding="utf-8"))
        for item in data["items"]:
            if "order" in item:
                item["order"] = f"{rnd.randint(10**7, 10**8 - 1)}-{rnd.randint(1, 9999):04d}-1"
        for f in data["facts"]:
            n_items = rnd.randint(2, 40)
            f["text"] += f" 共{n_items}件。" if data["language"] == "zh" else f" {n_items} items in total."
            if "text_ru" in f:
                f["text_ru"] += f" Всего {n_items} шт."
        (dest / "case.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        out.append(dest / "case.yaml")
    return out


def run(cases: list[Path]) -> dict:
    from docgen import load_case
    from docgen.evidence import evidence_entries
    from docgen.qa import QAContext, run_checks
    from docgen.qa import languagetool as lt
    from docgen.render import render_letter

    checker = lt.grammar_checker("ru")
    if checker is None:
        sys.exit(f"LanguageTool unavailable: {lt.status().message}")
    lt_time = 0.0
    original = checker.check

    def timed(text):
        nonlocal lt_time
        t = time.perf_counter()
        try:
            return original(text)
        finally:
            lt_time += time.perf_counter() - t

    checker.check = timed
    segments = findings = 0
    requests_before = checker.requests
    t0 = time.perf_counter()
    for path in cases:
        cf = load_case(path)
        letter = render_letter(cf)
        ctx = QAContext(case_file=cf, letter=letter, entries=evidence_entries(cf), today=cf.case.effective_letter_date)
        findings += len(run_checks(ctx))
        segments += len(letter.segments)
    total = time.perf_counter() - t0
    checker.check = original
    return {"seconds": total, "segments": segments, "findings": findings, "lt_seconds": lt_time,
            "lt_requests": checker.requests - requests_before}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--letters", type=int, default=100)
    args = ap.parse_args()
    os.environ["DOCGEN_CACHE_DIR"] = str(DATA / "qa-cache")
    shutil.rmtree(DATA / "qa-cache", ignore_errors=True)
    from docgen.qa import languagetool as lt

    st = lt.start()
    if not st.running:
        sys.exit(f"LanguageTool could not start: {st.message}")
    try:
        cases = make_cases(args.letters)
        print(f"{len(cases)} letters; {os.cpu_count()} cores; LanguageTool {lt.lt_version()}")
        print(f"{'run':<8}{'segments':>10}{'seconds':>9}{'segments/s':>12}{'LT requests':>13}{'LT share':>10}")
        for label in ("cold", "warm"):
            r = run(cases)
            print(f"{label:<8}{r['segments']:>10}{r['seconds']:>9.2f}{r['segments'] / r['seconds']:>12.0f}"
                  f"{r['lt_requests']:>13}{r['lt_seconds'] / r['seconds'] * 100:>9.0f}%")
    finally:
        lt.stop()


if __name__ == "__main__":
    main()
