"""Working a case: staff change its owner, priority, root cause, resolution and status, and add notes.

`case_change` takes the case's row lock and goes through the change one concept at a time: a
`check_` function refuses what the case does not allow (CaseChangeRefused, naming the field),
then a `do_` function makes the change on the case and says what to log. A later check sees the
earlier changes (resolving needs the root cause set in the same change). Nothing is saved until
every check has passed.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from closedloop import locks, rules
from closedloop.activity_texts import Entry, cause_param
from closedloop.models import Case, CaseActivity, CaseTrigger, RootCause
from closedloop.services.activity import activity_log
from closedloop.services.events import case_event_record
from closedloop.services.sla import sla_hours
from webhooks import catalogue

User = get_user_model()

UNSET = object()  # a CaseChange field nobody asked to change

Logged = tuple[str, Entry]  # an activity entry to write once the case is saved: (kind, what)
_DONE = (Case.Status.RESOLVED, Case.Status.CLOSED)


class CaseChangeRefused(ValidationError):
    """A change that the case's state does not allow; the message says why."""


@dataclass(frozen=True)
class CaseChange:
    """What a member of staff asks to change; fields left as UNSET stay as they are."""

    status: object = UNSET
    owner_id: object = UNSET
    priority: object = UNSET
    root_cause_id: object = UNSET
    resolution: object = UNSET
    note: str = ""
    notify_customer: bool = False
    resurvey_in_days: int | None = None


@transaction.atomic
def case_change(*, case_id: int, actor, change: CaseChange) -> Case:
    """Apply a change under the case's row lock, check the move, log every field that changed."""
    case = locks.case(case_id)
    was_done = case.status in _DONE
    logs = _changed(case, _with_implied_status(case, change), now=timezone.now())
    try:
        with transaction.atomic():  # a savepoint: a refusal leaves the caller's transaction usable
            case.save()
    except IntegrityError:
        # check_move read without a lock: a case of this customer opened meanwhile (one open case each)
        raise CaseChangeRefused({"status": "Another case of this customer was just opened; work that one."}) from None
    for kind, message in logs:
        activity_log(case, actor, kind, message)
    if case.status in _DONE and not was_done:  # resolved or closed from open; resolved → closed is not news
        case_event_record(catalogue.CASE_RESOLVED, case)
    if change.note.strip():
        activity_log(case, actor, CaseActivity.Kind.NOTE, change.note.strip())
    if change.notify_customer:
        from closedloop import tasks

        transaction.on_commit(lambda: tasks.case_notify_customer.delay(case.pk), robust=True)
    return case


def case_note_add(*, case_id: int, actor, text: str) -> CaseActivity:
    """Add a note to a case."""
    text = text.strip()
    if not text:
        raise CaseChangeRefused({"text": "A note cannot be empty."})
    case = Case.objects.get(pk=case_id)
    return activity_log(case, actor, CaseActivity.Kind.NOTE, text)


def case_sentiment_corrected(*, source: str, source_id: int, before: str, after: str, actor, note: str = "") -> bool:
    """Staff corrected the sentiment of an answer: the case holding it shows the correction and logs it.

    In the caller's transaction (feedback's, which holds the item's lock first). Returns whether a case holds it.
    """
    trigger = CaseTrigger.objects.filter(source=source, source_id=source_id).only("case_id", "given_at").first()
    if trigger is None:
        return False
    case = locks.case(trigger.case_id)
    CaseTrigger.objects.filter(pk=trigger.pk).update(sentiment=after)
    if (case.source, case.source_id) == (source, source_id):  # the answer that opened it: the case's own label
        case.sentiment, case.sentiment_corrected, case.confidence = after, True, 1.0  # a person's reading
        case.save(update_fields=["sentiment", "sentiment_corrected", "confidence", "updated_at"])
    params = {"given": trigger.given_at.isoformat(), "before": before or "", "after": after}
    entry = Entry("sentiment_corrected", params)
    if note:
        entry = Entry("sentiment_corrected_note", {**params, "note": note})
    activity_log(case, actor, CaseActivity.Kind.SENTIMENT, entry)
    return True


def _asks(value, current) -> bool:
    """Whether the change asks for a field to become something other than what it is."""
    return value is not UNSET and value != current


def _with_implied_status(case: Case, change: CaseChange) -> CaseChange:
    """A new owner of a new case makes it assigned; an assigned case left without an owner is new again."""
    if change.status is not UNSET or not _asks(change.owner_id, case.owner_id):
        return change
    if change.owner_id is not None and case.status == Case.Status.NEW:
        return replace(change, status=Case.Status.ASSIGNED)
    if change.owner_id is None and case.status == Case.Status.ASSIGNED:
        return replace(change, status=Case.Status.NEW)  # an assigned case needs an owner
    return change


def _changed(case: Case, change: CaseChange, *, now: datetime) -> list[Logged]:
    """Check and make each change on the case, in turn; return what to log. Raises at the first refusal."""
    logs = []
    if _asks(change.owner_id, case.owner_id):
        logs.append(do_owner(case, check_owner(change.owner_id)))
    if _asks(change.priority, case.priority):
        logs.append(do_priority(case, check_priority(change.priority), now=now))
    if _asks(change.root_cause_id, case.root_cause_id):
        logs.append(do_root_cause(case, check_root_cause(change.root_cause_id)))
    if _asks(change.resolution, case.resolution):
        case.resolution = str(change.resolution)
        logs.append((CaseActivity.Kind.EDITED, Entry("resolution")))
    if _asks(change.status, case.status):
        logs.append(do_move(case, check_move(case, str(change.status)), now=now))
    if change.notify_customer:
        check_notify(case)
    if change.resurvey_in_days is not None:
        logs.append(do_resurvey(case, check_resurvey(case, change.resurvey_in_days), now=now))
    return logs


# --- Owner, priority, root cause -----------------------------------------------------------------


def check_owner(user_id):
    """The active member of staff with this id, or None for no owner."""
    if user_id is None:
        return None
    owner = User.objects.filter(pk=user_id, is_active=True, is_staff=True).first()
    if owner is None:
        raise CaseChangeRefused({"owner": "No active member of staff has this id."})
    return owner


def do_owner(case: Case, owner) -> Logged:
    case.owner = owner
    return CaseActivity.Kind.ASSIGNED, Entry("assigned", {"owner": owner.get_username()}) if owner else Entry(
        "unassigned"
    )


def check_priority(priority) -> int:
    if priority not in rules.DEFAULT_SLA_HOURS:
        raise CaseChangeRefused({"priority": "Priority must be 1, 2, 3 or 4."})
    return priority


def do_priority(case: Case, priority: int, *, now: datetime) -> Logged:
    """The new priority brings its own deadline, and an open case's SLA state with it."""
    before, case.priority = case.priority, priority
    case.due_at = rules.due_at(case.opened_at, case.priority, sla_hours())
    if case.is_open:
        case.sla = rules.sla_state(opened_at=case.opened_at, due_at=case.due_at, now=now)
    due = case.due_at.isoformat()
    return CaseActivity.Kind.PRIORITY, Entry("priority", {"before": before, "after": case.priority, "due": due})


def check_root_cause(root_cause_id) -> RootCause | None:
    """The active root cause with this id, or None to clear it."""
    cause = RootCause.objects.filter(pk=root_cause_id, active=True).first() if root_cause_id else None
    if root_cause_id and cause is None:
        raise CaseChangeRefused({"root_cause": "Unknown or inactive root cause."})
    return cause


def do_root_cause(case: Case, cause: RootCause | None) -> Logged:
    case.root_cause = cause
    if cause is None:
        return CaseActivity.Kind.ROOT_CAUSE, Entry("root_cause_cleared")
    return CaseActivity.Kind.ROOT_CAUSE, Entry("root_cause", {"cause": cause_param(cause)})


# --- Status --------------------------------------------------------------------------------------


def check_move(case: Case, target: str) -> str:
    """The status the case may move to now, as the rules allow, with what the change set so far."""
    if target not in Case.Status.values:
        raise CaseChangeRefused({"status": f"Unknown status '{target}'."})
    error = rules.transition_error(
        current=case.status,
        target=target,
        has_owner=case.owner_id is not None,
        has_root_cause=case.root_cause_id is not None,
        has_resolution=bool(case.resolution.strip()),
    )
    if error:
        raise CaseChangeRefused({"status": error})
    if case.status in _DONE and case.customer_id is not None:  # reopening: one open case per customer
        other = (
            Case.objects.filter(customer_id=case.customer_id, status__in=Case.OPEN_STATUSES).exclude(pk=case.pk).first()
        )
        if other is not None:
            raise CaseChangeRefused({"status": f"Case #{other.pk} of this customer is open; work that one."})
    return target


def do_move(case: Case, target: str, *, now: datetime) -> Logged:
    """Move the case, setting the times that go with the move."""
    reopened = case.status in _DONE and target not in _DONE  # resolved → closed is not a reopening
    logged = (
        CaseActivity.Kind.STATUS,
        Entry("reopened" if reopened else "status", {"before": case.status, "after": target}),
    )
    case.status = target
    if target == Case.Status.CONTACTED and case.first_contact_at is None:
        case.first_contact_at = now
    if target == Case.Status.RESOLVED:
        case.resolved_at = now
        case.sla = Case.Sla.MET if now <= case.due_at else Case.Sla.MISSED
        case.first_contact_at = case.first_contact_at or now
    if target == Case.Status.CLOSED:
        case.closed_at = now
    if reopened:
        _back_to_work(case, now=now)
    return logged


def _back_to_work(case: Case, *, now: datetime) -> None:
    """A reopened case: the next resolution is told and re-surveyed afresh (the log keeps the earlier ones)."""
    case.resolved_at = case.closed_at = case.customer_notified_at = None
    case.customer_note = ""
    if case.resurvey_sent_at is None:
        case.resurvey_due_at = None
    case.sla = rules.sla_state(opened_at=case.opened_at, due_at=case.due_at, now=now)


# --- Following up with the customer --------------------------------------------------------------


def check_notify(case: Case) -> None:
    """Whether the customer can be told about the case now (the note itself goes after commit)."""
    if case.status not in _DONE:
        raise CaseChangeRefused({"notify_customer": "The customer can be told only about a resolved case."})
    if not case.customer_email:
        raise CaseChangeRefused({"notify_customer": "This customer has no email address."})
    if case.customer_notified_at is not None:
        told = f"{case.customer_notified_at:%Y-%m-%d %H:%M %Z}"
        raise CaseChangeRefused({"notify_customer": f"The customer was already told on {told}."})


def check_resurvey(case: Case, days: int) -> int:
    if case.status not in _DONE or None in (case.survey_id, case.customer_id):
        raise CaseChangeRefused({"resurvey_in_days": "Only a resolved case's customer can be surveyed again."})
    if not 1 <= days <= 365:
        raise CaseChangeRefused({"resurvey_in_days": "Between 1 and 365 days."})
    return days


def do_resurvey(case: Case, days: int, *, now: datetime) -> Logged:
    case.resurvey_due_at = now + timedelta(days=days)
    return CaseActivity.Kind.EDITED, Entry("resurvey_in", {"days": days})
