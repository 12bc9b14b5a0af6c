# Plausible wrong answers, one per answer cell. `course verify` proves each one loses points.

# %% pack_impl  (stops at the first chunk that does not fit, as if the budget were a queue that is now full)
def jaccard(a: str, b: str) -> float:
    A, B = set(content_words(a)), set(content_words(b))
    return len(A & B) / len(A | B) if A | B else 0.0


def pack_context(ranked: list[dict], budget: int, count_tokens, near_dup: float = 0.8) -> list[Source]:
    kept, used = [], 0
    for c in ranked:
        if not content_words(c["text"]):
            continue
        if any(jaccard(c["text"], s.text) >= near_dup for s in kept):
            continue
        candidate = Source(len(kept) + 1, c["chunk_id"], c["title"], c["text"])
        cost = count_tokens(source_block(candidate))
        if used + cost > budget:
            break
        kept.append(candidate)
        used += cost
    return kept

# %% extractive_impl  (ranks by the raw number of shared words and answers whenever any word matches: never abstains on a weak match)
def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]


def extractive_answer(question: str, sources: list[Source], k: int = 2, min_overlap: float = 0.5) -> Answer:
    q = set(content_words(question))
    scored = []
    for i, source in enumerate(sources):
        for j, sentence in enumerate(split_sentences(source.text)):
            shared = len(q & set(content_words(sentence)))
            if shared > 0:
                scored.append((-shared, i, j, sentence, source.number))
    if not scored:
        return Answer(IDK, [], abstained=True)
    best = sorted(scored)[:k]
    text = " ".join(f"{sentence} [{number}]" for _, _, _, sentence, number in best)
    return Answer(text, list(dict.fromkeys(number for *_, number in best)))

# %% schema_impl  (checks only the upper bound, thinking of list indexes: citation 0 slips through)
class CitedAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    answer: str = Field(min_length=1)
    citations: list[int]

    @field_validator("citations")
    @classmethod
    def cite_given_sources(cls, citations: list[int], info: ValidationInfo) -> list[int]:
        n = (info.context or {}).get("n_sources")
        if n is None:
            raise ValueError("n_sources is missing from the validation context")
        if any(c > n for c in citations):
            raise ValueError(f"citations must be at most {n}")
        return list(dict.fromkeys(citations))

    @model_validator(mode="after")
    def abstain_without_citations(self):
        if self.answer == IDK and self.citations:
            raise ValueError("an abstention cites nothing")
        if self.answer != IDK and not self.citations:
            raise ValueError("an answer needs at least one citation")
        return self

# %% llm_impl  (retries the identical request: at temperature 0 the model repeats the same invalid reply)
def answer_with_llm(model, question: str, sources: list[Source], max_tokens: int = 128) -> Answer:
    if not sources:
        return Answer(IDK, [], abstained=True)
    messages = answer_messages(question, sources)
    context = {"n_sources": len(sources)}
    for _ in range(2):
        reply = model.complete(messages, max_tokens=max_tokens, temperature=0)
        try:
            parsed = CitedAnswer.model_validate_json(reply.text, context=context)
        except ValidationError:
            continue
        if parsed.answer == IDK:
            return Answer(IDK, [], abstained=True)
        return Answer(parsed.answer, parsed.citations)
    return Answer(REFUSAL, [], abstained=True)

# %% render_impl  (keeps the model's numbers and lists the sources in numeric order: the reader sees [3] before [1])
def render_citations(answer: Answer, sources: list[Source]) -> str:
    if answer.abstained:
        return answer.text
    by_number = {s.number: s for s in sources}
    in_text = [int(n) for n in re.findall(r"\[(\d+)\]", answer.text)]
    cited = sorted(set(in_text) | set(answer.citations))
    if any(n not in by_number for n in cited):
        raise ValueError("unknown citation")
    if not cited:
        return answer.text
    text = answer.text + "".join(f" [{n}]" for n in answer.citations if n not in in_text)
    return text + "\n\nSources:\n" + "\n".join(f"[{n}] {by_number[n].title} ({by_number[n].chunk_id})" for n in cited)

# %% extractive_impl  (filters the pieces with s.strip() but keeps them unstripped: a source that starts with spaces yields "  Keys rotate.")
def split_sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]


def extractive_answer(question: str, sources: list[Source], k: int = 2, min_overlap: float = 0.5) -> Answer:
    q = set(content_words(question))
    if not q:
        return Answer(IDK, [], abstained=True)
    scored = []  # (score, source position, sentence position, sentence, number)
    for i, source in enumerate(sources):
        for j, sentence in enumerate(split_sentences(source.text)):
            score = len(q & set(content_words(sentence))) / len(q)
            if score >= min_overlap:
                scored.append((-score, i, j, sentence, source.number))
    if not scored:
        return Answer(IDK, [], abstained=True)
    best = sorted(scored)[:k]
    text = " ".join(f"{sentence} [{number}]" for _, _, _, sentence, number in best)
    citations = list(dict.fromkeys(number for *_, number in best))
    return Answer(text, citations)
