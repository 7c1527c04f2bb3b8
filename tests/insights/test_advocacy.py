"""Advocacy figures for the dashboard: the closed loop's referral figures and ROI, set against surveys' customers."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from closedloop import selectors as closedloop_selectors
from insights.advocacy import referral_kpis
from tests.closedloop.factories import AdvocateFactory, ReferralFactory
from tests.surveys.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_the_referral_figures_and_roi_are_the_closed_loop_s_and_the_k_factor_counts_customers_known_before():
    now = timezone.now()
    since = now - timedelta(days=30)
    for _ in range(4):
        customer = CustomerFactory()
        customer.created_at = now - timedelta(days=60)
        customer.save(update_fields=["created_at"])
    CustomerFactory()  # known only since the period began
    advocate = AdvocateFactory(visits=5)
    for kind, revenue in (("signup", 0), ("signup", 0), ("conversion", "150.00")):
        ReferralFactory(advocate=advocate, kind=kind, revenue=Decimal(revenue), occurred_at=now - timedelta(days=1))

    kpis = referral_kpis(since=since, until=now, reward_cost=Decimal("50"))
    figures = closedloop_selectors.referral_figures(since=since, until=now, reward_cost=Decimal("50"))

    assert kpis.roi == figures.roi == pytest.approx(2.0)  # (150 − 50) / 50
    assert kpis.conversion_rate == figures.conversion_rate == 0.5
    assert (kpis.signups, kpis.conversions, kpis.revenue, kpis.link_visits) == (2, 1, Decimal("150.00"), 5)
    assert kpis.existing_customers == 4
    assert kpis.k_factor == pytest.approx(1 / 4)
    assert referral_kpis(since=since, until=now).roi is None  # no reward cost, no ROI
