from datetime import timedelta

import factory
from django.utils import timezone

from closedloop import rules
from closedloop.models import Advocate, Case, CaseTrigger, Referral


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
