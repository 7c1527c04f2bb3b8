"""Advocates: consented promoters, their referral codes and links, the referrals they bring, and exports."""

import secrets
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from closedloop import rules
from closedloop.contracts import AnalysedFeedback
from closedloop.models import Advocate, AdvocateExport, Referral


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
    than the one it holds (a redelivery, an answer analysed late) changes nothing.
    """
    answers = [item for item in items if _is_nps(item, "promoter") or _is_nps(item, "detractor")]
    if not answers:
        return
    held = {
        advocate.customer_id: advocate
        for advocate in Advocate.objects.select_for_update().filter(
            customer_id__any_of=sorted({item.customer_id for item in answers})
        )
    }
    for item in sorted(answers, key=lambda item: item.given_at):
        advocate = held.get(item.customer_id)
        promoter = item.classification == "promoter"
        if advocate is None:
            if promoter and item.consent_to_contact:
                held[item.customer_id] = _advocate_create(item)
            continue
        newer = item.given_at > advocate.last_answer_at
        status = rules.advocate_status_after(
            status=advocate.status, promoter=promoter, consented=item.consent_to_contact, newer=newer
        )
        if promoter and item.consent_to_contact and newer:
            _snapshot(advocate, item)
        if status is not None:
            advocate.status = status
            advocate.inactive_at = item.given_at if status == Advocate.Status.INACTIVE else None
            if status == Advocate.Status.CANDIDATE:
                advocate.opted_out_at = None
        if newer:
            advocate.last_answer_at = max(advocate.last_answer_at, item.given_at)
            advocate.updated_at = timezone.now()
            advocate.save()


def _snapshot(advocate: Advocate, item: AnalysedFeedback) -> None:
    advocate.customer_external_id = item.customer_external_id
    advocate.customer_name = item.customer_name
    advocate.customer_email = item.customer_email
    advocate.customer_plan = item.customer_plan
    advocate.customer_account = item.customer_account
    advocate.customer_value = item.customer_value
    advocate.locale = item.locale
    advocate.source = item.source
    advocate.source_id = item.source_id
    advocate.feedback_id = item.feedback_id
    advocate.survey_id = item.survey_id
    advocate.touchpoint_key = item.touchpoint_key
    advocate.last_score = item.score if item.score is not None else 0
    advocate.last_comment = item.text
    advocate.language = item.language
    advocate.consent_at = item.given_at
    advocate.last_answer_at = item.given_at


def _advocate_create(item: AnalysedFeedback) -> Advocate:
    """A new advocate with a fresh code; a code already taken (about 1 in 10^11) draws again."""
    advocate = Advocate(customer_id=item.customer_id)
    _snapshot(advocate, item)
    for _attempt in range(5):
        advocate.code = "".join(secrets.choice(rules.CODE_ALPHABET) for _ in range(rules.CODE_LENGTH))
        try:
            with transaction.atomic():
                advocate.save(force_insert=True)
        except IntegrityError:
            if Advocate.objects.filter(customer_id=item.customer_id).exists():
                raise  # not the code: the caller's lock should have prevented this
            advocate.pk = None
            continue
        return advocate
    raise RuntimeError("Could not draw an unused referral code in 5 attempts.")


def advocates_forget_consent(*, customer_id: int, at: datetime | None = None) -> int:
    """The customer unsubscribed or withdrew consent: their advocate is opted out at once, everywhere."""
    now = at or timezone.now()
    return (
        Advocate.objects.filter(customer_id=customer_id)
        .exclude(status=Advocate.Status.OPTED_OUT)
        .update(status=Advocate.Status.OPTED_OUT, opted_out_at=now, updated_at=timezone.now())
    )


def advocate_visit(*, code: str) -> bool:
    """Count a visit to a referral link; False for a code that is no advocate's."""
    normal = rules.referral_code_normal(code)
    if normal is None:
        return False
    return bool(Advocate.objects.filter(code=normal).update(visits=F("visits") + 1, last_visit_at=timezone.now()))


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
