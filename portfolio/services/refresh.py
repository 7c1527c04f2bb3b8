"""The health refresh: experience signals derived, scores computed and snapshotted, risks acted on.

One pass, in this order, for some accounts (after a batch of their signals) or all of them (daily):
1. the experience signals of `as_of` from the account's answers, comments and cases (portfolio.experience);
2. health and temperature from the stage's scorecards, written to the account and to the day's snapshot;
3. the at-risk rules, which open (or reopen) the account's at-risk cases in the case desk;
4. the churn log's proposals (accounts.services.churn): downgrades from MRR drops, churns from lapsed renewals.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone

from accounts.models import Account
from accounts.services.churn import churn_proposals
from accounts.services.derived import derived_signals_write
from accounts.services.health import health_compute
from closedloop.services.account_risk import account_risks_apply
from portfolio.experience import EXPERIENCE_KEYS, experience_values

_CHUNK = 1000  # accounts per pass: bounded memory and short transactions, however many accounts there are


@dataclass(frozen=True, slots=True)
class RefreshSummary:
    accounts: int
    band_changes: int


def accounts_refresh(
    account_ids: Iterable[int] | None = None,
    *,
    as_of: date | None = None,
    now: datetime | None = None,
    plays: bool = True,
) -> RefreshSummary:
    """Refresh the given accounts (every account when None) as of `as_of` (today); safe to run again.

    `plays=False` computes without acting on risks (rebuilding past days' history, say), nor writing
    the band changes' webhook events.
    """
    now = now or timezone.now()
    as_of = as_of or timezone.localdate(now)
    every = account_ids is None
    ids = sorted(Account.objects.values_list("pk", flat=True)) if every else sorted(set(account_ids or ()))
    chunks = [ids[start : start + _CHUNK] for start in range(0, len(ids), _CHUNK)]
    for chunk in chunks:
        derived_signals_write(as_of=as_of, keys=EXPERIENCE_KEYS, values=_with_empty(chunk, as_of))
    # Every account in one pass of the signals when all are refreshed (the daily run), else just these.
    changes = len(health_compute(as_of, None if every else ids, events=plays)) if ids else 0
    if plays:
        for chunk in chunks:
            account_risks_apply(chunk, now=now)
        churn_proposals(as_of)  # MRR drops and lapsed renewals proposed for their CSM to confirm
    return RefreshSummary(accounts=len(ids), band_changes=changes)


def accounts_refresh_due(*, now: datetime | None = None) -> RefreshSummary:
    """The daily refresh: from CX_HEALTH_REFRESH_HOUR (local time), every account not yet computed today.

    Beat asks hourly, so a missed hour catches up; signals sent overnight are in by then.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    if timezone.localtime(now).hour < settings.CX_HEALTH_REFRESH_HOUR:
        return RefreshSummary(accounts=0, band_changes=0)
    due = Account.objects.exclude(health_computed_at__date=today).values_list("pk", flat=True)
    return accounts_refresh(list(due), as_of=today, now=now)


def _with_empty(account_ids: list[int], as_of: date) -> dict[int, dict[str, float]]:
    values = experience_values(account_ids, as_of=as_of)
    return {account_id: values.get(account_id, {}) for account_id in account_ids}
