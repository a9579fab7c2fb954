"""Font subsets reused across the PDFs of a process.

WeasyPrint embeds in every PDF a subset of each font holding the glyphs the document
uses, made by HarfBuzz from the whole font file (the CJK one is 16 MB): about a tenth of
a second per font and document, a third of a warm build's PDF time. The letters of a
batch, and every rebuild, use the same glyphs of the same fonts, so the subset made for
one document serves the next: `install()` puts a bounded memo in front of WeasyPrint's
`Font.clean` (subsetting, variable-font instancing, colour-glyph removal), keyed by the
font's identity (its Pango description, face index, length and the bytes at both ends
of the file), the glyph ids kept, the hinting option and whether glyphs were missing.
A subset is also kept on disk (`docgen.diskcache`, namespace font-subsets, keyed by the
SHA-256 of the same key, WeasyPrint's and HarfBuzz's versions), so that the next process
— a rebuild from the command line, a build worker's child — finds it too.
The PDF bytes are those WeasyPrint makes without it (tests/test_warm_caches.py)."""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from functools import lru_cache

from docgen import diskcache

NAMESPACE = "font-subsets"
MAX_SUBSETS = 48  # a few fonts × the documents of a build; bounded, so memory stays flat

_memo: "OrderedDict[tuple, bytes]" = OrderedDict()
_lock = threading.Lock()
stats = {"hits": 0, "misses": 0, "from_disk": 0}  # hits: in memory or on disk


def _font_identity(font) -> tuple:
    content = font.file_content
    ends = hashlib.sha256(content[:65536] + content[-65536:]).hexdigest()
    return font.hash, font.index, len(content), ends, tuple(sorted(font.variations.items()))


def _stored_key(key: tuple) -> str:
    return hashlib.sha256(repr((_makers(), key)).encode()).hexdigest()


@lru_cache(maxsize=1)
def _makers() -> tuple:
    """WeasyPrint's version and the HarfBuzz libraries this process loaded (path, size,
    time): a subset made by another HarfBuzz is not taken for this one's."""
    import os

    import weasyprint

    libraries = set()
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            libraries = {line.split()[-1] for line in maps if "libharfbuzz" in line}
    except OSError:
        pass
    stats = []
    for path in sorted(libraries):
        try:
            st = os.stat(path)
            stats.append((path, st.st_size, st.st_mtime_ns))
        except OSError:
            stats.append((path, None, None))
    return weasyprint.__version__, tuple(stats)


def install() -> None:
    """Puts the memo in front of WeasyPrint's Font.clean (once per process)."""
    from weasyprint.pdf import fonts as wp_fonts

    original = wp_fonts.Font.clean
    if getattr(original, "docgen_memo", False):
        return

    def clean(self, to_unicode, hinting):
        try:
            key = (_font_identity(self), tuple(sorted(to_unicode)), bool(hinting), bool(self.missing))
        except (AttributeError, TypeError):  # another WeasyPrint's Font: no memo
            return original(self, to_unicode, hinting)
        with _lock:
            cached = _memo.get(key)
            if cached is not None:
                _memo.move_to_end(key)
        stored_key = None
        if cached is None:
            stored_key = _stored_key(key)
            cached = diskcache.get_bytes(NAMESPACE, stored_key)
            if cached is not None:
                stats["from_disk"] += 1
                with _lock:
                    _memo[key] = cached
        if cached is not None:
            stats["hits"] += 1
            self.file_content = cached
            return None
        stats["misses"] += 1
        result = original(self, to_unicode, hinting)
        diskcache.put_bytes(NAMESPACE, stored_key, self.file_content)
        with _lock:
            _memo[key] = self.file_content
            while len(_memo) > MAX_SUBSETS:
                _memo.popitem(last=False)
        return result

    clean.docgen_memo = True
    clean.original = original
    wp_fonts.Font.clean = clean


def forget() -> None:
    with _lock:
        _memo.clear()
