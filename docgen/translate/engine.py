"""Machine translation through CTranslate2, reading Argos packages directly.

Unlike argostranslate's own `translate()`, which sends one sentence at a time, the
sentences of all segments go to CTranslate2 together, batched by token length: sentences
of the same length form one batch, so no sentence is padded. Padding changes the float
sums inside attention (the reduction runs over the padded length), and at a near-tie the
decoder then picks another token: a sentence's translation would depend on the other
sentences sent with it (15 of 100 differed in bench/mt_bench.py at beam 1). Without
padding, and with argostranslate's decoding options, the same package gives the same
output as argostranslate's sentence-by-sentence path, whatever else is in the batch."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache

from docgen.settings import current
from docgen.translate.packages import ModelPackage

# argostranslate's decoding options (translate.apply_packaged_translation)
LENGTH_PENALTY = 0.2
MAX_BATCH_TOKENS = 1024

_SENTENCE_END = re.compile(r"(?<=[。！？!?])|(?<=[.;])\s+(?=[A-ZА-ЯЁ\d])")


def split_sentences(text: str) -> list[str]:
    parts = [p.strip() for p in _SENTENCE_END.split(text)]
    return [p for p in parts if p] or [text]


def _workers(threads: int) -> tuple[int, int]:
    """(inter_threads, intra_threads): by default one worker per core (at most 4), each
    on one thread, so that the length batches — small, as a letter's sentences have
    different lengths — run side by side; `mt_threads` > 0: one worker with that many."""
    if threads > 0:
        return 1, threads
    return max(1, min(os.cpu_count() or 1, 4)), 1


@lru_cache(maxsize=8)
def _load(model_dir: str, sp_path: str, threads: int):
    import ctranslate2
    import sentencepiece as spm

    # compute_type "auto", as argostranslate: the same package gives the same output (the number
    # of threads does not change it; padding does, see the module docstring)
    inter, intra = _workers(threads)
    translator = ctranslate2.Translator(model_dir, device="cpu", inter_threads=inter, intra_threads=intra,
                                        compute_type="auto")
    return translator, spm.SentencePieceProcessor(model_file=sp_path)


@dataclass
class PackageTranslator:
    """One Argos package run through CTranslate2."""

    package: ModelPackage
    beam_size: int = 4
    threads: int = field(default_factory=lambda: current().mt_threads)
    max_decoding_length: int = 256

    @property
    def name(self) -> str:
        return self.package.name

    def translate_sentences(self, sentences: list[str]) -> list[str]:
        if not sentences:
            return []
        translator, sp = _load(str(self.package.model_dir), str(self.package.sentencepiece), self.threads)
        tokens = [sp.encode(s, out_type=str) for s in sentences]
        prefix = self.package.target_prefix
        by_length: dict[int, list[int]] = {}
        for i, t in enumerate(tokens):
            by_length.setdefault(len(t), []).append(i)
        pending = []
        for idx in by_length.values():  # one batch per length: nothing padded (see the module docstring)
            pending.append((idx, translator.translate_batch(
                [tokens[i] for i in idx], target_prefix=[[prefix]] * len(idx) if prefix else None,
                replace_unknowns=True, max_batch_size=MAX_BATCH_TOKENS, batch_type="tokens",
                beam_size=self.beam_size, num_hypotheses=1, length_penalty=LENGTH_PENALTY,
                max_decoding_length=self.max_decoding_length, asynchronous=True)))  # the workers share them
        results: list = [None] * len(tokens)
        for idx, batch in pending:
            for i, r in zip(idx, batch, strict=True):
                results[i] = r.result()
        out = []
        for r in results:
            value = sp.decode_pieces(r.hypotheses[0]).replace("▁", " ").replace("_", " ")
            if prefix and value.startswith(prefix):
                value = value[len(prefix):]
            out.append(value[1:] if value.startswith(" ") else value)
        return out

    def translate_batch(self, texts: list[str], source: str, target: str) -> list[str]:
        """Each text split into sentences; every sentence of every text in one batch."""
        spans, flat = [], []
        for text in texts:
            sents = split_sentences(text)
            spans.append(len(sents))
            flat.extend(sents)
        translated = self.translate_sentences(flat)
        out, i = [], 0
        joiner = "" if target == "zh" else " "
        for n in spans:
            out.append(joiner.join(translated[i:i + n]))
            i += n
        return out


@dataclass
class ChainTranslator:
    """zh → en → ru through two packages when no direct one exists."""

    steps: list[PackageTranslator]

    @property
    def name(self) -> str:
        return " → ".join(s.name for s in self.steps)

    def translate_batch(self, texts: list[str], source: str, target: str) -> list[str]:
        lang = source
        for step in self.steps:
            texts = step.translate_batch(texts, lang, step.package.to_code)
            lang = step.package.to_code
        return texts
