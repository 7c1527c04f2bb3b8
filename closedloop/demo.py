"""Demo data for the closed loop: a CX team, and cases aged as if the team had worked them all year."""

import random
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from closedloop import rules, services
from closedloop.models import Case, CaseActivity, RootCause, Team

DEMO_STAFF = (("demo-mei", "CX staff"), ("demo-li", "CX staff"), ("demo-alex", "CX staff"), ("demo-lead", "CX lead"))
RESOLVED_AFTER = timedelta(days=14)  # older cases were worked and resolved

# The root cause a case's keywords point to, and what the team did, as a CX person would write it.
CAUSES = (
    (("退款", "refund", "账单", "帳單", "billing", "invoice", "价格", "price"), "pricing-billing"),
    (("闪退", "閃退", "crash", "bug", "报错", "error", "卡顿"), "product-bug"),
    (("客服", "support", "工单", "ticket", "回复", "reply"), "support-responsiveness"),
    (("对账", "同步", "sync", "integration", "api"), "data-sync"),
    (("功能", "feature", "export", "导出"), "missing-feature"),
)
RESOLUTIONS = {
    "en": "Called the customer, fixed the underlying issue and followed up by email.",
    "zh-hans": "已致电客户，问题已修复，并通过邮件跟进确认。",
    "zh-hant": "已致電客戶，問題已修復，並透過郵件跟進確認。",
}


def demo_team_ensure() -> None:
    """The demo CX team (no password: they own cases; log in as the admin to work them)."""
    User = get_user_model()
    for username, group in DEMO_STAFF:
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_staff": True, "email": f"{username}@example.com"}
        )
        if created:
            user.set_unusable_password()
            user.save()
        user.groups.add(Group.objects.get(name=group))
    Team.objects.filter(is_default=True, lead__isnull=True).update(lead=User.objects.get(username="demo-lead"))


def demo_cases_age(*, now: datetime, rng: random.Random) -> None:
    """Date every case from its answer; resolve the older ones with a root cause and a note; escalate the overdue."""
    causes = {cause.key: cause for cause in RootCause.objects.all()}
    hours = services.sla_hours()
    lead = get_user_model().objects.filter(username="demo-lead").first()
    for case in Case.objects.filter(opened_at__gt=now - timedelta(hours=1)).select_related("owner"):
        case.opened_at = case.given_at + timedelta(minutes=rng.randint(2, 90))
        case.due_at = rules.due_at(case.opened_at, case.priority, hours)
        case.sla = rules.sla_state(opened_at=case.opened_at, due_at=case.due_at, now=now)
        CaseActivity.objects.filter(case=case).update(created_at=case.opened_at)
        if now - case.opened_at > RESOLVED_AFTER:
            _resolve(case, causes, rng, lead)
        elif case.owner_id and rng.random() < 0.4:
            case.status = Case.Status.CONTACTED
            case.first_contact_at = case.opened_at + timedelta(hours=rng.randint(1, 20))
        case.save()
    services.cases_check_sla(now=now)


def _resolve(case: Case, causes: dict, rng: random.Random, lead) -> None:
    text = f"{case.comment} {' '.join(case.keywords)}".lower()
    key = next((key for words, key in CAUSES if any(word in text for word in words)), "other")
    case.root_cause = causes.get(key)
    case.first_contact_at = case.opened_at + timedelta(hours=rng.randint(1, 30))
    case.resolved_at = case.first_contact_at + timedelta(hours=rng.randint(2, 90))
    case.status = Case.Status.CLOSED if rng.random() < 0.5 else Case.Status.RESOLVED
    case.closed_at = case.resolved_at + timedelta(days=2) if case.status == Case.Status.CLOSED else None
    case.sla = Case.Sla.MET if case.resolved_at <= case.due_at else Case.Sla.MISSED
    case.resolution = RESOLUTIONS[services.note_language(case.locale)]
    if case.customer_email and rng.random() < 0.7:
        case.customer_notified_at = case.resolved_at
        case.customer_note = services.case_note_render(case=case)[1]
    CaseActivity.objects.bulk_create(
        [
            CaseActivity(
                case=case,
                actor=case.owner,
                kind="status",
                message="assigned → contacted.",
                created_at=case.first_contact_at,
            ),
            CaseActivity(
                case=case, actor=case.owner, kind="note", message=case.resolution, created_at=case.resolved_at
            ),
            CaseActivity(
                case=case,
                actor=case.owner or lead,
                kind="status",
                message="contacted → resolved.",
                created_at=case.resolved_at,
            ),
        ]
    )
