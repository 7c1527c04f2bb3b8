"""Accounts named by other apps (a touchpoint event's `customer.account`) exist before anything points at them."""

from collections.abc import Iterable

from accounts.models import Account


def accounts_ensure(external_ids: Iterable[str]) -> None:
    """Create each named account that does not exist yet (its external id only; the accounts API fills in the rest).

    Sorted, so that concurrent batches insert in one order; a conflict (another batch created it) is fine.
    """
    wanted = sorted({external_id for external_id in external_ids if external_id})
    if wanted:
        Account.objects.bulk_create([Account(external_id=external_id) for external_id in wanted], ignore_conflicts=True)
