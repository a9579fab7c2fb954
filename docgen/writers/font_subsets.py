"""Font subsets reused across the PDFs of a process.

WeasyPrint embeds in every PDF a subset of each font holding the glyphs the document
uses, made by HarfBuzz from the whole font file (the CJK one is 16 MB): about a tenth of
a second per font and document, a third of a warm build's PDF time. The letters of a
batch, and every rebuild, use the same glyphs of the same fonts, so the subset made for
one document serves the next: `install()` puts a bounded memo in front of WeasyPrint's
`Font.clean` (subsetting, variable-font instancing, colour-glyph removal), keyed by the
font's identity (its Pango description, face index, length and the bytes at both ends
of the file), the glyph ids kept, the hinting option and whether glyphs were missing.
The PDF bytes are those WeasyPrint makes without it (tests/test_warm_caches.py)."""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

MAX_SUBSETS = 48  # a few fonts × the documents of a build; bounded, so memory stays flat

_memo: "OrderedDict[tuple, bytes]" = OrderedDict()
_lock = threading.Lock()
stats = {"hits": 0, "misses": 0}


def _font_identity(font) -> tuple:
    content = font.file_content
    ends = hashlib.sha256(content[:65536] + content[-65536:]).hexdigest()
    return font.hash, font.index, len(content), ends, tuple(sorted(font.variations.items()))


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
        if cached is not None:
            stats["hits"] += 1
            self.file_content = cached
            return None
        stats["misses"] += 1
        result = original(self, to_unicode, hinting)
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
