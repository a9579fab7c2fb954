"""Splitting text into runs by script: CJK runs get their own language tag, so that
Chinese is drawn with Simplified Chinese glyphs and never with a Japanese face."""
from __future__ import annotations

import re

from docgen.render.typography import split_at

_CJK_RUN = re.compile(r"[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")


def split_cjk(text: str) -> list[tuple[str, bool]]:
    """[(piece, is_cjk), …] covering `text` in order."""
    return split_at(text, _CJK_RUN.finditer(text))
