# Plausible wrong answers, one per answer cell. `course verify` proves each one loses points.

# %% ranking_impl  (cuts the chunk list at k first, then dedupes: "top 3" becomes 2 pages when a page has 2 chunks)
def page_ranking(chunk_ids: list[str], k: int) -> list[str]:
    return list(dict.fromkeys(chunk_id.rsplit("#", 1)[0] for chunk_id in chunk_ids[:k]))


def recall_at_k(ranking: list[str], relevant, k: int) -> float:
    relevant = set(relevant)
    if not relevant:
        return 0.0
    return len(set(ranking[:k]) & relevant) / len(relevant)


def precision_at_k(ranking: list[str], relevant, k: int) -> float:
    if k <= 0:
        return 0.0
    return len(set(ranking[:k]) & set(relevant)) / k


def reciprocal_rank(ranking: list[str], relevant, k: int) -> float:
    for rank, doc in enumerate(ranking[:k], start=1):
        if doc in set(relevant):
            return 1.0 / rank
    return 0.0

# %% ndcg_impl  (builds the ideal ranking from the grades of the RETRIEVED pages: a lone grade-1 hit scores 1.0)
def ndcg_at_k(ranking: list[str], grades: dict[str, int], k: int) -> float:
    gains = [2 ** grades.get(doc, 0) - 1 for doc in ranking[:k]]
    dcg = sum(g / math.log2(rank + 1) for rank, g in enumerate(gains, start=1))
    ideal = sum(g / math.log2(rank + 1) for rank, g in enumerate(sorted(gains, reverse=True), start=1))
    return dcg / ideal if ideal > 0 else 0.0

# %% bootstrap_impl  (hard-codes the 2.5th and 97.5th percentiles: right for 95 %, ignores `level`)
def bootstrap_ci(values, n_resamples: int = 2000, level: float = 0.95, seed: int = 0) -> tuple[float, float]:
    values = np.asarray(values, dtype=float)
    if len(values) == 0:
        raise ValueError("no values")
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, len(values), size=(n_resamples, len(values)))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)

# %% compare_impl  (averages only over the questions each run has: a run that timed out on hard questions looks better)
def compare_configs(runs, qrels, k: int = 5) -> pd.DataFrame:
    rows = []
    for name, results in runs.items():
        recall, rr, ndcg = [], [], []
        for qid, grades in qrels.items():
            relevant = {doc for doc, g in grades.items() if g > 0}
            if not relevant or qid not in results:
                continue
            ranking = page_ranking(results[qid], k)
            recall.append(recall_at_k(ranking, relevant, k))
            rr.append(reciprocal_rank(ranking, relevant, k))
            ndcg.append(ndcg_at_k(ranking, grades, k))
        low, high = bootstrap_ci(ndcg)
        rows.append({"config": name, f"recall@{k}": float(np.mean(recall)), "mrr": float(np.mean(rr)),
                     f"ndcg@{k}": float(np.mean(ndcg)), "ndcg_low": low, "ndcg_high": high, "questions": len(ndcg)})
    return pd.DataFrame(rows).sort_values([f"ndcg@{k}", "config"], ascending=[False, True]).set_index("config")

# %% citations_impl  (checks the sentence against ALL sources: a true sentence with the wrong citation passes)
def check_citations(answer: str, sources: list[str], threshold: float = 0.5) -> list[dict]:
    results = []
    for sentence in [s for s in re.split(r"(?<=[.!?])\s+", answer.strip()) if s]:
        citations = [int(n) for n in re.findall(r"\[(\d+)\]", sentence)]
        claim = {w for w in re.findall(r"\w+", re.sub(r"\[\d+\]", " ", sentence).lower()) if w not in STOPWORDS}
        support = 0.0
        if claim and citations:
            for source in sources:
                words_in_source = set(re.findall(r"\w+", source.lower()))
                support = max(support, len(claim & words_in_source) / len(claim))
        results.append({"sentence": sentence, "citations": citations, "support": support,
                        "supported": support >= threshold})
    return results


def groundedness(answer: str, sources: list[str], threshold: float = 0.5) -> float:
    checked = check_citations(answer, sources, threshold)
    return sum(c["supported"] for c in checked) / len(checked) if checked else 0.0

# %% abstention_impl  (trusts the grader's `correct` flag on unanswerable questions: made-up answers count as right)
def abstention_metrics(records: list[dict]) -> dict[str, float]:
    def rate(hits, total):
        return hits / total if total else float("nan")

    answerable = [r for r in records if r["answerable"]]
    unanswerable = [r for r in records if not r["answerable"]]
    answered = [r for r in records if not r["abstained"]]
    return {
        "answer_rate": rate(sum(not r["abstained"] for r in answerable), len(answerable)),
        "abstention_rate": rate(sum(r["abstained"] for r in unanswerable), len(unanswerable)),
        "answered_accuracy": rate(sum(r["correct"] for r in answered), len(answered)),
    }


def pick_threshold(scores: list[float], answerable: list[bool], min_answer_rate: float) -> float:
    answerable_scores = sorted((s for s, a in zip(scores, answerable) if a), reverse=True)
    if not answerable_scores:
        raise ValueError("no answerable questions")
    needed = math.ceil(min_answer_rate * len(answerable_scores))
    return float(answerable_scores[max(needed, 1) - 1])

# %% compare_impl  (goes through the configurations by name, then sorts by nDCG alone: the default sort keeps names in order on 2 rows, not on 40)
def compare_configs(runs: dict[str, dict[str, list[str]]], qrels: dict[str, dict[str, int]], k: int = 5) -> pd.DataFrame:
    answerable = {qid: grades for qid, grades in qrels.items() if any(g > 0 for g in grades.values())}
    rows = []
    for name, results in sorted(runs.items()):
        recall, rr, ndcg = [], [], []
        for qid, grades in answerable.items():
            ranking = page_ranking(results.get(qid, []), k)
            relevant = {doc for doc, g in grades.items() if g > 0}
            recall.append(recall_at_k(ranking, relevant, k))
            rr.append(reciprocal_rank(ranking, relevant, k))
            ndcg.append(ndcg_at_k(ranking, grades, k))
        low, high = bootstrap_ci(ndcg)
        rows.append({"config": name, f"recall@{k}": float(np.mean(recall)), "mrr": float(np.mean(rr)),
                     f"ndcg@{k}": float(np.mean(ndcg)), "ndcg_low": low, "ndcg_high": high, "questions": len(ndcg)})
    table = pd.DataFrame(rows).sort_values(f"ndcg@{k}", ascending=False)
    return table.set_index("config")
