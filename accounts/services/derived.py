"""Signals the platform derives itself (the experience signals): written per day like the ones systems send."""

from collections.abc import Collection, Mapping
from datetime import date

from django.db import transaction

from accounts.models import AccountSignal
from accounts.services.signals import signals_store


@transaction.atomic
def derived_signals_write(*, as_of: date, keys: Collection[str], values: Mapping[int, Mapping[str, float]]) -> int:
    """Set the day's value of each derived key for the accounts in `values`; a key an account has no value for
    that day is removed, so a signal that lost its data does not linger. Returns the rows written."""
    AccountSignal.objects.filter(account_id__in=list(values), date=as_of, key__in=list(keys)).delete()
    return signals_store(
        [
            (account_id, as_of, key, value)
            for account_id, by_key in values.items()
            for key, value in by_key.items()
            if key in keys
        ]
    )
