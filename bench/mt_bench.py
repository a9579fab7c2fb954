"""MT benchmark: the same Argos package through docgen's engine, through
argostranslate's own translate path, and through bare CTranslate2 calls (one padded
batch, and one batch per source length as docgen does: padding changes the float sums
in attention and flips near-ties, so only unpadded batches give argostranslate's output).

    .venv/bin/python bench/mt_bench.py [--sentences 100] [--repeat 3] [--min-len 20] [--max-len 60]

No real model can be downloaded here, so the package is a random-weight Transformer
of real size (6+6 layers, d_model 512, 8 heads, FFN 2048, 32k vocabulary, int8); it is
built once and cached in bench/.data/. A random model rarely stops by itself, so every
engine decodes with the same bounds (--min-len/--max-len, in output tokens): outputs of
20–60 tokens, as a letter's sentences have.

argostranslate (1.11) is installed without its dependencies (stanza, spaCy and PyTorch
are several GB and are only sentence splitters) into its own virtualenv,
bench/.data/argos-venv, which sees .venv's packages (CTranslate2, SentencePiece) through
a .pth line; .venv itself is never changed. The benchmark stubs the splitter imports and
gives argostranslate's PackageTranslation a one-sentence splitter, so what runs is
argostranslate's real per-text translate() → apply_packaged_translation → ctranslate2
path. Each engine runs in its own process, alternately. Printed for beam 1 and 4:
median seconds, sentences/s, output tokens/s (tokens counted from each engine's own
decoder output), the ratios, and how many outputs are identical to argostranslate's."""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
import types
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / ".data"
sys.path.insert(0, str(ROOT))


def ensure_package() -> Path:
    pkg_dir = DATA / "mt-models" / "en_ru"
    if (pkg_dir / "model" / "model.bin").exists():
        return pkg_dir
    from docgen.translate.packages import install_package
    from tests.model_factory import build_argos_package

    DATA.mkdir(parents=True, exist_ok=True)
    archive = build_argos_package(DATA, "en", "ru", vocab_size=200, pad_vocab_to=32000, layers=6, d_model=512,
                                  heads=8, ffn=2048, quantization="int8", eos_bias=1.9, seed=7)
    return install_package(archive, DATA / "mt-models").path


def sentences(n: int) -> list[str]:
    from tests.model_factory import CORPUS

    words = " ".join(CORPUS["en"]).replace(".", "").split()
    rnd = random.Random(42)
    return [" ".join(rnd.choice(words) for _ in range(rnd.randint(14, 20))) + "." for _ in range(n)]


ARGOS_VENV = DATA / "argos-venv"


def ensure_argostranslate() -> Path:
    """The python of bench/.data/argos-venv, with argostranslate installed there only."""
    python = ARGOS_VENV / "bin" / "python"
    if python.exists() and subprocess.run([str(python), "-c", "import argostranslate"],
                                          capture_output=True).returncode == 0:
        return python
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(ARGOS_VENV)], check=True)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    ours = subprocess.run([sys.executable, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "docgen-venv.pth").write_text(ours + "\n", encoding="utf-8")  # CTranslate2, SentencePiece
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
                    "argostranslate==1.11.0", "sacremoses", "packaging"], check=True)
    return python


class _Counting:
    """A ctranslate2.Translator that records the length of every output it decodes."""

    def __init__(self, translator, lengths: list[int], **extra):
        self._t, self._lengths, self._extra = translator, lengths, extra

    def translate_batch(self, *args, **kwargs):
        results = self._t.translate_batch(*args, **kwargs, **self._extra)
        if kwargs.get("asynchronous"):
            return [_CountingAsync(r, self._lengths) for r in results]
        self._lengths.extend(len(r.hypotheses[0]) for r in results)
        return results


class _CountingAsync:
    def __init__(self, pending, lengths: list[int]):
        self._p, self._lengths = pending, lengths

    def result(self):
        r = self._p.result()
        self._lengths.append(len(r.hypotheses[0]))
        return r


def run_child(engine: str, beam: int, texts: list[str], pkg_dir: Path, min_len: int, max_len: int) -> dict:
    import sentencepiece as spm

    bounds = {"min_decoding_length": min_len, "max_decoding_length": max_len}
    lengths: list[int] = []
    if engine == "argostranslate":
        os.environ["ARGOS_BEAM_SIZE"] = str(beam)
        for name in ("stanza", "spacy", "minisbd"):  # sentence splitters only, never called here
            mod = types.ModuleType(name)
            mod.SBDetect, mod.Pipeline = object, object
            mod.models = types.SimpleNamespace(cache_dir="", list_models=lambda: ["en"])
            sys.modules[name] = mod
        import ctranslate2

        from argostranslate import package as apkg
        from argostranslate import translate as atr

        # the decoding bounds are the one option argostranslate does not pass; everything else is its own
        atr.ctranslate2 = types.SimpleNamespace(
            Translator=lambda *a, **kw: _Counting(ctranslate2.Translator(*a, **kw), lengths, **bounds))
        pkg = apkg.Package(pkg_dir)
        translation = atr.PackageTranslation(None, None, pkg)
        translation.sentencizer = types.SimpleNamespace(split_sentences=lambda text: [text])
        translation.translate(texts[0])  # load the model outside the timing, as for the others
        lengths.clear()
        t0, c0 = time.perf_counter(), time.process_time()
        out = [translation.translate(t) for t in texts]
    elif engine in ("docgen", "docgen+glossary"):
        from docgen.translate import engine as eng
        from docgen.translate.packages import read_package

        load = eng._load

        def counting_load(*a):
            translator, sp = load(*a)
            return _Counting(translator, lengths, min_decoding_length=min_len), sp

        eng._load = counting_load
        mt = eng.PackageTranslator(read_package(pkg_dir), beam_size=beam, max_decoding_length=max_len)
        mt.translate_sentences(texts[:1])
        lengths.clear()
        if engine == "docgen":
            t0, c0 = time.perf_counter(), time.process_time()
            out = mt.translate_sentences(texts)
        else:
            from docgen.translate import SegmentTranslator
            from docgen.translate.cache import SegmentCache

            cache = SegmentCache(DATA / f"cache-{os.getpid()}.sqlite")
            t0, c0 = time.perf_counter(), time.process_time()
            out = SegmentTranslator(mt=mt, cache=cache).translate_batch(texts, "en", "ru")
            cache.close()
            (DATA / f"cache-{os.getpid()}.sqlite").unlink()
    else:  # bare ctranslate2 on pre-tokenized input: one padded batch, or one batch per token length
        import ctranslate2

        sp = spm.SentencePieceProcessor(model_file=str(pkg_dir / "sentencepiece.model"))
        tr = ctranslate2.Translator(str(pkg_dir / "model"), device="cpu", inter_threads=1, intra_threads=0,
                                    compute_type="auto")
        tokens = [sp.encode(t, out_type=str) for t in texts]
        tr.translate_batch(tokens[:1], beam_size=beam)
        kw = dict(replace_unknowns=True, max_batch_size=1024, batch_type="tokens", beam_size=beam, num_hypotheses=1,
                  length_penalty=0.2, **bounds)
        t0, c0 = time.perf_counter(), time.process_time()
        if engine == "bare-ct2-padded":
            res = tr.translate_batch(tokens, **kw)
        else:
            groups: dict[int, list[int]] = {}
            for i, t in enumerate(tokens):
                groups.setdefault(len(t), []).append(i)
            res = [None] * len(tokens)
            for idx in groups.values():
                for i, r in zip(idx, tr.translate_batch([tokens[i] for i in idx], **kw)):
                    res[i] = r
        out = [sp.decode_pieces(r.hypotheses[0]).replace("▁", " ").replace("_", " ").lstrip(" ") for r in res]
        lengths = [len(r.hypotheses[0]) for r in res]
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"seconds": elapsed, "cpu": cpu, "outputs": out, "out_tokens": sum(lengths), "lengths": lengths}


def explain_differences(pkg_dir: Path, texts: list[str], differing: list[int], beam: int, min_len: int,
                        max_len: int) -> str:
    """Where a sentence decoded alone (argostranslate's path) and inside one padded batch
    part, and how far apart the two candidate tokens' log-probabilities are there
    (score_batch): the reason docgen never pads (docgen/translate/engine.py)."""
    import ctranslate2
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(pkg_dir / "sentencepiece.model"))
    tr = ctranslate2.Translator(str(pkg_dir / "model"), device="cpu", compute_type="auto")
    kw = dict(replace_unknowns=True, beam_size=beam, num_hypotheses=1, length_penalty=0.2,
              min_decoding_length=min_len, max_decoding_length=max_len, max_batch_size=1024, batch_type="tokens")
    sources = [sp.encode(t, out_type=str) for t in texts]
    batch = tr.translate_batch(sources, **kw)
    margins = []
    for i in differing:
        alone = tr.translate_batch([sources[i]], **kw)[0].hypotheses[0] + ["</s>"]
        batched = batch[i].hypotheses[0] + ["</s>"]
        k = next((j for j, (a, b) in enumerate(zip(alone, batched)) if a != b), None)
        if k is None:
            continue

        def logp(tok: str) -> float:
            target = alone[:k] if tok == "</s>" else alone[:k] + [tok]
            return tr.score_batch([sources[i]], [target])[0].log_probs[k]

        margins.append(abs(logp(alone[k]) - logp(batched[k])))
    if not margins:
        return ""
    return (f"the padded batch parts from the sentence decoded alone at a token whose two candidates' log-probs "
            f"differ by {min(margins):.1e}-{max(margins):.1e} nats (median {statistics.median(margins):.1e}): "
            f"padding changes the float sums in attention, enough to flip such near-ties")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sentences", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--min-len", type=int, default=20, help="shortest output, in tokens, for every engine")
    ap.add_argument("--max-len", type=int, default=60, help="longest output, in tokens, for every engine")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    pkg_dir = ensure_package()
    texts = sentences(args.sentences)
    if args.child:
        print(json.dumps(run_child(args.child[0], int(args.child[1]), texts, pkg_dir, args.min_len, args.max_len)))
        return
    argos_python = ensure_argostranslate()
    in_words = sum(len(t.split()) for t in texts)
    print(f"{len(texts)} sentences, {in_words / len(texts):.0f} words each; {os.cpu_count()} cores, load "
          f"{os.getloadavg()[0]:.1f}; outputs bounded to {args.min_len}-{args.max_len} tokens for every engine; "
          f"model: 6+6 layers, d512, 8 heads, FFN 2048, 32k vocab, int8 (random weights)")
    engines = ("bare-ct2-padded", "bare-ct2-by-length", "docgen", "docgen+glossary", "argostranslate")
    for beam in (1, 4):
        runs: dict[str, list[dict]] = {e: [] for e in engines}
        for _ in range(args.repeat):  # interleaved, so machine noise hits every engine alike
            for e in engines:
                python = str(argos_python) if e == "argostranslate" else sys.executable
                cmd = [python, __file__, "--sentences", str(args.sentences), "--min-len", str(args.min_len),
                       "--max-len", str(args.max_len), "--child", e, str(beam)]
                out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
                runs[e].append(json.loads(out.strip().splitlines()[-1]))
        med = {e: statistics.median(r["seconds"] for r in runs[e]) for e in engines}
        cpu = {e: statistics.median(r["cpu"] for r in runs[e]) for e in engines}  # all threads of the child
        print(f"\nbeam {beam}: {'engine':<18}{'median s':>10}{'sent/s':>9}{'out tok/s':>11}{'tokens/output':>15}")
        for e in engines:
            toks, n = runs[e][0]["out_tokens"], len(runs[e][0]["outputs"])
            print(f"        {e:<18}{med[e]:>10.2f}{n / med[e]:>9.1f}{toks / med[e]:>11.0f}{toks / n:>15.1f}")

        def same(a: str, b: str) -> str:
            pairs = list(zip(runs[a][0]["outputs"], runs[b][0]["outputs"]))
            return f"{sum(x == y for x, y in pairs)}/{len(pairs)}"

        padded_diff = [i for i, (x, y) in enumerate(zip(runs["bare-ct2-padded"][0]["outputs"],
                                                           runs["argostranslate"][0]["outputs"])) if x != y]
        tok_rate = {e: runs[e][0]["out_tokens"] / med[e] for e in engines}
        print(f"        identical to argostranslate: docgen {same('docgen', 'argostranslate')}, bare CTranslate2 by "
              f"length {same('bare-ct2-by-length', 'argostranslate')}, in one padded batch "
              f"{same('bare-ct2-padded', 'argostranslate')}")
        if padded_diff:
            why = explain_differences(pkg_dir, texts, padded_diff, beam, args.min_len, args.max_len)
            if why:
                print(f"        ({why})")
        print(f"        CPU seconds (all threads; less sensitive to other users of the machine): docgen "
              f"{cpu['docgen']:.1f}, argostranslate {cpu['argostranslate']:.1f}, bare by length "
              f"{cpu['bare-ct2-by-length']:.1f}, bare padded {cpu['bare-ct2-padded']:.1f}")
        print(f"        docgen vs argostranslate: {med['argostranslate'] / med['docgen']:.1f}x the sentences/s "
              f"(CPU: {cpu['argostranslate'] / cpu['docgen']:.1f}x); bare by length: "
              f"{med['argostranslate'] / med['bare-ct2-by-length']:.1f}x (CPU "
              f"{cpu['argostranslate'] / cpu['bare-ct2-by-length']:.1f}x); bare padded (outputs differ): "
              f"{med['argostranslate'] / med['bare-ct2-padded']:.1f}x (CPU "
              f"{cpu['argostranslate'] / cpu['bare-ct2-padded']:.1f}x)")
        print(f"        docgen at {tok_rate['docgen'] / tok_rate['bare-ct2-by-length']:.0%} of bare CTranslate2's "
              f"tokens/s by length (CPU {cpu['bare-ct2-by-length'] / cpu['docgen']:.0%}), "
              f"{tok_rate['docgen'] / tok_rate['bare-ct2-padded']:.0%} of the padded batch's; with glossary "
              f"protection and a cold cache {tok_rate['docgen+glossary'] / tok_rate['bare-ct2-by-length']:.0%} "
              f"(outputs of {runs['docgen+glossary'][0]['out_tokens'] / args.sentences:.1f} vs "
              f"{runs['docgen'][0]['out_tokens'] / args.sentences:.1f} tokens)")

if __name__ == "__main__":
    main()
