"""The closed loop's writes: cases opened from analysed answers, worked by staff, escalated, resolved.

Every change to a case goes through here, under a row lock, and leaves an activity entry.
"""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from closedloop import rules, selectors
from closedloop.contracts import AnalysedFeedback
from closedloop.models import Case, CaseActivity, CaseRule, CaseTrigger, NoteTemplate, RootCause, SlaPolicy, Team
from common.snapshot import snapshot_values

logger = logging.getLogger(__name__)
User = get_user_model()

UNSET = object()  # a CaseChange field nobody asked to change


# --- Opening cases ---------------------------------------------------------------------------


def cases_from_answers(*, items: Sequence[AnalysedFeedback]) -> None:
    """Open or attach the cases these answers call for, in the caller's transaction.

    Each answer belongs to at most one case: one that it opened, or the customer's open case it
    was attached to. An answer seen again (a redelivered task, a re-analysis) only refreshes the
    sentiment its case shows; it never opens a second case.
    """
    if not items:
        return
    thresholds = _thresholds_by_survey({item.survey_id for item in items})
    seen = set(
        CaseTrigger.objects.filter(source_id__any_of=[item.source_id for item in items]).values_list(
            "source", "source_id"
        )
    )
    customers = sorted({item.customer_id for item in items if item.customer_id is not None})
    awaiting_recovery = set(
        Case.objects.filter(
            customer_id__any_of=customers, resurvey_sent_at__isnull=False, recovery_score__isnull=True
        ).values_list("customer_id", flat=True)
    )
    for item in items:
        if (item.source, item.source_id) in seen:
            _refresh_analysis(item)
            continue
        if item.customer_id in awaiting_recovery:
            _record_recovery(item)
        decision = rules.decide(
            rules.Trigger(
                survey_kind=item.survey_kind,
                score=item.score,
                classification=item.classification,
                polarity=item.polarity,
                customer_value=item.customer_value,
                detractor_recently=item.detractor_recently,
            ),
            thresholds.get(item.survey_id) or thresholds[None],
        )
        if decision is not None:
            case_open_or_attach(item=item, decision=decision)


def case_open_or_attach(*, item: AnalysedFeedback, decision: rules.Decision) -> Case:
    """Open a case for this answer, or attach it to its customer's open case; return the case."""
    if item.customer_id is not None:
        case = _open_case_of(item.customer_id)
        if case is not None:
            return _attach(case, item, decision)
    now = timezone.now()
    team = _team_for(item.touchpoint_key)
    case = Case(
        source=item.source,
        source_id=item.source_id,
        feedback_id=item.feedback_id,
        survey_id=item.survey_id,
        survey_kind=item.survey_kind,
        score=item.score,
        classification=item.classification,
        comment=item.text,
        language=item.language,
        polarity=item.polarity,
        sentiment=item.label,
        keywords=list(item.keywords),
        given_at=item.given_at,
        touchpoint_key=item.touchpoint_key,
        **snapshot_values(item),
        locale=item.locale,
        reason=decision.reason,
        priority=decision.priority,
        team=team,
        opened_at=now,
        due_at=rules.due_at(now, decision.priority, sla_hours()),
    )
    try:
        with transaction.atomic():  # a savepoint: another worker may open this customer's case meanwhile
            case.save(force_insert=True)
    except IntegrityError:
        if item.customer_id is None:
            raise
        case = _open_case_of(item.customer_id)
        if case is None:
            raise
        return _attach(case, item, decision)
    _add_trigger(case, item)
    _log(case, None, CaseActivity.Kind.OPENED, f"Opened: {case.get_reason_display()}, P{case.priority}.")
    owner = _next_owner(team) if team is not None else None
    if owner is not None:
        case.owner, case.status = owner, Case.Status.ASSIGNED
        case.save(update_fields=["owner", "status", "updated_at"])
        _log(case, None, CaseActivity.Kind.ASSIGNED, f"Assigned to {owner.get_username()} (round robin, {team}).")
    return case


def _open_case_of(customer_id: int) -> Case | None:
    return (
        Case.objects.select_for_update(of=("self",))
        .filter(customer_id=customer_id, status__in=Case.OPEN_STATUSES)
        .first()
    )


def _attach(case: Case, item: AnalysedFeedback, decision: rules.Decision) -> Case:
    _add_trigger(case, item)
    message = f"Another answer attached: {item.survey_kind.upper()} {item.score}."
    if decision.priority < case.priority:
        message += f" Priority P{case.priority} → P{decision.priority}."
        case.priority = decision.priority
        case.due_at = min(case.due_at, rules.due_at(case.opened_at, case.priority, sla_hours()))
        case.sla = rules.sla_state(opened_at=case.opened_at, due_at=case.due_at, now=timezone.now())
        case.save(update_fields=["priority", "due_at", "sla", "updated_at"])
    _log(case, None, CaseActivity.Kind.ATTACHED, message)
    return case


def _add_trigger(case: Case, item: AnalysedFeedback) -> None:
    CaseTrigger.objects.create(
        case=case,
        source=item.source,
        source_id=item.source_id,
        feedback_id=item.feedback_id,
        survey_kind=item.survey_kind,
        score=item.score,
        comment=item.text,
        sentiment=item.label,
        touchpoint_key=item.touchpoint_key,
        given_at=item.given_at,
    )


def _refresh_analysis(item: AnalysedFeedback) -> None:
    """A re-analysed answer: its case shows the new sentiment and keywords; nothing else changes."""
    CaseTrigger.objects.filter(source=item.source, source_id=item.source_id).update(sentiment=item.label)
    Case.objects.filter(source=item.source, source_id=item.source_id).update(
        language=item.language,
        polarity=item.polarity,
        sentiment=item.label,
        keywords=list(item.keywords),
        updated_at=timezone.now(),
    )


def _record_recovery(item: AnalysedFeedback) -> None:
    """An answer to a case's re-survey: its score is the case's recovery result."""
    if item.customer_id is None or item.score is None:
        return
    for case in Case.objects.select_for_update().filter(
        customer_id=item.customer_id,
        survey_id=item.survey_id,
        resurvey_sent_at__isnull=False,
        resurvey_sent_at__lte=item.given_at,
        recovery_score__isnull=True,
    ):
        case.recovery_score = item.score
        case.save(update_fields=["recovery_score", "updated_at"])
        _log(case, None, CaseActivity.Kind.EDITED, f"Re-survey answered: {item.score} (was {case.score}).")


def _thresholds_by_survey(survey_ids: Iterable[int | None]) -> dict[int | None, rules.Thresholds]:
    found = {rule.survey_id: rule for rule in CaseRule.objects.filter(survey_id__in=[i for i in survey_ids if i])}
    found.setdefault(None, CaseRule.objects.filter(survey_id__isnull=True).first())
    return {survey_id: _thresholds(rule) for survey_id, rule in found.items()}


def _thresholds(rule: CaseRule | None) -> rules.Thresholds:
    if rule is None:
        return rules.Thresholds()
    return rules.Thresholds(
        enabled=rule.enabled,
        nps_detractor_max=rule.nps_detractor_max,
        ces_hard_max=rule.ces_hard_max,
        csat_dissatisfied_max=rule.csat_dissatisfied_max,
        negative_polarity=rule.negative_polarity,
        high_value=rule.high_value,
    )


def sla_hours() -> dict[int, int]:
    """Hours to resolve per priority, as configured (the defaults where none is)."""
    return {**rules.DEFAULT_SLA_HOURS, **dict(SlaPolicy.objects.values_list("priority", "hours"))}


def _team_for(touchpoint_key: str) -> Team | None:
    team = Team.objects.filter(touchpoints__touchpoint_key=touchpoint_key).first() if touchpoint_key else None
    return team or Team.objects.filter(is_default=True).first()


def _next_owner(team: Team):
    """The team's next active staff member after the last one given a case (round robin), or None.

    Staff only: case pages and changes are for staff, so a case given to anyone else could not be worked.
    """
    team = Team.objects.select_for_update().get(pk=team.pk)
    members = list(User.objects.filter(groups=team.group_id, is_active=True, is_staff=True).order_by("id"))
    if not members:
        return None
    after = [user for user in members if team.last_assigned_id is not None and user.id > team.last_assigned_id]
    owner = (after or members)[0]
    team.last_assigned = owner
    team.save(update_fields=["last_assigned"])
    return owner


# --- Working a case --------------------------------------------------------------------------


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
    case = Case.objects.select_for_update().get(pk=case_id)
    now = timezone.now()
    logs: list[tuple[str, str]] = []
    if change.owner_id is not UNSET and change.owner_id != case.owner_id:
        owner = _staff_member(change.owner_id)
        case.owner = owner
        logs.append((CaseActivity.Kind.ASSIGNED, f"Assigned to {owner.get_username()}." if owner else "Unassigned."))
        if change.status is UNSET and owner is not None and case.status == Case.Status.NEW:
            change = replace(change, status=Case.Status.ASSIGNED)
        if change.status is UNSET and owner is None and case.status == Case.Status.ASSIGNED:
            change = replace(change, status=Case.Status.NEW)  # an assigned case needs an owner
    if change.priority is not UNSET and change.priority != case.priority:
        if change.priority not in rules.DEFAULT_SLA_HOURS:
            raise CaseChangeRefused({"priority": "Priority must be 1, 2, 3 or 4."})
        before, case.priority = case.priority, change.priority
        case.due_at = rules.due_at(case.opened_at, case.priority, sla_hours())  # the new priority's deadline
        if case.is_open:
            case.sla = rules.sla_state(opened_at=case.opened_at, due_at=case.due_at, now=now)
        due = f"{case.due_at:%Y-%m-%d %H:%M}"
        logs.append((CaseActivity.Kind.PRIORITY, f"Priority P{before} → P{case.priority}, due {due}."))
    if change.root_cause_id is not UNSET and change.root_cause_id != case.root_cause_id:
        cause = RootCause.objects.filter(pk=change.root_cause_id, active=True).first() if change.root_cause_id else None
        if change.root_cause_id and cause is None:
            raise CaseChangeRefused({"root_cause": "Unknown or inactive root cause."})
        case.root_cause = cause
        logs.append((CaseActivity.Kind.ROOT_CAUSE, f"Root cause: {cause}." if cause else "Root cause cleared."))
    if change.resolution is not UNSET and change.resolution != case.resolution:
        case.resolution = str(change.resolution)
        logs.append((CaseActivity.Kind.EDITED, "Resolution updated."))
    if change.status is not UNSET and change.status != case.status:
        _move(case, str(change.status), now=now, logs=logs)
    if change.notify_customer:
        if case.status not in (Case.Status.RESOLVED, Case.Status.CLOSED):
            raise CaseChangeRefused({"notify_customer": "The customer can be told only about a resolved case."})
        if not case.customer_email:
            raise CaseChangeRefused({"notify_customer": "This customer has no email address."})
        if case.customer_notified_at is not None:
            told = f"{case.customer_notified_at:%Y-%m-%d %H:%M %Z}"
            raise CaseChangeRefused({"notify_customer": f"The customer was already told on {told}."})
    if change.resurvey_in_days is not None:
        if case.status not in (Case.Status.RESOLVED, Case.Status.CLOSED) or None in (case.survey_id, case.customer_id):
            raise CaseChangeRefused({"resurvey_in_days": "Only a resolved case's customer can be surveyed again."})
        if not 1 <= change.resurvey_in_days <= 365:
            raise CaseChangeRefused({"resurvey_in_days": "Between 1 and 365 days."})
        case.resurvey_due_at = now + timedelta(days=change.resurvey_in_days)
        logs.append((CaseActivity.Kind.EDITED, f"Re-survey in {change.resurvey_in_days} days."))
    try:
        with transaction.atomic():  # a savepoint: a refusal leaves the caller's transaction usable
            case.save()
    except IntegrityError:
        # the check in _move read without a lock: a case of this customer opened meanwhile (one open case each)
        raise CaseChangeRefused({"status": "Another case of this customer was just opened; work that one."}) from None
    for kind, message in logs:
        _log(case, actor, kind, message)
    if change.note.strip():
        _log(case, actor, CaseActivity.Kind.NOTE, change.note.strip())
    if change.notify_customer:
        from closedloop import tasks

        transaction.on_commit(lambda: tasks.case_notify_customer.delay(case.pk), robust=True)
    return case


def _move(case: Case, target: str, *, now: datetime, logs: list) -> None:
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
    reopened = case.status in (Case.Status.RESOLVED, Case.Status.CLOSED)
    if reopened and case.customer_id is not None:
        other = (
            Case.objects.filter(customer_id=case.customer_id, status__in=Case.OPEN_STATUSES).exclude(pk=case.pk).first()
        )
        if other is not None:
            raise CaseChangeRefused({"status": f"Case #{other.pk} of this customer is open; work that one."})
    logs.append((CaseActivity.Kind.STATUS, f"{'Reopened: ' if reopened else ''}{case.status} → {target}."))
    case.status = target
    if target == Case.Status.CONTACTED and case.first_contact_at is None:
        case.first_contact_at = now
    if target == Case.Status.RESOLVED:
        case.resolved_at = now
        case.sla = Case.Sla.MET if now <= case.due_at else Case.Sla.MISSED
        case.first_contact_at = case.first_contact_at or now
    if target == Case.Status.CLOSED:
        case.closed_at = now
    if reopened and target not in (Case.Status.RESOLVED, Case.Status.CLOSED):
        # back to work: the next resolution is told and re-surveyed afresh (the log keeps the earlier ones)
        case.resolved_at = case.closed_at = case.customer_notified_at = None
        case.customer_note = ""
        if case.resurvey_sent_at is None:
            case.resurvey_due_at = None
        case.sla = rules.sla_state(opened_at=case.opened_at, due_at=case.due_at, now=now)


def _staff_member(user_id):
    if user_id is None:
        return None
    owner = User.objects.filter(pk=user_id, is_active=True, is_staff=True).first()
    if owner is None:
        raise CaseChangeRefused({"owner": "No active member of staff has this id."})
    return owner


def cases_assign(*, case_ids: Sequence[int], owner, actor) -> int:
    """Assign many cases to one member of staff (each under its own lock); return how many changed."""
    changed = 0
    for case_id in sorted(case_ids):  # one order: two bulk assignments never deadlock
        before = Case.objects.filter(pk=case_id).values_list("owner_id", flat=True).first()
        case_change(case_id=case_id, actor=actor, change=CaseChange(owner_id=owner.pk))
        changed += before != owner.pk
    return changed


def case_note_add(*, case_id: int, actor, text: str) -> CaseActivity:
    """Add a note to a case."""
    text = text.strip()
    if not text:
        raise CaseChangeRefused({"text": "A note cannot be empty."})
    case = Case.objects.get(pk=case_id)
    return _log(case, actor, CaseActivity.Kind.NOTE, text)


def _log(case: Case, actor, kind: str, message: str) -> CaseActivity:
    return CaseActivity.objects.create(case=case, actor=actor, kind=kind, message=message)


# --- Telling the customer --------------------------------------------------------------------


def case_notify_customer(*, case_id: int) -> bool:
    """Send the resolution note to the customer once; True when it was sent by this call.

    The case is claimed with a conditional UPDATE (customer_notified_at), so a second delivery
    sends nothing; a failed send frees the claim again and raises for the task to retry.
    """
    now = timezone.now()
    if not Case.objects.filter(pk=case_id, customer_notified_at__isnull=True).update(customer_notified_at=now):
        return False
    case = Case.objects.get(pk=case_id)
    try:
        subject, body = case_note_render(case=case)  # a template broken by an edit fails here, before anything is told
        send_mail(subject, body, None, [case.customer_email])
    except Exception:
        Case.objects.filter(pk=case_id).update(customer_notified_at=None)
        raise
    # Written only while the case still has its customer: a customer forgotten meanwhile stays forgotten.
    if (
        Case.objects.filter(pk=case_id, customer_email=case.customer_email)
        .exclude(customer_email="")
        .update(customer_note=body, customer_note_error="")
    ):
        _log(case, None, CaseActivity.Kind.NOTIFIED, f"Note sent to {case.customer_email}: {subject}")
    return True


def case_email_failed(*, case_id: int, email: str, error: str) -> None:
    """Record on the case that an email about it could not be sent, once retries are spent.

    `email` is "note" (to the customer: the error is kept on the case, and staff may tick
    "notify customer" again) or "escalation" (to the team lead). Shown in the case's activity.
    """
    error = error[:1000]
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        return
    if email == "note":
        if not Case.objects.filter(pk=case_id, customer_notified_at__isnull=True).update(customer_note_error=error):
            return  # sent after all, by a later attempt
        message = f"Note to the customer not sent: {error}"
    else:
        message = f"Escalation email to the team lead not sent: {error}"
    _log(case, None, CaseActivity.Kind.NOT_SENT, message)


def note_language(locale: str) -> str:
    """The template language for a customer's locale: zh-hant for Taiwan / Hong Kong, zh-hans for other Chinese."""
    locale = (locale or "").lower().replace("_", "-")
    if locale.startswith("zh"):
        return "zh-hant" if any(tag in locale for tag in ("hant", "tw", "hk", "mo")) else "zh-hans"
    return "en"


def case_note_render(*, case: Case) -> tuple[str, str]:
    """The subject and body of the resolution note, in the customer's language."""
    language = note_language(case.locale)
    templates = {t.language: t for t in NoteTemplate.objects.filter(language__in=(language, "en"))}
    template = templates.get(language) or templates.get("en")  # the shipped templates may have been deleted
    subject, body = (template.subject, template.body) if template else ("Your feedback", "{resolution}")
    fields = {"name": case.customer_name or case.customer_external_id, "resolution": case.resolution, "case": case.pk}
    return subject, body.format_map(_Blank(fields))


class _Blank(dict):
    def __missing__(self, key):  # an unknown placeholder in an edited template stays as it was written
        return "{" + key + "}"


# --- SLA --------------------------------------------------------------------------------------


def cases_check_sla(*, now: datetime | None = None) -> dict[str, int]:
    """Mark open cases at risk or overdue, and escalate each overdue case once; return the counts."""
    now = now or timezone.now()
    open_cases = Case.objects.filter(status__in=Case.OPEN_STATUSES)
    overdue = Case.objects.filter(selectors.overdue(now)).exclude(sla=Case.Sla.OVERDUE).update(sla=Case.Sla.OVERDUE)
    # Only cases due within a fifth of the longest SLA can be at risk: a bounded set, judged by the rule.
    horizon = now + timedelta(hours=max(sla_hours().values()) * rules.AT_RISK_SHARE)
    candidates = open_cases.filter(due_at__gt=now, due_at__lte=horizon, sla=Case.Sla.ON_TRACK)
    risky = [
        pk
        for pk, opened_at, due_at in candidates.values_list("id", "opened_at", "due_at")
        if rules.sla_state(opened_at=opened_at, due_at=due_at, now=now) == Case.Sla.AT_RISK
    ]
    at_risk = Case.objects.filter(id__any_of=risky).update(sla=Case.Sla.AT_RISK) if risky else 0
    escalated = 0
    for case_id in Case.objects.filter(selectors.overdue(now), escalated_at__isnull=True).values_list("id", flat=True):
        escalated += case_escalate(case_id=case_id, now=now)
    return {"overdue": overdue, "at_risk": at_risk, "escalated": escalated}


@transaction.atomic
def case_escalate(*, case_id: int, now: datetime) -> bool:
    """Escalate an overdue case once: priority raised, flagged, the team lead emailed after commit."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("team__lead")
        .filter(pk=case_id, escalated_at__isnull=True, status__in=Case.OPEN_STATUSES)
        .first()
    )
    if case is None:
        return False
    before = case.priority
    case.priority = rules.escalated_priority(case.priority)
    case.escalated_at = now
    case.save(update_fields=["priority", "escalated_at", "updated_at"])
    lead = case.team.lead if case.team and case.team.lead and case.team.lead.email else None
    _log(
        case,
        None,
        CaseActivity.Kind.ESCALATED,
        f"Overdue: escalated P{before} → P{case.priority}" + (f", {lead.get_username()} emailed." if lead else "."),
    )
    if lead is not None:
        from closedloop import tasks

        transaction.on_commit(lambda: tasks.case_escalation_email.delay(case.pk), robust=True)
    return True


def case_escalation_email_send(*, case_id: int) -> None:
    """Tell the case's team lead that it is overdue."""
    case = Case.objects.select_related("team__lead", "owner").get(pk=case_id)
    lead = case.team.lead if case.team else None
    if lead is None or not lead.email:
        return
    owner = case.owner.get_username() if case.owner else "nobody"
    send_mail(
        f"[cxplatform] Case #{case.pk} is overdue (P{case.priority})",
        f"Case #{case.pk} for {case.customer_name or case.customer_external_id} was due "
        f"{case.due_at:%Y-%m-%d %H:%M %Z} and is still {case.status}; owner: {owner}.\n\n"
        f"{case.get_reason_display()}: {case.survey_kind.upper()} {case.score}\n{case.comment}\n",
        None,
        [lead.email],
    )


# --- Re-survey ---------------------------------------------------------------------------------


def case_resurvey_sent(*, case_id: int, now: datetime | None = None) -> None:
    """Record that the re-survey of a case went out (called by the distribution side)."""
    now = now or timezone.now()
    case = Case.objects.get(pk=case_id)
    Case.objects.filter(pk=case_id).update(resurvey_sent_at=now, updated_at=now)
    _log(case, None, CaseActivity.Kind.EDITED, "Re-survey sent.")
