"""Evidence benchmark: index and bundle a generated folder of mixed PDFs and JPEGs.

    .venv/bin/python bench/evidence_bench.py [--files 200] [--small 50]

Generates (once, cached in bench/.data/) a folder of N files — noisy JPEGs of about
1.5 MB and PDFs of 1–4 pages embedding such images — then, each in a fresh process so
peak memory is its own, runs `docgen index` (hash, sniff, page count, checks, index
DOCX/PDF/JSON) and `docgen index --bundle`. Prints wall time (median of --repeat
runs), files/s, MB/s, pages, peak RSS, and the same for a smaller folder so that
memory growth with folder size can be read off side by side."""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"


def _noise_jpeg(seed: int) -> bytes:
    from PIL import Image

    rnd = random.Random(seed)
    w, h = 1400, 1000
    im = Image.frombytes("RGB", (w, h), rnd.randbytes(w * h * 3))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=85)
    return buf.getvalue()


def _pdf(images: list[bytes]) -> bytes:
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595, 842))
    for i, img in enumerate(images):
        c.drawImage(ImageReader(io.BytesIO(img)), 40, 200, 515, 368)
        c.drawString(40, 800, f"Evidence page {i + 1}")
        c.showPage()
    c.save()
    return buf.getvalue()


def make_folder(n: int) -> Path:
    folder = DATA / f"folder-{n}"
    if (folder / ".complete").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    pool = [_noise_jpeg(s) for s in range(12)]
    rnd = random.Random(n)
    for i in range(1, n + 1):
        if i % 2:
            # a distinct JPEG per file: the pool image with a unique trailing comment
            data = pool[i % len(pool)][:-2] + b"\xff\xfe\x00\x10" + f"{i:014d}".encode() + b"\xff\xd9"
            (folder / f"A{i % 100:02d}_photo-{i:03d}_RU{i:09d}CN.jpg").write_bytes(data)
        else:
            pages = [pool[(i + k) % len(pool)] for k in range(rnd.randint(1, 4))]
            (folder / f"A{i % 100:02d}_scan-{i:03d}_RU{i:09d}CN.pdf").write_bytes(_pdf(pages))
    (folder / ".complete").write_text("ok")
    return folder


def _run_once(folder: Path, bundle: bool) -> dict:
    """Runs in a child process: time and peak memory of one index (+ bundle) run."""
    from docgen.indexer import IndexOptions, build_index

    out = DATA / f"out-{folder.name}-{'bundle' if bundle else 'index'}"
    t0 = time.perf_counter()
    r = build_index(folder, IndexOptions(outdir=out, bundle=bundle))
    elapsed = time.perf_counter() - t0
    pages = sum(e.facts.pages or 0 for e in r.entries)
    size = sum(e.facts.size for e in r.entries)
    return {"seconds": elapsed, "files": len(r.entries), "bytes": size, "pages": pages,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def measure(folder: Path, bundle: bool, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        cmd = [sys.executable, __file__, "--child", str(folder)] + (["--bundle"] if bundle else [])
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
    best = dict(runs[0])
    best["seconds"] = statistics.median(r["seconds"] for r in runs)
    best["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--small", type=int, default=50, help="a smaller folder, for memory growth")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--bundle", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(_run_once(args.child, args.bundle)))
        return
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    print(f"{'run':<22}{'files':>6}{'MB':>8}{'pages':>7}{'median s':>10}{'files/s':>9}{'MB/s':>8}{'pages/s':>9}"
          f"{'peak RSS MB':>13}")
    for n in (args.small, args.files):
        folder = make_folder(n)
        for bundle in (False, True):
            m = measure(folder, bundle, args.repeat)
            mb = m["bytes"] / 1048576
            label = f"{n} files {'index+bundle' if bundle else 'index'}"
            print(f"{label:<22}{m['files']:>6}{mb:>8.0f}{m['pages']:>7}{m['seconds']:>10.2f}"
                  f"{m['files'] / m['seconds']:>9.1f}{mb / m['seconds']:>8.0f}{m['pages'] / m['seconds']:>9.1f}"
                  f"{m['peak_rss_mb']:>13.0f}")


if __name__ == "__main__":
    main()
