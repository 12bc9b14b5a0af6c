"""What the capstone grader puts into the learner's app before it checks anything.

- The course's own lesson pages (prose, no code) for the retrieval and grounding questions.
- Runbook entries whose only difference is an identifier (error codes, config keys): a question
  that names the identifier has one right answer, which exact-match (BM25) retrieval finds and
  embeddings alone do not (near-identical texts get near-identical vectors).
- Short Korean documents whose words only match after morphological analysis (조사 removed).
- A secret document per tenant, for the isolation checks; many one-line documents for latency.

The labelled questions themselves live in the exercise notebook (the hidden ones in its hidden
tests), not here: this file is installed with the course, so a learner can read it.
"""

from __future__ import annotations

import random

# Pages the retrieval corpus is made of: stable lesson pages from modules 1 and 3.
COURSE_PAGES = (
    "01-cs-basics/complexity-and-data-structures",
    "01-cs-basics/concurrency",
    "01-cs-basics/http-apis",
    "01-cs-basics/production-python",
    "01-cs-basics/sql",
    "03-llm-apps/prompting",
    "03-llm-apps/safety",
    "03-llm-apps/structured-output",
)


def doc_id(page_id: str) -> str:
    """Document ids in the API are [A-Za-z0-9._:-]: a page id's '/' becomes ':'."""
    return page_id.replace("/", ":")


def course_documents() -> list[dict]:
    from coursekit.corpus import lesson_pages, prose

    modules = tuple(sorted({p.split("/")[0] for p in COURSE_PAGES}))
    pages = {p.doc_id: p for p in lesson_pages(modules)}
    missing = [p for p in COURSE_PAGES if p not in pages]
    if missing:
        raise RuntimeError(f"course pages missing from modules/: {missing}")
    return [{"id": doc_id(p), "text": prose(pages[p].text).strip(), "metadata": {"source": "course", "module": p.split("/")[0]}}
            for p in COURSE_PAGES]


# Runbook entries: same template, different identifier. Their words avoid "what", "does", "mean",
# "is", "for", "set", so a question like "What does E4127 mean?" matches one entry lexically.
RUNBOOK = {
    "rb-e4127": "Code E4127: the card issuer timed out before it approved the charge. Action: retry once after 30 seconds, then ask the customer to pay with another card.",
    "rb-e4172": "Code E4172: the card issuer reported the card as stolen. Action: decline the charge, keep the order on hold and alert the fraud team.",
    "rb-e4217": "Code E4217: the card issuer rejected the charge because of an expired card. Action: ask the customer to update the expiry date and try again.",
    "rb-e4271": "Code E4271: the card issuer declined the charge because of insufficient funds. Action: tell the customer and offer to split the payment.",
    "rb-e4712": "Code E4712: the card issuer could not verify the billing address. Action: ask the customer to check the postcode on file.",
    "rb-retry-backoff-ms": "Setting retry_backoff_ms: the pause before the first retry of a failed charge, in milliseconds. Default 200; each later retry doubles it.",
    "rb-retry-backoff-max-ms": "Setting retry_backoff_max_ms: the longest pause between two retries of a failed charge, in milliseconds. Default 5000.",
    "rb-retry-jitter-ms": "Setting retry_jitter_ms: random milliseconds added to each pause between retries of a failed charge, so clients spread out. Default 100.",
    "rb-retry-budget-pct": "Setting retry_budget_pct: the share of charges in one minute that may be retries, in percent. Default 10; above it, failed charges are not retried.",
}

# Korean documents (tenant alpha): the questions use other inflections of the same words.
KOREAN = {
    "ko-refund": "결제를 취소하면 환불은 영업일 기준 3일 안에 카드사로 처리됩니다. 부분 환불은 지원하지 않습니다.",
    "ko-shipping": "주문한 상품은 보통 이틀 안에 도착합니다. 제주도와 산간 지역은 하루가 더 걸립니다.",
    "ko-password": "비밀번호를 잊어버렸다면 로그인 화면에서 재설정 링크를 요청하세요. 링크는 30분 동안 유효합니다.",
    "ko-coupon": "쿠폰은 주문 한 건에 하나만 적용할 수 있으며, 유효기간이 지난 쿠폰은 사용할 수 없습니다.",
    "ko-invoice": "세금계산서는 마이페이지의 주문 내역에서 발급을 신청할 수 있습니다.",
    "ko-account": "회원 탈퇴를 하면 적립금과 주문 기록이 모두 삭제되며 복구할 수 없습니다.",
}

# One secret per tenant, for the isolation checks: words that appear nowhere else.
SECRETS = {
    "beta": {"id": "beta-secret", "text": "Project Zanzibar launch codes: the quokka protocol starts on the vernal equinox.",
             "metadata": {"secret": "yes"}},
    "alpha": {"id": "alpha-only", "text": "Alpha's internal memo about the marmalade migration of the billing ledger.",
              "metadata": {"secret": "yes"}},
}

ITEMS = ("order", "invoice", "parcel", "ticket", "refund", "shipment", "coupon", "review")
STATES = ("created", "paid", "packed", "shipped", "delivered", "returned", "cancelled", "delayed")


def latency_documents(n: int, seed: int = 7) -> list[dict]:
    """n one-line documents (one chunk each for any chunker), cheap to embed."""
    rng = random.Random(seed)
    return [{"id": f"lat-{i:05d}",
             "text": f"{rng.choice(ITEMS)} {rng.randrange(10**5):05d} {rng.choice(STATES)} at site {rng.randrange(40)}.",
             "metadata": {"shard": i % 4}}
            for i in range(n)]


LATENCY_QUERIES = tuple(f"{item} {state}" for item in ITEMS[:5] for state in STATES[:5]) * 2  # 50
