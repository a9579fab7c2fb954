"""Hostile evidence (issue #13, item 3): builds the fund-hold sample with each hostile
file added as a third attachment and prints exit code, time, peak RSS and the finding.

    .venv/bin/python bench/hostile_bench.py [NAME ...]

Each build runs in its own process (no LanguageTool: LT_URL points at a closed port);
peak RSS is that process's and its children's (os.wait4). The promise: exit 0 with an
`evidence-readable` finding, under 1 GB, for every file."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import hostile_files as hf  # noqa: E402

FILES = {
    "aes256.pdf": lambda p: hf.aes256_pdf(p),
    "inflate-bomb.pdf": lambda p: hf.inflate_bomb_pdf(p, 1024),
    "pages-20000.pdf": lambda p: hf.many_pages_pdf(p, 20000),
    "pages-5000.pdf": lambda p: hf.many_pages_pdf(p, 5000),
    "png-9400x9400.png": lambda p: hf.png(p, 9400, 9400, rgb=True),
    "png-truncated-idat.png": lambda p: hf.png(p, 1600, 1200, truncate=True),
    "jpeg-lying-header.jpg": lambda p: hf.lying_jpeg(p, 6000, 6000),
}


def run(name: str, work: Path) -> dict:
    import yaml

    case_dir = work / name.replace(".", "-")
    shutil.copytree(ROOT / "samples" / "fund-hold", case_dir, ignore=shutil.ignore_patterns("out"))
    target = case_dir / "evidence" / f"A03_{name}"
    FILES[name](target)
    case = case_dir / "case.yaml"
    data = yaml.safe_load(case.read_text(encoding="utf-8"))
    data["evidence"].append({"id": "E3", "file": f"evidence/{target.name}", "description": "附件",
                             "description_ru": "Приложение"})
    data["facts"][0]["evidence"].append("E3")
    case.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    env = dict(os.environ, LT_URL="http://127.0.0.1:9", DOCGEN_CACHE_DIR=str(work / "cache"))
    t0 = time.monotonic()
    proc = subprocess.Popen([str(ROOT / ".venv/bin/docgen"), "build", str(case)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate(timeout=600)
    _, status, usage = os.wait4(proc.pid, 0) if proc.returncode is None else (0, 0, None)
    seconds = time.monotonic() - t0
    rss_mb = (usage.ru_maxrss if usage else _children_maxrss()) / 1024
    finding = ""
    qa = case_dir / "out" / "qa.json"
    if qa.is_file():
        finding = "; ".join(f"{f['check']}: {f['message']}" for f in json.loads(qa.read_text())["findings"]
                            if f["where"] == "evidence.E3" and f["severity"] == "error")
    return {"file": name, "size_kb": target.stat().st_size // 1024, "exit": proc.returncode,
            "seconds": round(seconds, 1), "peak_rss_mb": round(rss_mb), "finding": finding or err.decode()[-200:]}


def _children_maxrss() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def main() -> None:
    names = sys.argv[1:] or list(FILES)
    with tempfile.TemporaryDirectory(prefix="docgen-hostile-") as tmp:
        for name in names:
            # a fresh interpreter per file, so RUSAGE_CHILDREN is this build's alone
            if len(names) > 1:
                subprocess.run([sys.executable, __file__, name], check=False)
                continue
            r = run(name, Path(tmp))
            print(f"{r['file']:24} {r['size_kb']:>6} KB  exit {r['exit']}  {r['seconds']:>6} s  "
                  f"peak {r['peak_rss_mb']:>5} MB  {r['finding']}", flush=True)


if __name__ == "__main__":
    main()
