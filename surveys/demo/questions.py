"""The demo's additional question: what mattered most, asked on the relationship NPS survey.

Each NPS answer of the demo chooses a reason from its own random stream (the rest of the demo
draws as before), weighted by its class: detractors mostly name reliability and price, promoters
the product and support; one in five leaves the optional question blank.
"""

import random

from surveys.models import Question, Survey

MAIN_REASON = {
    "key": "main_reason",
    "kind": Question.Kind.SINGLE,
    "position": 1,
    "text_en": "What mattered most in your score?",
    "text_zh_hans": "对您的打分影响最大的是什么？",
    "text_zh_hant": "對您的評分影響最大的是什麼？",
    "options": [
        {"key": "product", "en": "Product features", "zh-hans": "产品功能", "zh-hant": "產品功能"},
        {"key": "support", "en": "Support", "zh-hans": "客服支持", "zh-hant": "客服支援"},
        {"key": "price", "en": "Price", "zh-hans": "价格", "zh-hant": "價格"},
        {"key": "reliability", "en": "Reliability and sync", "zh-hans": "稳定性与同步", "zh-hant": "穩定性與同步"},
        {"key": "onboarding", "en": "Getting started", "zh-hans": "上手与培训", "zh-hant": "上手與培訓"},
    ],
}
_WEIGHTS = {
    "promoter": {"product": 4, "support": 3, "reliability": 1, "price": 1, "onboarding": 1},
    "passive": {"product": 2, "support": 2, "reliability": 2, "price": 3, "onboarding": 1},
    "detractor": {"product": 1, "support": 2, "reliability": 4, "price": 3, "onboarding": 2},
}
ANSWERED_SHARE = 0.8


def demo_question_ensure(survey: Survey) -> None:
    fields = {name: value for name, value in MAIN_REASON.items() if name != "key"}
    Question.objects.update_or_create(survey=survey, key=MAIN_REASON["key"], defaults=fields)


def demo_answers(rng: random.Random, classification: str) -> dict[str, object] | None:
    """The answers of one NPS answer of the demo (None for the other kinds: no question is asked)."""
    weights = _WEIGHTS.get(classification)
    if weights is None:
        return None
    if rng.random() >= ANSWERED_SHARE:
        return {}
    reasons, counts = zip(*weights.items(), strict=True)
    return {MAIN_REASON["key"]: rng.choices(reasons, weights=counts)[0]}
