"""Demo data for the closed loop: a CX team, cases aged as if the team had worked them all year, and
advocates who spread the word (invited, active, a couple declined) with the referrals they brought."""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from closedloop import rules, services
from closedloop.models import Advocate, Case, CaseActivity, Referral, RootCause, Team
from closedloop.services.events import cases_event_record
from webhooks import catalogue

DEMO_STAFF = (("demo-mei", "CX staff"), ("demo-li", "CX staff"), ("demo-alex", "CX staff"), ("demo-lead", "CX lead"))
RESOLVED_AFTER = timedelta(days=14)  # older cases were worked and resolved
DEMO_SIGNUPS = "demo-signup-"  # demo-signup-0001 …, and their conversions demo-order-0001 …
REFERRAL_DAYS = 182
# What a referred customer's first order is worth: a plan, paid for a month or a year (weights).
FIRST_ORDERS = (
    (Decimal("49.00"), 6),
    (Decimal("199.00"), 3),
    (Decimal("588.00"), 2),
    (Decimal("2388.00"), 1),
    (Decimal("1200.00"), 1),
)

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
    resolved = []
    for case in Case.objects.filter(opened_at__gt=now - timedelta(hours=1)).select_related("owner"):
        case.opened_at = case.given_at + timedelta(minutes=rng.randint(2, 90))
        case.due_at = rules.due_at(case.opened_at, case.priority, hours)
        case.sla = rules.sla_state(opened_at=case.opened_at, due_at=case.due_at, now=now)
        CaseActivity.objects.filter(case=case).update(created_at=case.opened_at)
        if now - case.opened_at > RESOLVED_AFTER:
            _resolve(case, causes, rng, lead)
            resolved.append(case)
        elif case.owner_id and rng.random() < 0.4:
            case.status = Case.Status.CONTACTED
            case.first_contact_at = case.opened_at + timedelta(hours=rng.randint(1, 20))
        case.save()
    cases_event_record(catalogue.CASE_RESOLVED, resolved)  # as staff resolving them would
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
                code="status",
                params={"before": "assigned", "after": "contacted"},
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
                code="status",
                params={"before": "contacted", "after": "resolved"},
                created_at=case.resolved_at,
            ),
        ]
    )


def demo_advocates(*, now: datetime, rng: random.Random) -> None:
    """Tell the advocates' story: most invited, many active, two declined; link visits; six months of referrals.

    Once: nothing is done when a demo referral exists (the first active advocate always brings
    one). Call it after the demo answers were analysed, which made consented promoters advocates.
    """
    if Referral.objects.filter(external_id__startswith=DEMO_SIGNUPS).exists():
        return
    candidates = list(Advocate.objects.filter(status=Advocate.Status.CANDIDATE).order_by("consent_at", "id"))
    lead = get_user_model().objects.filter(username="demo-lead").first()
    # The newest stay candidates (marketing has not reached them yet); the others were invited,
    # three in five of those took part (active), and two declined.
    reached = candidates[: len(candidates) * 4 // 5 or len(candidates)]
    declined = {reached[1].pk, reached[len(reached) // 2].pk} if len(reached) > 4 else set()
    staying = [advocate.pk for advocate in reached if advocate.pk not in declined]
    active = {pk for index, pk in enumerate(staying) if index % 5 in (0, 1, 3)}
    services.advocates_move(ids=[advocate.pk for advocate in reached], to=Advocate.Status.INVITED, actor=lead)
    services.advocates_move(ids=sorted(active), to=Advocate.Status.ACTIVE, actor=lead)
    services.advocates_move(ids=sorted(declined), to=Advocate.Status.DECLINED, actor=lead)

    values, weights = zip(*FIRST_ORDERS, strict=True)
    signups = orders = 0
    for advocate in reached:
        # reached over the six months (consent_at is their latest consent: most had given it before)
        moved_at = now - timedelta(days=rng.randint(7, REFERRAL_DAYS - 7), hours=rng.randint(0, 23))
        Advocate.objects.filter(pk=advocate.pk).update(status_changed_at=moved_at)
        if advocate.pk in declined:
            continue
        is_active = advocate.pk in active
        for _ in range(rng.randint(3, 30) if is_active else rng.randint(0, 4)):
            services.advocate_visit(code=advocate.code)
        Advocate.objects.filter(pk=advocate.pk, visits__gt=0).update(last_visit_at=_between(rng, moved_at, now))
        brought = rng.choice((0, 1, 1, 1, 2, 2, 3, 4)) if is_active else int(rng.random() < 0.1)
        if is_active and signups == 0:
            brought = max(brought, 1)
        for _ in range(brought):
            signups += 1
            signed_up = _between(rng, moved_at, now)
            services.referral_record(
                code=advocate.code, external_id=f"{DEMO_SIGNUPS}{signups:04d}", kind="signup", occurred_at=signed_up
            )
            ordered = signed_up + timedelta(days=rng.randint(1, 30), hours=rng.randint(0, 23))
            if ordered <= now and rng.random() < 0.5:
                orders += 1
                services.referral_record(
                    code=advocate.code,
                    external_id=f"demo-order-{orders:04d}",
                    kind="conversion",
                    revenue=rng.choices(values, weights=weights)[0],
                    occurred_at=ordered,
                )


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A moment from start to end (end when start is later), within the last REFERRAL_DAYS."""
    start = max(start, end - timedelta(days=REFERRAL_DAYS))
    return start + timedelta(seconds=rng.randint(0, max(0, int((end - start).total_seconds()))))
