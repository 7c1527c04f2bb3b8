"""response.created and response.updated: written with the answer (in its one statement on PostgreSQL) or not at all."""

from datetime import datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from surveys.models import Response
from surveys.services import invitations
from surveys.services.responses import CustomerIdentity, response_submit
from tests.surveys.factories import CustomerFactory, InvitationFactory, SurveyFactory, TouchpointFactory
from tests.webhooks.events import data, events, received
from webhooks.models import Event
from webhooks.services.events import webhooks_kick

pytestmark = pytest.mark.django_db
URL = "/api/v1/public/responses/"


def test_an_answer_writes_one_response_created_with_the_documented_data(api_client):
    survey = SurveyFactory(kind="nps")
    TouchpointFactory(key="checkout")
    CustomerFactory(external_id="cn-1", email="wang@example.cn", name="王小明", plan="pro", account="acme")
    body = {
        "survey": survey.public_key,
        "score": 3,
        "comment": "退款太慢了 😡",
        "touchpoint": "checkout",
        "locale": "zh-hans",
        "consent_to_contact": True,
        "customer": {"external_id": "cn-1", "email": "other@example.com", "name": "Not them"},
    }

    res = api_client.post(URL, body, format="json")

    assert res.status_code == 201, res.content
    (event,) = events()
    answer = Response.objects.get()
    assert (event.type, event.object_id) == ("response.created", answer.pk)
    shown = data(event)
    submitted_at = shown.pop("submitted_at")
    assert shown == {
        "id": answer.pk,
        "survey": {"id": survey.pk, "kind": "nps"},
        "touchpoint": "checkout",
        "score": 3,
        "classification": "detractor",
        "locale": "zh-hans",
        "channel": "api",
        "updated_at": None,
        "account": "acme",
        "plan": "pro",
        "consent_to_contact": True,
        "customer": {"external_id": "cn-1", "email": "wang@example.cn", "name": "王小明"},  # as stored
        "comment": "退款太慢了 😡",
        "answers": {},  # the survey asks no additional question
    }
    assert datetime.fromisoformat(submitted_at) == answer.submitted_at.replace(
        microsecond=answer.submitted_at.microsecond // 1000 * 1000
    )
    # an endpoint allowed no personal field gets ids and scores only
    bare = data(event, personal=())
    assert "comment" not in bare
    assert bare["customer"] == {"external_id": "cn-1"}


def test_an_anonymous_answer_has_no_customer_and_a_replayed_key_writes_nothing(api_client):
    survey = SurveyFactory(kind="csat")
    body = {"survey": survey.public_key, "score": 5}

    first = api_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert (first.status_code, again.json()["id"]) == (201, first.json()["id"])
    (event,) = events()
    shown = data(event)
    assert (shown["customer"], shown["touchpoint"], shown["account"], shown["comment"]) == (None, None, "", "")
    assert (shown["survey"]["kind"], shown["classification"]) == ("csat", "satisfied")


def test_an_answer_rolled_back_leaves_no_event():
    survey = SurveyFactory(kind="nps")
    with transaction.atomic():
        response_submit(survey_key=survey.public_key, score=9, customer=CustomerIdentity(external_id="c-9"))
        response_submit(survey_key=survey.public_key, score=9, idempotency_key="k")
        assert Event.objects.count() == 2
        transaction.set_rollback(True)  # the change fails after it was made
    assert Event.objects.count() == Response.objects.count() == 0


def test_the_pump_is_woken_once_the_answer_committed(django_capture_on_commit_callbacks):
    survey = SurveyFactory(kind="nps")
    with django_capture_on_commit_callbacks() as callbacks:
        response_submit(survey_key=survey.public_key, score=9)
    assert webhooks_kick in [getattr(callback, "func", callback) for callback in callbacks]


@pytest.mark.postgres
def test_on_postgresql_the_event_is_a_step_of_the_answer_s_one_statement():
    survey = SurveyFactory(kind="nps")
    response_submit(survey_key=survey.public_key, score=1)  # the survey's lookups cached

    with CaptureQueriesContext(connection) as captured:
        response_submit(survey_key=survey.public_key, score=2, customer=CustomerIdentity(external_id="c-1"))

    writes = [q["sql"] for q in captured.captured_queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert len(writes) == 1, writes
    assert (writes[0].startswith("WITH "), "webhooks_event" in writes[0]) == (True, True)
    assert Event.objects.count() == Response.objects.count() == 2


@pytest.mark.postgres
def test_on_postgresql_an_answer_whose_statement_fails_writes_no_event():
    from surveys.services.responses import _insert_response_postgresql, response_feedback_source
    from surveys.webhook_payloads import response_data

    survey = SurveyFactory(kind="nps")
    response = Response(survey_id=survey.pk, score=11, classification="promoter", submitted_at=timezone.now())
    feedback = response_feedback_source(response, survey_kind="nps", touchpoint_key="")
    event = response_data(response, survey_kind="nps", touchpoint_key=None, customer=None)

    with pytest.raises(IntegrityError), transaction.atomic():  # the score's check constraint refuses the answer
        _insert_response_postgresql(response, None, feedback=feedback, event=event)

    assert Event.objects.count() == Response.objects.count() == 0


def test_an_invitation_s_answer_is_created_then_updated_by_its_comment():
    customer = CustomerFactory(external_id="mail-1", email="li@example.com", name="Li")
    invitation = InvitationFactory(customer=customer, expires_at=timezone.now() + timedelta(days=3))

    invitations.invitation_respond(token=invitation.token, score=4)
    invitations.invitation_respond(token=invitation.token, score=None, comment="the export is slow")

    created, updated = events()
    assert (created.type, updated.type) == ("response.created", "response.updated")
    assert created.object_id == updated.object_id == Response.objects.get().pk
    before, after = data(created), data(updated)
    assert (before["comment"], after["comment"]) == ("", "the export is slow")
    assert (before["updated_at"], after["updated_at"] is not None) == (None, True)
    assert after["customer"] == {"external_id": "mail-1", "email": "li@example.com", "name": "Li"}
    assert received(updated, personal=("email",))["data"]["customer"] == {
        "external_id": "mail-1",
        "email": "li@example.com",
    }


def test_forgetting_a_customer_anonymizes_their_events_before_they_are_sent():
    from surveys.services.privacy import customer_forget

    survey = SurveyFactory(kind="nps")
    CustomerFactory(external_id="gone", email="gone@example.com", name="Gone")
    response_submit(survey_key=survey.public_key, score=2, comment="call me", customer=CustomerIdentity("gone"))
    response_submit(survey_key=survey.public_key, score=9, comment="kept", customer=CustomerIdentity("stays"))

    erasure = customer_forget(external_id="gone", via="api")

    forgotten, kept = events()
    assert (data(forgotten)["customer"], data(forgotten)["comment"], data(forgotten)["score"]) == (None, "", 2)
    assert (data(kept)["customer"]["external_id"], data(kept)["comment"]) == ("stays", "kept")
    assert erasure.counts["webhook_events"] == 1
