"""MT benchmark: the same Argos package through docgen's engine, through
argostranslate's own translate path, and through a bare CTranslate2 call.

    .venv/bin/python bench/mt_bench.py [--sentences 100] [--repeat 3]

No real model can be downloaded here, so the package is a random-weight Transformer
of real size (6+6 layers, d_model 512, 8 heads, FFN 2048, 32k vocabulary, int8), with
the end-of-sentence logit raised so that outputs have realistic lengths; it is built
once and cached in bench/.data/. argostranslate (1.11) is installed into .venv without
its dependencies (stanza, spaCy and PyTorch are several GB and are only sentence
splitters): the benchmark stubs those imports and gives argostranslate's
PackageTranslation a one-sentence splitter, so what runs is argostranslate's real
per-text translate() → apply_packaged_translation → ctranslate2 path. Each engine runs
in its own process. Printed: sentences/s, output tokens/s, median of --repeat runs, the
ratios, and whether outputs are identical at each beam size."""
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


def ensure_argostranslate() -> None:
    try:
        import argostranslate  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "argostranslate==1.11.0",
                        "sacremoses", "packaging"], check=True)


def run_child(engine: str, beam: int, texts: list[str], pkg_dir: Path, max_len: int) -> dict:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(pkg_dir / "sentencepiece.model"))
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

        class CappedTranslator:
            """ctranslate2.Translator with the benchmark's decoding-length cap, the one
            option argostranslate does not pass; everything else is argostranslate's."""

            def __init__(self, *args, **kwargs):
                self._t = ctranslate2.Translator(*args, **kwargs)

            def translate_batch(self, *args, **kwargs):
                return self._t.translate_batch(*args, max_decoding_length=max_len, **kwargs)

        atr.ctranslate2 = types.SimpleNamespace(Translator=CappedTranslator)

        pkg = apkg.Package(pkg_dir)
        translation = atr.PackageTranslation(None, None, pkg)
        translation.sentencizer = types.SimpleNamespace(split_sentences=lambda text: [text])
        translation.translate(texts[0])  # load the model outside the timing, as for the others
        t0 = time.perf_counter()
        out = [translation.translate(t) for t in texts]
    elif engine == "docgen":
        from docgen.translate.engine import PackageTranslator
        from docgen.translate.packages import read_package

        t = PackageTranslator(read_package(pkg_dir), beam_size=beam, max_decoding_length=max_len)
        t.translate_sentences(texts[:1])
        t0 = time.perf_counter()
        out = t.translate_sentences(texts)
    elif engine == "docgen+glossary":
        from docgen.translate import SegmentTranslator
        from docgen.translate.cache import SegmentCache
        from docgen.translate.engine import PackageTranslator
        from docgen.translate.packages import read_package

        mt = PackageTranslator(read_package(pkg_dir), beam_size=beam, max_decoding_length=max_len)
        mt.translate_sentences(texts[:1])
        cache = SegmentCache(DATA / f"cache-{os.getpid()}.sqlite")
        t0 = time.perf_counter()
        out = SegmentTranslator(mt=mt, cache=cache).translate_batch(texts, "en", "ru")
        cache.close()
        (DATA / f"cache-{os.getpid()}.sqlite").unlink()
    else:  # bare ctranslate2 on pre-tokenized input
        import ctranslate2

        tr = ctranslate2.Translator(str(pkg_dir / "model"), device="cpu", inter_threads=1, intra_threads=0,
                                    compute_type="auto")
        tokens = [sp.encode(t, out_type=str) for t in texts]
        tr.translate_batch(tokens[:1], beam_size=beam)
        t0 = time.perf_counter()
        res = tr.translate_batch(tokens, replace_unknowns=True, max_batch_size=1024, batch_type="tokens",
                                 beam_size=beam, num_hypotheses=1, length_penalty=0.2, max_decoding_length=max_len)
        out = [sp.decode_pieces(r.hypotheses[0]).replace("▁", " ").replace("_", " ").lstrip(" ") for r in res]
    elapsed = time.perf_counter() - t0
    out_tokens = sum(len(sp.encode(o, out_type=str)) for o in out)
    return {"seconds": elapsed, "outputs": out, "out_tokens": out_tokens}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sentences", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--max-len", type=int, default=64,
                    help="decoding length cap for every engine (a random model rarely stops by itself)")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    pkg_dir = ensure_package()
    texts = sentences(args.sentences)
    if args.child:
        print(json.dumps(run_child(args.child[0], int(args.child[1]), texts, pkg_dir, args.max_len)))
        return
    ensure_argostranslate()
    in_tokens = sum(len(t.split()) for t in texts)
    print(f"{len(texts)} sentences, ~{in_tokens / len(texts):.0f} words each; {os.cpu_count()} cores; "
          f"decoding capped at {args.max_len} tokens; "
          f"model: 6+6 layers, d512, 8 heads, FFN 2048, 32k vocab, int8 (random weights)")
    engines = ("bare-ctranslate2", "docgen", "docgen+glossary", "argostranslate")
    for beam in (1, 4):
        runs: dict[str, list[dict]] = {e: [] for e in engines}
        for _ in range(args.repeat):  # interleaved, so machine noise hits every engine alike
            for e in engines:
                cmd = [sys.executable, __file__, "--sentences", str(args.sentences), "--max-len", str(args.max_len),
                       "--child", e, str(beam)]
                out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
                runs[e].append(json.loads(out.strip().splitlines()[-1]))
        med = {e: statistics.median(r["seconds"] for r in runs[e]) for e in engines}
        print(f"\nbeam {beam}: {'engine':<18}{'median s':>10}{'sent/s':>9}{'out tok/s':>11}")
        for e in engines:
            toks = runs[e][0]["out_tokens"]
            print(f"        {e:<18}{med[e]:>10.2f}{len(texts) / med[e]:>9.1f}{toks / med[e]:>11.0f}")
        def same(a: str, b: str) -> str:
            pairs = list(zip(runs[a][0]["outputs"], runs[b][0]["outputs"]))
            return f"{sum(x == y for x, y in pairs)}/{len(pairs)}"
        print(f"        docgen / argostranslate throughput: {med['argostranslate'] / med['docgen']:.1f}x; "
              f"identical outputs: {same('docgen', 'argostranslate')}")
        print(f"        docgen vs bare ctranslate2: {med['bare-ctranslate2'] / med['docgen'] * 100:.0f}% of its "
              f"throughput (identical outputs: {same('docgen', 'bare-ctranslate2')}); with glossary protection "
              f"and a cold cache: {med['bare-ctranslate2'] / med['docgen+glossary'] * 100:.0f}%")
        mean_len = statistics.mean(len(o.split()) for o in runs["docgen"][0]["outputs"])
        print(f"        mean output length: {mean_len:.1f} words (decoding capped at {args.max_len} tokens)")


if __name__ == "__main__":
    main()
