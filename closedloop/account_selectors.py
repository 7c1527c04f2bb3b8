"""Reading accounts for the at-risk rules: each account's facts as of a day, and the rules as configured."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Avg, F, OuterRef, Q, Subquery

from accounts.models import Account, AccountSignal, ChurnRecord, HealthSnapshot
from closedloop import account_rules
from closedloop.models import AccountRiskRule


@dataclass(frozen=True, slots=True)
class AccountFacts:
    """An account as its at-risk case shows it, and the facts its rules read."""

    account_id: int
    external_id: str
    name: str
    plan: str
    mrr: Decimal | None
    csm_id: int | None  # the account's CSM, when they are active staff (who can work a case)
    csm_username: str
    facts: account_rules.Facts


def risk_rules() -> dict[str, account_rules.Rule]:
    """The account risk rules as configured; a reason without a row has the shipped default."""
    configured = {
        rule.reason: account_rules.Rule(
            enabled=rule.enabled,
            threshold=None if rule.threshold is None else float(rule.threshold),
            priority=rule.priority,
        )
        for rule in AccountRiskRule.objects.all()
    }
    return {**account_rules.DEFAULT_RULES, **configured}


def churned_account_ids(account_ids: Sequence[int]) -> set[int]:
    """The accounts that left: a confirmed churn since their contract started (a customer who came back under a
    new contract is an account again)."""
    records = ChurnRecord.objects.filter(
        account_id__in=list(account_ids), kind=ChurnRecord.Kind.CHURN, status=ChurnRecord.Status.CONFIRMED
    ).filter(Q(account__contract_start__isnull=True) | Q(date__gte=F("account__contract_start")))
    return set(records.values_list("account_id", flat=True))


def accounts_facts(*, account_ids: Sequence[int], today: date) -> list[AccountFacts]:
    """The facts of these accounts as of `today`, in id order, in three queries whatever their number.

    Band before: the latest daily snapshot before today. Usage: per key, the mean of the last 30
    days (today included) and of the 30 before. Payment: the latest value of the last 60 days.
    """
    ids = sorted(set(account_ids))
    if not ids:
        return []
    window = account_rules.WINDOW_DAYS
    since, split = today - timedelta(days=2 * window - 1), today - timedelta(days=window - 1)
    before = HealthSnapshot.objects.filter(account=OuterRef("pk"), date__lt=today).order_by("-date")
    overdue = AccountSignal.objects.filter(
        account=OuterRef("pk"), key=account_rules.PAYMENT_KEY, date__gte=since, date__lte=today
    ).order_by("-date")
    accounts = (
        Account.objects.filter(pk__in=ids)
        .select_related("csm")
        .annotate(
            band_before=Subquery(before.values("health_band")[:1]),
            payment_overdue=Subquery(overdue.values("value")[:1]),
        )
        .order_by("pk")
    )
    usage: dict[int, dict[str, tuple[float | None, float | None]]] = {}
    means = (
        AccountSignal.objects.filter(
            account_id__in=ids, key__in=account_rules.USAGE_KEYS, date__gte=since, date__lte=today
        )
        .values("account_id", "key")
        .annotate(before=Avg("value", filter=Q(date__lt=split)), after=Avg("value", filter=Q(date__gte=split)))
        .order_by()
    )
    for row in means:
        usage.setdefault(row["account_id"], {})[row["key"]] = (row["before"], row["after"])
    return [_facts(account, usage.get(account.pk, {}), today) for account in accounts]


def _facts(account: Account, usage: dict, today: date) -> AccountFacts:
    csm = _working_csm(account)
    return AccountFacts(
        account_id=account.pk,
        external_id=account.external_id,
        name=account.name,
        plan=account.plan,
        mrr=account.mrr,
        csm_id=csm.pk if csm is not None else None,
        csm_username=csm.get_username() if csm is not None else "",
        facts=account_rules.Facts(
            band=account.health_band,
            band_before=account.band_before or "",
            health_score=account.health_score,
            usage=usage,
            payment_overdue_days=account.payment_overdue,
            renewal_date=account.renewal_date,
            today=today,
            mrr=account.mrr,
        ),
    )


def accounts_by_external_id(external_ids: Sequence[str]) -> dict[str, AccountFacts]:
    """The accounts these external ids name (without their signals' facts), for the detractor rule."""
    names = sorted({name for name in external_ids if name})
    if not names:
        return {}
    found = Account.objects.filter(external_id__in=names).select_related("csm")
    return {
        account.external_id: AccountFacts(
            account_id=account.pk,
            external_id=account.external_id,
            name=account.name,
            plan=account.plan,
            mrr=account.mrr,
            csm_id=csm.pk if (csm := _working_csm(account)) is not None else None,
            csm_username=csm.get_username() if csm is not None else "",
            facts=account_rules.Facts(band=account.health_band, band_before="", mrr=account.mrr),
        )
        for account in found
    }


def _working_csm(account: Account):
    """The account's CSM if they can work a case (active staff, as case owners must be), else None."""
    csm = account.csm
    return csm if csm is not None and csm.is_active and csm.is_staff else None
