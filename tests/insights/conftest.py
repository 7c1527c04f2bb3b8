"""Answers the insights tests count: four months of NPS at three touchpoints, in two plans and three languages."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from surveys.services import CustomerIdentity, response_submit
from tests.surveys.factories import CustomerFactory, SurveyFactory, TouchpointFactory


@pytest.fixture
def answers(settings):
    """400 NPS answers over four months at three touchpoints, in two plans and three languages."""
    settings.TIME_ZONE = "Asia/Shanghai"
    survey = SurveyFactory(kind="nps", name="Relationship NPS")
    touchpoints = [
        TouchpointFactory(key=key, name=name)
        for key, name in (("onboarding", "Onboarding"), ("support", "客服"), ("billing", "Billing"))
    ]
    for n, plan in enumerate(("pro", "basic")):
        CustomerFactory(external_id=f"acme-{n}", plan=plan, account="Acme 集团")
    rng = random.Random(7)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(400):
        touchpoint = touchpoints[i % 3]
        score = rng.choice(range(0, 7) if touchpoint.key == "support" and i % 2 else range(0, 11))
        response_submit(
            survey_key=survey.public_key,
            score=score,
            comment=("客服太慢了 😡", "Onboarding was smooth", "")[i % 3],
            locale=("zh-hans", "en", "zh-hant")[i % 3],
            touchpoint_key=touchpoint.key,
            customer=CustomerIdentity(external_id=f"acme-{i % 2}") if i % 4 else None,
            submitted_at=start + timedelta(hours=7 * i),
        )
    # 2026-01-31 17:00 UTC is already February 1st in Shanghai
    response_submit(
        survey_key=survey.public_key,
        score=0,
        touchpoint_key="billing",
        submitted_at=datetime(2026, 1, 31, 17, tzinfo=UTC),
    )
    return survey
