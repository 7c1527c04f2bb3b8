"""Advocacy figures: promoters and advocates, referrals, conversion rate, K-factor, revenue and ROI.

The referral figures and their ROI come from the closed loop (one place computes them, for its
admin and for these); the answers and customers they are set against come from surveys.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from closedloop import rules as closedloop_rules
from closedloop import selectors as closedloop_selectors
from surveys.models import Customer, Response


@dataclass(frozen=True, slots=True)
class AdvocacyMetrics:
    since: datetime | None
    until: datetime
    promoters: int  # customers with an NPS promoter answer in the period
    consented_promoters: int  # of those, customers who agreed to be contacted (the rest are never exported)
    anonymous_promoter_answers: int  # promoter answers from nobody we know: counted, never advocates
    existing_customers: int  # customers known when the period began
    advocates_by_status: dict[str, int]
    link_visits: int
    signups: int
    conversions: int
    conversion_rate: float | None  # conversions / signups
    k_factor: float | None
    revenue: Decimal
    reward_cost: Decimal  # per conversion, as configured
    roi: float | None


@dataclass(frozen=True, slots=True)
class ReferralKpis:
    """What advocates and their referrals brought over a period (no scan of the answers: the dashboard's share)."""

    existing_customers: int
    advocates_by_status: dict[str, int]
    link_visits: int
    signups: int
    conversions: int
    conversion_rate: float | None
    k_factor: float | None
    revenue: Decimal
    reward_cost: Decimal
    roi: float | None


def referral_kpis(*, since: datetime | None, until: datetime, reward_cost: Decimal = Decimal(0)) -> ReferralKpis:
    """Advocates, referrals, conversion rate, K-factor, revenue and ROI over `since <= t < until`."""
    existing = Customer.objects.filter(created_at__lt=since or until).count()
    figures = closedloop_selectors.referral_figures(since=since, until=until, reward_cost=reward_cost)
    return ReferralKpis(
        existing_customers=existing,
        advocates_by_status=figures.advocates_by_status,
        link_visits=figures.link_visits,
        signups=figures.signups,
        conversions=figures.conversions,
        conversion_rate=figures.conversion_rate,
        k_factor=closedloop_rules.k_factor(referred_customers=figures.conversions, existing_customers=existing),
        revenue=figures.revenue,
        reward_cost=figures.reward_cost,
        roi=figures.roi,
    )


def advocacy_metrics(
    *, since: datetime | None = None, until: datetime | None = None, reward_cost: Decimal = Decimal(0)
) -> AdvocacyMetrics:
    """Promoters and advocates, referrals, conversion rate, K-factor, revenue and ROI over `since <= t < until`.

    The K-factor divides the customers won through referrals (conversions) by the customers
    there were when the period began (all customers known before `until` without `since`).
    Reads surveys (customers, answers) and the closed loop's referral figures.
    """
    until = until or timezone.now()
    answers = Response.objects.filter(survey__kind="nps", classification="promoter", submitted_at__lt=until)
    if since is not None:
        answers = answers.filter(submitted_at__gte=since)
    counts = answers.aggregate(
        promoters=Count("customer", distinct=True),
        consented=Count("customer", filter=Q(consent_to_contact=True), distinct=True),
        anonymous=Count("id", filter=Q(customer__isnull=True)),
    )
    referrals = referral_kpis(since=since, until=until, reward_cost=reward_cost)
    return AdvocacyMetrics(
        since=since,
        until=until,
        promoters=counts["promoters"],
        consented_promoters=counts["consented"],
        anonymous_promoter_answers=counts["anonymous"],
        **{name: getattr(referrals, name) for name in ReferralKpis.__slots__},
    )
