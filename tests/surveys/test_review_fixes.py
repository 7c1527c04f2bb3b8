"""Inputs and races found in review: each once ended in a 500 or a wrong decision."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from surveys import tasks
from surveys.identity import identity_signature
from surveys.models import Customer, Invitation, Response, TouchpointEvent
from surveys.selectors import invitation_response_rates
from tests.surveys.factories import (
    ContactRuleFactory,
    CustomerFactory,
    InvitationFactory,
    SurveyFactory,
    TouchpointFactory,
)

pytestmark = pytest.mark.django_db
EVENTS = "/api/v1/touchpoint-events/"


def test_a_non_ascii_signature_is_a_403(client):
    survey = SurveyFactory(require_identity=True)
    res = client.get(f"/api/v1/public/surveys/{survey.public_key}/", {"customer": "x", "signature": "签名é"})
    assert res.status_code == 403


@pytest.mark.parametrize("path", ["/s/ab%00/", "/s/ab%00/thanks/", "/u/ab%00/", "/api/v1/public/surveys/ab%00/"])
def test_nul_bytes_in_paths_are_a_404(client, path):
    assert client.get(path).status_code == 404


def test_nul_bytes_in_widget_parameters_are_a_400(client):
    survey = SurveyFactory()
    res = client.get(f"/api/v1/public/surveys/{survey.public_key}/", {"customer": "a\x00b", "touchpoint": "t\x00"})
    assert res.status_code == 400
    assert set(res.json()["error"]["fields"]) == {"customer", "touchpoint"}


@pytest.mark.parametrize(
    ("field", "value"),
    [("occurred_at", "9999-12-31T23:00:00Z"), ("occurred_at", "2999-01-01T00:00:00Z"), ("survey", 2**63)],
)
def test_out_of_range_event_values_are_a_400(staff_client, field, value):
    TouchpointFactory(key="support-ticket")
    body = {"touchpoint": "support-ticket", "customer": {"external_id": "c"}, field: value}
    res = staff_client.post(EVENTS, body, format="json")
    assert res.status_code == 400
    assert field in res.json()["error"]["fields"]


def test_a_comment_without_a_score_when_the_answer_was_deleted_is_a_400_page(client):
    invitation = InvitationFactory(status=Invitation.Status.SENT)
    client.get(f"/s/{invitation.token}/", {"score": 5})
    Response.objects.all().delete()
    res = client.post(f"/s/{invitation.token}/", {"comment": "还在吗"})
    assert res.status_code == 400
    assert "Please choose an answer." in res.content.decode()


def test_head_requests_record_nothing(client):
    invitation = InvitationFactory(status=Invitation.Status.SENT)
    assert client.head(f"/s/{invitation.token}/", {"score": 10}).status_code == 200
    assert not Response.objects.exists()


def test_fields_given_by_earlier_events_in_a_batch_are_kept(staff_client):
    ContactRuleFactory(touchpoint=TouchpointFactory(key="support-ticket"))
    events = [
        {"touchpoint": "support-ticket", "event_id": "1", "customer": {"external_id": "m", "email": "m@x.example"}},
        {"touchpoint": "support-ticket", "event_id": "2", "customer": {"external_id": "m", "plan": "Growth"}},
    ]
    results = staff_client.post(EVENTS + "batch/", {"events": events}, format="json").json()["results"]
    customer = Customer.objects.get(external_id="m")
    assert (customer.email, customer.plan) == ("m@x.example", "Growth")
    assert [r["reason"] for r in results] == ["invited", "cooldown"]


def test_a_named_survey_whose_rule_is_switched_off_is_not_asked(staff_client):
    rule = ContactRuleFactory(touchpoint=TouchpointFactory(key="support-ticket"), active=False)
    body = {
        "touchpoint": "support-ticket",
        "survey": rule.survey_id,
        "customer": {"external_id": "o", "email": "o@x.example"},
    }
    res = staff_client.post(EVENTS, body, format="json").json()
    assert (res["decision"], res["reason"]) == ("skipped", "no_rule")


def test_a_link_invitation_comes_back_with_its_url(staff_client):
    ContactRuleFactory(touchpoint=TouchpointFactory(key="renewal"), channel="link")
    res = staff_client.post(EVENTS, {"touchpoint": "renewal", "customer": {"external_id": "l"}}, format="json").json()
    invitation = Invitation.objects.get()
    assert res["invitation"]["url"].endswith(f"/s/{invitation.token}/")


def test_a_waiting_widget_invitation_does_not_stop_the_widget_asking(client, staff_client):
    survey = SurveyFactory(widget_origins=["https://app.example"])
    ContactRuleFactory(survey=survey, touchpoint=TouchpointFactory(key="in-app"), channel="widget")
    staff_client.post(EVENTS, {"touchpoint": "in-app", "customer": {"external_id": "w"}}, format="json")
    assert Invitation.objects.get().channel == "widget"
    body = client.get(f"/api/v1/public/surveys/{survey.public_key}/", {"customer": "w"}).json()
    assert (body["ask"], body["reason"]) == (True, "invited")


def test_an_error_that_will_not_mend_marks_the_invitation_failed(monkeypatch):
    invitation = InvitationFactory(status=Invitation.Status.SCHEDULED)

    def broken(message, fail_silently=False):
        raise ValueError("Header values can't contain newlines")

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", broken)
    tasks.invitation_send.apply(args=[invitation.id])
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.FAILED
    assert "newlines" in invitation.last_error


def test_response_rate_counts_only_invitations_that_reached_the_customer():
    survey = SurveyFactory(name="Rate")
    now = timezone.now()
    InvitationFactory(survey=survey, status=Invitation.Status.EXPIRED)  # never sent
    InvitationFactory(survey=survey, status=Invitation.Status.SENT, sent_at=now)
    InvitationFactory(survey=survey, status=Invitation.Status.ANSWERED, sent_at=now, answered_at=now)
    (row,) = invitation_response_rates()
    assert (row.sent, row.answered, row.rate) == (2, 1, 50.0)


def test_cors_is_granted_only_on_the_public_endpoints(client):
    SurveyFactory(widget_origins=["https://app.example"])
    for path in ("/api/v1/responses/", "/admin/login/"):
        res = client.get(path, HTTP_ORIGIN="https://app.example")
        assert "Access-Control-Allow-Origin" not in res


def test_an_invitation_answer_refuses_identity_fields(client):
    invitation = InvitationFactory(status=Invitation.Status.SENT)
    body = {"invitation": invitation.token, "score": 5, "customer": {"external_id": "someone"}}
    res = client.post("/api/v1/public/responses/", json.dumps(body), content_type="application/json")
    assert res.status_code == 400
    assert res.json()["error"]["fields"] == {"customer": ["Not used with `invitation`."]}


def test_a_null_item_in_a_batch_is_reported_alone(staff_client):
    ContactRuleFactory(touchpoint=TouchpointFactory(key="support-ticket"))
    events = [None, {"touchpoint": "support-ticket", "customer": {"external_id": "n", "email": "n@x.example"}}]
    res = staff_client.post(EVENTS + "batch/", {"events": events}, format="json")
    assert res.status_code == 202
    first, second = res.json()["results"]
    assert "error" in first
    assert second["decision"] == "invited"
    assert TouchpointEvent.objects.count() == 1


def test_a_touchpoint_with_a_trailing_newline_goes_to_the_serializer():
    from surveys.event_validation import well_formed_event

    assert well_formed_event({"touchpoint": "tp\n", "customer": {"external_id": "x"}}) is None


def test_signatures_for_the_widget_are_checked_on_answers_too(client):
    survey = SurveyFactory(require_identity=True, widget_origins=["https://app.example"])
    good = identity_signature(secret=survey.identity_secret, external_id="c-1")
    body = {"survey": survey.public_key, "score": 9, "customer": {"external_id": "c-1"}, "signature": good}
    res = client.post(
        "/api/v1/public/responses/",
        json.dumps(body),
        content_type="application/json",
        HTTP_ORIGIN="https://app.example",
    )
    assert res.status_code == 201
    assert CustomerFactory._meta.model.objects.filter(external_id="c-1").exists()
    assert timezone.now() - Response.objects.get().submitted_at < timedelta(minutes=1)
