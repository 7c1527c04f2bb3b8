"""Idempotency-Key on the public answer API: a retried request is the same answer, never a second one."""

import threading
import uuid

import pytest
from django.db import connection
from rest_framework.test import APIClient

from closedloop.models import Case, CaseTrigger
from feedback.models import FeedbackItem
from surveys.models import Customer, Response, ScoreChange
from tests.surveys.factories import SurveyFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/public/responses/"


@pytest.fixture
def survey():
    return SurveyFactory(kind="nps")


def post(client, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(URL, body, format="json", **headers)


def test_a_retry_with_the_same_key_returns_the_first_answer_and_stores_nothing_more(api_client, survey):
    body = {"survey": survey.public_key, "score": 2, "comment": "退款太慢了 😡", "customer": {"external_id": "k-1"}}
    key = str(uuid.uuid4())
    first = post(api_client, body, key)
    again = post(api_client, body, key)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert (first.get("Idempotent-Replayed"), again["Idempotent-Replayed"]) == (None, "true")
    assert Response.objects.count() == 1
    assert FeedbackItem.objects.count() == 1
    assert ScoreChange.objects.count() == 1  # counted once in the scores
    assert Response.objects.get().idempotency_key == key


def test_answers_without_a_key_or_with_different_keys_are_each_stored(api_client, survey):
    body = {"survey": survey.public_key, "score": 9}
    for key in (None, None, "a", "b"):
        assert post(api_client, body, key).status_code == 201
    assert Response.objects.count() == 4


def test_a_key_is_per_survey(api_client, survey):
    other = SurveyFactory(kind="csat")
    assert post(api_client, {"survey": survey.public_key, "score": 9}, "same").status_code == 201
    res = post(api_client, {"survey": other.public_key, "score": 5}, "same")
    assert (res.status_code, res.get("Idempotent-Replayed")) == (201, None)
    assert Response.objects.count() == 2


def test_a_key_reused_for_another_answer_is_a_409_that_says_so(api_client, survey):
    assert post(api_client, {"survey": survey.public_key, "score": 9, "comment": "很好"}, "k").status_code == 201
    res = post(api_client, {"survey": survey.public_key, "score": 1, "comment": "很差"}, "k")
    assert res.status_code == 409
    error = res.json()["error"]
    assert error["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in error["message"]
    assert Response.objects.get().score == 9
    someone_else = {"survey": survey.public_key, "score": 9, "comment": "很好", "customer": {"external_id": "k-9"}}
    assert post(api_client, someone_else, "k").status_code == 409
    consenting = {"survey": survey.public_key, "score": 9, "comment": "很好", "consent_to_contact": True}
    assert post(api_client, consenting, "k").status_code == 409  # a changed consent is not a retry
    assert not Customer.objects.filter(external_id="k-9").exists()  # the refused retry left no customer


@pytest.mark.parametrize("key", ["", " ", "x" * 65, "有中文", "tab\there", "line\nbreak"])
def test_a_bad_key_is_a_400_naming_the_header(api_client, survey, key):
    res = post(api_client, {"survey": survey.public_key, "score": 9}, key)
    assert res.status_code == 400
    assert list(res.json()["error"]["fields"]) == ["Idempotency-Key"]
    assert not Response.objects.exists()


def test_a_detractor_retried_opens_one_case(api_client, survey, django_capture_on_commit_callbacks):
    body = {"survey": survey.public_key, "score": 0, "comment": "App 一直閃退", "customer": {"external_id": "k-2"}}
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            assert post(api_client, body, "retry-me").status_code == 201
    assert (Response.objects.count(), CaseTrigger.objects.count(), Case.objects.count()) == (1, 1, 1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_store_one_answer():
    survey = SurveyFactory(kind="nps")
    body = {"survey": survey.public_key, "score": 4, "comment": "同时重试", "customer": {"external_id": "k-3"}}
    barrier, results = threading.Barrier(6), []

    def send():
        client = APIClient()
        barrier.wait()
        try:
            res = post(client, body, "one-key")
            results.append((res.status_code, res.json()["id"]))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 6
    assert {status for status, _ in results} == {201}
    assert len({response_id for _, response_id in results}) == 1
    assert Response.objects.count() == 1
    assert FeedbackItem.objects.count() == 1
