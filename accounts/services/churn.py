"""The churn log: record, confirm or dismiss why an account left or pays less; propose records from the signals.

Recording never changes the account's MRR: the customer's systems own it (the accounts API and the
`mrr` signal); the record keeps the MRR lost, which is what the retention figures count. Closing the
account's at-risk cases when it churns is portfolio's (portfolio.services.churn), the layer above both.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import churn_rules, webhook_payloads
from accounts.models import Account, AccountSignal, ChurnReason, ChurnRecord
from webhooks import catalogue
from webhooks.services.events import event_record

KINDS = {choice.value for choice in ChurnRecord.Kind}


@dataclass(frozen=True, slots=True)
class Recorded:
    record: ChurnRecord
    created: bool
    confirmed_now: bool  # a new confirmed record, or a proposal (or a dismissed one) a person just confirmed


def _checked(kind, day, mrr_lost, reasons, *, today: date) -> tuple[Decimal, list[ChurnReason], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    if kind not in KINDS:
        errors["kind"] = [f"Must be one of: {', '.join(sorted(KINDS))}."]
    if not isinstance(day, date):
        errors["date"] = ["A date is required."]
    elif day > today:
        errors["date"] = ["Must not be in the future."]
    amount, problem = _amount(mrr_lost, kind)
    if problem:
        errors["mrr_lost"] = [problem]
    keys = list(dict.fromkeys(reasons or ()))
    found = {reason.key: reason for reason in ChurnReason.objects.filter(key__in=keys, active=True)}
    unknown = [key for key in keys if key not in found]
    if unknown:
        errors["reasons"] = [f"Unknown reason: {', '.join(map(str, unknown))}."]
    return amount, [found[key] for key in keys if key in found], errors


def _amount(mrr_lost, kind) -> tuple[Decimal, str]:
    """The MRR lost as money, or what is wrong with it."""
    try:
        amount = Decimal(str(mrr_lost))
        if not amount.is_finite():
            raise InvalidOperation
        amount = amount.quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        return Decimal(0), "A number is required."
    if amount < 0:
        return amount, "Must not be negative."
    if amount >= Decimal("1e12"):
        return amount, "Too large."
    if kind == ChurnRecord.Kind.DOWNGRADE and amount == 0:
        return amount, "A downgrade loses some MRR: must be more than 0."
    return amount, ""


def churn_record_problems(*, kind, date, mrr_lost, reasons: Iterable[str] = ()) -> dict[str, list[str]]:
    """What churn_record would refuse in these values, by field (empty: none); for forms that check first."""
    return _checked(kind, date, mrr_lost, reasons, today=timezone.localdate())[2]


@transaction.atomic
def churn_record(
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
    """Record (or confirm) the account's churn or downgrade of that day; a ValidationError names each bad field.

    One record per account, kind and day: recording it again updates it, and a proposal (or a
    record a CSM dismissed) recorded by a person becomes confirmed — the same record.
    """
    amount, found, errors = _checked(kind, date, mrr_lost, reasons, today=timezone.localdate())
    if errors:
        raise ValidationError(errors)
    fields = {"mrr_lost": amount, "competitor": competitor or "", "note": note or "", "recorded_by": recorded_by}
    record = ChurnRecord.objects.select_for_update().filter(account=account, kind=kind, date=date).first()
    created = record is None
    if record is None:
        try:
            with transaction.atomic():
                record = ChurnRecord.objects.create(account=account, kind=kind, date=date, **fields)
        except IntegrityError:  # recorded meanwhile by another request: the same record
            record = ChurnRecord.objects.select_for_update().get(account=account, kind=kind, date=date)
            created = False
    confirmed_now = created
    if not created:
        confirmed_now = record.status != ChurnRecord.Status.CONFIRMED
        for name, value in fields.items():
            setattr(record, name, value)
        record.status = ChurnRecord.Status.CONFIRMED
        record.save()
    record.reasons.set(found)
    if confirmed_now:
        churned_event_record(record, account_external_id=account.external_id)
    return Recorded(record=record, created=created, confirmed_now=confirmed_now)


def churned_event_record(record: ChurnRecord, *, account_external_id: str) -> None:
    """Write account.churned for a record that just became confirmed, in the caller's transaction."""
    reasons = list(record.reasons.order_by("position", "key").values_list("key", flat=True))
    data = webhook_payloads.churned_data(record, external_id=account_external_id, reasons=reasons)
    event_record(catalogue.ACCOUNT_CHURNED, data, object_id=record.pk)


@transaction.atomic
def churn_status_set(record: ChurnRecord, *, status: str, actor=None) -> bool:
    """Confirm or dismiss a record (admin actions); True when its status changed. Confirming keeps its fields."""
    if status not in {ChurnRecord.Status.CONFIRMED, ChurnRecord.Status.DISMISSED}:
        raise ValidationError({"status": ["Must be confirmed or dismissed."]})
    record = ChurnRecord.objects.select_for_update().get(pk=record.pk)
    if record.status == status:
        return False
    record.status = status
    if status == ChurnRecord.Status.CONFIRMED and actor is not None:
        record.recorded_by = actor
    record.save(update_fields=["status", "recorded_by", "updated_at"])
    if status == ChurnRecord.Status.CONFIRMED:
        external_id = Account.objects.filter(pk=record.account_id).values_list("external_id", flat=True).get()
        churned_event_record(record, account_external_id=external_id)
    return True


def churn_proposals(as_of: date | None = None) -> dict[str, int]:
    """Propose downgrades (an MRR drop) and churns (a renewal date passed); return how many of each were new.

    Idempotent: a record of the same account, kind and day is never made twice (the unique constraint),
    whatever its status, so a proposal a CSM dismissed is not made again. A downgrade is not proposed
    either when the account has any downgrade record in the window, nor a churn when it has a churn
    record dated on or after the renewal date or any open (proposed or confirmed) churn since its contract start.
    """
    as_of = as_of or timezone.localdate()
    proposals = [*_downgrades(as_of), *_churns(as_of)]
    counts = {"downgrade": 0, "churn": 0}
    for account_id, proposal in proposals:
        if _propose(account_id, proposal):
            counts[proposal.kind] += 1
    return counts


def _downgrades(as_of: date) -> list[tuple[int, churn_rules.Proposal]]:
    window = churn_rules.MRR_WINDOW_DAYS
    since = as_of - timedelta(days=2 * window)
    points: dict[int, list[tuple[date, float]]] = defaultdict(list)
    rows = AccountSignal.objects.filter(key="mrr", date__gte=since, date__lte=as_of).values_list(
        "account_id", "date", "value"
    )
    for account_id, day, value in rows.iterator(chunk_size=5000):
        points[account_id].append((day, value))
    recent = set(
        ChurnRecord.objects.filter(
            kind=ChurnRecord.Kind.DOWNGRADE, date__gt=as_of - timedelta(days=window), date__lte=as_of
        ).values_list("account_id", flat=True)
    )
    found = []
    for account_id, series in points.items():
        if account_id not in recent and (proposal := churn_rules.mrr_drop(series, as_of=as_of)) is not None:
            found.append((account_id, proposal))
    return found


def _churns(as_of: date) -> list[tuple[int, churn_rules.Proposal]]:
    grace = settings.CX_CHURN_RENEWAL_GRACE_DAYS
    lapsed = Account.objects.filter(renewal_date__lt=as_of - timedelta(days=grace)).values_list(
        "pk", "renewal_date", "mrr", "contract_start"
    )
    churns: dict[int, list[tuple[date, str]]] = defaultdict(list)
    for account_id, day, status in ChurnRecord.objects.filter(
        kind=ChurnRecord.Kind.CHURN, account__renewal_date__lt=as_of - timedelta(days=grace)
    ).values_list("account_id", "date", "status"):
        churns[account_id].append((day, status))
    found = []
    for account_id, renewal_date, mrr, contract_start in lapsed.iterator(chunk_size=5000):
        known = churns.get(account_id, ())
        if renewal_date is None or any(day >= renewal_date for day, _status in known):
            continue
        if any(
            status != ChurnRecord.Status.DISMISSED and (contract_start is None or day >= contract_start)
            for day, status in known
        ):
            continue  # it already left (a churn before the renewal date)
        proposal = churn_rules.renewal_lapsed(renewal_date=renewal_date, mrr=mrr, as_of=as_of, grace=grace)
        if proposal is not None:
            found.append((account_id, proposal))
    return found


def _propose(account_id: int, proposal: churn_rules.Proposal) -> bool:
    try:
        with transaction.atomic():
            _record, created = ChurnRecord.objects.get_or_create(
                account_id=account_id,
                kind=proposal.kind,
                date=proposal.date,
                defaults={
                    "status": ChurnRecord.Status.PROPOSED,
                    "mrr_lost": proposal.mrr_lost,
                    "proposed_because": proposal.because[:200],
                },
            )
    except IntegrityError:  # proposed meanwhile by another run
        return False
    return created
