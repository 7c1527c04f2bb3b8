"""A year of churn for the demo (seed_demo): smaller customers, some of whom left or pay less, and why.

Each of `SMALL` small accounts has weekly usage and billing signals for the last 15 months and a health
score on the first day of each month. About a third left during the last year, a few more pay less:
- most of those who left faded first (fewer people logging in, fewer features, a late payment),
  and their CSM recorded the reasons they heard (price, a competitor, never adopted…);
- some left without warning (the company closed, the champion moved on): no score could have seen it;
- last month's departures still wait for their reasons (the CSMs' monthly review), and two renewals
  that passed are proposed as churn for their CSM to confirm.
The back-test (accounts.backtest_report) then says what it finds in this history; nothing here sets a
score or an outcome by hand beyond the signals and the records.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.apps import apps

from accounts.defaults import churn_reasons_apply
from accounts.models import Account, AccountSignal, ChurnReason, ChurnRecord
from accounts.services.churn import churned_event_record
from portfolio.services.refresh import accounts_refresh

SMALL = 180
WEEKS = 66  # 15 months of weekly signals, so that the first landmark has its 90 days before
PREFIX = "demo-co-"
LAPSED = 2
_FIRST = (
    "青山",
    "Northwind",
    "海岸",
    "Blue Harbor",
    "锦程",
    "Maple",
    "鼎新",
    "Summit",
    "长风",
    "Riverside",
    "新禾",
    "Atlas",
)
_SECOND = ("物流", "Studio", "科技", "Bakery", "咨询", "Dental", "餐饮", "Outfitters", "教育", "Labs", "零售", "Clinic")
# Why they left, and how often (weights); what their signals did first.
_FADED = (
    ("price", 4),
    ("competitor", 3),
    ("not_adopted", 3),
    ("needs_unmet", 2),
    ("product_quality", 1),
    ("support", 1),
)
_SUDDEN = (("out_of_business", 3), ("key_person", 3), ("other", 1))
_COMPETITORS = ("问卷星", "SurveyPro", "声量云")
_NOTES = {
    "price": "预算削减，续约时要求降价未果。",
    "competitor": "Moved to a cheaper all-in-one suite their parent company already pays for.",
    "not_adopted": "只有管理员登录过，团队始终没有用起来。",
    "needs_unmet": "Needed SSO with their identity provider, which is on our roadmap.",
    "product_quality": "导出报表经常失败，影响月度汇报。",
    "support": "Two escalations took more than a week each.",
    "out_of_business": "门店关闭，公司注销。",
    "key_person": "Our champion left; the new head of operations brought her own tools.",
    "other": "合并到集团统一采购。",
}


@dataclass(frozen=True, slots=True)
class _Fate:
    kind: str = ""  # "churn", "downgrade" or "" (stays)
    day: date | None = None
    reasons: tuple[str, ...] = ()
    warned: bool = True  # its usage faded first


def _choose(rng: random.Random, weighted) -> str:
    return rng.choices([key for key, _w in weighted], weights=[w for _key, w in weighted])[0]


def _fate(rng: random.Random, today: date) -> _Fate:
    roll = rng.random()
    day = today - timedelta(days=rng.randrange(5, 360))
    if roll < 0.24:
        main = _choose(rng, _FADED)
        extra = (_choose(rng, _FADED),) if rng.random() < 0.35 else ()
        return _Fate("churn", day, tuple(dict.fromkeys((main, *extra))), warned=True)
    if roll < 0.33:
        return _Fate("churn", day, (_choose(rng, _SUDDEN),), warned=False)
    if roll < 0.43:
        return _Fate("downgrade", day, ("price",) if rng.random() < 0.7 else ("needs_unmet",), warned=True)
    return _Fate()


def _signals(account: Account, fate: _Fate, *, seats: int, today: date, rng: random.Random) -> list[AccountSignal]:
    rows, mrr = [], float(account.mrr or 0)
    base = rng.uniform(0.45, 0.9)
    for week in range(WEEKS, -1, -1):
        day = today - timedelta(days=7 * week)
        if fate.kind == "churn" and fate.day and day >= fate.day:
            break  # gone: its systems stop sending
        fade = 1.0
        if fate.warned and fate.kind and fate.day:
            ahead = (fate.day - day).days
            fade = 1.0 if ahead > 110 else max(0.25, 0.25 + 0.75 * ahead / 110)
            if fate.kind == "downgrade" and day >= fate.day:
                fade = 0.7
        active = max(0, round(seats * base * fade + rng.gauss(0, 1.2)))
        paid = mrr * (0.6 if fate.kind == "downgrade" and fate.day and day >= fate.day else 1.0)
        overdue = 0
        if (
            fate.warned
            and fate.kind == "churn"
            and fate.day
            and 0 <= (fate.day - day).days < 45
            and "price" in fate.reasons
        ):
            overdue = 10 + (45 - (fate.day - day).days) // 2
        values = {
            "seats": seats,
            "active_users": active,
            "logins": max(0, round(active * 2.4 + rng.gauss(0, 2))),
            "features_used": max(1, round(8 * fade + rng.gauss(0, 1))),
            "tickets_opened": max(0, round(1.2 * fade + rng.gauss(0, 0.7))),
            "payment_overdue_days": overdue,
            "mrr": round(paid, 2),
        }
        rows += [AccountSignal(account=account, date=day, key=key, value=value) for key, value in values.items()]
    return rows


def _record(account: Account, fate: _Fate, *, csm, today: date, reasons: dict, rng: random.Random) -> ChurnRecord:
    recent = fate.day is not None and (today - fate.day).days <= 30
    lost = account.mrr if fate.kind == "churn" else (account.mrr * Decimal("0.4")).quantize(Decimal("0.01"))
    record = ChurnRecord.objects.create(
        account=account,
        kind=fate.kind,
        date=fate.day,
        mrr_lost=lost,
        competitor=rng.choice(_COMPETITORS) if "competitor" in fate.reasons and not recent else "",
        note="" if recent else _NOTES[fate.reasons[0]],
        recorded_by=csm,
    )
    if not recent:  # last month's still wait for their reasons: the monthly review
        record.reasons.set([reasons[key] for key in fate.reasons])
    churned_event_record(record, account_external_id=account.external_id)  # confirmed as it is recorded
    return record


def demo_churn(*, today: date, csms: list, rng: random.Random, count: int = SMALL) -> int:
    """Create the small accounts, their signals, their churn log and monthly health; idempotent."""
    if Account.objects.filter(external_id__startswith=PREFIX).exists():
        return Account.objects.filter(external_id__startswith=PREFIX).count()
    # the taxonomy its migration seeds (a test that empties the tables between runs needs it again)
    churn_reasons_apply(apps)
    reasons = {reason.key: reason for reason in ChurnReason.objects.all()}
    signals, accounts, lapsed = [], [], 0
    for n in range(1, count + 1):
        fate = _fate(rng, today)
        start = today - timedelta(days=rng.randrange(480, 1100))
        renewal = fate.day if fate.kind == "churn" else today + timedelta(days=rng.randrange(20, 360))
        account = Account.objects.create(
            external_id=f"{PREFIX}{n:03d}",
            name=f"{rng.choice(_FIRST)}{rng.choice(_SECOND)} {n:03d}",
            plan=rng.choice(("Starter", "Growth")),
            mrr=Decimal(rng.choice((290, 490, 990, 1490))),
            contract_start=start,
            renewal_date=renewal,
            csm=csms[n % len(csms)],
        )
        accounts.append(account)
        signals += _signals(account, fate, seats=rng.choice((5, 10, 20)), today=today, rng=rng)
        if fate.kind:
            _record(account, fate, csm=account.csm, today=today, reasons=reasons, rng=rng)
        if fate.kind == "downgrade":
            account.mrr = (account.mrr * Decimal("0.6")).quantize(Decimal("0.01"))
            account.save(update_fields=["mrr"])
        elif not fate.kind and lapsed < LAPSED:  # a renewal passed without a new date: proposed as churn
            lapsed += 1
            account.renewal_date = today - timedelta(days=20 + 9 * lapsed)
            account.save(update_fields=["renewal_date"])
    AccountSignal.objects.bulk_create(signals, batch_size=5000)
    ids = [account.pk for account in accounts]
    first = date(today.year - 1, today.month, 1)
    for months in range(13):  # the first day of each month of the last year: the back-test's landmarks
        day = date(first.year + (first.month - 1 + months) // 12, (first.month - 1 + months) % 12 + 1, 1)
        accounts_refresh(ids, as_of=day, plays=False)
    accounts_refresh(ids, as_of=today)  # today's scores, and the churn proposals of the lapsed renewals
    return len(accounts)
