"""The chat-model interface: the local model, the test double, the OpenAI-compatible client."""

from __future__ import annotations

import json

import httpx
import pytest

from coursekit import llm

ASK = [{"role": "user", "content": "What is the capital of France? Answer in one word."}]


def test_local_model_answers_offline():
    model = llm.default_model()
    reply = model.complete(ASK, max_tokens=12)
    assert "paris" in reply.text.lower()
    assert reply.prompt_tokens == model.count_tokens(ASK) > 5
    assert 0 < reply.completion_tokens <= 12 and reply.latency_s > 0 and reply.model == llm.LOCAL_NAME
    again = model.complete(ASK, max_tokens=12)
    assert again.text == reply.text, "temperature 0 is deterministic"


def test_local_model_cuts_at_stop_strings():
    reply = llm.LocalChatModel().complete(ASK, max_tokens=12, stop=["Paris"])
    assert "Paris" not in reply.text


def test_scripted_model_replays_in_order_and_records_calls():
    model = llm.ScriptedChatModel(["first answer", "second"])
    assert model.complete(ASK).text == "first answer"
    reply = model.complete([{"role": "user", "content": "again please"}], max_tokens=5)
    assert (reply.text, reply.prompt_tokens, reply.completion_tokens) == ("second", 2, 1)
    assert len(model.calls) == 2 and model.calls[1][0]["content"] == "again please"
    with pytest.raises(llm.LLMError, match="only 2 replies"):
        model.complete(ASK)


def test_scripted_model_applies_budget_and_stop():
    model = llm.ScriptedChatModel(lambda messages: "one two three four. five six")
    assert model.complete(ASK, max_tokens=2).text == "one two"
    assert model.complete(ASK, stop=["."]).text == "one two three four"


def test_recording_model_records_the_options_each_call_passed():
    model = llm.RecordingChatModel(llm.ScriptedChatModel(["one two three", "four"]))
    assert model.complete(ASK, max_tokens=2, temperature=0).text == "one two"
    assert model.complete(ASK).text == "four"
    assert model.options == [{"max_tokens": 2, "temperature": 0}, {}], "only what the caller passed"
    assert model.name == "scripted" and model.count_tokens(ASK) == model.inner.count_tokens(ASK)
    with pytest.raises(TypeError):
        model.complete(ASK, top_k=3)  # the inner model's signature still decides what is accepted


@pytest.mark.parametrize("bad", [[], [{"role": "robot", "content": "hi"}], [{"role": "user", "content": 3}]])
def test_bad_messages_are_rejected(bad):
    with pytest.raises(ValueError):
        llm.ScriptedChatModel(["x"]).complete(bad)


def test_openai_compatible_client_speaks_the_protocol():
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["url"], seen["auth"], seen["body"] = str(request.url), request.headers.get("authorization"), json.loads(request.content)
        return httpx.Response(200, json={"model": "m1", "choices": [{"message": {"content": " Paris "}}],
                                         "usage": {"prompt_tokens": 20, "completion_tokens": 2}})

    model = llm.OpenAICompatibleChatModel("http://llm.local/v1/", "m1", api_key="k", transport=httpx.MockTransport(handler))
    reply = model.complete(ASK, max_tokens=7, stop=["\n"])
    assert (reply.text, reply.prompt_tokens, reply.completion_tokens) == ("Paris", 20, 2)
    assert seen["url"] == "http://llm.local/v1/chat/completions" and seen["auth"] == "Bearer k"
    assert seen["body"]["max_tokens"] == 7 and seen["body"]["stop"] == ["\n"] and seen["body"]["messages"] == ASK


def test_openai_compatible_client_errors_are_llm_errors():
    failing = httpx.MockTransport(lambda request: httpx.Response(503, text="overloaded"))
    model = llm.OpenAICompatibleChatModel("http://llm.local/v1", "m1", transport=failing)
    with pytest.raises(llm.LLMError, match="503"):
        model.complete(ASK)


def test_backend_is_chosen_from_the_environment(monkeypatch):
    monkeypatch.setenv("COURSE_LLM_BACKEND", "openai")
    monkeypatch.delenv("COURSE_LLM_BASE_URL", raising=False)
    with pytest.raises(llm.LLMError, match="COURSE_LLM_BASE_URL"):
        llm.default_model()
    monkeypatch.setenv("COURSE_LLM_BASE_URL", "http://x/v1")
    monkeypatch.setenv("COURSE_LLM_MODEL", "m")
    assert isinstance(llm.default_model(), llm.OpenAICompatibleChatModel)
    monkeypatch.setenv("COURSE_LLM_BACKEND", "nope")
    with pytest.raises(llm.LLMError):
        llm.default_model()
