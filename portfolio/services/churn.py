"""The churn log's orchestration: a churn recorded or confirmed closes the account's open at-risk cases.

accounts keeps the record (accounts.services.churn), closedloop the cases; portfolio is the layer above both.
The admin and the API go through these two functions, so a churn closes the cases whichever way it came in.
"""

from collections.abc import Iterable
from datetime import date

from django.db import transaction

from accounts.models import Account, ChurnRecord
from accounts.services.churn import Recorded, churn_record, churn_status_set
from closedloop.services.account_churn import account_cases_close_for_churn


@transaction.atomic
def account_churn_record(
    account: Account,
    *,
    kind: str,
    date: date,
    mrr_lost,
    reasons: Iterable[str] = (),
    competitor: str = "",
    note: str = "",
    recorded_by=None,
) -> Recorded:
    """Record (or confirm) a churn or downgrade; a churn closes the account's open at-risk cases, all at once."""
    recorded = churn_record(
        account,
        kind=kind,
        date=date,
        mrr_lost=mrr_lost,
        reasons=reasons,
        competitor=competitor,
        note=note,
        recorded_by=recorded_by,
    )
    if recorded.record.kind == ChurnRecord.Kind.CHURN:
        account_cases_close_for_churn(account.pk, recorded.record.pk, recorded_by)
    return recorded


@transaction.atomic
def account_churn_confirm(record: ChurnRecord, *, actor) -> bool:
    """Confirm a proposed (or dismissed) record as it stands; a churn closes the account's open at-risk cases."""
    changed = churn_status_set(record, status=ChurnRecord.Status.CONFIRMED, actor=actor)
    if changed and record.kind == ChurnRecord.Kind.CHURN:
        account_cases_close_for_churn(record.account_id, record.pk, actor)
    return changed


def account_churn_dismiss(record: ChurnRecord, *, actor) -> bool:
    """Dismiss a record (a proposal that is wrong): it is kept, so it is never proposed again."""
    return churn_status_set(record, status=ChurnRecord.Status.DISMISSED, actor=actor)
