"""SLAs: how long a case may take, and the sweep that marks cases at risk or overdue and escalates the overdue."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from closedloop import locks, rules, selectors
from closedloop.activity_texts import Entry
from closedloop.emails import escalation_email
from closedloop.models import Case, CaseActivity, SlaPolicy
from closedloop.services.activity import activity_log
from closedloop.services.events import case_event_record
from webhooks import catalogue


def sla_hours() -> dict[int, int]:
    """Hours to resolve per priority, as configured (the defaults where none is)."""
    return {**rules.DEFAULT_SLA_HOURS, **dict(SlaPolicy.objects.values_list("priority", "hours"))}


def cases_check_sla(*, now: datetime | None = None) -> dict[str, int]:
    """Mark open cases at risk or overdue, and escalate each overdue case once; return the counts.

    Each marking locks its cases in the case order first (`locks`): a bulk UPDATE alone would
    lock them in whatever order it met them, and could deadlock with the analysis of answers.
    """
    now = now or timezone.now()
    with transaction.atomic():
        late = locks.cases_in_order(Case.objects.filter(selectors.overdue(now)).exclude(sla=Case.Sla.OVERDUE))
        overdue = Case.objects.filter(id__any_of=late).update(sla=Case.Sla.OVERDUE) if late else 0
    # Only cases due within a fifth of the longest SLA can be at risk: a bounded set, judged by the rule.
    horizon = now + timedelta(hours=max(sla_hours().values()) * rules.AT_RISK_SHARE)
    candidates = Case.objects.filter(
        status__in=Case.OPEN_STATUSES, due_at__gt=now, due_at__lte=horizon, sla=Case.Sla.ON_TRACK
    )
    risky = [
        pk
        for pk, opened_at, due_at in candidates.values_list("id", "opened_at", "due_at")
        if rules.sla_state(opened_at=opened_at, due_at=due_at, now=now) == Case.Sla.AT_RISK
    ]
    at_risk = 0
    if risky:
        with transaction.atomic():
            locked = locks.cases_in_order(Case.objects.filter(id__any_of=risky))
            at_risk = Case.objects.filter(id__any_of=locked).update(sla=Case.Sla.AT_RISK)
    escalated = 0
    overdue_cases = Case.objects.filter(selectors.overdue(now), escalated_at__isnull=True).order_by(*locks.CASE_ORDER)
    for case_id in overdue_cases.values_list("id", flat=True):
        escalated += case_escalate(case_id=case_id, now=now)
    return {"overdue": overdue, "at_risk": at_risk, "escalated": escalated}


@transaction.atomic
def case_escalate(*, case_id: int, now: datetime) -> bool:
    """Escalate an overdue case once: priority raised, flagged, the team lead emailed after commit."""
    case = locks.case_to_escalate(case_id)
    if case is None:
        return False
    before = case.priority
    case.priority = rules.escalated_priority(case.priority)
    case.escalated_at = now
    case.save(update_fields=["priority", "escalated_at", "updated_at"])
    lead = case.team.lead if case.team and case.team.lead and case.team.lead.email else None
    # A P1 case stays P1: its escalation is the flag and the lead's email, not a change of priority.
    code = "escalated" if case.priority != before else "escalated_top"
    params: dict = {"before": before, "after": case.priority}
    if lead:
        code, params["lead"] = f"{code}_emailed", lead.get_username()
    activity_log(case, None, CaseActivity.Kind.ESCALATED, Entry(code, params))
    case_event_record(catalogue.CASE_ESCALATED, case)
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
    escalation_email(case=case, to=lead.email).send()
