"""response_submit: what it stores, and how few round trips it takes on PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys.models import Customer, Response
from surveys.services import CustomerIdentity, response_submit
from tests.surveys.factories import CustomerFactory, SurveyFactory, TouchpointFactory

pytestmark = pytest.mark.django_db


def _warm(survey, touchpoint_key):
    """Fill the per-process lookup cache, as every request after a process's first finds it."""
    response_submit(survey_key=survey.public_key, score=5, touchpoint_key=touchpoint_key)


def _statements(captured) -> list[str]:
    """The queries that did work: transaction bookkeeping (savepoints in a test) left out."""
    return [q["sql"].split()[0] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]


@pytest.mark.postgres
def test_an_anonymous_answer_is_one_statement_and_its_comment_one_more(django_assert_num_queries):
    survey = SurveyFactory()
    TouchpointFactory(key="delivery")
    _warm(survey, "delivery")
    with django_assert_num_queries(1):
        response_submit(survey_key=survey.public_key, score=9, touchpoint_key="delivery")
    with CaptureQueriesContext(connection) as captured:  # the answer and its feedback item, in one transaction
        response_submit(survey_key=survey.public_key, score=9, comment="送货很快", touchpoint_key="delivery")
    assert _statements(captured)[:2] == ["INSERT", "INSERT"]
    assert 'INTO "feedback_feedbackitem"' in captured.captured_queries[2]["sql"]


@pytest.mark.postgres
def test_an_identified_answer_is_one_statement_that_upserts_the_customer(django_assert_num_queries):
    # given a known customer with no name
    survey = SurveyFactory()
    TouchpointFactory(key="delivery")
    CustomerFactory(external_id="shop-1", email="boss@shop.example", name="", locale="")
    _warm(survey, "delivery")

    # when
    with CaptureQueriesContext(connection) as captured:
        known = response_submit(
            survey_key=survey.public_key,
            score=2,
            comment="訂單同步又失敗了 😡",
            touchpoint_key="delivery",
            customer=CustomerIdentity(external_id="shop-1", email="other@x.example", name="陳志明", locale="zh-hant"),
        )
    assert _statements(captured)[:2] == ["WITH", "INSERT"]  # the answer with its customer, then the comment's item
    with django_assert_num_queries(1):
        new = response_submit(
            survey_key=survey.public_key, score=10, customer=CustomerIdentity(external_id="shop-2", email="a@b.example")
        )

    # then
    customer = Customer.objects.get(external_id="shop-1")
    assert (customer.email, customer.name, customer.locale) == ("boss@shop.example", "", "")
    stored = Response.objects.get(pk=known.id)
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
