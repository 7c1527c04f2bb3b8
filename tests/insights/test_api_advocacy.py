"""The advocacy metrics endpoint: promoters, K-factor, revenue and ROI across the apps, and who may read them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.closedloop.factories import AdvocateFactory, ReferralFactory
from tests.surveys.factories import CustomerFactory, ResponseFactory, SurveyFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/metrics/advocates/"


@pytest.fixture
def period():
    now = timezone.now()
    nps = SurveyFactory(kind="nps")
    old = [CustomerFactory() for _ in range(8)]
    for customer in old:
        customer.created_at = now - timedelta(days=400)
        customer.save(update_fields=["created_at"])
    CustomerFactory(external_id="新客户")  # known only since the period began: not an existing customer
    for customer, score, consent, days in (
        (old[0], 10, True, 5),
        (old[0], 9, True, 4),
        (old[1], 9, False, 3),
        (None, 10, False, 2),
        (old[2], 3, False, 2),
        (old[3], 10, True, 90),  # before the period
    ):
        at = now - timedelta(days=days)
        ResponseFactory(survey=nps, customer=customer, score=score, consent_to_contact=consent, submitted_at=at)
    advocate = AdvocateFactory(customer_id=old[0].pk, customer_external_id=old[0].external_id, visits=12)
    referrals = (("signup", 0, 3), ("signup", 0, 2), ("conversion", "150.00", 1), ("conversion", 500, 60))
    for kind, revenue, days in referrals:
        ReferralFactory(advocate=advocate, kind=kind, revenue=Decimal(revenue), occurred_at=now - timedelta(days=days))
    return now - timedelta(days=30), now


def test_the_metrics_count_promoters_and_what_referrals_brought(period, settings, role_client):
    settings.CX_REFERRAL_REWARD_COST = Decimal("50")
    since, until = period

    res = role_client("Marketing", "mei").get(URL, {"since": since.isoformat(), "until": until.isoformat()})

    assert res.status_code == 200, res.content
    body = res.json()
    assert (body["promoters"], body["consented_promoters"], body["anonymous_promoter_answers"]) == (2, 1, 1)
    assert body["existing_customers"] == 8
    assert (body["signups"], body["conversions"], body["conversion_rate"]) == (2, 1, 0.5)
    assert body["k_factor"] == pytest.approx(1 / 8)
    assert body["revenue"] == "150.00"
    assert body["roi"] == pytest.approx(2.0)  # (150 − 50) / 50
    assert body["advocates_by_status"]["candidate"] == 1
    assert body["link_visits"] == 12


def test_without_a_reward_cost_there_is_no_roi_and_without_since_every_referral_counts(period, role_client):
    res = role_client("CX lead", "mei").get(URL)
    body = res.json()
    assert (body["conversions"], body["revenue"], body["roi"]) == (2, "650.00", None)
    assert body["existing_customers"] == 9


@pytest.mark.parametrize(("group", "allowed"), [("Marketing", True), ("CX lead", True), ("CX staff", False)])
def test_only_marketing_and_leads_see_advocacy_metrics(group, allowed, role_client):
    assert role_client(group, "someone").get(URL).status_code == (200 if allowed else 403)


def test_a_bad_period_is_a_400_naming_it(role_client):
    client = role_client("Marketing", "mei")
    res = client.get(URL, {"since": "last week"})
    assert res.status_code == 400
    assert set(res.json()["error"]["fields"]) == {"since"}
    now = timezone.now()
    res = client.get(URL, {"since": now.isoformat(), "until": (now - timedelta(days=1)).isoformat()})
    assert res.status_code == 400
    assert "until" in res.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/metrics/advocates/?until=", "until"),
    ],
)
def test_a_parameter_given_empty_or_mistyped_is_a_400_naming_it(root, url, field):
    response = root.get(url)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
