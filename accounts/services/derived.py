"""Signals the platform derives itself (the experience signals): written per day like the ones systems send."""

from collections.abc import Collection, Mapping
from datetime import date

from django.db import transaction

from accounts.models import AccountSignal


@transaction.atomic
def derived_signals_write(*, as_of: date, keys: Collection[str], values: Mapping[int, Mapping[str, float]]) -> int:
    """Set the day's value of each derived key for the accounts in `values`; a key an account has no value for
    that day is removed, so a signal that lost its data does not linger. Returns the rows written."""
    account_ids = list(values)
    AccountSignal.objects.filter(account_id__in=account_ids, date=as_of, key__in=list(keys)).delete()
    rows = [
        AccountSignal(account_id=account_id, date=as_of, key=key, value=value)
        for account_id, by_key in sorted(values.items())
        for key, value in sorted(by_key.items())
        if key in keys
    ]
    AccountSignal.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
