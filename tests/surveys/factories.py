from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import Account
from surveys import scoring
from surveys.models import ContactRule, Customer, Invitation, Question, Response, Survey, Touchpoint


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    external_id = factory.Sequence(lambda n: f"cust-{n:05d}")
    email = factory.LazyAttribute(lambda o: f"{o.external_id}@example.com")
    name = factory.Sequence(lambda n: f"Customer {n}")
    locale = "en"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """`account="Acme"` names the account by its external id, as an event does; it is created when new."""
        if isinstance(kwargs.get("account"), str):
            kwargs["account"] = Account.objects.get_or_create(external_id=kwargs["account"])[0]
        return super()._create(model_class, *args, **kwargs)


class TouchpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Touchpoint
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"touchpoint-{n}")
    name = factory.LazyAttribute(lambda o: o.key.replace("-", " ").title())


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    name = factory.Sequence(lambda n: f"Survey {n}")
    kind = Survey.Kind.NPS
    question_en = "How likely are you to recommend us to a friend or colleague?"
    question_zh_hans = "您有多大可能向朋友或同事推荐我们？"
    question_zh_hant = "您有多大可能向朋友或同事推薦我們？"


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    survey = factory.SubFactory(SurveyFactory)
    score = 9
    classification = factory.LazyAttribute(lambda o: scoring.classify(o.survey.kind, o.score))
    submitted_at = factory.LazyFunction(timezone.now)


class ContactRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactRule

    survey = factory.SubFactory(SurveyFactory)
    touchpoint = factory.SubFactory(TouchpointFactory)
    channel = "email"


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    survey = factory.SubFactory(SurveyFactory)
    customer = factory.SubFactory(CustomerFactory)
    channel = "email"
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))


class QuestionFactory(factory.django.DjangoModelFactory):
    """A "main reason" select-one question by default; its options are price, support and features."""

    class Meta:
        model = Question

    survey = factory.SubFactory(SurveyFactory)
    key = factory.Sequence(lambda n: f"question_{n}")
    kind = Question.Kind.SINGLE
    text_en = "What was the main reason for your score?"
    text_zh_hans = "您打分的主要原因是什么？"
    text_zh_hant = "您評分的主要原因是什麼？"
    options = factory.LazyFunction(
        lambda: [
            {"key": "price", "en": "Price", "zh-hans": "价格", "zh-hant": "價格"},
            {"key": "support", "en": "Support", "zh-hans": "客服", "zh-hant": "客服"},
            {"key": "features", "en": "Features", "zh-hans": "功能", "zh-hant": "功能"},
        ]
    )
