"""Drivers: themes and keywords of the comments, counted with the polarity each comment gives them (aspects)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from feedback.models import FeedbackItem
from insights.drivers import score_drivers
from insights.filters import ScoreFilters
from tests.surveys.factories import SurveyFactory

pytestmark = pytest.mark.django_db

SUPPORT_GREAT_BILLING_A_MESS = [{"term": "support", "label": "pos"}, {"term": "billing", "label": "neg"}]


def _answer(n, score, keywords, aspects):
    FeedbackItem.objects.create(
        source="response",
        source_id=n,
        text="…",
        survey_kind="nps",
        survey_id=1,
        score=score,
        keywords=keywords,
        aspects=aspects,
        status=FeedbackItem.Status.ANALYSED,
        given_at=timezone.now(),
    )


def _drivers():
    today = timezone.localdate()
    report = score_drivers(
        filters=ScoreFilters(kind="nps"), since=today - timedelta(days=1), until=today + timedelta(days=1)
    )
    return {driver.key: driver for driver in report.drivers}, report


def test_a_detractor_praising_support_and_blaming_billing_counts_as_praise_for_one_and_a_complaint_about_the_other():
    # given: three detractors who say "support was great, billing is a mess", three promoters praising support
    for n in range(3):
        _answer(n, 2, ["support", "billing"], SUPPORT_GREAT_BILLING_A_MESS)
        _answer(10 + n, 10, ["support"], [{"term": "support", "label": "pos"}])
    _answer(20, 8, ["app"], [{"term": "app", "label": "neu"}])

    # when
    drivers, report = _drivers()

    # then
    support, billing = drivers["theme:support"], drivers["theme:billing"]
    assert (support.mentions, support.praise, support.complaints) == (6, 6, 0)
    assert (billing.mentions, billing.praise, billing.complaints) == (3, 0, 3)
    assert support.negative_share == 0  # no detractor holds support against us
    assert support.positive_share == 1
    assert billing.negative_share == 1
    assert billing.positive_share == 0
    assert support.figure.n == 0  # every mention praises it: none holds it against the score
    assert billing.figure.estimate.value == -100
    assert billing.contribution < 0
    assert report.drivers[0].key == "theme:billing"  # what pulls the score down comes first


def test_a_complaint_counts_against_the_driver_whoever_makes_it():
    for n in range(3):
        aspects = [{"term": "billing", "label": "neg"}, {"term": "support", "label": "pos"}]
        _answer(n, 9, ["billing", "support"], aspects)
        _answer(10 + n, 2, ["billing"], [{"term": "billing", "label": "neg"}])
    drivers, _report = _drivers()
    billing = drivers["theme:billing"]
    assert billing.complaints == 6
    assert billing.figure.n == 6  # the promoters' complaints too: chosen by what is said, not by the score
    assert billing.figure.estimate.value == 0
    assert billing.positive_share == 0  # no promoter mentions it other than negatively
    assert drivers["theme:support"].positive_share == 1


def test_comments_analysed_before_aspects_count_as_they_always_did():
    for n in range(3):
        _answer(n, 2, ["support", "billing"], [])
        _answer(10 + n, 10, ["support"], [])
    drivers, _report = _drivers()
    support = drivers["theme:support"]
    assert (support.mentions, support.praise, support.complaints) == (6, 0, 0)  # polarity unknown
    assert support.figure.n == 6
    assert support.negative_share == 1  # every detractor mentions it
    assert support.positive_share == 1


def test_a_mixed_mention_counts_as_praise_and_complaint_and_explains_any_score():
    aspects = [{"term": "support", "label": "pos"}, {"term": "agent", "label": "neg"}]
    for n in range(3):
        _answer(n, 2, ["support", "agent"], aspects)
    support = _drivers()[0]["theme:support"]
    assert (support.mentions, support.praise, support.complaints) == (3, 3, 3)
    assert support.negative_share == 1


def test_the_api_and_the_dashboard_show_praise_and_complaints(role_client, client, user_with_role):
    SurveyFactory(kind="nps")
    for n in range(3):
        _answer(n, 2, ["support", "billing"], SUPPORT_GREAT_BILLING_A_MESS)
    today = timezone.localdate()
    period = {"since": str(today - timedelta(days=1)), "until": str(today + timedelta(days=1))}

    response = role_client("CX lead", "lead").get("/api/v1/metrics/drivers/", period)

    assert response.status_code == 200, response.content
    shown = {d["key"]: d for d in response.json()["drivers"]}
    assert (shown["theme:billing"]["complaints"], shown["theme:billing"]["praise"]) == (3, 0)
    assert (shown["theme:support"]["complaints"], shown["theme:support"]["praise"]) == (0, 3)
    assert shown["theme:support"]["mentions"] == 3
    assert shown["theme:support"]["negative_share"] == 0

    client.force_login(user_with_role("CX staff", "staff"))
    html = client.get("/admin/insights/", period).content.decode()
    assert 'data-key="theme:billing" data-n="3" data-complaints="3" data-praise="0"' in html
    assert 'data-key="theme:support" data-n="3" data-complaints="0" data-praise="3"' in html
