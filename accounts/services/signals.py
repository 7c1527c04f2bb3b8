"""Daily signals in from the customer's systems: a batch is checked whole, then written whole, or not at all."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import sql_signals
from accounts.models import Account
from accounts.services.accounts import accounts_ensure_counted
from accounts.signal_rows import RowErrors, SignalRow, last_wins, signal_rows_checked
from common.sql import postgresql_paths

UNKNOWN_ACCOUNT = (
    "Unknown account '{account}'; create it first (POST /api/v1/accounts/) or send the batch with create_accounts=true."
)


@dataclass(frozen=True, slots=True)
class SignalsIngested:
    received: int  # rows in the batch
    written: int  # rows inserted or replaced: each (account, date, key) once, its last value
    accounts_created: int
    account_ids: frozenset[int]  # the accounts whose signals changed: refresh their health


def _account_ids(rows: Sequence[SignalRow], *, create_accounts: bool) -> tuple[dict[str, int], int]:
    """The id of each account the rows name, made when missing if `create_accounts`; else unknown ones are errors."""
    names = {row.account for row in rows}
    if create_accounts:
        return accounts_ensure_counted(names)
    ids = dict(Account.objects.filter(external_id__any_of=sorted(names)).values_list("external_id", "id"))
    if len(ids) < len(names):
        errors = RowErrors()
        named: set[str] = set()
        for index, row in enumerate(rows):
            if row.account not in ids and row.account not in named:
                named.add(row.account)
                errors.add(f"{index}.account", UNKNOWN_ACCOUNT.format(account=row.account))
        raise ValidationError(errors.as_dict())
    return ids, 0


def signals_ingest(rows: Sequence[object], *, create_accounts: bool = False) -> SignalsIngested:
    """Check a batch of signal rows, then upsert them all in one transaction; nothing of a refused batch is written.

    A row is {"account": external_id, "date": "YYYY-MM-DD", "key": "logins", "value": 42}. A
    repeated (account, date, key) replaces the stored value; repeated within the batch, its last
    row wins. Problems raise a ValidationError naming each row's index and field ("3.date");
    an account that does not exist is one of them unless `create_accounts`, which makes it.
    On PostgreSQL the months the batch needs get their partitions first, in a transaction of
    their own (an empty partition is harmless if the batch is then refused).
    """
    checked, errors = signal_rows_checked(rows, today=timezone.localdate())
    if errors:
        raise ValidationError(errors.as_dict())
    latest = last_wins(checked)
    if postgresql_paths():
        sql_signals.partitions_ensure({sql_signals.month_of(day) for (_account, day, _key) in latest})
    return _signals_write(checked, latest, create_accounts=create_accounts)


def signals_store(rows: Sequence[tuple[int, date, str, float]]) -> int:
    """Upsert rows made inside the platform (derived experience signals): (account_id, date, key, value).

    For values already checked: finite floats, keys of accounts.signal_rows.KEY_PATTERN, accounts
    that exist. A repeated identity keeps its last value. Returns how many rows were written.
    """
    latest = {(account_id, day, key): float(value) for account_id, day, key, value in rows}
    if not latest:
        return 0
    if postgresql_paths():
        sql_signals.partitions_ensure({sql_signals.month_of(day) for (_account, day, _key) in latest})
    ordered = sorted((account_id, day, key, value) for (account_id, day, key), value in latest.items())
    with transaction.atomic():
        if postgresql_paths():
            sql_signals.signals_upsert_fast(ordered)
        else:
            sql_signals.signals_upsert_portable(ordered)
    return len(ordered)


@transaction.atomic
def _signals_write(checked: Sequence[SignalRow], latest: dict, *, create_accounts: bool) -> SignalsIngested:
    ids, created = _account_ids(checked, create_accounts=create_accounts)
    rows = [(ids[account], day, key, value) for (account, day, key), value in latest.items()]
    rows.sort()  # one lock order for every batch
    if postgresql_paths():
        sql_signals.signals_upsert_fast(rows)
    else:
        sql_signals.signals_upsert_portable(rows)
    return SignalsIngested(
        received=len(checked),
        written=len(rows),
        accounts_created=created,
        account_ids=frozenset(ids.values()),
    )
