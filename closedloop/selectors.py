"""Reading cases."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from closedloop import rules
from closedloop.models import Advocate, AdvocateOptOut, Case, CaseActivity, Referral
from closedloop.sql import ROW_ESTIMATE_SQL, Percentile, loose_index_scan_sql
from common.sql import postgresql_paths


def case_list() -> QuerySet[Case]:
    """Cases as the queue shows them: most urgent first, with what a row needs, in a bounded number of queries."""
    return Case.objects.select_related("owner", "root_cause", "team").order_by("priority", "due_at", "id")


def case_touchpoint_keys() -> list[str]:
    """The touchpoints cases came from, in order, for the queue's filter (off an index; see distinct_values)."""
    return distinct_values(Case, "touchpoint_key")


def distinct_values(model, field_name: str) -> list:
    """A column's distinct values, in order, for a list filter.

    On PostgreSQL a loose index scan over the column's index: one index probe per value, rather
    than a DISTINCT over every row (0.05 s at 100,000 rows). Elsewhere a plain DISTINCT.
    """
    if not postgresql_paths():
        return list(model.objects.order_by(field_name).values_list(field_name, flat=True).distinct())
    with connection.cursor() as cursor:
        cursor.execute(loose_index_scan_sql(model, field_name))
        return [row[0] for row in cursor.fetchall()]


def case_count_estimate() -> int | None:
    """PostgreSQL's own estimate of how many cases there are, without counting them; None where it has none.

    The planner's figure: the rows per page at the last ANALYZE, times the table's pages now.
    """
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(ROW_ESTIMATE_SQL, [Case._meta.db_table])
        row = cursor.fetchone()
    return None if row is None or row[0] is None else int(row[0])


def case_detail() -> QuerySet[Case]:
    """Cases with what a case's page shows (answers, activity), in a fixed number of queries."""
    return case_list().prefetch_related(
        "triggers", Prefetch("activities", queryset=CaseActivity.objects.select_related("actor"))
    )


def open_q() -> Q:
    """Open: new, assigned or contacted (the queue's open work)."""
    return Q(status__in=Case.OPEN_STATUSES)


def overdue(now: datetime | None = None) -> Q:
    """Open and past its due time: the condition itself, before the periodic SLA check marks the case."""
    return Q(status__in=Case.OPEN_STATUSES, due_at__lte=now or timezone.now())


def sla_is(state: str, now: datetime | None = None) -> Q:
    """Cases in this SLA state as they stand now: an open case past its due time is overdue (not on track or
    at risk) even before the periodic check marks it."""
    now = now or timezone.now()
    if state == Case.Sla.OVERDUE:
        return overdue(now)
    if state in (Case.Sla.ON_TRACK, Case.Sla.AT_RISK):
        return Q(sla=state, status__in=Case.OPEN_STATUSES, due_at__gt=now)
    return Q(sla=state)


def case_history(*, case: Case) -> QuerySet[Case]:
    """The customer's other cases, newest first."""
    if case.customer_id is None:
        return Case.objects.none()
    return Case.objects.filter(customer_id=case.customer_id).exclude(pk=case.pk).order_by("-opened_at")


@dataclass(frozen=True, slots=True)
class ResurveyDue:
    case_id: int
    survey_id: int
    customer_id: int
    locale: str


def cases_resurvey_due(*, now: datetime | None = None, limit: int = 500) -> list[ResurveyDue]:
    """Resolved cases whose re-survey is due and not yet sent."""
    now = now or timezone.now()
    rows = (
        Case.objects.filter(
            resurvey_due_at__lte=now,
            resurvey_sent_at__isnull=True,
            survey_id__isnull=False,
            customer_id__isnull=False,
        )
        .order_by("resurvey_due_at")
        .values_list("id", "survey_id", "customer_id", "locale")[:limit]
    )
    return [ResurveyDue(*row) for row in rows]


# --- Advocates -----------------------------------------------------------------------------------

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
)


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
    return rows.order_by("-last_answer_at", "id")


def advocate_list() -> QuerySet[Advocate]:
    """Advocates with what their referrals brought: signups, conversions, revenue (one query for a page).

    Correlated subqueries rather than a join and GROUP BY: PostgreSQL works them out for the
    page's rows only, after ORDER BY and LIMIT, instead of grouping every advocate first.
    """

    def per_advocate(aggregate, kind=None):
        referrals = Referral.objects.filter(advocate=OuterRef("pk"))
        if kind is not None:
            referrals = referrals.filter(kind=kind)
        return Subquery(referrals.order_by().values("advocate").annotate(x=aggregate).values("x")[:1])

    return Advocate.objects.annotate(
        signups=Coalesce(per_advocate(Count("id"), Referral.Kind.SIGNUP), 0),
        conversions=Coalesce(per_advocate(Count("id"), Referral.Kind.CONVERSION), 0),
        referral_revenue=per_advocate(Sum("revenue")),
    )


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


# --- Loop KPIs: how fast the loop closes ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DurationStats:
    n: int
    median: timedelta | None
    p90: timedelta | None


@dataclass(frozen=True, slots=True)
class LoopKpis:
    since: datetime
    until: datetime
    opened: int  # cases opened in the period
    first_contact: DurationStats  # of those, the time from opening to first contact
    resolved: int  # cases resolved in the period
    resolution: DurationStats  # their time from opening to resolution
    resolved_on_time: int  # resolved by their due time
    sla_compliance: float | None  # % of resolved cases resolved on time
    open_now: int  # open cases of these surveys and segments, now
    overdue_now: int  # of those, past their due time
    open_all_now: int  # every open case, of any survey kind or from account risk: what the queue counts
    overdue_all_now: int  # of those, past their due time (selectors.overdue)
    open_by_age: dict[str, int]
    resurveyed: int  # resolved cases whose customer answered the re-survey, by resolution in the period
    recovered: int  # of those, a better score than the one that opened the case
    recovery_change: float | None  # mean re-survey score minus the original score
    root_causes: list[tuple[str, str, str, int]]  # (key, English, Chinese, cases resolved in the period)


def _durations(cases: QuerySet[Case], end: str) -> DurationStats:
    elapsed = ExpressionWrapper(F(end) - F("opened_at"), output_field=DurationField())
    cases = cases.filter(**{f"{end}__isnull": False})
    if postgresql_paths():
        row = cases.aggregate(
            n=Count("id"),
            median=Percentile(elapsed, percentile=0.5, output_field=DurationField()),
            p90=Percentile(elapsed, percentile=0.9, output_field=DurationField()),
        )
        return DurationStats(n=row["n"], median=row["median"], p90=row["p90"])
    seconds = [(done - opened).total_seconds() for opened, done in cases.values_list("opened_at", end)]
    median, p90 = rules.percentile(seconds, 0.5), rules.percentile(seconds, 0.9)
    return DurationStats(
        n=len(seconds),
        median=timedelta(seconds=median) if median is not None else None,
        p90=timedelta(seconds=p90) if p90 is not None else None,
    )


def loop_kpis(
    *,
    since: datetime,
    until: datetime,
    survey_ids: Sequence[int] = (),
    touchpoint_keys: Sequence[str] = (),
    plans: Sequence[str] = (),
    accounts: Sequence[str] = (),
    locales: Sequence[str] = (),
    now: datetime | None = None,
) -> LoopKpis:
    """Time to first contact and to resolution, SLA compliance, recovery, root causes and open cases by age.

    Segments are the customer's as the case's snapshot took them, when the answer was given.
    """
    now = now or timezone.now()
    cases = Case.objects.all()
    for field, values in (
        ("survey_id", survey_ids),
        ("touchpoint_key", touchpoint_keys),
        ("customer_plan", plans),
        ("customer_account", accounts),
        ("locale", locales),
    ):
        if values:
            cases = cases.filter(**{f"{field}__in": list(values)})
    opened = cases.filter(opened_at__gte=since, opened_at__lt=until)
    resolved = cases.filter(resolved_at__gte=since, resolved_at__lt=until)
    counts = resolved.aggregate(
        n=Count("id"),
        on_time=Count("id", filter=Q(resolved_at__lte=F("due_at"))),
        resurveyed=Count("id", filter=Q(recovery_score__isnull=False, score__isnull=False)),
        recovered=Count("id", filter=Q(recovery_score__gt=F("score"))),
        change=Avg(F("recovery_score") - F("score"), filter=Q(recovery_score__isnull=False, score__isnull=False)),
    )
    open_cases = cases.filter(status__in=Case.OPEN_STATUSES)
    ages = {
        key: Count(
            "id",
            filter=Q(opened_at__lte=now - timedelta(days=low))
            & (Q(opened_at__gt=now - timedelta(days=high)) if high else Q()),
        )
        for key, low, high in rules.CASE_AGE_BUCKETS
    }
    open_counts = open_cases.aggregate(open=Count("id"), overdue=Count("id", filter=Q(due_at__lte=now)), **ages)
    everything = Case.objects.aggregate(open=Count("id", filter=open_q()), overdue=Count("id", filter=overdue(now)))
    causes = (
        resolved.filter(root_cause__isnull=False)
        .values("root_cause__key", "root_cause__name_en", "root_cause__name_zh")
        .annotate(n=Count("id"))
        .order_by("-n", "root_cause__key")
    )
    return LoopKpis(
        since=since,
        until=until,
        opened=opened.count(),
        first_contact=_durations(opened, "first_contact_at"),
        resolved=counts["n"],
        resolution=_durations(resolved, "resolved_at"),
        resolved_on_time=counts["on_time"],
        sla_compliance=100 * counts["on_time"] / counts["n"] if counts["n"] else None,
        open_now=open_counts["open"],
        overdue_now=open_counts["overdue"],
        open_all_now=everything["open"],
        overdue_all_now=everything["overdue"],
        open_by_age={key: open_counts[key] for key, _low, _high in rules.CASE_AGE_BUCKETS},
        resurveyed=counts["resurveyed"],
        recovered=counts["recovered"],
        recovery_change=float(counts["change"]) if counts["change"] is not None else None,
        root_causes=[
            (row["root_cause__key"], row["root_cause__name_en"], row["root_cause__name_zh"], row["n"]) for row in causes
        ],
    )
