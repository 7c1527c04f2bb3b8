"""Reading cases, and the loop's KPIs; advocates are read in closedloop.advocate_selectors, re-exported here."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import (
    Avg,
    BooleanField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone

from closedloop import rules
from closedloop.advocate_selectors import EXPORT_COLUMNS as EXPORT_COLUMNS
from closedloop.advocate_selectors import AdvocateFilters as AdvocateFilters
from closedloop.advocate_selectors import ReferralFigures as ReferralFigures
from closedloop.advocate_selectors import advocate_list as advocate_list
from closedloop.advocate_selectors import advocates_export_queryset as advocates_export_queryset
from closedloop.advocate_selectors import advocates_exportable as advocates_exportable
from closedloop.advocate_selectors import advocates_left_out as advocates_left_out
from closedloop.advocate_selectors import advocates_of_accounts_in_band as advocates_of_accounts_in_band
from closedloop.advocate_selectors import referral_figures as referral_figures
from closedloop.models import Case, CaseActivity
from closedloop.sql import ROW_ESTIMATE_SQL, Percentile, loose_index_scan_sql
from common.sql import postgresql_paths


def case_list() -> QuerySet[Case]:
    """Cases as the queue shows them: most urgent first, with what a row needs, in a bounded number of queries."""
    return Case.objects.select_related("owner", "root_cause", "team").order_by("priority", "due_at", "id")


class OverdueFirst(ExpressionWrapper):
    """The queue's first sort key: overdue (open and past due) or not, as of `now`, which it keeps.

    Sorting every open case on it, joined to its owner and team, read them all (270 ms for 60,000
    open cases); the paginator reads such a queue tier by tier instead (`queue_slice`).
    """

    def __init__(self, now: datetime):
        self.now = now
        super().__init__(overdue(now), output_field=BooleanField())


def queue_order(now: datetime | None = None) -> list:
    """The queue's default order: overdue first (open and past due), then by priority, then by due time.

    Where ended cases are listed too ("all cases"), they follow the open ones.
    """
    still_open = ExpressionWrapper(Q(status__in=Case.OPEN_STATUSES), output_field=BooleanField())
    return [OverdueFirst(now or timezone.now()).desc(), still_open.desc(), "priority", "due_at", "id"]


def queue_ordered_at(cases: QuerySet[Case]) -> datetime | None:
    """The `now` of a queryset in the queue's default order (queue_order); None for any other order."""
    first = cases.query.order_by[0] if cases.query.order_by else None
    expression = getattr(first, "expression", None)
    return expression.now if isinstance(expression, OverdueFirst) else None


def queue_slice(cases: QuerySet[Case], now: datetime, start: int, stop: int) -> list[Case]:
    """Rows start..stop of cases in the queue's default order, read tier by tier, each in an index's order.

    The tiers: overdue; open and not yet due; ended. Each is read (priority, due_at, id), which the
    queue's index gives in order, so a page reads about its own rows; a tier is counted only when
    the page starts past its end.
    """
    ordered = cases.order_by("priority", "due_at", "id")
    tiers = (
        ordered.filter(overdue(now)),
        ordered.filter(status__in=Case.OPEN_STATUSES, due_at__gt=now),
        ordered.exclude(status__in=Case.OPEN_STATUSES),
    )
    rows: list[Case] = []
    for tier in tiers:
        if start >= stop:
            break
        found = list(tier[start:stop])
        if found:
            rows.extend(found)
            start, stop = 0, stop - start - len(found)
        else:  # the page starts past this tier's end
            size = tier.count()
            start, stop = start - size, stop - size
    return rows


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


def case_commented_feedback_id(case_id: str) -> int | None:
    """The feedback item of a case's comment, if the case has one; None too for an id that is not a case's."""
    if not (case_id.isascii() and case_id.isdigit()):
        return None
    return Case.objects.filter(pk=int(case_id)).exclude(comment="").values_list("feedback_id", flat=True).first()
