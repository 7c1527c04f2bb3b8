"""Reading cases."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from closedloop.models import Case, CaseActivity


def case_list() -> QuerySet[Case]:
    """Cases as the queue shows them: most urgent first, with what a row needs, in a bounded number of queries."""
    return Case.objects.select_related("owner", "root_cause", "team").order_by("priority", "due_at", "id")


def case_detail() -> QuerySet[Case]:
    """Cases with what a case's page shows (answers, activity), in a fixed number of queries."""
    return case_list().prefetch_related(
        "triggers", Prefetch("activities", queryset=CaseActivity.objects.select_related("actor"))
    )


def overdue(now: datetime | None = None) -> Q:
    """Open and past its due time: the condition itself, before the periodic SLA check marks the case."""
    return Q(status__in=Case.OPEN_STATUSES, due_at__lte=now or timezone.now())


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
