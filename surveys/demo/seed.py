"""Demo data: three surveys, five touchpoints, ~200 customers and ~2,000 answers over six months.

Deterministic and idempotent: running it again changes nothing. About half the customers
answer in Chinese (a third of those in traditional characters), half in English.
"""

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.services.ensure import accounts_ensure
from closedloop import demo as closedloop_demo
from feedback import services as feedback_services
from surveys import scoring, services
from surveys.demo.comments import COMMENTS
from surveys.demo.questions import demo_answers, demo_question_ensure
from surveys.models import ContactRule, Customer, Invitation, Response, Survey, Touchpoint, TouchpointEvent
from surveys.policy import Reason
from surveys.services.invitations import invitation_respond
from surveys.services.rollups import score_rollups_fold

DEMO_MARK = {"source": "seed_demo"}
CUSTOMERS = 200
RESPONSES = 2000
DAYS = 182

TOUCHPOINTS = (
    ("onboarding", "Onboarding", "First 30 days: set-up, data import, training."),
    ("support-ticket", "Support ticket", "A support ticket was solved or closed."),
    ("delivery", "Hardware delivery", "A receipt printer or scanner was delivered."),
    ("renewal", "Renewal", "Thirty days before the subscription renews."),
    ("in-app", "In the product", "While the customer uses the dashboard or the mobile app."),
)

SURVEYS = (
    {
        "name": "Relationship NPS",
        "kind": Survey.Kind.NPS,
        "question_en": "How likely are you to recommend us to a friend or colleague?",
        "question_zh_hans": "您有多大可能向朋友或同事推荐我们？",
        "question_zh_hant": "您有多大可能向朋友或同事推薦我們？",
        "follow_up_en": "What is the main reason for your score?",
        "follow_up_zh_hans": "您给出这个分数的主要原因是什么？",
        "follow_up_zh_hant": "您給出這個分數的主要原因是什麼？",
    },
    {
        "name": "CES after support",
        "kind": Survey.Kind.CES,
        "question_en": "The company made it easy for me to handle my issue.",
        "question_zh_hans": "公司让我很容易地解决了我的问题。",
        "question_zh_hant": "公司讓我很容易地解決了我的問題。",
        "follow_up_en": "What could we have done to make it easier?",
        "follow_up_zh_hans": "我们怎样做才能让这件事更容易？",
        "follow_up_zh_hant": "我們怎樣做才能讓這件事更容易？",
    },
    {
        "name": "CSAT after delivery",
        "kind": Survey.Kind.CSAT,
        "question_en": "How satisfied are you with your delivery?",
        "question_zh_hans": "您对本次配送满意吗？",
        "question_zh_hant": "您對本次配送滿意嗎？",
        "follow_up_en": "Tell us more about your delivery.",
        "follow_up_zh_hans": "请告诉我们更多关于这次配送的情况。",
        "follow_up_zh_hant": "請告訴我們更多關於這次配送的情況。",
    },
)
# Which touchpoints each survey is asked at, and how often (weights).
SURVEY_TOUCHPOINTS = {
    "Relationship NPS": (("renewal", 3), ("in-app", 4), ("onboarding", 2)),
    "CES after support": (("support-ticket", 1),),
    "CSAT after delivery": (("delivery", 1),),
}
SURVEY_SHARE = (("Relationship NPS", 5), ("CES after support", 3), ("CSAT after delivery", 2))
# The contact policy of the demo: (survey, touchpoint, channel, sampling rate, delay in minutes).
# A support ticket is asked every time, after one minute, not the half hour a real help desk might wait:
# the tour's event (README, docs/getting-started.md) then shows its email while the reader watches.
RULES = (
    ("Relationship NPS", "renewal", "email", 1.0, 0),
    ("Relationship NPS", "in-app", "widget", 0.5, 0),
    ("Relationship NPS", "onboarding", "email", 1.0, 60 * 24 * 14),
    ("CES after support", "support-ticket", "email", 1.0, 1),
    ("CSAT after delivery", "delivery", "email", 1.0, 60 * 24),
)


def demo_widget_origins() -> list[str]:
    """Origins allowed to embed the demo widget: the platform itself (CX_PUBLIC_BASE_URL), where /demo/widget/ lives.

    A loopback address is also allowed by its other name (127.0.0.1 and localhost), on the same port.
    """
    address = urlsplit(settings.CX_PUBLIC_BASE_URL)
    origin = f"{address.scheme}://{address.netloc}"
    twins = {"127.0.0.1": "localhost", "localhost": "127.0.0.1"}
    twin = twins.get(address.hostname or "")
    if twin is None:
        return [origin]
    port = f":{address.port}" if address.port else ""
    return [origin, f"{address.scheme}://{twin}{port}"]


INVITATION_STATES = (
    Invitation.Status.SCHEDULED,
    Invitation.Status.SENT,
    Invitation.Status.OPENED,
    Invitation.Status.ANSWERED,
    Invitation.Status.EXPIRED,
    Invitation.Status.FAILED,
)
SKIP_REASONS = (Reason.COOLDOWN, Reason.NOT_SAMPLED, Reason.RECONTACT_WINDOW, Reason.UNSUBSCRIBED, Reason.NO_EMAIL)

EN_NAMES = ("Olivia", "Liam", "Emma", "Noah", "Ava", "Ethan", "Mia", "Lucas", "Sophia", "Mason")
EN_SURNAMES = ("Smith", "Brown", "Taylor", "Wilson", "Clark", "Hughes", "Patel", "Murphy", "Reed", "Fox")
ZH_SURNAMES = ("王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴")
ZH_GIVEN = ("伟", "芳", "娜", "敏", "静", "磊", "洋", "婷", "杰", "雪")
ZHT_SURNAMES = ("陳", "林", "黃", "張", "李", "王", "吳", "劉", "蔡", "楊")
ZHT_GIVEN = ("志明", "美玲", "家豪", "淑芬", "俊傑", "怡君", "建宏", "雅婷", "宗翰", "佩珊")
ACCOUNTS_EN = ("Harbor Coffee", "Northwind Goods", "Blue Fern Florist", "Maple Hardware", "Urban Bikes")
ACCOUNTS_ZH = ("上海鲜果铺", "杭州茶舍", "成都小面馆", "北京文具城", "深圳数码港")
ACCOUNTS_ZHT = ("台北麵包坊", "高雄海產行", "香港茶餐廳", "台中書店", "新竹科技材料行")
PLANS = (("Starter", Decimal("49.00"), 5), ("Growth", Decimal("199.00"), 3), ("Enterprise", Decimal("1200.00"), 1))

TONES_BY_CLASS = {
    scoring.Classification.PROMOTER: (("praise", 8), ("mixed_feelings", 1), ("neutral", 1)),
    scoring.Classification.SATISFIED: (("praise", 8), ("neutral", 2)),
    scoring.Classification.EASY: (("praise", 7), ("neutral", 3)),
    scoring.Classification.PASSIVE: (("neutral", 5), ("mixed_feelings", 4), ("complaint", 1)),
    scoring.Classification.NEUTRAL: (("neutral", 5), ("mixed_feelings", 4), ("complaint", 1)),
    scoring.Classification.DETRACTOR: (("complaint", 8), ("mixed_feelings", 2)),
    scoring.Classification.DISSATISFIED: (("complaint", 9), ("mixed_feelings", 1)),
    scoring.Classification.HARD: (("complaint", 8), ("mixed_feelings", 2)),
}


@dataclass(frozen=True)
class SeedResult:
    created_responses: int
    customers: int
    surveys: int
    touchpoints: int


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _customer_rows(rng: random.Random) -> list[dict]:
    rows = []
    for index in range(1, CUSTOMERS + 1):
        locale = _weighted(rng, (("en", 10), ("zh-hans", 7), ("zh-hant", 3)))
        if locale == "en":
            name = f"{rng.choice(EN_NAMES)} {rng.choice(EN_SURNAMES)}"
            account = rng.choice(ACCOUNTS_EN)
        elif locale == "zh-hans":
            name = rng.choice(ZH_SURNAMES) + rng.choice(ZH_GIVEN) + rng.choice(ZH_GIVEN)
            account = rng.choice(ACCOUNTS_ZH)
        else:
            name = rng.choice(ZHT_SURNAMES) + rng.choice(ZHT_GIVEN)
            account = rng.choice(ACCOUNTS_ZHT)
        plan, mrr, _ = _weighted(rng, ((plan, plan[2]) for plan in PLANS))
        rows.append(
            {
                "external_id": f"demo-{index:04d}",
                "email": f"demo-{index:04d}@example.com",
                "name": name,
                "locale": locale,
                "account_id": account,  # the account's external id
                "plan": plan,
                "value": mrr,
                "consent_to_contact": rng.random() < 0.45,
            }
        )
    return rows


def _score(rng: random.Random, kind: str, progress: float) -> int:
    """Draw a score; answers get a little better over the six months (the team is fixing things)."""
    low, high = scoring.scale_for(kind)
    lift = 0.12 * progress
    draw = min(1.0, rng.random() + lift)
    if kind == Survey.Kind.NPS:
        cut = ((0.10, 2), (0.22, 5), (0.30, 6), (0.42, 7), (0.58, 8), (0.80, 9), (1.01, 10))
    elif kind == Survey.Kind.CES:
        cut = ((0.06, 1), (0.12, 2), (0.20, 3), (0.30, 4), (0.52, 5), (0.78, 6), (1.01, 7))
    else:
        cut = ((0.07, 1), (0.14, 2), (0.26, 3), (0.58, 4), (1.01, 5))
    score = next(value for bound, value in cut if draw < bound)
    return max(low, min(high, score))


# The story the insights dashboard tells: onboarding dips over the last six weeks, and its
# detractors say why (orders and catalogues that will not sync), in every language.
DIP_TOUCHPOINT = "onboarding"
DIP_DAYS = timedelta(days=42)
DIP_SHARE = 0.7
DIP_COMMENTS = {
    "en": (
        "Our orders won't sync since we started onboarding, and the data import keeps failing.",
        "Sync with our ERP broke twice in the first week. Onboarding has stalled.",
        "The product catalogue still doesn't sync after two weeks of onboarding.",
    ),
    "zh-hans": (
        "上线第一周订单同步一直失败，数据对不上。",
        "导入商品数据总是同步失败，培训也没讲清楚怎么处理。",
        "和 ERP 的对接老是出错，同步要等好几个小时。",
    ),
    "zh-hant": (
        "導入期間訂單一直同步失敗，資料對不上。",
        "跟 ERP 對接一直出錯，同步要等好幾個小時。",
    ),
    "mixed": ("onboarding 第一周 sync 一直失败 😩", "数据 sync 不上，onboarding 卡住了"),
}


def _dip_answer(rng: random.Random, locale: str) -> tuple[int, str]:
    """A detractor's answer at the dipping touchpoint, with a comment about sync."""
    language = "mixed" if locale != "en" and rng.random() < 0.25 else locale
    return rng.choice((1, 2, 3, 4, 5, 6)), rng.choice(DIP_COMMENTS[language])


def _comment(rng: random.Random, classification: str, locale: str) -> str:
    if rng.random() < 0.35:
        return ""
    tone = _weighted(rng, TONES_BY_CLASS[scoring.Classification(classification)])
    language = "mixed" if locale != "en" and rng.random() < 0.2 else locale
    return rng.choice(COMMENTS[tone][language])


@transaction.atomic
def seed_demo() -> SeedResult:
    """Create the demo surveys, touchpoints, customers and, once, their answers."""
    rng = random.Random(20261122)
    started = timezone.now()
    closedloop_demo.demo_team_ensure()  # before the answers, so that their cases are handed round robin
    for key, name, description in TOUCHPOINTS:
        Touchpoint.objects.update_or_create(key=key, defaults={"name": name, "description": description})
    surveys = {}
    for spec in SURVEYS:
        survey, _ = Survey.objects.update_or_create(name=spec["name"], defaults=spec)
        surveys[survey.name] = survey
    demo_question_ensure(surveys["Relationship NPS"])
    customer_rows = _customer_rows(rng)
    accounts_ensure(row["account_id"] for row in customer_rows)
    for row in customer_rows:
        Customer.objects.update_or_create(external_id=row["external_id"], defaults=row)

    created = 0
    if not Response.objects.filter(client_metadata__source=DEMO_MARK["source"]).exists():
        now = timezone.now()
        dip_rng = random.Random(7)  # its own stream: the rest of the demo draws as before
        reason_rng = random.Random(11)  # the additional question's answers: a stream of their own too
        for _ in range(RESPONSES):
            survey = surveys[_weighted(rng, SURVEY_SHARE)]
            row = rng.choice(customer_rows)
            age = timedelta(seconds=rng.randrange(DAYS * 86400))
            score = _score(rng, survey.kind, progress=1 - age.days / DAYS)
            classification = scoring.classify(survey.kind, score)
            comment = _comment(rng, classification, row["locale"])
            touchpoint_key = _weighted(rng, SURVEY_TOUCHPOINTS[survey.name])
            if touchpoint_key == DIP_TOUCHPOINT and age < DIP_DAYS and dip_rng.random() < DIP_SHARE:
                score, comment = _dip_answer(dip_rng, row["locale"])
                classification = scoring.classify(survey.kind, score)
            services.response_submit(
                survey_key=survey.public_key,
                score=score,
                comment=comment,
                locale=row["locale"],
                touchpoint_key=touchpoint_key,
                customer=services.CustomerIdentity(external_id=row["external_id"]),
                consent_to_contact=row["consent_to_contact"] and classification == scoring.Classification.PROMOTER,
                channel=_weighted(rng, ((Response.Channel.EMAIL, 5), (Response.Channel.WIDGET, 3), ("link", 2))),
                client_metadata=DEMO_MARK,
                submitted_at=now - age,
                answers=demo_answers(reason_rng, classification),
            )
            created += 1
    surveys["Relationship NPS"].widget_origins = demo_widget_origins()
    surveys["Relationship NPS"].save(update_fields=["widget_origins"])
    touchpoints = {tp.key: tp for tp in Touchpoint.objects.all()}
    for survey_name, key, channel, rate, delay in RULES:
        ContactRule.objects.update_or_create(
            survey=surveys[survey_name],
            touchpoint=touchpoints[key],
            defaults={"channel": channel, "sampling_rate": rate, "delay_minutes": delay},
        )
    if not Invitation.objects.filter(customer__external_id__startswith="demo-").exists():
        _seed_invitations(rng, surveys, touchpoints)
    _seed_feedback()
    closedloop_demo.demo_cases_age(now=started, rng=rng)
    closedloop_demo.demo_advocates(now=started, rng=rng)  # the analysis made the consented promoters advocates
    for survey in surveys.values():
        services.survey_stats_refresh(survey_id=survey.id)
    score_rollups_fold()  # no beat in the embedded setup: the demo starts with its answers folded in
    return SeedResult(
        created_responses=created, customers=len(customer_rows), surveys=len(surveys), touchpoints=len(TOUCHPOINTS)
    )


def _seed_feedback() -> None:
    """Give every demo answer its feedback item (answers seeded before items existed have none), all analysed."""
    services.responses_feedback_backfill(responses=Response.objects.filter(client_metadata__source=DEMO_MARK["source"]))
    feedback_services.feedback_analyse_all_pending(claim="seed_demo")


def _seed_invitations(rng: random.Random, surveys: dict[str, Survey], touchpoints: dict[str, Touchpoint]) -> None:
    """Invitations in every state, each with the event that made it, and events the policy skipped."""
    now = timezone.now()
    customers = list(Customer.objects.filter(external_id__startswith="demo-").order_by("external_id"))
    email_rules = [rule for rule in RULES if rule[2] == "email"]
    for index in range(60):
        state = INVITATION_STATES[index % len(INVITATION_STATES)]
        survey_name, key, channel, _rate, _delay = email_rules[(index // len(INVITATION_STATES)) % len(email_rules)]
        customer = customers[index]
        created = now - timedelta(days=rng.randrange(1, 25), minutes=rng.randrange(1440))
        invitation = Invitation.objects.create(
            survey=surveys[survey_name],
            touchpoint=touchpoints[key],
            customer=customer,
            channel=channel,
            locale=customer.locale,
            created_at=created,
            send_at=now + timedelta(hours=6) if state == Invitation.Status.SCHEDULED else created,
            sent_at=None if state in (Invitation.Status.SCHEDULED, Invitation.Status.FAILED) else created,
            opened_at=created + timedelta(hours=2) if state == Invitation.Status.OPENED else None,
            expires_at=created + timedelta(days=1)
            if state == Invitation.Status.EXPIRED
            else created + timedelta(days=30),
            status=Invitation.Status.SENT if state == Invitation.Status.ANSWERED else state,
            last_error="SMTPRecipientsRefused: 550 mailbox unavailable" if state == Invitation.Status.FAILED else "",
        )
        if state == Invitation.Status.ANSWERED:
            low, high = scoring.scale_for(surveys[survey_name].kind)
            score = rng.randint(low, high)
            classification = scoring.classify(surveys[survey_name].kind, score)
            invitation_respond(
                token=invitation.token, score=score, comment=_comment(rng, classification, customer.locale)
            )
        TouchpointEvent.objects.create(
            event_id=f"demo-event-{index:03d}",
            touchpoint=touchpoints[key],
            customer=customer,
            survey=surveys[survey_name],
            occurred_at=created,
            received_at=created,
            decision=TouchpointEvent.Decision.INVITED,
            reason=Reason.INVITED,
            invitation=invitation,
        )
    for index in range(40):
        survey_name, key, _channel, _rate, _delay = RULES[index % len(RULES)]
        at = now - timedelta(days=rng.randrange(1, 25))
        TouchpointEvent.objects.create(
            event_id=f"demo-skipped-{index:03d}",
            touchpoint=touchpoints[key],
            customer=customers[60 + index],
            survey=surveys[survey_name],
            occurred_at=at,
            received_at=at,
            decision=TouchpointEvent.Decision.SKIPPED,
            reason=SKIP_REASONS[index % len(SKIP_REASONS)],
        )
