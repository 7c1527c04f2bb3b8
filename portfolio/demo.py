"""The demo's accounts and the story they tell (seed_demo): usage alone would have missed the one that leaves.

- 华东精工集团 (East China Precision) uses the product every day, and its people, happy two months ago,
  now answer as detractors: approvals will not sync with their OA system, and support said it was not
  our system. Health is red despite the usage; an at-risk case is open for its CSM.
- Harbor Coffee grows into the product: seats fill up, usage rises, its people recommend us. Green and hot.
- 台北麵包坊 never complains; its usage fades quietly and it stops opening tickets: the silent churn signs.
The other accounts are steady. Each has 180 days of daily signals and of health snapshots.
"""

import math
import random
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Account, AccountSignal, Stage
from closedloop import rules as closedloop_rules
from closedloop import services as closedloop_services
from closedloop.models import Case as FollowUp
from common.roles import CSM
from feedback import services as feedback_services
from portfolio.demo_churn import demo_churn
from portfolio.services.refresh import accounts_refresh
from surveys import services
from surveys.demo.seed import DEMO_MARK
from surveys.models import Customer, Survey
from surveys.services.rollups import score_rollups_fold

HISTORY_DAYS = 180
RED_DESPITE_USAGE = "huadong-precision"
RED_DESPITE_USAGE_NAME = "华东精工集团"
# Its people: (external id, name); they answer in simplified Chinese.
_PEOPLE = tuple(
    (f"hdjg-{n:02d}", name)
    for n, name in enumerate(
        ("陈建华", "王丽娟", "张伟", "刘洋", "李娜", "赵敏", "孙强", "周婷", "吴磊", "郑欣", "冯涛", "何静"), start=1
    )
)
_EARLIER_PRAISE = ("审批和报销都很顺手，团队很快就用起来了。", "差旅预订方便，比以前的系统好用多了。")
GROWING = "Harbor Coffee"
FADING = "台北麵包坊"
# CSMs of the demo (no password: an administrator sets one to log in as them).
CSMS = (("csm.lin", "晓", "林", "zh-hans"), ("csm.taylor", "Jordan", "Taylor", "en"))
# Plan, MRR, seats; contract start and renewal, as days from today.
_PLANS = {
    RED_DESPITE_USAGE: ("Enterprise", Decimal("8600.00"), 120, -700, 75),
    GROWING: ("Growth", Decimal("1990.00"), 40, -420, 310),
    FADING: ("Growth", Decimal("1490.00"), 30, -330, 35),
}
_SYNC_COMPLAINTS = (
    "审批流程一直无法同步到我们的OA系统，找客服却说不是你们的系统，问题拖了三周没人管。",
    "OA审批同步又失败了，每天要手工补录，很影响效率。",
    "差旅审批同步不到OA，客服推来推去，说不是他们的系统。",
    "The approval sync with our OA system has been broken for weeks and support says it is not their system.",
    "审批状态和OA对不上，财务月底对账非常痛苦，没人负责。",
    "同步失败的工单提了两次都被关掉了，说是我们OA的问题。",
    "Approvals still do not reach our OA system. We are re-keying them by hand every day.",
    "系统本身好用，但OA同步这个问题再不解决，续约要重新考虑了。",
)
COMPLAINTS = 14  # over the last 40 days: the account's NPS and comments turn it red


def demo_portfolio(*, today: date | None = None, rng: random.Random | None = None) -> int:
    """Give the demo accounts their plans, CSMs and 180 days of signals and health; idempotent."""
    today = today or timezone.localdate()
    rng = rng or random.Random(20)
    csms = _csms()
    _people()
    accounts = list(Account.objects.filter(customers__external_id__regex=r"^(demo|hdjg)-").distinct().order_by("pk"))
    if not accounts:
        return 0
    for index, account in enumerate(accounts):
        _profile(account, index=index, csm=csms[index % len(csms)], today=today, rng=rng)
    if not AccountSignal.objects.filter(account__in=accounts, key="logins").exists():
        AccountSignal.objects.bulk_create(
            [row for account in accounts for row in _signals(account, today=today, rng=rng)], batch_size=2000
        )
        _complaints(today=today)
        ids = [account.pk for account in accounts]
        for days_ago in range(HISTORY_DAYS, 0, -1):  # the trend: each day as it was computed then
            accounts_refresh(ids, as_of=today - timedelta(days=days_ago), plays=False)
    accounts_refresh([account.pk for account in accounts], as_of=today)
    return len(accounts) + demo_churn(today=today, csms=csms, rng=rng)


def _people() -> None:
    """The story account and its people (created once; an event would do the same)."""
    Account.objects.get_or_create(external_id=RED_DESPITE_USAGE, defaults={"name": RED_DESPITE_USAGE_NAME})
    for external_id, name in _PEOPLE:
        Customer.objects.get_or_create(
            external_id=external_id,
            defaults={
                "name": name,
                "email": f"{external_id}@example.com",
                "locale": "zh-hans",
                "account_id": RED_DESPITE_USAGE,
                "plan": "Enterprise",
            },
        )


def _csms() -> list:
    group, _ = Group.objects.get_or_create(name=CSM)
    users = []
    for username, first, last, _locale in CSMS:
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "is_staff": True}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        user.groups.add(group)
        users.append(user)
    return users


def _profile(account: Account, *, index: int, csm, today: date, rng: random.Random) -> None:
    plan, mrr, _seats, start, renewal = _PLANS.get(
        account.external_id,
        (
            rng.choice(("Starter", "Growth")),
            Decimal(rng.choice((490, 990, 1490, 2990))),
            0,
            -rng.randrange(60, 900),
            rng.randrange(20, 360),
        ),
    )
    account.name = account.name or (
        RED_DESPITE_USAGE_NAME if account.external_id == RED_DESPITE_USAGE else account.external_id
    )
    account.plan, account.mrr, account.csm = plan, mrr, csm
    account.contract_start, account.renewal_date = today + timedelta(days=start), today + timedelta(days=renewal)
    account.stage = Stage.RENEWAL if renewal <= 90 else ""
    account.save()


def _signals(account: Account, *, today: date, rng: random.Random) -> list[AccountSignal]:
    seats = _PLANS.get(account.external_id, (None, None, 0))[2] or rng.choice((10, 20, 30))
    mrr = float(account.mrr or 0)
    rows = []
    for days_ago in range(HISTORY_DAYS + 60, -1, -1):
        day = today - timedelta(days=days_ago)
        progress = 1 - days_ago / (HISTORY_DAYS + 60)
        weekday = 0.55 if day.weekday() >= 5 else 1.0
        if account.external_id == GROWING:
            share, features, tickets = 0.45 + 0.5 * progress, 6 + round(8 * progress), 1.2
        elif account.external_id == FADING:
            fade = 1.0 if days_ago > 75 else max(0.25, days_ago / 75)
            share, features, tickets = 0.7 * fade, max(2, round(9 * fade)), 1.5 * fade if days_ago > 20 else 0.0
        elif account.external_id == RED_DESPITE_USAGE:
            share, features, tickets = 0.85, 11, 2.5
        else:
            share, features, tickets = 0.55 + 0.1 * math.sin(days_ago / 20), 7, 1.0
        active = max(0, round(seats * share * weekday + rng.gauss(0, 1)))
        values = {
            "seats": seats,
            "active_users": active,
            "logins": max(0, round(active * 2.6 + rng.gauss(0, 2))),
            "features_used": max(1, features + rng.choice((-1, 0, 0, 1))),
            "tickets_opened": max(0, round(tickets * weekday + rng.gauss(0, 0.6))),
            "payment_overdue_days": 12 if account.external_id == FADING and days_ago < 12 else 0,
            "mrr": mrr,
        }
        rows += [AccountSignal(account=account, date=day, key=key, value=value) for key, value in values.items()]
    return rows


def _complaints(*, today: date) -> None:
    """The red-despite-usage account's people answer as detractors about the sync failure; the analysis and the
    case rules then do the rest, as for any answer."""
    survey = Survey.objects.filter(kind=Survey.Kind.NPS).order_by("pk").first()
    people = list(Customer.objects.filter(account_id=RED_DESPITE_USAGE).order_by("external_id"))
    if survey is None or not people:
        return
    now = timezone.now()
    for index, person in enumerate(people[:3]):  # two months ago they recommended us
        services.response_submit(
            survey_key=survey.public_key,
            score=9 + index % 2,
            comment=_EARLIER_PRAISE[index % len(_EARLIER_PRAISE)],
            locale="zh-hans",
            touchpoint_key="in-app",
            customer=services.CustomerIdentity(external_id=person.external_id),
            client_metadata=DEMO_MARK,
            submitted_at=now - timedelta(days=70 + 3 * index),
        )
    for index in range(COMPLAINTS):
        comment = _SYNC_COMPLAINTS[index % len(_SYNC_COMPLAINTS)]
        services.response_submit(
            survey_key=survey.public_key,
            score=index % 5,
            comment=comment,
            locale="en" if comment.isascii() else "zh-hans",
            touchpoint_key="support-ticket",
            customer=services.CustomerIdentity(external_id=people[index % len(people)].external_id),
            client_metadata=DEMO_MARK,
            submitted_at=now - timedelta(days=40 * (COMPLAINTS - index) / COMPLAINTS, hours=index),
        )
    feedback_services.feedback_analyse_all_pending(claim="seed_demo")
    _unrepaired(now=now)
    services.survey_stats_refresh(survey_id=survey.id)
    score_rollups_fold()  # as the rest of the demo: its answers start folded in


def _unrepaired(*, now) -> None:
    """The complaints' cases date from their answers and nobody has repaired them: overdue, escalated."""
    hours = closedloop_services.sla_hours()
    for case in FollowUp.objects.filter(customer_account=RED_DESPITE_USAGE, opened_at__gt=now - timedelta(hours=1)):
        case.opened_at = case.given_at + timedelta(minutes=30)
        case.due_at = closedloop_rules.due_at(case.opened_at, case.priority, hours)
        case.save(update_fields=["opened_at", "due_at"])
    closedloop_services.cases_check_sla(now=now)
