"""Touchpoint events in, invitations out: the contact policy applied to a batch in a few queries."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from surveys import locks, policy
from surveys.models import ContactRule, Survey, Touchpoint, TouchpointEvent
from surveys.selectors import contact_history, rule_from_model
from surveys.services import event_rows as rows
from surveys.services.event_rows import CUSTOMER_FIELDS


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    """A customer as the business's own systems describe it; None means "not given, keep"."""

    external_id: str
    email: str | None = None
    name: str | None = None
    locale: str | None = None
    account: str | None = None
    plan: str | None = None
    value: Decimal | None = None

    def given(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in CUSTOMER_FIELDS if getattr(self, name) is not None}


@dataclass(frozen=True, slots=True)
class EventInput:
    touchpoint_key: str
    customer: CustomerRecord
    event_id: str | None = None
    occurred_at: datetime | None = None
    survey_id: int | None = None
    delay: timedelta | None = None  # instead of the rule's delay before sending (the Delighted API's `delay`)


@dataclass(frozen=True, slots=True)
class EventOutcome:
    decision: str
    reason: str
    invitation_id: int | None = None
    channel: str | None = None
    send_at: datetime | None = None
    duplicate: bool = False
    token: str | None = None


@dataclass(frozen=True, slots=True)
class EventRejected:
    """An event refused for bad input; `fields` names what is wrong, as the API reports it."""

    fields: dict[str, list[str]] = field(default_factory=dict)


def _pick_rule(
    rules: dict[int, list[policy.Rule]],
    *,
    touchpoint: Touchpoint,
    survey_id: int | None,
    switched_off: set[tuple[int, int]],
) -> policy.Rule | None:
    """Return the touchpoint's top rule, or the named survey's.

    A named survey without a rule at the touchpoint gets the default rule; one whose rule was
    switched off gets none.
    """
    candidates = rules.get(touchpoint.id, [])
    if survey_id is None:
        return candidates[0] if candidates else None
    for rule in candidates:
        if rule.survey_id == survey_id:
            return rule
    if (survey_id, touchpoint.id) in switched_off:
        return None
    return policy.Rule(survey_id=survey_id, touchpoint_id=touchpoint.id, touchpoint_key=touchpoint.key, channel="email")


@transaction.atomic
def touchpoint_events_record(
    *, events: Sequence[EventInput], now: datetime | None = None
) -> list[EventOutcome | EventRejected]:
    """Apply the contact policy to a batch of touchpoint events; return one outcome per event, in order.

    A repeated event_id changes nothing and returns the first decision. The batch's customers and
    event ids are locked (advisory locks, one order) for the rest of the transaction, so that
    concurrent batches cannot both invite the same person or record the same event twice.
    """
    now = now or timezone.now()
    touchpoints = {tp.key: tp for tp in Touchpoint.objects.filter(key__in={e.touchpoint_key for e in events})}
    rejected = _rejected(events, touchpoints)
    accepted = [i for i in range(len(events)) if i not in rejected]
    event_ids = [event_id for i in accepted if (event_id := events[i].event_id)]
    locks.batch_keys_lock(
        [f"customer:{events[i].customer.external_id}" for i in accepted] + [f"event:{e}" for e in event_ids]
    )
    seen = _seen(event_ids)
    fresh = [i for i in accepted if not (events[i].event_id and events[i].event_id in seen)]
    latest: dict[str, dict[str, object]] = {}
    for i in fresh:  # later events about a customer add to (and override) what earlier ones gave
        latest.setdefault(events[i].customer.external_id, {}).update(events[i].customer.given())
    rows.customers_upsert(latest, now=now)
    plan = _Plan(customers=rows.customers_get(list(latest)), touchpoints=touchpoints, now=now)
    plan.decide(events, fresh)
    rows.invitations_insert(plan.invitations)
    rows.events_insert(plan.records)
    _send_due(plan.invitations, now=now)
    return _outcomes(events, rejected=rejected, seen=seen, plan=plan)


@transaction.atomic
def customers_record(*, customers: Sequence[CustomerRecord], now: datetime | None = None) -> None:
    """Create or update customers as touchpoint events do, without an event: no policy, no invitation."""
    locks.batch_keys_lock([f"customer:{customer.external_id}" for customer in customers])
    latest: dict[str, dict[str, object]] = {}
    for customer in customers:
        latest.setdefault(customer.external_id, {}).update(customer.given())
    rows.customers_upsert(latest, now=now or timezone.now())


def _rejected(events: Sequence[EventInput], touchpoints: dict[str, Touchpoint]) -> dict[int, EventRejected]:
    """The events refused for an unknown touchpoint or survey, by index."""
    named = {e.survey_id for e in events if e.survey_id is not None}
    active_surveys = set(Survey.objects.filter(id__in=named, active=True).values_list("id", flat=True))
    rejected: dict[int, EventRejected] = {}
    known_keys: list[str] | None = None
    for index, event in enumerate(events):
        if event.touchpoint_key not in touchpoints:
            if known_keys is None:
                known_keys = list(Touchpoint.objects.order_by("key").values_list("key", flat=True))
            message = f"Unknown touchpoint '{event.touchpoint_key}'; known: {', '.join(known_keys) or 'none yet'}."
            rejected[index] = EventRejected({"touchpoint": [message]})
        elif event.survey_id is not None and event.survey_id not in active_surveys:
            rejected[index] = EventRejected({"survey": [f"No active survey with id {event.survey_id}."]})
    return rejected


def _seen(event_ids: list[str]) -> dict[str, EventOutcome]:
    """The first decisions of events recorded before, by event id (answered as duplicates)."""
    return {
        str(stored.event_id): EventOutcome(
            decision=stored.decision,
            reason=stored.reason,
            invitation_id=stored.invitation_id,
            channel=stored.invitation.channel if stored.invitation else None,
            send_at=stored.invitation.send_at if stored.invitation else None,
            duplicate=True,
            token=stored.invitation.token if stored.invitation else None,
        )
        for stored in TouchpointEvent.objects.filter(event_id__any_of=event_ids).select_related("invitation")
    }


def _contact_rules(touchpoints: Iterable[Touchpoint]) -> tuple[dict[int, list[policy.Rule]], set[tuple[int, int]]]:
    """The active rules per touchpoint, top first; and the (survey, touchpoint) rules an admin switched off."""
    rules: dict[int, list[policy.Rule]] = defaultdict(list)
    switched_off: set[tuple[int, int]] = set()
    for model in (
        ContactRule.objects.filter(survey__active=True, touchpoint__in=[tp.id for tp in touchpoints])
        .select_related("touchpoint")
        .order_by("-priority", "id")
    ):
        if model.active:
            rules[model.touchpoint_id].append(rule_from_model(model))
        else:
            switched_off.add((model.survey_id, model.touchpoint_id))
    return rules, switched_off


class _Plan:
    """The batch's decisions, and the invitations and event rows they make, before anything is written."""

    def __init__(self, *, customers: dict[str, rows.CustomerRow], touchpoints: dict[str, Touchpoint], now: datetime):
        self.customers, self.touchpoints, self.now = customers, touchpoints, now
        self.rules, self.switched_off = _contact_rules(touchpoints.values())
        longest = max(
            [policy.CAP_WINDOW, *(max(r.cooldown, r.recontact) for group in self.rules.values() for r in group)]
        )
        self.history = contact_history(customer_ids=[c.id for c in customers.values()], since=now - longest)
        self.invitations: list[rows.NewInvitation] = []
        self.records: list[rows.NewEvent] = []
        self.decided: dict[int, tuple[policy.Decision, rows.NewEvent]] = {}
        self.first_in_batch: dict[str, int] = {}

    def decide(self, events: Sequence[EventInput], indexes: list[int]) -> None:
        """Decide each event in turn: an invitation counts in the history of the events after it."""
        for index in indexes:
            event = events[index]
            if event.event_id:
                if event.event_id in self.first_in_batch:
                    continue  # the same event twice in one batch: answered from the first
                self.first_in_batch[event.event_id] = index
            self.decided[index] = self._decide(event)

    def _decide(self, event: EventInput) -> tuple[policy.Decision, rows.NewEvent]:
        customer = self.customers[event.customer.external_id]
        touchpoint = self.touchpoints[event.touchpoint_key]
        rule = _pick_rule(self.rules, touchpoint=touchpoint, survey_id=event.survey_id, switched_off=self.switched_off)
        if rule is not None and event.delay is not None:
            rule = replace(rule, delay=event.delay)
        occurred_at = event.occurred_at or self.now
        decision = policy.decide(
            rule=rule,
            customer=policy.CustomerFacts(
                external_id=customer.external_id,
                has_email=customer.has_email,
                unsubscribed=customer.unsubscribed,
                bounced=customer.bounced,
            ),
            history=self.history[customer.id],
            occurred_at=occurred_at,
            now=self.now,
        )
        invitation = None
        if decision.invite:
            # policy.decide invites only under a rule, and says when to send and until when
            assert rule is not None
            assert decision.send_at is not None
            assert decision.expires_at is not None
            invitation = rows.NewInvitation(
                survey_id=rule.survey_id,
                touchpoint_id=touchpoint.id,
                customer_id=customer.id,
                channel=rule.channel,
                locale=customer.locale,
                created_at=self.now,
                send_at=decision.send_at,
                expires_at=decision.expires_at,
            )
            self.invitations.append(invitation)
            self.history[customer.id].append(policy.PastInvitation(touchpoint.id, self.now))
        record = rows.NewEvent(
            event_id=event.event_id,
            touchpoint_id=touchpoint.id,
            customer_id=customer.id,
            survey_id=rule.survey_id if rule else event.survey_id,
            occurred_at=occurred_at,
            received_at=self.now,
            decision=TouchpointEvent.Decision.INVITED if decision.invite else TouchpointEvent.Decision.SKIPPED,
            reason=decision.reason,
            invitation=invitation,
        )
        self.records.append(record)
        return decision, record


def _outcomes(
    events: Sequence[EventInput], *, rejected: dict[int, EventRejected], seen: dict[str, EventOutcome], plan: _Plan
) -> list[EventOutcome | EventRejected]:
    """One outcome per event, in order: refused, seen before, decided now, or a repeat within the batch."""
    result: list[EventOutcome | EventRejected] = []
    for index, event in enumerate(events):
        if index in rejected:
            result.append(rejected[index])
        elif event.event_id is not None and event.event_id in seen:
            result.append(seen[event.event_id])
        elif index in plan.decided:
            decision, record = plan.decided[index]
            invitation = record.invitation
            result.append(
                EventOutcome(
                    decision=record.decision,
                    reason=str(decision.reason),
                    invitation_id=invitation.id if invitation else None,
                    channel=invitation.channel if invitation else None,
                    send_at=invitation.send_at if invitation else None,
                    token=invitation.token if invitation else None,
                )
            )
        else:  # a repeat within this batch (of an event decided now: a refused event's repeats are refused)
            first = result[plan.first_in_batch[str(event.event_id)]]
            assert isinstance(first, EventOutcome)
            result.append(replace(first, duplicate=True))
    return result


def _send_due(invitations: list[rows.NewInvitation], *, now: datetime) -> None:
    """Send the email invitations due at once, after the commit."""
    due = [invitation.id for invitation in invitations if invitation.channel == "email" and invitation.send_at <= now]
    if due:
        from surveys import tasks  # tasks import the services; importing them here avoids a cycle

        # robust: a broker outage must not fail a committed batch; the beat sweep sends what is due.
        transaction.on_commit(lambda: tasks.invitation_send_many.delay(due), robust=True)
