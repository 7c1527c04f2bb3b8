"""Signals the platform derives itself (the experience signals): written per day like the ones systems send."""

from collections.abc import Collection, Mapping
from datetime import date, timedelta

from django.db import transaction

from accounts.models import AccountSignal
from accounts.services.signals import signals_store
from accounts.sql_health import RECENT_DAYS  # how far a scorecard's `latest` window looks back


@transaction.atomic
def derived_signals_write(*, as_of: date, keys: Collection[str], values: Mapping[int, Mapping[str, float]]) -> int:
    """Set the day's value of each derived key for the accounts in `values`. A key an account has no value for
    that day is removed from the days its `latest` window reads, so a signal that lost its data does not
    linger (answers older than the experience window stop counting on the day they leave it).
    Returns the rows written."""
    AccountSignal.objects.filter(account_id__in=list(values), date=as_of, key__in=list(keys)).delete()
    since = as_of - timedelta(days=RECENT_DAYS)
    for key in keys:
        lost = [account_id for account_id, by_key in values.items() if key not in by_key]
        if lost:
            AccountSignal.objects.filter(account_id__in=lost, key=key, date__gt=since, date__lte=as_of).delete()
    return signals_store(
        [
            (account_id, as_of, key, value)
            for account_id, by_key in values.items()
            for key, value in by_key.items()
            if key in keys
        ]
    )
