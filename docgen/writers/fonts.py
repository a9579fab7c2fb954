"""Which characters the PDF fonts can draw. A character no font covers would print as
tofu (.notdef), so QA reports it before the PDF is made."""
from __future__ import annotations

import subprocess
from functools import lru_cache

# The font stack of the PDF writer, in fallback order.
PDF_FONTS = ("Noto Sans", "Noto Sans CJK SC")


@lru_cache(maxsize=8)
def _font_file(family: str) -> str | None:
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None


@lru_cache(maxsize=1)
def covered_codepoints() -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont

    cps: set[int] = set()
    for family in PDF_FONTS:
        path = _font_file(family)
        if not path:
            continue
        fonts = TTCollection(path, lazy=True).fonts[:1] if path.endswith(".ttc") else [TTFont(path, lazy=True)]
        for font in fonts:
            cps.update(font.getBestCmap() or {})
    return frozenset(cps)


def uncovered(text: str) -> list[str]:
    """Characters of `text` that no PDF font can draw (whitespace and controls aside)."""
    cps = covered_codepoints()
    if not cps:
        return []  # fonts missing altogether: the PDF writer itself refuses to run
    return sorted({ch for ch in text if not ch.isspace() and ord(ch) >= 0x20 and ord(ch) not in cps})
