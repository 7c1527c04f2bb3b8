"""Each churned account in context: its last answers and comments, its health before leaving, its cases.

For a record dated D (a day in TIME_ZONE):
- answers and comments: the account's last ones submitted before the end of D (D included);
- health: the snapshot closest on or before D − 30 days (`health_before`: what the score said a
  month ahead), and the last one dated before D (`health_last`);
- cases: the account's cases opened before the end of D, newest first.
Every item carries the admin page it is read on. The reads are insights.sql_churn_context's: a few
statements for all the records together.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.urls import reverse

from accounts.models import ChurnRecord, HealthSnapshot
from closedloop.models import Case
from insights import sql_churn_context as reads
from insights.periods import day_after
from surveys.models import Response

HEALTH_LEAD_DAYS = 30


@dataclass(frozen=True, slots=True)
class AnswerLink:
    response_id: int
    survey_kind: str
    score: int
    classification: str
    submitted_at: datetime
    comment: str
    url: str


@dataclass(frozen=True, slots=True)
class HealthAt:
    date: date
    score: int | None
    band: str
    url: str


@dataclass(frozen=True, slots=True)
class CaseLink:
    case_id: int
    reason: str  # the reason's label
    status: str  # the status's label
    is_open: bool
    opened_at: datetime
    url: str


@dataclass(frozen=True, slots=True)
class ReasonName:
    key: str
    name: str


@dataclass(frozen=True, slots=True)
class ChurnedAccount:
    record_id: int
    record_url: str
    kind: str
    date: date
    mrr_lost: Decimal
    reasons: list[ReasonName]
    competitor: str
    note: str
    account_id: int
    external_id: str
    name: str
    plan: str
    csm: str  # the CSM's username, "" for none
    account_url: str
    answers: list[AnswerLink]
    comments: list[AnswerLink]
    health_before: HealthAt | None  # closest on or before the record's date − HEALTH_LEAD_DAYS
    health_last: HealthAt | None  # the last before the record's date
    cases: list[CaseLink]
    cases_total: int


def _answer(response: Response) -> AnswerLink:
    return AnswerLink(
        response_id=response.pk,
        survey_kind=response.survey.kind,
        score=response.score,
        classification=response.classification,
        submitted_at=response.submitted_at,
        comment=response.comment,
        url=reverse("admin:surveys_response_change", args=[response.pk]),
    )


def _health(snapshot: HealthSnapshot | None) -> HealthAt | None:
    if snapshot is None:
        return None
    url = reverse("admin:accounts_healthsnapshot_change", args=[snapshot.pk])
    return HealthAt(date=snapshot.date, score=snapshot.health_score, band=snapshot.health_band, url=url)


def _case(case: Case) -> CaseLink:
    return CaseLink(
        case_id=case.pk,
        reason=case.get_reason_display(),
        status=case.get_status_display(),
        is_open=case.is_open,
        opened_at=case.opened_at,
        url=reverse("admin:closedloop_case_change", args=[case.pk]),
    )


def churned_accounts(records: list[ChurnRecord], *, names: dict[str, str], context: int = 3) -> list[ChurnedAccount]:
    """The records' accounts in context, in the records' order; `names` names each reason key."""
    if not records:
        return []
    cuts = [
        reads.RecordCut(
            record_id=record.pk,
            account_id=record.account_id,
            external_id=record.account.external_id,
            cut_at=day_after(record.date),
            cut_day=record.date - timedelta(days=HEALTH_LEAD_DAYS),
        )
        for record in records
    ]
    answer_ids, comment_ids = reads.last_answers(cuts, limit=context)
    before_ids = reads.snapshots_on_or_before(cuts)
    last_ids = reads.snapshots_on_or_before(
        [
            dataclasses.replace(cut, cut_day=record.date - timedelta(days=1))
            for cut, record in zip(cuts, records, strict=True)
        ]
    )
    case_ids = reads.cases_before(cuts, limit=context)
    wanted = {i for ids in (*answer_ids.values(), *comment_ids.values()) for i in ids}
    responses = {r.pk: r for r in Response.objects.filter(pk__in=wanted).select_related("survey")}
    snapshots = HealthSnapshot.objects.filter(pk__in={*before_ids.values(), *last_ids.values()})
    snapshot_by_id = {s.pk: s for s in snapshots}
    cases = {c.pk: c for c in Case.objects.filter(pk__in={i for ids, _n in case_ids.values() for i in ids})}
    shown = []
    for record in records:
        account = record.account
        found_cases, cases_total = case_ids.get(record.pk, ([], 0))
        shown.append(
            ChurnedAccount(
                record_id=record.pk,
                record_url=reverse("admin:accounts_churnrecord_change", args=[record.pk]),
                kind=record.kind,
                date=record.date,
                mrr_lost=record.mrr_lost,
                reasons=[ReasonName(r.key, names.get(r.key, r.key)) for r in record.reasons.all()],
                competitor=record.competitor,
                note=record.note,
                account_id=account.pk,
                external_id=account.external_id,
                name=account.name,
                plan=account.plan,
                csm=account.csm.username if account.csm else "",
                account_url=reverse("admin:accounts_account_change", args=[account.pk]),
                answers=[_answer(responses[i]) for i in answer_ids.get(record.pk, ())],
                comments=[_answer(responses[i]) for i in comment_ids.get(record.pk, ())],
                health_before=_health(snapshot_by_id.get(before_ids.get(record.pk, 0))),
                health_last=_health(snapshot_by_id.get(last_ids.get(record.pk, 0))),
                cases=[_case(cases[i]) for i in found_cases],
                cases_total=cases_total,
            )
        )
    return shown
