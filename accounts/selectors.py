"""Reading accounts: the portfolio list, one account, its daily health history, its churn log and the monthly review."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, QuerySet, Value, When

from accounts.churn_review import Month, Progress, progress_tally
from accounts.models import Account, ChurnRecord, HealthSnapshot


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


NO_CSM = "nobody"  # the review of the accounts no CSM looks after


@dataclass(frozen=True, slots=True)
class CsmReview:
    """One CSM's progress on a month's churn review; csm_id None for the accounts without a CSM."""

    csm_id: int | None
    name: str
    progress: Progress


def _in_review(month: Month) -> QuerySet[ChurnRecord]:
    reasons = ChurnRecord.reasons.through.objects.filter(churnrecord_id=OuterRef("pk"))
    return ChurnRecord.objects.filter(
        date__gte=month.first,
        date__lte=month.last,
        kind__in=(ChurnRecord.Kind.CHURN, ChurnRecord.Kind.DOWNGRADE),
    ).annotate(has_reason=Exists(reasons))


def churn_review_records(*, month: Month, csm: int | str) -> QuerySet[ChurnRecord]:
    """The month's churn and downgrade records of one CSM's accounts (csm NO_CSM: of accounts without one).

    Each has `has_reason`; proposals come first, then the records without a reason, then the rest,
    each by date. The reasons are prefetched.
    """
    records = _in_review(month).select_related("account").prefetch_related("reasons")
    records = records.filter(account__csm__isnull=True) if csm == NO_CSM else records.filter(account__csm_id=csm)
    waiting = Case(
        When(status=ChurnRecord.Status.PROPOSED, then=Value(0)),
        When(status=ChurnRecord.Status.CONFIRMED, has_reason=False, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return records.order_by(waiting.asc(), "date", "id")


def churn_review_progress(*, month: Month) -> list[CsmReview]:
    """Each CSM's progress on the month's review, by name, then the accounts without a CSM (when they have records).

    Only CSMs with a record in the month are listed.
    """
    rows = (
        _in_review(month).order_by().values_list("account__csm_id", "status", "has_reason").annotate(count=Count("pk"))
    )
    by_csm: dict[int | None, list[tuple[str, bool, int]]] = {}
    for csm_id, status, has_reason, count in rows:
        by_csm.setdefault(csm_id, []).append((status, bool(has_reason), count))
    people = get_user_model().objects.filter(pk__in=[pk for pk in by_csm if pk is not None])
    names = {user.pk: user.get_full_name() or user.get_username() for user in people}
    found = [CsmReview(pk, names.get(pk, str(pk)), progress_tally(by_csm[pk])) for pk in by_csm if pk is not None]
    found.sort(key=lambda review: (review.name.casefold(), review.csm_id))
    if None in by_csm:
        found.append(CsmReview(None, "", progress_tally(by_csm[None])))
    return found


def churn_review_progress_of(*, month: Month, csm: int | str) -> Progress:
    """One CSM's progress on the month's review (csm NO_CSM: of the accounts without one)."""
    records = _in_review(month)
    records = records.filter(account__csm__isnull=True) if csm == NO_CSM else records.filter(account__csm_id=csm)
    rows = records.order_by().values_list("status", "has_reason").annotate(count=Count("pk"))
    return progress_tally((status, bool(has_reason), count) for status, has_reason, count in rows)


def account_churn_records(*, account_id: int) -> QuerySet[ChurnRecord]:
    """The account's churn and downgrade records, newest first, with their reasons."""
    return ChurnRecord.objects.filter(account_id=account_id).prefetch_related("reasons").order_by("-date", "-id")


def account_mrr(external_ids: Iterable[str]) -> dict[str, Decimal | None]:
    """The accounts' current MRR by external id (None: not known); ids no account has are left out."""
    wanted = sorted({external_id for external_id in external_ids if external_id and "\x00" not in external_id})
    found: dict[str, Decimal | None] = {}
    for start in range(0, len(wanted), 1000):  # a bounded number of parameters a query, for SQLite
        chunk = wanted[start : start + 1000]
        found.update(Account.objects.filter(external_id__in=chunk).values_list("external_id", "mrr"))
    return found
