"""response_submit: what it stores, and how few round trips it takes on PostgreSQL."""

import pytest

from feedback.models import FeedbackItem
from surveys.models import Customer, Response
from surveys.services import CustomerIdentity, response_submit
from tests.surveys.factories import CustomerFactory, SurveyFactory, TouchpointFactory

pytestmark = pytest.mark.django_db


def _warm(survey, touchpoint_key):
    """Fill the per-process lookup cache, as every request after a process's first finds it."""
    response_submit(survey_key=survey.public_key, score=5, touchpoint_key=touchpoint_key)


@pytest.mark.postgres
def test_an_anonymous_answer_with_its_comment_is_one_statement(django_assert_num_queries):
    survey = SurveyFactory()
    TouchpointFactory(key="delivery")
    _warm(survey, "delivery")
    with django_assert_num_queries(1):
        response_submit(survey_key=survey.public_key, score=9, touchpoint_key="delivery")
    with django_assert_num_queries(1):  # the answer and its comment's feedback item
        stored = response_submit(survey_key=survey.public_key, score=9, comment="送货很快", touchpoint_key="delivery")
    item = FeedbackItem.objects.get(source_id=stored.id)
    assert (item.text, item.touchpoint_key, item.score, item.status) == ("送货很快", "delivery", 9, "pending")


@pytest.mark.postgres
def test_an_identified_answer_is_one_statement_that_upserts_the_customer(django_assert_num_queries):
    # given a known customer with no name
    survey = SurveyFactory()
    TouchpointFactory(key="delivery")
    CustomerFactory(external_id="shop-1", email="boss@shop.example", name="", locale="")
    _warm(survey, "delivery")

    # when
    with django_assert_num_queries(1):
        known = response_submit(
            survey_key=survey.public_key,
            score=2,
            comment="訂單同步又失敗了 😡",
            touchpoint_key="delivery",
            customer=CustomerIdentity(external_id="shop-1", email="other@x.example", name="陳志明", locale="zh-hant"),
        )
    with django_assert_num_queries(1):
        new = response_submit(
            survey_key=survey.public_key, score=10, customer=CustomerIdentity(external_id="shop-2", email="a@b.example")
        )

    # then
    customer = Customer.objects.get(external_id="shop-1")
    assert (customer.email, customer.name, customer.locale) == ("boss@shop.example", "", "")
    stored = Response.objects.get(pk=known.id)
    item = FeedbackItem.objects.get(source_id=known.id)
    assert (item.customer_id, item.customer_external_id, item.text) == (customer.id, "shop-1", "訂單同步又失敗了 😡")
    assert (stored.customer, stored.classification, stored.comment) == (customer, "detractor", "訂單同步又失敗了 😡")
    assert stored.locale == "zh-hant"
    assert Response.objects.get(pk=new.id).customer.email == "a@b.example"


def test_identified_answers_store_the_same_on_every_database():
    survey = SurveyFactory(kind="ces")
    first = response_submit(survey_key=survey.public_key, score=3, customer=CustomerIdentity(external_id="u-1"))
    second = response_submit(
        survey_key=survey.public_key, score=6, customer=CustomerIdentity(external_id="u-1", name="Ava")
    )
    customer = Customer.objects.get(external_id="u-1")
    assert customer.name == ""  # created by the first answer, never changed by a later one
    assert [r.customer_id for r in Response.objects.filter(pk__in=[first.id, second.id])] == [customer.id] * 2
    assert (first.classification, second.classification) == ("hard", "easy")
