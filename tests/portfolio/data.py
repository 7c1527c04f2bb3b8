"""A small portfolio written straight into the models: three accounts, their scores explained, history and usage.

Acme is red despite heavy use (its people answer as detractors about a sync failure, a case is
open); Globex is green; Initech has no score yet. Nothing here runs the scoring.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Account, AccountSignal, HealthSnapshot
from feedback.models import FeedbackItem
from tests.closedloop.factories import CaseFactory
from tests.surveys.factories import ResponseFactory, SurveyFactory, TouchpointFactory

# The points add up to the score: 12 + 3 + 0 + 10 + 6 + 0 = 31; one measure has no data.
ACME_HEALTH = [
    {"key": "active_users", "window": "mean_30", "value": 412.0, "weight": 20, "points": 12},
    {"key": "logins", "window": "trend_30", "value": -34.5, "weight": 15, "points": 3},
    {"key": "payment_overdue_days", "window": "latest", "value": None, "weight": 0, "points": 0, "missing": True},
    {"key": "nps", "window": "latest", "value": -60.0, "weight": 25, "points": 10},
    {"key": "negative_comment_share", "window": "latest", "value": 0.75, "weight": 20, "points": 6},
    {"key": "open_cases", "window": "latest", "value": 2.0, "weight": 20, "points": 0},
]
ACME_TEMPERATURE = [
    {"key": "active_users", "window": "share", "per_key": "seats", "value": 0.92, "weight": 50, "points": 40},
    {"key": "features_used", "window": "trend_30", "value": 5.0, "weight": 30, "points": 18},
    {"key": "promoters", "window": "latest", "value": None, "weight": 0, "points": 0, "missing": True},
    {"key": "seats", "window": "latest", "value": 450.0, "weight": 20, "points": 6},
]
GLOBEX_HEALTH = [
    {"key": "active_users", "window": "mean_30", "value": 80.0, "weight": 50, "points": 45},
    {"key": "nps", "window": "latest", "value": 50.0, "weight": 50, "points": 40},
]


def portfolio(*, csm=None, other_csm=None, today: date | None = None) -> dict[str, Account]:
    """Three accounts; Acme red and renewing last of the three, so the order is not the renewal order alone."""
    today = today or timezone.localdate()
    now = timezone.now()
    acme = Account.objects.create(
        external_id="acme",
        name="Acme 集团",
        plan="enterprise",
        mrr=Decimal("14779.00"),
        stage="renewal",
        contract_start=today - timedelta(days=340),
        renewal_date=today + timedelta(days=23),
        csm=csm,
        health_score=31,
        health_band="red",
        health_measures=ACME_HEALTH,
        temperature=64,
        temperature_band="yellow",
        temperature_measures=ACME_TEMPERATURE,
        health_computed_at=now,
    )
    globex = Account.objects.create(
        external_id="globex",
        name="Globex",
        plan="team",
        mrr=Decimal("980.50"),
        stage="adoption",
        renewal_date=today + timedelta(days=5),
        csm=other_csm,
        health_score=85,
        health_band="green",
        health_measures=GLOBEX_HEALTH,
        temperature=70,
        temperature_band="green",
        health_computed_at=now,
    )
    initech = Account.objects.create(external_id="initech", name="Initech", plan="team", renewal_date=None)
    HealthSnapshot.objects.bulk_create(
        HealthSnapshot(
            account=acme,
            date=today - timedelta(days=back),
            health_score=max(31, 80 - (179 - back) // 3) if back % 11 != 5 else None,
            health_band="green" if back > 120 else "yellow" if back > 40 else "red",
            computed_at=now,
        )
        for back in range(179, -1, -1)
        if back not in range(60, 70)  # ten days without a snapshot: a gap in the line
    )
    AccountSignal.objects.bulk_create(
        AccountSignal(account=acme, date=today - timedelta(days=back), key=key, value=value)
        for back in range(90)
        for key, value in (
            ("active_users", 400 + back % 7 * 5),
            ("logins", 900 - (89 - back) * 4),
            ("seats", 450),
            ("tickets_opened", back % 3),
        )
    )
    survey = SurveyFactory(kind="nps", name="Relationship NPS")
    touchpoint = TouchpointFactory(key="oa-sync", name="OA sync")
    angry = ResponseFactory(
        survey=survey,
        touchpoint=touchpoint,
        score=2,
        account="acme",
        comment="审批同步到OA一直失败，客服说不是他们的系统",
        submitted_at=now - timedelta(days=3),
    )
    ResponseFactory(survey=survey, score=9, account="acme", submitted_at=now - timedelta(days=40))
    ResponseFactory(survey=survey, score=10, account="globex", comment="Great", submitted_at=now - timedelta(days=2))
    FeedbackItem.objects.create(
        source="response",
        source_id=angry.pk,
        text=angry.comment,
        given_at=angry.submitted_at,
        status="analysed",
        language="zh",
        label="neg",
        polarity=-0.74,
        customer_account="acme",
    )
    CaseFactory(
        source_id=angry.pk,
        customer_account="acme",
        comment=angry.comment,
        opened_at=now - timedelta(days=3) + timedelta(minutes=5),
        given_at=angry.submitted_at,
    )
    return {"acme": acme, "globex": globex, "initech": initech}
