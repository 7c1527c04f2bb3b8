"""Reads of the surveys app: lookups for the public endpoints and querysets for staff."""

import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from surveys.lookups import TTLCache
from surveys.models import INVITATION_CLAIM_TIMEOUT, ContactRule, Customer, Invitation, Response, Survey, Touchpoint
from surveys.policy import CAP_WINDOW, CustomerFacts, Decision, PastInvitation, Rule, decide
from surveys.question_selectors import question_specs
from surveys.questions import QuestionSpec


@dataclass(frozen=True, slots=True)
class SurveyRef:
    """What the response path needs to know about a survey."""

    id: int
    kind: str
    default_locale: str
    require_identity: bool = False
    identity_secret: str = ""
    widget_origins: tuple[str, ...] = ()
    questions: tuple[QuestionSpec, ...] = ()  # its additional questions, in order


def _load_active_survey(public_key: object) -> SurveyRef | None:
    row = (
        Survey.objects.filter(public_key=public_key, active=True)
        .values_list("id", "kind", "default_locale", "require_identity", "identity_secret", "widget_origins")
        .first()
    )
    if row is None:
        return None
    *fields, origins = row
    return SurveyRef(
        *fields,
        widget_origins=tuple(origin.rstrip("/") for origin in origins or ()),
        questions=question_specs(survey_id=fields[0]),
    )


def _load_widget_origins(_key: object) -> frozenset[str]:
    origins = Survey.objects.filter(active=True).values_list("widget_origins", flat=True)
    return frozenset(origin.rstrip("/") for group in origins for origin in (group or ()))


_all_widget_origins: TTLCache[frozenset[str]] = TTLCache(_load_widget_origins)


def widget_origins_all() -> frozenset[str]:
    """Return every origin some active survey lets embed its widget (for CORS preflights)."""
    return _all_widget_origins.get("all") or frozenset()


def _load_touchpoint_id(key: object) -> int | None:
    return Touchpoint.objects.filter(key=key).values_list("id", flat=True).first()


_active_surveys: TTLCache[SurveyRef] = TTLCache(_load_active_survey)
_touchpoint_ids: TTLCache[int] = TTLCache(_load_touchpoint_id)


def survey_get_active(*, public_key: str) -> SurveyRef | None:
    """Return the active survey with this public key, from the per-process cache."""
    return _active_surveys.get(public_key)


def touchpoint_get_id(*, key: str) -> int | None:
    """Return the id of the touchpoint with this key, from the per-process cache."""
    return _touchpoint_ids.get(key)


def lookups_clear() -> None:
    """Forget cached surveys and touchpoints (after edits in this process, and in tests)."""
    _active_surveys.clear()
    _touchpoint_ids.clear()
    _all_widget_origins.clear()


def survey_active_ids() -> list[int]:
    return list(Survey.objects.filter(active=True).values_list("id", flat=True))


def survey_has_responses(*, survey_id: int) -> bool:
    return Response.objects.filter(survey_id=survey_id).exists()


def survey_list() -> QuerySet[Survey]:
    return Survey.objects.select_related("stats").order_by("name")


def response_list() -> QuerySet[Response]:
    """Return responses, newest first, with what a listing shows."""
    return Response.objects.select_related("survey", "touchpoint", "customer").order_by("-submitted_at", "-id")


def response_score_counts(*, survey_id: int) -> dict[int, int]:
    """Return {score: count} for a survey, counted in the database."""
    rows = Response.objects.filter(survey_id=survey_id).values_list("score").annotate(n=Count("id"))
    return dict(rows)


def response_last_submitted_at(*, survey_id: int) -> datetime | None:
    return Response.objects.filter(survey_id=survey_id).aggregate(last=Max("submitted_at"))["last"]


def invitation_due_ids(*, limit: int = 1000) -> list[int]:
    """Return email invitations whose time has come (or whose sender died), oldest first."""
    now = timezone.now()
    due = Q(status=Invitation.Status.SCHEDULED, send_at__lte=now)
    abandoned = Q(status=Invitation.Status.SENDING, claimed_at__lt=now - INVITATION_CLAIM_TIMEOUT)
    return list(
        Invitation.objects.filter(due | abandoned, channel="email")
        .order_by("send_at")
        .values_list("id", flat=True)[:limit]
    )


def contact_history(*, customer_ids: Iterable[int], since: datetime) -> dict[int, list[PastInvitation]]:
    """Return when each customer was last asked, by any survey and channel, since a moment.

    Invitations count when made; answers given without an invitation (the widget, a shared
    link) count when given, so that a customer who just answered in the product is not emailed.
    """
    ids = list(customer_ids)
    history: dict[int, list[PastInvitation]] = defaultdict(list)
    invitations = Invitation.objects.filter(customer_id__any_of=ids, created_at__gt=since).exclude(
        channel=ContactRule.Channel.WIDGET, answered_at__isnull=True
    )  # a widget invitation waits for the customer to come by: it is a contact once answered
    for customer_id, touchpoint_id, at in invitations.values_list("customer_id", "touchpoint_id", "created_at"):
        history[customer_id].append(PastInvitation(touchpoint_id, at))
    for customer_id, touchpoint_id, at in Response.objects.filter(
        customer_id__any_of=ids, invitation__isnull=True, submitted_at__gt=since
    ).values_list("customer_id", "touchpoint_id", "submitted_at"):
        history[customer_id].append(PastInvitation(touchpoint_id, at))
    return history


def rule_from_model(model: ContactRule) -> Rule:
    return Rule(
        survey_id=model.survey_id,
        touchpoint_id=model.touchpoint_id,
        touchpoint_key=model.touchpoint.key,
        channel=model.channel,
        sampling_rate=model.sampling_rate,
        sampling_period_days=model.sampling_period_days,
        delay=timedelta(minutes=model.delay_minutes),
        cooldown=timedelta(days=model.cooldown_days),
        recontact=timedelta(days=model.recontact_days),
        cap_per_90_days=model.cap_per_90_days,
        expiry=timedelta(days=model.expiry_days),
    )


def widget_decision(*, survey: SurveyRef, external_id: str | None, touchpoint_key: str | None) -> Decision:
    """Whether the widget should ask this visitor now, under the same contact policy as email."""
    now = timezone.now()
    rules = ContactRule.objects.filter(survey_id=survey.id, channel=ContactRule.Channel.WIDGET, active=True)
    if touchpoint_key:
        rules = rules.filter(touchpoint__key=touchpoint_key)
    model = rules.select_related("touchpoint").order_by("-priority", "id").first()
    rule = (
        rule_from_model(model)
        if model
        else Rule(survey_id=survey.id, touchpoint_id=-1, touchpoint_key="", channel="widget")
    )
    customer = Customer.objects.filter(external_id=external_id).first() if external_id else None
    if customer is None:
        facts = CustomerFacts(external_id=external_id or "", has_email=False)
        history = []
    else:
        facts = CustomerFacts(
            external_id=customer.external_id,
            has_email=bool(customer.email),
            unsubscribed=customer.unsubscribed_at is not None,
            bounced=customer.email_bounced_at is not None,
        )
        longest = max(rule.cooldown, rule.recontact, CAP_WINDOW)
        history = contact_history(customer_ids=[customer.id], since=now - longest)[customer.id]
    return decide(rule=rule, customer=facts, history=history, occurred_at=now, now=now)


@dataclass(frozen=True, slots=True)
class ResponseRate:
    survey: str
    touchpoint: str
    channel: str
    sent: int
    opened: int
    answered: int

    @property
    def rate(self) -> float | None:
        return 100 * self.answered / self.sent if self.sent else None


def invitation_response_rates(
    *,
    since: datetime | None = None,
    before: datetime | None = None,
    survey_ids: Iterable[int] = (),
    touchpoint_ids: Iterable[int] = (),
    plans: Iterable[str] = (),
    accounts: Iterable[str] = (),
    locales: Iterable[str] = (),
) -> list[ResponseRate]:
    """Return sent, opened and answered invitations by survey, touchpoint and channel, counted in the database.

    Invitations count by when they were made (`since <= created_at < before`); plan and account
    are the customer's now (an invitation keeps no snapshot of them).
    """
    reached = Q(sent_at__isnull=False) | Q(answered_at__isnull=False)
    invitations = Invitation.objects.all()
    if since is not None:
        invitations = invitations.filter(created_at__gte=since)
    if before is not None:
        invitations = invitations.filter(created_at__lt=before)
    if survey_ids := list(survey_ids):
        invitations = invitations.filter(survey_id__in=survey_ids)
    for field, values in (
        ("touchpoint_id", touchpoint_ids),
        ("customer__plan", plans),
        ("customer__account", accounts),
        ("locale", locales),
    ):
        if values := list(values):
            invitations = invitations.filter(**{f"{field}__in": values})
    rows = (
        invitations.values("survey__name", "touchpoint__name", "channel")
        .annotate(
            sent=Count("id", filter=reached),
            opened=Count("id", filter=Q(opened_at__isnull=False)),
            answered=Count("id", filter=Q(answered_at__isnull=False)),
        )
        .order_by("survey__name", "touchpoint__name", "channel")
    )
    return [
        ResponseRate(
            survey=row["survey__name"],
            touchpoint=row["touchpoint__name"] or "—",
            channel=row["channel"],
            sent=row["sent"],
            opened=row["opened"],
            answered=row["answered"],
        )
        for row in rows
    ]


def survey_get(*, survey_id: int) -> Survey:
    """Return a survey with everything a page or the widget shows of it."""
    return Survey.objects.get(pk=survey_id)


def survey_for_widget_demo(*, public_key: str | None) -> Survey | None:
    """Return the survey the demo host page embeds: the one named, else the first with widget origins."""
    surveys = Survey.objects.filter(active=True)
    if public_key:
        return surveys.filter(public_key=public_key).first()
    return surveys.exclude(widget_origins=[]).order_by("id").first()


def widget_demo_new_visitor(*, survey: SurveyRef, touchpoint_key: str | None, attempts: int = 20) -> str:
    """A customer id never seen before, for the demo's "try as a new visitor": one the widget would ask now.

    Sampling is deterministic per customer id, so some new ids are never asked; this draws up to
    `attempts` ids and returns the first the contact policy would ask (else the last drawn).
    """
    external_id = ""
    for _attempt in range(attempts):
        external_id = f"visitor-{secrets.token_hex(4)}"
        if Customer.objects.filter(external_id=external_id).exists():
            continue
        if widget_decision(survey=survey, external_id=external_id, touchpoint_key=touchpoint_key).invite:
            break
    return external_id


def invitation_answer(*, invitation_id: int) -> tuple[int | None, bool]:
    """Return the score given through an invitation (None before an answer) and whether it consents to contact."""
    answer = Response.objects.filter(invitation_id=invitation_id).values_list("score", "consent_to_contact").first()
    return answer if answer is not None else (None, False)


WIDGET_DEMO_ACCOUNT = "demo-shop"


def widget_demo_account(*, external_id: str) -> str:
    """The account the demo host page signs for a customer: the one it is in, else the demo shop's own."""
    account = Customer.objects.filter(external_id=external_id).values_list("account_id", flat=True).first()
    return account or WIDGET_DEMO_ACCOUNT
