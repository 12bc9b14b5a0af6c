"""Cheaper versions of the bundled MiniLM, behind one interface: `encode(texts) -> unit vectors`.

    from coursekit.quantize import fp32_embedder, int8_embedder, onnx_embedder

    fp32 = fp32_embedder()                      # PyTorch, float32: the reference
    int8 = int8_embedder()                      # PyTorch, nn.Linear weights quantized to int8
    int8_pc = int8_embedder(per_channel=True)   # the same, one scale per output row
    with tempfile.TemporaryDirectory() as folder:
        onnx = onnx_embedder(folder)            # exported to ONNX, run by onnxruntime (1 thread)
        onnx_q = onnx_embedder(folder, quantize=True)  # the same graph, int8 by onnxruntime
        for e in (fp32, int8, onnx, onnx_q):
            M = e.encode(["a cache in front of the model", "tax law"])  # (2, 384) float32

Every variant tokenizes the same way (the model's WordPiece tokenizer, at most 256 tokens, as
sentence-transformers does), sorts a request by length, cuts it into batches of `batch_size`,
mean-pools the last hidden states over real tokens and divides by the length. Only the engine in
the middle differs, so a lesson or a benchmark can compare speed and quality on the same inputs.
The fp32 variant agrees with `coursekit.models.minilm().encode(..., normalize_embeddings=True)`
to rounding error.

Timing: PyTorch uses every core unless told otherwise; call `torch.set_num_threads(1)` before
you time the PyTorch variants, so they run on one thread like the onnxruntime sessions here
(`intra_op_num_threads=1`).

Exports go into a folder the caller chooses (a temporary directory); writing into the course
checkout is refused. Each call loads its own copy of the weights, so quantizing never touches
the model that `coursekit.models.minilm()` shares with the rest of the process.
"""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from coursekit.models import MINILM_DIM, minilm_path

MAX_LENGTH = 256  # sentence-transformers' max_seq_length for all-MiniLM-L6-v2
BATCH_SIZE = 32
ONNX_NAME = "minilm.onnx"
ONNX_INT8_NAME = "minilm.int8.onnx"
INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")
OPSET = 17


class Embedder(Protocol):
    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...

    def size_bytes(self) -> int: ...


# --- the shared parts: tokenizer, pooling, batching --------------------------------------------

def _tokenizer():
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(minilm_path())


def _transformer():
    """A fresh float32 copy of MiniLM's transformer (a BertModel), in eval mode.

    Without BERT's pooler layer: sentence embeddings mean-pool the hidden states instead.
    """
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()  # the load report would list the pooler's weights we skip
    try:
        return AutoModel.from_pretrained(minilm_path(), add_pooling_layer=False).eval()
    finally:
        hf_logging.set_verbosity(verbosity)


def _mean_pooled_module(transformer):
    """The transformer + mean pooling over real tokens + L2 normalisation, as one nn.Module."""
    import torch

    class MeanPooledEncoder(torch.nn.Module):
        def __init__(self, transformer):
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.transformer(input_ids=input_ids, attention_mask=attention_mask,
                                      token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            summed = (hidden * mask).sum(dim=1)
            counts = mask.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(summed / counts, p=2.0, dim=1)

    return MeanPooledEncoder(transformer).eval()


class _BatchedEmbedder:
    """Tokenize, sort by length, run batches, put the rows back in the caller's order."""

    name = "embedder"

    def __init__(self, tokenizer, batch_size: int = BATCH_SIZE, max_length: int = MAX_LENGTH):
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.tokenizer, self.batch_size, self.max_length = tokenizer, batch_size, max_length

    def _run(self, batch: dict[str, np.ndarray]) -> np.ndarray:
        raise NotImplementedError

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(n, 384) float32 unit vectors, one row per text, in the order given."""
        if isinstance(texts, str):
            raise TypeError("encode takes a list of texts, not one string")
        texts = list(texts)
        out = np.zeros((len(texts), MINILM_DIM), dtype=np.float32)
        if not texts:
            return out
        lengths = [len(ids) for ids in self.tokenizer(texts, truncation=True,
                                                      max_length=self.max_length)["input_ids"]]
        order = np.argsort(-np.asarray(lengths), kind="stable")  # longest first, like sentence-transformers
        for start in range(0, len(texts), self.batch_size):
            rows = order[start:start + self.batch_size]
            batch = self.tokenizer([texts[i] for i in rows], padding=True, truncation=True,
                                   max_length=self.max_length, return_tensors="np")
            out[rows] = self._run({name: batch[name].astype(np.int64) for name in INPUT_NAMES})
        return out

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


# --- PyTorch: float32 and dynamic int8 ----------------------------------------------------------

class TorchEmbedder(_BatchedEmbedder):
    def __init__(self, module, tokenizer, name: str, **kwargs):
        super().__init__(tokenizer, **kwargs)
        self.module, self.name = module, name

    def _run(self, batch):
        import torch

        with torch.inference_mode():
            return self.module(**{k: torch.from_numpy(v) for k, v in batch.items()}).numpy()

    def size_bytes(self) -> int:
        """Bytes of the module's state dict as `torch.save` writes it: the size on disk."""
        import torch

        buffer = io.BytesIO()
        torch.save(self.module.state_dict(), buffer)
        return buffer.getbuffer().nbytes


def fp32_embedder(batch_size: int = BATCH_SIZE) -> TorchEmbedder:
    """MiniLM in PyTorch, float32: the reference every cheaper variant is compared with."""
    return TorchEmbedder(_mean_pooled_module(_transformer()), _tokenizer(), "pytorch fp32",
                         batch_size=batch_size)


def quantize_linear_int8(module, per_channel: bool = False):
    """`torch.ao.quantization.quantize_dynamic` on the nn.Linear layers only (weights to qint8).

    Activations are quantized on the fly, per batch ("dynamic"), so no calibration data is needed.
    By default each weight matrix gets one scale (per tensor); `per_channel=True` gives each output
    row its own scale, which costs a few bytes and keeps more precision.
    torch.ao.quantization is deprecated in favour of the separate torchao package but still ships
    with torch; its deprecation warnings are silenced here and nowhere else.
    """
    import torch
    from torch.ao import quantization as tq

    qconfig = tq.per_channel_dynamic_qconfig if per_channel else tq.default_dynamic_qconfig
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*torch\.ao\.quantization is deprecated")
        warnings.filterwarnings("ignore", message=r".*quantized tensor creation functions")
        return tq.quantize_dynamic(module, {torch.nn.Linear: qconfig}, dtype=torch.qint8)


def int8_embedder(batch_size: int = BATCH_SIZE, per_channel: bool = False) -> TorchEmbedder:
    """MiniLM in PyTorch with every nn.Linear weight stored as int8 (dynamic quantization).

    The embedding table and LayerNorms stay float32: dynamic quantization only replaces Linear layers.
    """
    module = quantize_linear_int8(_mean_pooled_module(_transformer()), per_channel=per_channel)
    name = "pytorch int8 per-channel" if per_channel else "pytorch int8"
    return TorchEmbedder(module, _tokenizer(), name, batch_size=batch_size)


# --- ONNX export, run by onnxruntime ------------------------------------------------------------

def _checkout_root() -> Path:
    return Path(__file__).resolve().parent.parent


def _writable_folder(folder: str | os.PathLike) -> Path:
    path = Path(folder).resolve()
    root = _checkout_root()
    if (root / "pyproject.toml").exists() and path.is_relative_to(root):
        raise ValueError(f"refusing to write a model into the course checkout ({path}); "
                         "pass a temporary directory")
    path.mkdir(parents=True, exist_ok=True)
    return path


def export_onnx(folder: str | os.PathLike, *, quantize: bool = False) -> Path:
    """Export MiniLM (transformer + mean pooling + normalisation) to `folder`/minilm.onnx.

    Batch and sequence axes are dynamic. This uses torch's TorchScript exporter (`dynamo=False`):
    the newer torch.export-based exporter needs the onnxscript package, which the course does not
    install. With `quantize=True`, also write minilm.int8.onnx, made by onnxruntime's own dynamic
    quantization (int8 weights for MatMul and Gather, so the embedding table shrinks too).
    Returns the path of the model asked for; an existing file is reused.
    """
    import torch

    folder = _writable_folder(folder)
    fp32_path = folder / ONNX_NAME
    if not fp32_path.exists():
        module = _mean_pooled_module(_transformer())
        example = _tokenizer()(["a short text", "a somewhat longer example text"], padding=True,
                               return_tensors="pt")  # padded, so the traced graph keeps the mask
        axes = {name: {0: "batch", 1: "sequence"} for name in INPUT_NAMES}
        axes["embedding"] = {0: "batch"}
        tmp = fp32_path.with_suffix(".onnx.tmp")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # TorchScript tracer notes, checked by the tests instead
            torch.onnx.export(module, tuple(example[name] for name in INPUT_NAMES), str(tmp),
                              input_names=list(INPUT_NAMES), output_names=["embedding"],
                              dynamic_axes=axes, opset_version=OPSET, dynamo=False)
        tmp.replace(fp32_path)
    if not quantize:
        return fp32_path
    int8_path = folder / ONNX_INT8_NAME
    if not int8_path.exists():
        import logging

        from onnxruntime.quantization import QuantType, quantize_dynamic

        root_logger = logging.getLogger()
        level = root_logger.level
        root_logger.setLevel(logging.ERROR)  # a "consider pre-processing" hint on every call
        try:
            tmp = int8_path.with_suffix(".onnx.tmp")
            quantize_dynamic(str(fp32_path), str(tmp), weight_type=QuantType.QInt8)
            tmp.replace(int8_path)
        finally:
            root_logger.setLevel(level)
    return int8_path


class OnnxEmbedder(_BatchedEmbedder):
    def __init__(self, path: str | os.PathLike, tokenizer, name: str, threads: int = 1, **kwargs):
        import onnxruntime as ort

        super().__init__(tokenizer, **kwargs)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # errors only
        self.path, self.name = Path(path), name
        self.session = ort.InferenceSession(str(self.path), options, providers=["CPUExecutionProvider"])

    def _run(self, batch):
        return self.session.run(["embedding"], batch)[0]

    def size_bytes(self) -> int:
        """Bytes of the .onnx file (and of any external-data files next to it)."""
        return sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*")
                   if not p.name.endswith(".tmp"))


def onnx_embedder(folder: str | os.PathLike, *, quantize: bool = False, threads: int = 1,
                  batch_size: int = BATCH_SIZE) -> OnnxEmbedder:
    """MiniLM exported to ONNX (into `folder`) and run by onnxruntime on `threads` CPU threads."""
    path = export_onnx(folder, quantize=quantize)
    name = "onnxruntime int8" if quantize else "onnxruntime fp32"
    return OnnxEmbedder(path, _tokenizer(), name, threads=threads, batch_size=batch_size)


def embedders(folder: str | os.PathLike, batch_size: int = BATCH_SIZE) -> dict[str, Embedder]:
    """All five variants by name, fp32 first: what a comparison table iterates over."""
    variants = [fp32_embedder(batch_size), int8_embedder(batch_size),
                int8_embedder(batch_size, per_channel=True),
                onnx_embedder(folder, batch_size=batch_size),
                onnx_embedder(folder, quantize=True, batch_size=batch_size)]
    return {e.name: e for e in variants}


# --- GGUF: what is inside llama.cpp's model files -------------------------------------------------

_GGUF_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?",
                 10: "<Q", 11: "<q", 12: "<d"}  # GGUF value type -> struct format
_GGUF_STRING, _GGUF_ARRAY = 8, 9


@dataclass(frozen=True)
class GGUFTensor:
    name: str
    type: str  # the GGML type name: "F32", "Q8_0", "Q4_1", ...
    shape: tuple[int, ...]
    n_elements: int
    n_bytes: int


def read_gguf_header(path: str | os.PathLike) -> tuple[dict, list[GGUFTensor]]:
    """The metadata (scalars and strings; arrays as their length) and the tensor table of a GGUF file.

    A small reader of the header only, through mmap: `gguf.GGUFReader` builds a numpy view of every
    string of the tokenizer's vocabulary, which takes seconds; this takes milliseconds.
    """
    import mmap
    import struct

    import gguf

    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as buf:
        pos = 0

        def take(fmt: str):
            nonlocal pos
            (value,) = struct.unpack_from(fmt, buf, pos)
            pos += struct.calcsize(fmt)
            return value

        def string() -> str:
            nonlocal pos
            n = take("<Q")
            pos += n
            return bytes(buf[pos - n:pos]).decode("utf-8", errors="replace")

        def value(kind: int):
            nonlocal pos
            if kind == _GGUF_STRING:
                return string()
            if kind == _GGUF_ARRAY:
                item, count = take("<I"), take("<Q")
                if item in _GGUF_SCALARS:
                    pos += count * struct.calcsize(_GGUF_SCALARS[item])
                else:
                    for _ in range(count):
                        value(item)
                return f"<array of {count}>"
            return take(_GGUF_SCALARS[kind])

        if bytes(buf[:4]) != b"GGUF":
            raise ValueError(f"{path} is not a GGUF file")
        pos = 4
        version, n_tensors, n_kv = take("<I"), take("<Q"), take("<Q")
        metadata: dict = {"gguf.version": version}
        for _ in range(n_kv):
            key = string()
            metadata[key] = value(take("<I"))
        tensors = []
        for _ in range(n_tensors):
            name = string()
            shape = tuple(take("<Q") for _ in range(take("<I")))
            kind = gguf.GGMLQuantizationType(take("<I"))
            take("<Q")  # offset into the data section
            n = 1
            for dim in shape:
                n *= dim
            block, block_bytes = gguf.GGML_QUANT_SIZES[kind]
            tensors.append(GGUFTensor(name, kind.name, shape, n, n // block * block_bytes))
    return metadata, tensors


def smollm2_gguf_path() -> Path:
    """The GGUF file of the course's chat model (SmolLM2-135M-Instruct, mostly Q4_1)."""
    from coursekit.llm import GGUF_NAME, _gguf_dir

    return _gguf_dir() / GGUF_NAME
