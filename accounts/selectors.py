"""Reading accounts: the portfolio list, one account, and its daily health history."""

from datetime import date

from django.db.models import QuerySet

from accounts.models import Account, HealthSnapshot


def account_list() -> QuerySet[Account]:
    """Every account with its CSM, ready for filters and ordering."""
    return Account.objects.select_related("csm")


def account_by_external_id(external_id: str) -> Account | None:
    if "\x00" in external_id:  # PostgreSQL refuses a NUL in a query: no account can have it
        return None
    return account_list().filter(external_id=external_id).first()


def health_history(*, account_id: int, since: date, until: date) -> QuerySet[HealthSnapshot]:
    """The account's daily snapshots from `since` to `until` (both included), oldest first."""
    return HealthSnapshot.objects.filter(account_id=account_id, date__gte=since, date__lte=until).order_by("date")
