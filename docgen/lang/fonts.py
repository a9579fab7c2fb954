"""Which characters the PDF fonts can draw. A character no font covers would print as
tofu (.notdef), so QA reports it before the PDF is made.

The coverage is computed once (fc-match finds the files, fontTools reads their
character maps) and kept on disk in `<cache dir>/glyph-coverage.json`, keyed by each
font file's SHA-256; a build only compares the files' size and mtime with the record
(re-hashing a file that changed), so it runs neither fc-match nor fontTools."""
from __future__ import annotations

import json
import os
import subprocess
from functools import lru_cache
from pathlib import Path

from docgen.digest import sha256_file
from docgen.settings import current

# The font stack of the PDF writer, in fallback order.
PDF_FONTS = ("Noto Sans", "Noto Sans CJK SC")
_FORMAT = 1  # bump when the record's layout changes


@lru_cache(maxsize=8)
def _font_file(family: str) -> str | None:
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None


def _record_path() -> Path:
    return current().cache_dir / "glyph-coverage.json"


@lru_cache(maxsize=8)
def _installed(family: str) -> bool:
    try:
        out = subprocess.run(["fc-list", "--format", "%{family}\n", family], capture_output=True, text=True,
                             timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return any(family in line.split(",") for line in out.stdout.splitlines())


def missing_fonts() -> list[str]:
    """The PDF font families fontconfig does not have (fc-match would silently substitute)."""
    return [f for f in PDF_FONTS if not _installed(f)]


def _stat(path: str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def _read_cmap(path: str) -> set[int]:
    from fontTools.ttLib import TTCollection, TTFont

    fonts = TTCollection(path, lazy=True).fonts[:1] if path.endswith((".ttc", ".otc")) else [TTFont(path, lazy=True)]
    cps: set[int] = set()
    for font in fonts:
        cps.update(font.getBestCmap() or {})
    return cps


def _to_ranges(cps: set[int]) -> list[list[int]]:
    ranges: list[list[int]] = []
    for cp in sorted(cps):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return ranges


def _from_ranges(ranges: list[list[int]]) -> set[int]:
    return {cp for lo, hi in ranges for cp in range(lo, hi + 1)}


def _load_record(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("format") == _FORMAT else {}


def _fresh(record: dict) -> bool:
    """The record's families still resolve to the same, unchanged files."""
    fams, files = record.get("families"), record.get("files", {})
    if not isinstance(fams, dict) or set(fams) != set(PDF_FONTS):
        return False
    return all(p is None or (p in files and files[p].get("stat") == _stat(p)) for p in fams.values())


@lru_cache(maxsize=1)
def covered_codepoints() -> frozenset[int]:
    path = _record_path()
    record = _load_record(path)
    if not _fresh(record):
        old_files = record.get("files", {})
        coverage = record.get("coverage", {})
        families = {family: _font_file(family) for family in PDF_FONTS}
        files = {}
        for p in dict.fromkeys(f for f in families.values() if f):
            stat = _stat(p)
            if stat is None:
                continue
            old = old_files.get(p, {})
            sha = old["sha256"] if old.get("stat") == stat else sha256_file(p)[0]
            if sha not in coverage:
                coverage[sha] = _to_ranges(_read_cmap(p))
            files[p] = {"stat": stat, "sha256": sha}
        families = {fam: (p if p in files else None) for fam, p in families.items()}
        live = {f["sha256"] for f in files.values()}
        record = {"format": _FORMAT, "families": families, "files": files,
                  "coverage": {k: v for k, v in coverage.items() if k in live}}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.part")
            tmp.write_text(json.dumps(record), encoding="utf-8")
            tmp.replace(path)
        except OSError:
            pass  # a read-only cache folder: computed again next time
    cps: set[int] = set()
    for p in record["families"].values():
        if p:
            cps |= _from_ranges(record["coverage"][record["files"][p]["sha256"]])
    return frozenset(cps)


def uncovered(text: str) -> list[str]:
    """Characters of `text` that no PDF font can draw (whitespace and controls aside)."""
    cps = covered_codepoints()
    if not cps:
        return []  # fonts missing altogether: the PDF writer itself refuses to run
    return sorted({ch for ch in text if not ch.isspace() and ord(ch) >= 0x20 and ord(ch) not in cps})
