"""Omissions and additions: does the translation say everything the source says, and
nothing more?

Numbers, IDs, dates and glossary terms are compared by their own checks. Here:

* **sentences** — source and target are split into sentences and aligned by length
  (Gale–Church style dynamic programming: 1–1, 2–1, 1–2 merges, 1–0 and 0–1). A source
  sentence aligned to nothing is missing from the translation (`fidelity`, error); a
  target sentence aligned to nothing was added (`fidelity-suspect`, warning). Merging
  two short sentences into one is allowed when the lengths agree.
* **length ratio** — letters of the translation per letter of the source (per Chinese
  character for zh; numbers, IDs and Latin acronyms not counted), against bounds per
  language pair in `glossary/fidelity.yaml` (tuned on the samples and tests): outside
  them is a warning.
* **untranslated clauses** — three or more words of a Latin-script source copied
  unchanged into a non-Latin translation (warning).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

import yaml

from docgen.qa.base import QAContext
from docgen.resources import glossary_dir

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_NOT_COUNTED = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+|[A-Za-z]*\d[A-Za-z0-9.,:/_-]*|\b[A-Z]{2,}\b")
# a sentence ends at 。！？ (Chinese), or at . ! ? … followed by a space and a capital,
# a digit, a quote or a bracket (so «3480.00», «24.10.2026», «г. Москва» stay whole)
_ZH_END = re.compile(r"(?<=[。！？!?])\s*")
_END = re.compile(r"(?<=[.!?…])(?<!\b[А-Яа-яA-Za-z]\.)(?<!\bг\.)(?<!\bул\.)(?<!\bт\.)\s+(?=[A-ZА-ЯЁ0-9«\"“(])")


@dataclass(frozen=True)
class PairBounds:
    expected: float  # typical ratio
    min: float
    max: float
    min_source: int  # shorter sources (in counted letters) are not ratio-checked


@lru_cache(maxsize=1)
def _bounds() -> dict[str, PairBounds]:
    path = glossary_dir() / "fidelity.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return {pair: PairBounds(**v) for pair, v in (data or {}).get("pairs", {}).items()}


def bounds(src: str, tgt: str) -> PairBounds | None:
    return _bounds().get(f"{src}-{tgt}")


def sentences(text: str, lang: str) -> list[str]:
    text = text.strip()
    if not text:
        return []
    parts = _ZH_END.split(text) if lang == "zh" else _END.split(text)
    return [p.strip() for p in parts if p.strip() and re.search(r"\w", p)]


def counted_length(text: str, lang: str) -> int:
    """Letters that carry meaning: Chinese characters for zh, letters otherwise; numbers,
    IDs, e-mails and Latin acronyms (kept unchanged by a translation) not counted."""
    text = _NOT_COUNTED.sub(" ", text)
    if lang == "zh":
        return len(_CJK.findall(text))
    return len(re.findall(r"[^\W\d_]", text))


# costs of the alignment steps (besides the length mismatch)
_STEP_COST = {(1, 1): 0.0, (2, 1): 1.0, (1, 2): 1.0, (1, 0): 2.5, (0, 1): 2.5}
_MISMATCH_WEIGHT = 4.0  # per unit of |log(actual/expected)|


def align(src_lens: list[int], tgt_lens: list[int], ratio: float) -> list[tuple[list[int], list[int]]]:
    """Aligns source and target sentences by length; returns (source indices, target indices) beads."""
    n, m = len(src_lens), len(tgt_lens)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if cost[i][j] == inf:
                continue
            for (di, dj), step in _STEP_COST.items():
                ni, nj = i + di, j + dj
                if ni > n or nj > m:
                    continue
                c = step
                if di and dj:
                    ls, lt = sum(src_lens[i:ni]), sum(tgt_lens[j:nj])
                    c += _MISMATCH_WEIGHT * abs(math.log((lt + 1) / (ratio * ls + 1)))
                if cost[i][j] + c < cost[ni][nj]:
                    cost[ni][nj] = cost[i][j] + c
                    back[ni][nj] = (di, dj)
    beads = []
    i, j = n, m
    while i or j:
        di, dj = back[i][j]
        beads.append((list(range(i - di, i)), list(range(j - dj, j))))
        i, j = i - di, j - dj
    return beads[::-1]


def fidelity_problems(source: str, target: str, src: str, tgt: str) -> list[tuple[str, str]]:
    """(severity, message) for one segment: missing or added sentences, a suspicious
    length ratio, untranslated clauses."""
    if src == tgt or not source.strip() or not target.strip():
        return []
    b = bounds(src, tgt)
    ratio = b.expected if b else 1.0
    out: list[tuple[str, str]] = []
    s_sent, t_sent = sentences(source, src), sentences(target, tgt)
    if len(s_sent) > 1 or len(t_sent) > 1:
        s_len = [max(1, counted_length(s, src)) for s in s_sent]
        t_len = [max(1, counted_length(t, tgt)) for t in t_sent]
        for s_idx, t_idx in align(s_len, t_len, ratio):
            if s_idx and not t_idx:
                i = s_idx[0]
                out.append(("error", f"source sentence {i + 1} of {len(s_sent)} «{s_sent[i]}» is missing from "
                                     f"the translation ({len(s_sent)} sentence(s) in the source, {len(t_sent)} "
                                     "in the translation)"))
            elif t_idx and not s_idx:
                j = t_idx[0]
                out.append(("warning", f"translation sentence {j + 1} «{t_sent[j]}» has no counterpart in the "
                                       "source: was it added?"))
    if b:
        ls, lt = counted_length(source, src), counted_length(target, tgt)
        if ls >= b.min_source and not any(sev == "error" for sev, _ in out):
            r = lt / ls
            if r < b.min:
                out.append(("warning", f"the translation is short for its source (length ratio {r:.1f}, "
                                       f"usual {b.min:g}–{b.max:g} for {src}→{tgt}): is something left out?"))
            elif r > b.max:
                out.append(("warning", f"the translation is long for its source (length ratio {r:.1f}, "
                                       f"usual {b.min:g}–{b.max:g} for {src}→{tgt}): is something added?"))
    if src != "zh" and tgt in ("ru", "zh"):
        src_words = source.casefold()
        for m in re.finditer(r"(?:\b[A-Za-z][a-z]+\b[ ,;:]+){2,}\b[A-Za-z][a-z]+\b", target):
            if m.group().casefold() in src_words:
                out.append(("warning", f"«{m.group()}» is copied from the source untranslated"))
    return out


def _segment_problems(ctx: QAContext) -> Iterator[tuple[str, str, str]]:
    letter = ctx.letter
    src, tgt = letter.source_lang, letter.target_lang
    if src == tgt:
        return
    for seg in letter.seller_segments():
        target = seg.text(tgt)
        if not target or seg.origin == "untranslated":
            continue
        for severity, message in fidelity_problems(seg.source, target, src, tgt):
            yield severity, seg.id, message


def missing(ctx: QAContext) -> Iterator[tuple]:
    for severity, where, message in _segment_problems(ctx):
        if severity == "error":
            yield where, message


def suspect(ctx: QAContext) -> Iterator[tuple]:
    for severity, where, message in _segment_problems(ctx):
        if severity == "warning":
            yield where, message
