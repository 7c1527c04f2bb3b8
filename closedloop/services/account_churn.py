"""An account that churned: its open at-risk cases are closed with that outcome (portfolio.services.churn calls it)."""

from django.db import transaction
from django.utils import timezone

from accounts.models import ChurnRecord
from closedloop import locks
from closedloop.activity_texts import Entry
from closedloop.models import Case, CaseActivity
from closedloop.services.activity import activity_log
from closedloop.services.events import cases_event_record
from webhooks import catalogue


@transaction.atomic
def account_cases_close_for_churn(account_id: int, record_id: int, actor) -> list[int]:
    """Close the account's open at-risk cases, each logged "Closed: the account churned on <date>"; their ids.

    Idempotent: a case already resolved or closed is left as it is. Locks the cases in the case order.
    """
    record = ChurnRecord.objects.get(pk=record_id, account_id=account_id)
    now = timezone.now()
    cases = locks.account_risk_cases([account_id]).values()
    closed: list[Case] = []
    for case in sorted(cases, key=lambda case: case.pk):
        if case.account_id != account_id or case.status not in Case.OPEN_STATUSES:
            continue
        before = case.status
        case.status, case.closed_at = Case.Status.CLOSED, now
        case.save(update_fields=["status", "closed_at", "updated_at"])
        params = {"date": record.date.isoformat(), "before": before, "record": record.pk}
        activity_log(case, actor, CaseActivity.Kind.STATUS, Entry("churn_closed", params))
        closed.append(case)
    cases_event_record(catalogue.CASE_RESOLVED, closed)
    return [case.pk for case in closed]
