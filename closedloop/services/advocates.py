"""Advocates: consented promoters, their referral codes and links, the referrals they bring, and exports."""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from closedloop import locks, rules
from closedloop.contracts import AnalysedFeedback
from closedloop.models import Advocate, AdvocateExport, AdvocateOptOut, Referral
from closedloop.services.events import advocate_created_record
from common.snapshot import snapshot_forgotten, snapshot_values


class AdvocateRefused(ValidationError):
    """A referral the advocate rules refuse; `reason` is "unknown_code" or "duplicate"."""

    def __init__(self, message, *, reason: str):
        super().__init__(message)
        self.reason = reason


def _is_nps(item: AnalysedFeedback, classification: str) -> bool:
    return item.survey_kind == "nps" and item.classification == classification and item.customer_id is not None


def advocates_from_answers(*, items: Sequence[AnalysedFeedback]) -> None:
    """Make consented NPS promoters advocates (one per customer) and retire advocates who answer as detractors.

    In the caller's transaction. An advocate keeps the latest promoter answer; an answer older
    than the one it holds (a redelivery, an answer analysed late) changes nothing. A customer who
    opted out never becomes one, even by an answer given before the opt-out and analysed after.
    """
    answers = [
        (item.customer_id, item)
        for item in items
        if item.customer_id is not None and (_is_nps(item, "promoter") or _is_nps(item, "detractor"))
    ]
    if not answers:
        return
    customers = sorted({customer_id for customer_id, _item in answers})
    held = {advocate.customer_id: advocate for advocate in locks.advocates_of_customers(customers)}
    opted_out = set(AdvocateOptOut.objects.filter(customer_id__any_of=customers).values_list("customer_id", flat=True))
    # customer by customer, as `locks` orders advocates (a new one is locked as it is inserted)
    for customer_id, item in sorted(answers, key=lambda pair: (pair[0], pair[1].given_at)):
        promoter = item.classification == "promoter"
        advocate = held.get(customer_id)
        if advocate is None:
            if not (promoter and item.consent_to_contact) or customer_id in opted_out:
                continue
            created = _advocate_create(item)
            if created is not None:
                held[customer_id] = created
                continue
            # another worker made this customer an advocate meanwhile: refresh theirs instead
            advocate = held[customer_id] = locks.advocate_of_customer(customer_id)
        _advocate_refresh(advocate, item, promoter=promoter)


def _advocate_refresh(advocate: Advocate, item: AnalysedFeedback, *, promoter: bool) -> None:
    newer = item.given_at > advocate.last_answer_at
    if not newer:
        return
    if promoter and item.consent_to_contact and advocate.status != Advocate.Status.OPTED_OUT:
        _snapshot(advocate, item)
    status = rules.advocate_status_after(
        status=advocate.status, promoter=promoter, consented=item.consent_to_contact, newer=newer
    )
    if status is not None:
        advocate.status = status
        advocate.inactive_at = item.given_at if status == Advocate.Status.INACTIVE else None
    advocate.last_answer_at = item.given_at
    advocate.updated_at = timezone.now()
    advocate.save()


def _snapshot(advocate: Advocate, item: AnalysedFeedback) -> None:
    for name, value in snapshot_values(item).items():
        setattr(advocate, name, value)
    advocate.locale = item.locale
    advocate.source = item.source
    advocate.source_id = item.source_id
    advocate.feedback_id = item.feedback_id
    advocate.survey_id = item.survey_id
    advocate.touchpoint_key = item.touchpoint_key
    if item.score is not None:  # always, for an NPS answer
        advocate.last_score = item.score
    advocate.last_comment = item.text
    advocate.language = item.language
    advocate.consent_at = item.given_at
    advocate.last_answer_at = item.given_at


def _advocate_create(item: AnalysedFeedback) -> Advocate | None:
    """A new advocate with a fresh code; None when another worker made this customer one meanwhile.

    A code already taken (about 1 in 10^11) draws again.
    """
    customer_id = item.customer_id
    if customer_id is None:
        raise ValueError("Only an identified customer's answer makes an advocate.")
    for _attempt in range(5):
        advocate = Advocate(customer_id=customer_id)
        _snapshot(advocate, item)
        advocate.code = "".join(secrets.choice(rules.CODE_ALPHABET) for _ in range(rules.CODE_LENGTH))
        try:
            with transaction.atomic():  # a savepoint: a conflict leaves the caller's transaction usable
                advocate.save(force_insert=True)
        except IntegrityError:
            if Advocate.objects.filter(customer_id=customer_id).exists():
                return None
            continue
        advocate_created_record(advocate)
        return advocate
    raise RuntimeError("Could not draw an unused referral code in 5 attempts.")


def advocates_forget_consent(*, customer_id: int, at: datetime | None = None) -> int:
    """The customer unsubscribed: their advocate is opted out at once, and they never become one again.

    The opt-out is kept even when they are no advocate yet (a promoter answer may still be
    waiting for analysis). Returns how many advocates were opted out now (0 or 1).
    """
    return advocates_opt_out(customer_ids=[customer_id], at=at)


@transaction.atomic
def advocates_opt_out(*, customer_ids: Sequence[int], at: datetime | None = None, actor=None) -> int:
    """Opt these customers out for good (unsubscribed, consent withdrawn, customer deleted); see above.

    Returns how many advocates were opted out now.
    """
    now = at or timezone.now()
    ids = sorted(set(customer_ids))
    if not ids:
        return 0
    AdvocateOptOut.objects.bulk_create(
        [AdvocateOptOut(customer_id=customer_id, opted_out_at=now) for customer_id in ids], ignore_conflicts=True
    )
    locked = locks.advocates_in_order(Advocate.objects.filter(customer_id__any_of=ids))
    if not locked:
        return 0
    return (
        Advocate.objects.filter(id__any_of=locked)
        .exclude(status=Advocate.Status.OPTED_OUT)
        .update(
            status=Advocate.Status.OPTED_OUT,
            opted_out_at=now,
            status_changed_at=now,
            status_changed_by=actor,
            updated_at=timezone.now(),
        )
    )


@transaction.atomic
def advocates_forget_customers(*, customer_ids: Sequence[int], actor=None) -> int:
    """Customers deleted: opt their advocates out for good, and drop who they were and what they wrote.

    The advocate row stays, without personal data, so that referral counts and revenue stay
    right; it is never exported again. Returns how many advocates were emptied.
    """
    advocates_opt_out(customer_ids=customer_ids, actor=actor)
    return Advocate.objects.filter(customer_id__any_of=sorted(set(customer_ids))).update(
        **snapshot_forgotten(keep_id=True),
        last_comment="",
        updated_at=timezone.now(),
    )


def advocate_visit(*, code: str) -> str | None:
    """Count a visit to a referral link; return the code as stored, or None for a code that is no advocate's."""
    normal = rules.referral_code_normal(code)
    if normal is None:
        return None
    visited = Advocate.objects.filter(code=normal).update(visits=F("visits") + 1, last_visit_at=timezone.now())
    return normal if visited else None


@transaction.atomic
def referral_record(
    *, code: str, external_id: str, kind: str, revenue: Decimal = Decimal(0), occurred_at: datetime | None = None
) -> Referral:
    """Record a signup or conversion that came through an advocate's code; an external id is recorded once."""
    normal = rules.referral_code_normal(code)
    advocate = Advocate.objects.filter(code=normal).only("id").first() if normal else None
    if advocate is None:
        raise AdvocateRefused({"code": [f"No advocate has the referral code '{code}'."]}, reason="unknown_code")
    referral = Referral(
        advocate=advocate,
        external_id=external_id,
        kind=kind,
        revenue=revenue,
        occurred_at=occurred_at or timezone.now(),
    )
    try:
        with transaction.atomic():
            referral.save(force_insert=True)
    except IntegrityError:
        raise AdvocateRefused(
            {"external_id": [f"A referral with the external id '{external_id}' is already recorded."]},
            reason="duplicate",
        ) from None
    return referral


def export_logged(*, actor, format: str, filters: dict, row_count: int) -> AdvocateExport:
    """Record that `actor` exported `row_count` advocates with these filters (never the rows)."""
    return AdvocateExport.objects.create(actor=actor, format=format, filters=filters, row_count=row_count)


@dataclass(frozen=True, slots=True)
class AdvocatesMoved:
    moved: int
    refused: dict[str, int]  # why -> how many advocates were left as they were for that reason


@transaction.atomic
def advocates_move(*, ids: Sequence[int], to: str, actor=None) -> AdvocatesMoved:
    """Move advocates along by hand (invited, active, declined): those the rules allow move, the rest stay.

    Under row locks, so a concurrent opt-out or detractor answer is never overwritten.
    """
    if to not in rules.ADVOCATE_MOVE_TARGETS:
        raise ValidationError({"status": [rules.advocate_move_error(current="", target=to)]})
    now = timezone.now()
    moved: list[int] = []
    refused: dict[str, int] = {}
    for advocate in locks.advocates(ids):
        if advocate.status == to:
            continue
        error = rules.advocate_move_error(current=advocate.status, target=to)
        if error is None:
            moved.append(advocate.pk)
        else:
            refused[error] = refused.get(error, 0) + 1
    if moved:
        Advocate.objects.filter(pk__any_of=moved).update(
            status=to, status_changed_at=now, status_changed_by=actor, updated_at=now
        )
    return AdvocatesMoved(moved=len(moved), refused=refused)
