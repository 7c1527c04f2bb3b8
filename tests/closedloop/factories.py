from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from closedloop import rules
from closedloop.models import Advocate, Case, CaseTrigger, Referral, RootCause, Team


class CaseTriggerFactory(factory.django.DjangoModelFactory):
    """An answer of a case; by default the one that opened it (its source and snapshot)."""

    class Meta:
        model = CaseTrigger

    case = factory.SubFactory("tests.closedloop.factories.CaseFactory", opening_answer=None)
    source = factory.LazyAttribute(lambda o: o.case.source)
    source_id = factory.LazyAttribute(lambda o: o.case.source_id)
    feedback_id = factory.LazyAttribute(lambda o: o.case.feedback_id)
    survey_kind = factory.LazyAttribute(lambda o: o.case.survey_kind)
    score = factory.LazyAttribute(lambda o: o.case.score)
    comment = factory.LazyAttribute(lambda o: o.case.comment)
    sentiment = factory.LazyAttribute(lambda o: o.case.sentiment)
    touchpoint_key = factory.LazyAttribute(lambda o: o.case.touchpoint_key)
    given_at = factory.LazyAttribute(lambda o: o.case.given_at)


class CaseFactory(factory.django.DjangoModelFactory):
    """A new NPS detractor case, as the services open it, with its opening answer."""

    class Meta:
        model = Case
        skip_postgeneration_save = True

    source = "response"
    source_id = factory.Sequence(lambda n: 100_000 + n)
    feedback_id = factory.LazyAttribute(lambda o: o.source_id)
    survey_id = 1
    survey_kind = "nps"
    score = 3
    classification = "detractor"
    comment = "The order would not sync and support said it was not their system."
    language = "en"
    polarity = -0.5
    sentiment = "neg"
    keywords = factory.LazyFunction(lambda: ["order", "sync", "support"])
    given_at = factory.LazyFunction(timezone.now)
    touchpoint_key = "billing"
    customer_id = factory.Sequence(lambda n: 100_000 + n)
    customer_external_id = factory.Sequence(lambda n: f"cust-{n:05d}")
    customer_name = factory.Sequence(lambda n: f"Customer {n}")
    customer_email = factory.LazyAttribute(lambda o: f"{o.customer_external_id}@example.com")
    locale = "en"
    reason = Case.Reason.DETRACTOR
    priority = 2
    opened_at = factory.LazyFunction(timezone.now)
    due_at = factory.LazyAttribute(lambda o: o.opened_at + timedelta(hours=48))
    opening_answer = factory.RelatedFactory(CaseTriggerFactory, factory_related_name="case")


class AdvocateFactory(factory.django.DjangoModelFactory):
    """A consented promoter's advocate, as the pipeline makes one."""

    class Meta:
        model = Advocate

    customer_id = factory.Sequence(lambda n: 500_000 + n)
    customer_external_id = factory.LazyAttribute(lambda o: f"cust-{o.customer_id}")
    customer_name = factory.LazyAttribute(lambda o: f"Customer {o.customer_id}")
    customer_email = factory.LazyAttribute(lambda o: f"cust-{o.customer_id}@example.com")
    customer_plan = "pro"
    locale = "en"
    code = factory.Sequence(lambda n: "".join(rules.CODE_ALPHABET[(n // 31**i) % 31] for i in range(8)))
    source = "response"
    source_id = factory.LazyAttribute(lambda o: o.customer_id)
    last_score = 10
    last_comment = "Great product"
    language = "en"
    touchpoint_key = "onboarding"
    last_answer_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    consent_at = factory.LazyAttribute(lambda o: o.last_answer_at)


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    advocate = factory.SubFactory(AdvocateFactory)
    external_id = factory.Sequence(lambda n: f"ref-{n}")
    kind = Referral.Kind.SIGNUP


def cases_of_every_kind(agent) -> None:
    """Two cases as different as cases get: every field set (Chinese, emoji, decimals, times) and most left empty."""
    team = Team.objects.create(name="華南 CX 團隊", group=Group.objects.create(name="south"))
    moment = timezone.now().replace(microsecond=123456)
    CaseFactory(
        status="resolved",
        priority=1,
        owner=agent,
        team=team,
        root_cause=RootCause.objects.get(key="pricing-billing"),
        comment="帳單一直錯，客服態度很差 😡 billing is wrong",
        language="mixed",
        polarity=-0.875,
        keywords=["帳單", "客服", "billing"],
        customer_value=Decimal("1234.50"),
        customer_plan="enterprise",
        customer_account="華南貿易",
        locale="zh-hant",
        escalated_at=moment,
        first_contact_at=moment,
        resolved_at=moment,
        customer_notified_at=moment,
    )
    CaseFactory(
        score=None,
        polarity=None,
        keywords=[],
        comment="",
        customer_email="",
        customer_id=None,
        survey_kind="ces",
        reason=Case.Reason.HIGH_EFFORT,
        locale="zh-hans",
        customer_name="退款两周没处理",
        due_at=timezone.now() - timedelta(days=400),
    )
