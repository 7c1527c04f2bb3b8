"""Opening cases: what analysed answers call for, a new case or one more answer on the customer's open case.

Locks follow the one order (`closedloop.locks`): a batch first locks the teams it may assign
to, then the cases it may change, and works through its answers customer by customer.
"""

from collections.abc import Iterable, Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from closedloop import locks, rules
from closedloop.activity_texts import Entry
from closedloop.contracts import AnalysedFeedback
from closedloop.models import Case, CaseActivity, CaseRule, CaseTrigger, Team, TeamTouchpoint
from closedloop.services.activity import activity_log
from closedloop.services.assignment import next_owner
from closedloop.services.events import case_event_record
from closedloop.services.sla import sla_hours
from common import sentiment
from common.snapshot import snapshot_values
from webhooks import catalogue


def cases_from_answers(*, items: Sequence[AnalysedFeedback]) -> list[tuple[AnalysedFeedback, int]]:
    """Open or attach the cases these answers call for, in the caller's transaction; return the NPS detractors.

    The detractors are the answers that opened or joined a case as detractors in this call (an
    answer seen before is not one again), each with its case's id: their accounts may be at risk
    (services.account_risk).

    Each answer belongs to at most one case: one that it opened, or the customer's open case it
    was attached to. An answer seen again (a redelivered task, a re-analysis) only refreshes the
    sentiment its case shows; it never opens a second case.
    """
    if not items:
        return []
    thresholds = _thresholds_by_survey({item.survey_id for item in items})
    seen = set(
        CaseTrigger.objects.filter(source_id__any_of=[item.source_id for item in items]).values_list(
            "source", "source_id"
        )
    )
    decisions = {
        index: decision
        for index, item in enumerate(items)
        if (item.source, item.source_id) not in seen and (decision := _decide(item, thresholds)) is not None
    }
    teams = _teams_for({items[index].touchpoint_key for index in decisions})
    locked = locks.teams(team.pk for team in teams.values() if team is not None)  # before any case: the one order
    customers = sorted({item.customer_id for item in items if item.customer_id is not None})
    locks.cases_answers_may_change(
        customer_ids=customers, source_ids=[source_id for _source, source_id in seen]
    )  # before the batch changes any of them, in the case order
    awaiting_recovery = set(
        Case.objects.filter(
            customer_id__any_of=customers, resurvey_sent_at__isnull=False, recovery_score__isnull=True
        ).values_list("customer_id", flat=True)
    )
    detractors = []
    # customer by customer, as the cases are locked (each customer's answers in the order given)
    for index in sorted(range(len(items)), key=lambda index: locks.case_sort_key(items[index].customer_id)):
        item = items[index]
        if (item.source, item.source_id) in seen:
            _refresh_analysis(item)
            continue
        if item.customer_id in awaiting_recovery:
            _record_recovery(item)
        if index in decisions:
            team = teams[item.touchpoint_key]
            case = _open_or_attach(item, decisions[index], locked[team.pk] if team is not None else None)
            if decisions[index].reason == Case.Reason.DETRACTOR:
                detractors.append((item, case.pk))
    return detractors


def case_open_or_attach(*, item: AnalysedFeedback, decision: rules.Decision) -> Case:
    """Open a case for this answer, or attach it to its customer's open case; return the case.

    In the caller's transaction, which holds no case or advocate lock yet: the answer's team is
    locked first, as `locks` orders.
    """
    team = _teams_for({item.touchpoint_key})[item.touchpoint_key]
    return _open_or_attach(item, decision, locks.teams([team.pk])[team.pk] if team is not None else None)


def _decide(item: AnalysedFeedback, thresholds: dict[int | None, rules.Thresholds]) -> rules.Decision | None:
    return rules.decide(
        rules.Trigger(
            survey_kind=item.survey_kind,
            score=item.score,
            classification=item.classification,
            polarity=item.polarity,
            label=item.label,
            confidence=item.confidence,
            customer_value=item.customer_value,
            detractor_recently=item.detractor_recently,
        ),
        thresholds.get(item.survey_id) or thresholds[None],
    )


def _open_or_attach(item: AnalysedFeedback, decision: rules.Decision, team: Team | None) -> Case:
    """As case_open_or_attach; `team` is the answer's team, locked by the caller."""
    if item.customer_id is not None:
        case = locks.open_case_of_customer(item.customer_id)
        if case is not None:
            return _attach(case, item, decision)
    now = timezone.now()
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
        confidence=sentiment.confidence(item.polarity, item.confidence),
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
        case = locks.open_case_of_customer(item.customer_id)
        if case is None:
            raise
        return _attach(case, item, decision)
    _add_trigger(case, item)
    activity_log(
        case, None, CaseActivity.Kind.OPENED, Entry("opened", {"reason": case.reason, "priority": case.priority})
    )
    owner = next_owner(team) if team is not None else None
    if owner is not None:
        case.owner, case.status = owner, Case.Status.ASSIGNED
        case.save(update_fields=["owner", "status", "updated_at"])
        activity_log(
            case,
            None,
            CaseActivity.Kind.ASSIGNED,
            Entry("assigned_round_robin", {"owner": owner.get_username(), "team": str(team)}),
        )
    case_event_record(catalogue.CASE_OPENED, case)
    return case


def _attach(case: Case, item: AnalysedFeedback, decision: rules.Decision) -> Case:
    _add_trigger(case, item)
    entry = Entry("attached", {"kind": item.survey_kind, "score": item.score})
    if decision.priority < case.priority:
        entry = Entry("attached_raised", {**entry.params, "before": case.priority, "after": decision.priority})
        case.priority = decision.priority
        case.due_at = min(case.due_at, rules.due_at(case.opened_at, case.priority, sla_hours()))
        case.sla = rules.sla_state(opened_at=case.opened_at, due_at=case.due_at, now=timezone.now())
        case.save(update_fields=["priority", "due_at", "sla", "updated_at"])
    activity_log(case, None, CaseActivity.Kind.ATTACHED, entry)
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
        confidence=sentiment.confidence(item.polarity, item.confidence),
        keywords=list(item.keywords),
        updated_at=timezone.now(),
    )


def _record_recovery(item: AnalysedFeedback) -> None:
    """An answer to a case's re-survey: its score is the case's recovery result."""
    if item.customer_id is None or item.score is None:
        return
    for case in locks.cases_awaiting_recovery(
        customer_id=item.customer_id, survey_id=item.survey_id, answered_at=item.given_at
    ):
        case.recovery_score = item.score
        case.save(update_fields=["recovery_score", "updated_at"])
        activity_log(
            case, None, CaseActivity.Kind.EDITED, Entry("resurvey_answered", {"score": item.score, "was": case.score})
        )


def _thresholds_by_survey(survey_ids: Iterable[int | None]) -> dict[int | None, rules.Thresholds]:
    found: dict[int | None, CaseRule | None] = {
        rule.survey_id: rule for rule in CaseRule.objects.filter(survey_id__in=[i for i in survey_ids if i])
    }
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
        min_confidence=rule.min_confidence,
        high_value=rule.high_value,
    )


def _teams_for(touchpoint_keys: Iterable[str]) -> dict[str, Team | None]:
    """The team that works each touchpoint's cases: the one that owns it, else the default team (or None)."""
    keys = set(touchpoint_keys)
    owned = {
        owned.touchpoint_key: owned.team
        for owned in TeamTouchpoint.objects.filter(touchpoint_key__in=[key for key in keys if key]).select_related(
            "team"
        )
    }
    default = None if keys <= owned.keys() else Team.objects.filter(is_default=True).first()
    return {key: owned.get(key) or default for key in keys}
