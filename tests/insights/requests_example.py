"""The requests the requests-report tests count: an Export theme asked for in both languages, by two accounts.

| item | customer | account | keywords         | kind | locale  | given (UTC)      |
|------|----------|---------|------------------|------|---------|------------------|
| zh1  | 1        | acme    | 导出, Excel      | nps  | zh-hans | 2026-03-01 02:00 |
| en1  | 2        | acme    | export           | nps  | en      | 2026-03-02 02:00 |
| en2  | 2        | acme    | EXPORT, dark mode| csat | en      | 2026-03-03 02:00 |
| tw1  | 3        | globex  | 匯出             | nps  | zh-hant | 2026-03-04 02:00 |
| anon | (none)   |         | dark mode        | nps  | en      | 2026-03-05 02:00 |
| bare | 4        | initech | (none)           | nps  | en      | 2026-03-06 02:00 |
| praise (not a request) | 5 | acme | export | nps | en | 2026-03-06 03:00 |

acme's MRR is 1000.00, globex's 500.00, initech's unknown (None).
Export: customers 1, 2, 3 (3), accounts acme, globex (2), MRR 1500.00 (acme once), requests 4.
"""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from accounts.models import Account
from feedback.models import FeedbackItem, Theme, ThemeTerm

SINCE, UNTIL = "2026-03-01", "2026-03-31"


def request_item(n: int, text: str, keywords, *, day: int, hour: int = 2, **fields) -> FeedbackItem:
    values = {
        "source": "response",
        "source_id": n,
        "text": text,
        "keywords": list(keywords),
        "given_at": datetime(2026, 3, day, hour, tzinfo=UTC),
        "survey_kind": "nps",
        "survey_id": 1,
        "score": 7,
        "status": FeedbackItem.Status.ANALYSED,
        "is_request": True,
        "language": "en",
        "locale": "en",
        **fields,
    }
    return FeedbackItem.objects.create(**values)


@pytest.fixture
def asks(db, settings):
    settings.TIME_ZONE = "UTC"
    export = Theme.objects.create(key="export", name_en="Export", name_zh="导出")
    for term in ("导出", "匯出", "export", "excel"):
        ThemeTerm.objects.create(theme=export, term=term)
    Account.objects.create(external_id="acme", name="Acme", mrr=Decimal("1000.00"))
    Account.objects.create(external_id="globex", name="Globex", mrr=Decimal("500.00"))
    Account.objects.create(external_id="initech", name="Initech", mrr=None)
    zh, tw = {"language": "zh", "locale": "zh-hans"}, {"language": "zh", "locale": "zh-hant"}
    acme, globex, initech = ({"customer_account": name} for name in ("acme", "globex", "initech"))
    items = {
        "zh1": request_item(1, "希望能导出Excel报表", ["导出", "Excel"], day=1, customer_id=1, **acme, **zh),
        "en1": request_item(2, "Please add an export to CSV", ["export"], day=2, customer_id=2, **acme),
        "en2": request_item(
            3,
            "=Could you add EXPORT and a dark mode?",
            ["EXPORT", "dark mode"],
            day=3,
            customer_id=2,
            survey_kind="csat",
            score=3,
            **acme,
        ),
        "tw1": request_item(4, "希望可以匯出報表", ["匯出"], day=4, customer_id=3, **globex, **tw),
        "anon": request_item(5, "A dark mode would be nice", ["dark mode"], day=5),
        "bare": request_item(6, "Can you make it better?", [], day=6, customer_id=4, **initech),
        "praise": request_item(
            7, "The export is great", ["export"], day=6, hour=3, customer_id=5, is_request=False, **acme
        ),
    }
    return items
