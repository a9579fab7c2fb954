"""Builds real Argos Translate packages for tests and benchmarks: a SentencePiece
model trained on a few sentences and a CTranslate2 Transformer with random weights.
The output is nonsense, but every step — unzip, load, tokenize, batch, decode — is the
real code path (no model can be downloaded here)."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np

CORPUS = {
    "zh": ["2026年10月24日买家在提货点签收包裹。", "卖家后台显示该货件状态为已送达。", "请求解除该订单的资金冻结。",
           "承运商官网物流轨迹截图。", "我们已经上传新的合格证书。", "商品卡片已经更新。", "包裹已交由承运商发出。"],
    "en": ["The buyer received the parcel at the pickup point.", "The posting status is delivered.",
           "Please release the payout hold for this order.", "Screenshot of the carrier tracking page.",
           "We uploaded a new certificate of conformity.", "The product card has been updated."],
    "ru": ["Покупатель получил посылку в пункте выдачи.", "Статус отправления: доставлено.",
           "Просим снять удержание средств по заказу.", "Скриншот трекинга с сайта перевозчика.",
           "Мы загрузили новый сертификат соответствия.", "Карточка товара обновлена."],
}


def train_sentencepiece(sentences: list[str], vocab_size: int) -> bytes:
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences * 20), model_writer=model, vocab_size=vocab_size,
        model_type="unigram", character_coverage=1.0, hard_vocab_limit=False, user_defined_symbols=["ZQ"],
        minloglevel=3, num_threads=1)
    return model.getvalue()


def _random(shape, rng) -> np.ndarray:
    return (rng.standard_normal(shape) * 0.05).astype(np.float32)


def build_ct2_model(out_dir: Path, vocab: list[str], layers: int = 2, d_model: int = 64, heads: int = 4,
                    ffn: int = 128, seed: int = 0, quantization: str | None = None, eos_bias: float = 0.0) -> None:
    """A Transformer with random weights. `eos_bias` raises the end-of-sentence logit
    so that decoding stops after a realistic number of tokens."""
    from ctranslate2.specs import transformer_spec

    rng = np.random.default_rng(seed)
    spec = transformer_spec.TransformerSpec.from_config((layers, layers), heads)
    v = len(vocab)

    enc, dec = spec.encoder, spec.decoder
    enc.embeddings[0].weight = _random((v, d_model), rng)
    dec.embeddings.weight = _random((v, d_model), rng)
    enc.position_encodings.encodings = _random((512, d_model), rng)
    dec.position_encodings.encodings = _random((512, d_model), rng)
    for norm in (enc.layer_norm, dec.layer_norm):
        norm.gamma, norm.beta = np.ones(d_model, np.float32), np.zeros(d_model, np.float32)
    for layer in enc.layer:
        _attention(layer.self_attention, d_model, rng, fused=3)
        _ffn(layer.ffn, d_model, ffn, rng)
    for layer in dec.layer:
        _attention(layer.self_attention, d_model, rng, fused=3)
        _attention(layer.attention, d_model, rng, fused=None)
        _ffn(layer.ffn, d_model, ffn, rng)
    dec.projection.weight = _random((v, d_model), rng)
    bias = np.zeros(v, np.float32)
    bias[vocab.index("</s>")] = eos_bias
    dec.projection.bias = bias
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    spec.optimize(quantization=quantization)
    spec.save(str(out_dir))


def _norm(norm, d):
    norm.gamma, norm.beta = np.ones(d, np.float32), np.zeros(d, np.float32)


def _attention(att, d, rng, fused):
    _norm(att.layer_norm, d)
    if fused == 3:  # self-attention: fused q, k, v
        att.linear[0].weight, att.linear[0].bias = _random((3 * d, d), rng), np.zeros(3 * d, np.float32)
        att.linear[1].weight, att.linear[1].bias = _random((d, d), rng), np.zeros(d, np.float32)
    else:  # encoder-decoder attention: q, fused k v, output
        att.linear[0].weight, att.linear[0].bias = _random((d, d), rng), np.zeros(d, np.float32)
        att.linear[1].weight, att.linear[1].bias = _random((2 * d, d), rng), np.zeros(2 * d, np.float32)
        att.linear[2].weight, att.linear[2].bias = _random((d, d), rng), np.zeros(d, np.float32)


def _ffn(ffn_spec, d, hidden, rng):
    _norm(ffn_spec.layer_norm, d)
    ffn_spec.linear_0.weight, ffn_spec.linear_0.bias = _random((hidden, d), rng), np.zeros(hidden, np.float32)
    ffn_spec.linear_1.weight, ffn_spec.linear_1.bias = _random((d, hidden), rng), np.zeros(d, np.float32)


def build_argos_package(dest: Path, from_code: str, to_code: str, *, vocab_size: int = 120, pad_vocab_to: int = 0,
                        seed: int = 0, version: str = "0.0.1-test", **model_kwargs) -> Path:
    """Writes `dest/translate-<from>_<to>.argosmodel` and returns its path."""
    import sentencepiece as spm

    sentences = CORPUS[from_code] + CORPUS[to_code]
    sp_bytes = train_sentencepiece(sentences, vocab_size)
    sp = spm.SentencePieceProcessor(model_proto=sp_bytes)
    vocab = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    vocab = ["<unk>", "<s>", "</s>"] + [p for p in vocab if p not in ("<unk>", "<s>", "</s>")]
    vocab += [f"▁filler{i}" for i in range(max(0, pad_vocab_to - len(vocab)))]
    name = f"translate-{from_code}_{to_code}-test"
    work = dest / f".build-{from_code}_{to_code}"
    pkg = work / name
    (pkg / "model").mkdir(parents=True, exist_ok=True)
    build_ct2_model(pkg / "model", vocab, seed=seed, **model_kwargs)
    (pkg / "sentencepiece.model").write_bytes(sp_bytes)
    (pkg / "metadata.json").write_text(json.dumps({
        "package_version": version, "argos_version": "1.11.0", "from_code": from_code, "to_code": to_code,
        "from_name": from_code, "to_name": to_code, "type": "translate"}), encoding="utf-8")
    archive = dest / f"translate-{from_code}_{to_code}.argosmodel"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(pkg.rglob("*")):
            zf.write(p, p.relative_to(work).as_posix())
    return archive
