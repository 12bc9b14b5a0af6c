"""coursekit.quantize: fp32, int8 and ONNX variants of MiniLM behind one encode() interface."""

from __future__ import annotations

import numpy as np
import pytest

from coursekit import quantize
from coursekit.models import MINILM_DIM, minilm

TEXTS = ["a cache in front of the model", "tax law", "How do I stop SQL injection?",
         "환불은 언제까지 되나요?", "x", "Batch requests so the model runs once per batch."]
LONG = " ".join(["token"] * 400)  # more than 256 tokens: truncated, as sentence-transformers does


@pytest.fixture(scope="module")
def variants(tmp_path_factory):
    import torch

    torch.set_num_threads(1)
    return quantize.embedders(tmp_path_factory.mktemp("onnx"), batch_size=4)


def cosines(A, B):
    return (A * B).sum(axis=1)


def test_fp32_matches_sentence_transformers(variants):
    M = variants["pytorch fp32"].encode(TEXTS + [LONG])
    reference = minilm().encode(TEXTS + [LONG], normalize_embeddings=True)
    assert M.shape == (len(TEXTS) + 1, MINILM_DIM) and M.dtype == np.float32
    assert np.abs(M - reference).max() < 1e-5, "same tokenizer, pooling and normalization"


def test_every_variant_gives_unit_vectors_close_to_fp32(variants):
    fp32 = variants["pytorch fp32"].encode(TEXTS)
    for name, embedder in variants.items():
        M = embedder.encode(TEXTS)
        assert M.shape == (len(TEXTS), MINILM_DIM) and M.dtype == np.float32, name
        assert np.allclose(np.linalg.norm(M, axis=1), 1.0, atol=1e-4), name
        c = cosines(M, fp32)
        assert c.min() > 0.8 and c.mean() > 0.9, (name, c)  # short texts: int8 loses most here
    assert np.abs(variants["onnxruntime fp32"].encode(TEXTS) - fp32).max() < 1e-4, \
        "the exported graph computes the same function"
    per_tensor = cosines(variants["pytorch int8"].encode(TEXTS), fp32).mean()
    per_channel = cosines(variants["pytorch int8 per-channel"].encode(TEXTS), fp32).mean()
    assert per_channel > per_tensor, "a scale per output row keeps more precision"


def test_onnx_axes_are_dynamic_and_order_is_kept(variants):
    onnx = variants["onnxruntime fp32"]
    batch_of_one = onnx.encode(["hi"])  # shorter and smaller than the example used at export
    batch_of_seven = onnx.encode(TEXTS + ["hi"])  # more rows than a batch, lengths sorted inside
    assert batch_of_one.shape == (1, MINILM_DIM)
    assert np.abs(batch_of_seven[-1] - batch_of_one[0]).max() < 1e-5, "a text's vector ignores its batch"
    assert np.abs(batch_of_seven[:-1] - onnx.encode(TEXTS)).max() < 1e-5
    assert np.abs(onnx.encode([LONG]) - minilm().encode([LONG], normalize_embeddings=True)).max() < 1e-4
    assert onnx.encode([]).shape == (0, MINILM_DIM)
    with pytest.raises(TypeError):
        onnx.encode("one string")


def test_int8_replaces_only_linear_layers_and_is_smaller(variants):
    import torch

    dynamic_linear = torch.ao.nn.quantized.dynamic.Linear
    for name in ("pytorch int8", "pytorch int8 per-channel"):
        module = variants[name].module
        layers = [m for m in module.modules() if isinstance(m, (torch.nn.Linear, dynamic_linear))]
        assert len(layers) == 6 * 6, "six layers of Q, K, V, attention output, FFN in and FFN out"
        assert all(isinstance(m, dynamic_linear) for m in layers), "every Linear is quantized"
        assert layers[0].weight().dtype == torch.qint8
        assert isinstance(module.transformer.embeddings.word_embeddings, torch.nn.Embedding)
    sizes = {name: e.size_bytes() for name, e in variants.items()}
    assert sizes["pytorch int8"] < 0.75 * sizes["pytorch fp32"], sizes
    assert sizes["onnxruntime int8"] < 0.35 * sizes["onnxruntime fp32"], sizes
    assert abs(sizes["onnxruntime fp32"] / sizes["pytorch fp32"] - 1) < 0.05, sizes


def test_the_shared_model_is_untouched_by_quantization(variants):
    import torch

    assert not any(isinstance(m, torch.ao.nn.quantized.dynamic.Linear) for m in minilm().modules())


def test_exports_never_go_into_the_checkout():
    with pytest.raises(ValueError, match="checkout"):
        quantize.export_onnx(quantize._checkout_root() / "build-onnx")
    assert not (quantize._checkout_root() / "build-onnx").exists()


def test_gguf_header_of_the_bundled_chat_model():
    meta, tensors = quantize.read_gguf_header(quantize.smollm2_gguf_path())
    assert meta["general.architecture"] == "llama" and meta["llama.block_count"] == 30
    assert meta["llama.attention.head_count"] == 9 and meta["llama.attention.head_count_kv"] == 3
    assert meta["tokenizer.ggml.tokens"] == "<array of 49152>"
    kinds = {t.type for t in tensors}
    assert kinds == {"Q4_1", "Q8_0", "F32"} and len(tensors) == 272
    embedding = next(t for t in tensors if t.name == "token_embd.weight")
    assert embedding.shape == (576, 49152) and embedding.n_bytes == 576 * 49152 // 32 * 34
    size = quantize.smollm2_gguf_path().stat().st_size
    assert 0.95 * size < sum(t.n_bytes for t in tensors) <= size, "the tensors fill the file"


def test_gguf_header_rejects_other_files(tmp_path):
    other = tmp_path / "model.bin"
    other.write_bytes(b"PK\x03\x04" + bytes(64))
    with pytest.raises(ValueError, match="not a GGUF"):
        quantize.read_gguf_header(other)
