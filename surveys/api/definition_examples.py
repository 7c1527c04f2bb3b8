"""The request example of the survey definition import (/api/docs/): a file as `survey_export` writes it."""

from drf_spectacular.utils import OpenApiExample

SURVEY_DEFINITION = {
    "format": "cxplatform.survey",
    "version": 1,
    "survey": {
        "name": "Onboarding NPS (imported)",
        "kind": "nps",
        "question": {
            "en": "How likely are you to recommend us to a friend or colleague?",
            "zh-hans": "您有多大可能向朋友或同事推荐我们？",
            "zh-hant": "您有多大可能向朋友或同事推薦我們？",
        },
        "follow_up": {"en": "What is the main reason for your score?", "zh-hans": "", "zh-hant": ""},
        "consent": {"en": "", "zh-hans": "", "zh-hant": ""},
        "default_locale": "en",
        "active": False,
        "require_identity": False,
        "widget_origins": [],
    },
    "questions": [
        {
            "key": "main_reason",
            "kind": "single",
            "text": {"en": "What matters most to you?", "zh-hans": "您最看重什么？", "zh-hant": "您最看重什麼？"},
            "required": False,
            "shown_to": None,
            "options": [
                {"key": "price", "en": "Price", "zh-hans": "价格", "zh-hant": "價格"},
                {"key": "support", "en": "Support", "zh-hans": "支持", "zh-hant": "支援"},
            ],
        }
    ],
    "contact_rules": [],
}
SURVEY_DEFINITION_EXAMPLES = [
    OpenApiExample(
        "A survey with one question",
        value=SURVEY_DEFINITION,
        request_only=True,
        description="What GET /api/v1/surveys/{id}/definition/ returns; the survey's name must be new here.",
    ),
]
