"""Accounts at risk: the rules of closedloop.account_rules open or reopen cases in the same desk.

An at-risk case is identified by its reason (its `source`) and its account's id (its
`source_id`): the unique constraint on (source, source_id) keeps one case per account and reason,
ever. A reason that holds opens that case; while it is open nothing more is opened. A reason that
stops holding closes nothing (a person closes the case), but it is remembered (`risk_cleared_at`):
when it holds again after the case was resolved or closed, the case is reopened, with a new due
date, never duplicated. A detractor answer is an event: each new one from a valuable account
reopens the case of that reason, or is logged on it while it is open.

The owner is the account's CSM (the case is then assigned), when they are active staff; the team is
the default team (its lead hears of escalations); the SLA is the priority's, as for any case.
Locks: at-risk cases have no customer, so they come last in the case order (`closedloop.locks`).
"""

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from closedloop import account_rules, account_selectors, locks, rules
from closedloop.account_selectors import AccountFacts
from closedloop.activity_texts import Entry
from closedloop.contracts import AnalysedFeedback
from closedloop.models import Case, CaseActivity, Team
from closedloop.services.activity import activity_log
from closedloop.services.events import case_event_record, cases_event_record
from closedloop.services.sla import sla_hours
from webhooks import catalogue

CHUNK = 500  # accounts evaluated in one transaction


def account_risks_apply(account_ids: Sequence[int], *, now: datetime) -> dict[str, int]:
    """Evaluate the at-risk rules for these accounts as of `now`; open or reopen their cases; return counts.

    An account that churned (a confirmed churn since its contract started) is left alone.
    Idempotent: run again with the same facts, it opens and reopens nothing. Called after each
    health refresh with the accounts it refreshed. Counts: opened, reopened, cleared (a reason
    that stopped holding), held (a reason that holds on a case already open or resolved since).
    """
    today = timezone.localdate(now)
    risk_rules = account_selectors.risk_rules()
    counts: Counter[str] = Counter()
    churned = account_selectors.churned_account_ids(account_ids)  # they left: no play brings them back
    ids = sorted(set(account_ids) - churned)
    for start in range(0, len(ids), CHUNK):
        counts.update(_apply(ids[start : start + CHUNK], now=now, today=today, risk_rules=risk_rules))
    return {key: counts[key] for key in ("opened", "reopened", "cleared", "held")}


@transaction.atomic
def _apply(ids: list[int], *, now: datetime, today, risk_rules: dict[str, account_rules.Rule]) -> Counter[str]:
    counts: Counter[str] = Counter()
    accounts = account_selectors.accounts_facts(account_ids=ids, today=today)
    cases = locks.account_risk_cases(ids)
    context = _Context(now=now, hours=sla_hours(), team=Team.objects.filter(is_default=True).first())
    new: list[tuple[AccountFacts, account_rules.Risk]] = []
    for account in accounts:
        holding = {risk.reason: risk for risk in account_rules.risks(account.facts, risk_rules)}
        for reason in account_rules.FROM_FACTS:
            case, risk = cases.get((reason, account.account_id)), holding.get(reason)
            if risk is not None and case is None:
                new.append((account, risk))
            elif risk is not None:
                counts[_case_for(account, risk, case, context, event=False)[0]] += 1
            elif case is not None and case.risk_cleared_at is None:
                case.risk_cleared_at = now
                case.save(update_fields=["risk_cleared_at", "updated_at"])
                counts["cleared"] += 1
    counts.update(_open_many(new, context))
    return counts


def _open_many(new: list[tuple[AccountFacts, account_rules.Risk]], context: "_Context") -> Counter[str]:
    """Open these cases at once, with their log; one by one when another transaction opened one of them first."""
    if not new:
        return Counter()
    cases = [_new_case(account, risk, context) for account, risk in new]
    try:
        with transaction.atomic():  # a savepoint: the same risk may be opened by another transaction meanwhile
            Case.objects.bulk_create(cases)
    except IntegrityError:
        return Counter(_case_for(account, risk, None, context, event=False)[0] for account, risk in new)
    entries = []
    for case, (account, risk) in zip(cases, new, strict=True):
        opened = Entry("risk_opened", {"reason": case.reason, "priority": case.priority, "facts": _facts(risk)})
        entries.append((case, CaseActivity.Kind.OPENED, opened))
        if account.csm_id is not None:
            entries.append((case, CaseActivity.Kind.ASSIGNED, Entry("assigned_csm", {"owner": account.csm_username})))
    CaseActivity.objects.bulk_create(
        CaseActivity(case=case, kind=kind, message=entry.english(), code=entry.code, params=entry.params)
        for case, kind, entry in entries
    )
    cases_event_record(catalogue.CASE_OPENED, cases)
    return Counter(opened=len(cases))


def account_risks_from_detractors(*, detractors: Sequence[tuple[AnalysedFeedback, int]]) -> int:
    """Detractor answers that just opened or joined a case (with its id): their accounts' at-risk cases.

    Returns how many answers put an account at risk. In the caller's transaction (the batch of
    answers, after its customers' cases: at-risk cases come last in the case order). Nothing is
    read when no answer names an account. The log names the answer's case, not the customer: the
    customer's case is where they are forgotten.
    """
    named = [(answer, case_id) for answer, case_id in detractors if answer.customer_account]
    if not named:
        return 0
    accounts = account_selectors.accounts_by_external_id([answer.customer_account for answer, _case in named])
    if not accounts:
        return 0
    rule = account_selectors.risk_rules()[account_rules.DETRACTOR]
    found = [
        (accounts[answer.customer_account], risk)
        for answer, case_id in named
        if answer.customer_account in accounts
        and (
            risk := account_rules.detractor_risk(
                mrr=accounts[answer.customer_account].mrr, rule=rule, case_id=case_id, score=answer.score
            )
        )
        is not None
    ]
    if not found:
        return 0
    now = timezone.now()
    cases = locks.account_risk_cases(account.account_id for account, _risk in found)
    context = _Context(now=now, hours=sla_hours(), team=Team.objects.filter(is_default=True).first())
    for account, risk in found:
        key = (risk.reason, account.account_id)
        cases[key] = _case_for(account, risk, cases.get(key), context, event=True)[1]  # the next answer sees it
    return len(found)


class _Context:
    def __init__(self, *, now: datetime, hours: dict[int, int], team: Team | None):
        self.now, self.hours, self.team = now, hours, team


def _case_for(
    account: AccountFacts, risk: account_rules.Risk, case: Case | None, context: _Context, *, event: bool
) -> tuple[str, Case]:
    """Open, reopen or keep the account's case of this reason; return what was done, and the case.

    `event`: the risk is an event (a detractor answer), new each time: it reopens an ended case
    and is logged on an open one. Otherwise the risk reopens an ended case only after it stopped holding.
    """
    if case is None:
        opened = _open(account, risk, context)
        if opened is not None:
            return "opened", opened
        case = locks.account_risk_cases([account.account_id])[(risk.reason, account.account_id)]  # opened meanwhile
    if case.is_open:
        if event:
            activity_log(case, None, CaseActivity.Kind.EDITED, Entry("risk_again", {"facts": _facts(risk)}))
        elif case.risk_cleared_at is not None:  # it came back before anyone ended the case: the same episode
            case.risk_cleared_at = None
            case.save(update_fields=["risk_cleared_at", "updated_at"])
        return "held", case
    if not event and case.risk_cleared_at is None:
        return "held", case  # ended by a person while it still held: it reopens once it cleared and came back
    _reopen(case, account, risk, context)
    return "reopened", case


def _open(account: AccountFacts, risk: account_rules.Risk, context: _Context) -> Case | None:
    """A new at-risk case; None when another transaction opened it first."""
    case = _new_case(account, risk, context)
    try:
        with transaction.atomic():  # a savepoint: the same risk may be opened by another transaction meanwhile
            case.save(force_insert=True)
    except IntegrityError:
        return None
    params = {"reason": case.reason, "priority": case.priority, "facts": _facts(risk)}
    activity_log(case, None, CaseActivity.Kind.OPENED, Entry("risk_opened", params))
    _log_owner(case)
    case_event_record(catalogue.CASE_OPENED, case)
    return case


def _new_case(account: AccountFacts, risk: account_rules.Risk, context: "_Context") -> Case:
    now = context.now
    return Case(
        source=risk.reason,
        source_id=account.account_id,
        account_id=account.account_id,
        survey_kind="",
        given_at=now,
        reason=risk.reason,
        priority=risk.priority,
        team=context.team,
        owner_id=account.csm_id,
        status=Case.Status.ASSIGNED if account.csm_id else Case.Status.NEW,
        opened_at=now,
        due_at=rules.due_at(now, risk.priority, context.hours),
        **_snapshot(account),
    )


def _reopen(case: Case, account: AccountFacts, risk: account_rules.Risk, context: _Context) -> None:
    """Back to work as a new episode: opened now, due by the priority's SLA, the CSM its owner."""
    now, before = context.now, case.status
    case.owner_id = account.csm_id or case.owner_id
    case.status = Case.Status.ASSIGNED if case.owner_id else Case.Status.NEW
    case.priority = risk.priority
    case.opened_at, case.due_at = now, rules.due_at(now, risk.priority, context.hours)
    case.sla, case.escalated_at, case.risk_cleared_at = Case.Sla.ON_TRACK, None, None
    case.first_contact_at = case.resolved_at = case.closed_at = case.customer_notified_at = None
    for name, value in _snapshot(account).items():
        setattr(case, name, value)
    case.save()
    params = {
        "reason": case.reason,
        "before": before,
        "priority": case.priority,
        "due": case.due_at.isoformat(),
        "facts": _facts(risk),
    }
    activity_log(case, None, CaseActivity.Kind.STATUS, Entry("risk_reopened", params))
    _log_owner(case)
    case_event_record(catalogue.CASE_OPENED, case)  # a new episode of the same case


def _log_owner(case: Case) -> None:
    if case.owner_id is not None:
        owner = case.owner.get_username() if case.owner else ""
        activity_log(case, None, CaseActivity.Kind.ASSIGNED, Entry("assigned_csm", {"owner": owner}))


def _snapshot(account: AccountFacts) -> dict:
    """The account as the case shows it, in the customer snapshot's columns (no customer: an account)."""
    return {
        "customer_account": account.external_id,
        "customer_name": account.name or account.external_id,
        "customer_value": account.mrr,
        "customer_plan": account.plan,
    }


def _facts(risk: account_rules.Risk) -> dict:
    """The facts as a nested entry (activity_texts renders it in the reader's language)."""
    return {"code": f"fact_{risk.reason}", "params": risk.params}
