"""Reading advocates: who marketing may export (and why the others are left out), the list, referral figures.

Re-exported by `closedloop.selectors`, where the rest of the app reads them.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import CharField, Count, DecimalField, Exists, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Concat
from django.urls import reverse

from accounts.models import Account
from closedloop import rules
from closedloop.models import Advocate, AdvocateOptOut, Referral

EXPORT_COLUMNS = (
    "customer_external_id",
    "customer_name",
    "customer_email",
    "customer_plan",
    "customer_account",
    "locale",
    "language",
    "status",
    "last_score",
    "last_comment",
    "touchpoint_key",
    "code",
    "consent_at",
    "last_answer_at",
    "visits",
    # what the advocate's referral link brought, all time (annotated: see export_figures)
    "referral_link",
    "signups",
    "conversions",
    "referral_revenue",
)
FIGURE_COLUMNS = ("referral_link", "signups", "conversions", "referral_revenue")


@dataclass(frozen=True, slots=True)
class AdvocateFilters:
    since: datetime | None = None
    touchpoint: str | None = None
    plan: str | None = None
    language: str | None = None
    status: str | None = None


def advocates_exportable(filters: AdvocateFilters = AdvocateFilters(), *, ids=None) -> QuerySet:
    """Advocates marketing may contact, as export rows (tuples in EXPORT_COLUMNS order), newest answer first.

    Only consented advocates who have not opted out, declined or turned detractor: a status filter
    (or a choice of `ids`, from the admin) narrows within those, never beyond.
    """
    return advocates_export_queryset(filters, ids=ids).values_list(*EXPORT_COLUMNS)


def advocates_export_queryset(filters: AdvocateFilters = AdvocateFilters(), *, ids=None) -> QuerySet[Advocate]:
    """The advocates an export holds (see advocates_exportable), in its order, as model rows."""
    rows = Advocate.objects.filter(status__in=Advocate.EXPORTABLE_STATUSES).exclude(  # consent_at is never empty
        # an opt-out that raced a new advocate's creation still keeps them out of every export
        Exists(AdvocateOptOut.objects.filter(customer_id=OuterRef("customer_id")))
    )
    if ids is not None:
        rows = rows.filter(pk__any_of=list(ids))  # one array parameter, however many were chosen
    if filters.since is not None:
        rows = rows.filter(last_answer_at__gte=filters.since)
    for field, value in (
        ("touchpoint_key", filters.touchpoint),
        ("customer_plan", filters.plan),
        ("language", filters.language),
        ("status", filters.status),
    ):
        if value is not None:
            rows = rows.filter(**{field: value})
    return rows.annotate(**export_figures()).order_by("-last_answer_at", "id")


def export_figures() -> dict:
    """The annotations of an export's referral columns: the link to share, and what it brought (all time)."""
    marker = "ADVOCATE-CODE"
    link = settings.CX_PUBLIC_BASE_URL.rstrip("/") + reverse("referral-visit", args=[marker])
    before, after = link.split(marker, 1)
    return {
        "referral_link": Concat(Value(before), "code", Value(after), output_field=CharField()),
        **referral_counts(),
        "referral_revenue": Coalesce(
            _per_advocate(Sum("revenue")),
            Value(Decimal("0.00")),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        ),
    }


def referral_counts() -> dict:
    """Signups and conversions per advocate, as annotations (correlated subqueries: see advocate_list)."""
    return {
        "signups": Coalesce(_per_advocate(Count("id"), Referral.Kind.SIGNUP), 0),
        "conversions": Coalesce(_per_advocate(Count("id"), Referral.Kind.CONVERSION), 0),
    }


def _per_advocate(aggregate, kind=None):
    referrals = Referral.objects.filter(advocate=OuterRef("pk"))
    if kind is not None:
        referrals = referrals.filter(kind=kind)
    return Subquery(referrals.order_by().values("advocate").annotate(x=aggregate).values("x")[:1])


# Why a chosen advocate is not exported, by the first that applies.
LEFT_OUT_OPTED_OUT = "opted_out"  # opted out, unsubscribed or forgotten: no consent to be contacted any more
LEFT_OUT_DECLINED = "declined"
LEFT_OUT_DETRACTOR = "inactive"  # a later detractor answer retired them


def advocates_left_out(*, ids) -> dict[str, int]:
    """Of these advocates, how many an export leaves out, by reason (see advocates_export_queryset)."""
    opted_out = Exists(AdvocateOptOut.objects.filter(customer_id=OuterRef("customer_id")))
    rows = Advocate.objects.filter(pk__any_of=list(ids)).order_by()
    counts = rows.aggregate(
        opted_out=Count("id", filter=Q(status=Advocate.Status.OPTED_OUT) | Q(opted_out)),
        declined=Count("id", filter=Q(status=Advocate.Status.DECLINED) & ~Q(opted_out)),
        inactive=Count("id", filter=Q(status=Advocate.Status.INACTIVE) & ~Q(opted_out)),
    )
    return {reason: count for reason, count in counts.items() if count}


def advocates_of_accounts_in_band(advocates: QuerySet[Advocate], band: str) -> QuerySet[Advocate]:
    """The advocates whose account (their snapshot's account, by external id) is in this health band now.

    Green: the advocates suggested to marketing, consenting promoters of healthy accounts.
    """
    return advocates.filter(customer_account__in=Account.objects.filter(health_band=band).values("external_id"))


def advocate_list() -> QuerySet[Advocate]:
    """Advocates with what their referrals brought: signups, conversions, revenue (one query for a page).

    Correlated subqueries rather than a join and GROUP BY: PostgreSQL works them out for the
    page's rows only, after ORDER BY and LIMIT, instead of grouping every advocate first.
    """

    return Advocate.objects.annotate(**referral_counts(), referral_revenue=_per_advocate(Sum("revenue")))


@dataclass(frozen=True, slots=True)
class ReferralFigures:
    """What the advocates and their referrals add up to: statuses now, referrals within a period, their return."""

    advocates_by_status: dict[str, int]
    link_visits: int  # all time: visits are counted, not dated one by one
    signups: int
    conversions: int
    revenue: Decimal
    converting_advocates: int  # advocates with at least one conversion in the period
    conversion_rate: float | None  # conversions per signup
    reward_cost: Decimal  # per conversion, as configured
    roi: float | None  # (revenue − reward cost) / reward cost; None when nothing was spent


def referral_figures(
    *, since: datetime | None = None, until: datetime | None = None, reward_cost: Decimal = Decimal(0)
) -> ReferralFigures:
    """Advocates by status, the referrals recorded with `since <= occurred_at < until` and their ROI, in two queries."""
    by_status, visits = dict.fromkeys(Advocate.Status.values, 0), 0
    for status, count, status_visits in (
        Advocate.objects.order_by().values_list("status").annotate(n=Count("id"), v=Sum("visits"))
    ):
        by_status[status] = count
        visits += status_visits or 0
    referrals = Referral.objects.order_by()
    if since is not None:
        referrals = referrals.filter(occurred_at__gte=since)
    if until is not None:
        referrals = referrals.filter(occurred_at__lt=until)
    conversion = Q(kind=Referral.Kind.CONVERSION)
    totals = referrals.aggregate(
        signups=Count("id", filter=Q(kind=Referral.Kind.SIGNUP)),
        conversions=Count("id", filter=conversion),
        revenue=Sum("revenue"),
        converting=Count("advocate_id", filter=conversion, distinct=True),
    )
    revenue = totals["revenue"] or Decimal("0.00")
    return ReferralFigures(
        advocates_by_status=by_status,
        link_visits=visits,
        signups=totals["signups"],
        conversions=totals["conversions"],
        revenue=revenue,
        converting_advocates=totals["converting"],
        conversion_rate=rules.ratio(totals["conversions"], totals["signups"]),
        reward_cost=reward_cost,
        roi=rules.referral_roi(revenue=revenue, conversions=totals["conversions"], reward_cost=reward_cost),
    )
