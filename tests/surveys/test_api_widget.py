"""The widget's endpoints: CORS only for a survey's origins, signed identities, the contact policy."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from surveys.identity import identity_signature, identity_verified
from surveys.models import Invitation, Response
from tests.surveys.factories import (
    ContactRuleFactory,
    CustomerFactory,
    InvitationFactory,
    ResponseFactory,
    SurveyFactory,
    TouchpointFactory,
)

pytestmark = pytest.mark.django_db
SHOP = "https://app.shop.example"


@pytest.fixture
def survey():
    return SurveyFactory(kind="nps", widget_origins=[SHOP], require_identity=True)


def config(client, survey, **params):
    return client.get(f"/api/v1/public/surveys/{survey.public_key}/", params, HTTP_ORIGIN=SHOP)


def answer(client, survey, origin=SHOP, **body):
    payload = {"survey": survey.public_key, "score": 3, **body}
    return client.post(
        "/api/v1/public/responses/", json.dumps(payload), content_type="application/json", HTTP_ORIGIN=origin
    )


def signed(survey, external_id):
    return {
        "customer": external_id,
        "signature": identity_signature(secret=survey.identity_secret, external_id=external_id),
    }


def test_the_config_gives_texts_scale_and_asks_a_new_visitor(client, survey):
    res = config(client, survey, locale="zh-TW", **signed(survey, "v-1"))
    assert res.status_code == 200
    body = res.json()
    assert (body["kind"], body["scale"], body["locale"], body["ask"]) == ("nps", {"min": 0, "max": 10}, "zh-hant", True)
    assert body["question"] == survey.question_zh_hant
    assert body["texts"]["consent"] == "你可以就我的回答聯絡我，或詢問我是否願意推薦你們。"  # the default, translated
    assert res["Access-Control-Allow-Origin"] == SHOP


def test_a_customer_asked_recently_is_not_asked_again_by_the_widget(client, survey):
    customer = CustomerFactory(external_id="v-2")
    InvitationFactory(customer=customer, created_at=timezone.now() - timedelta(days=3))
    body = config(client, survey, **signed(survey, "v-2")).json()
    assert (body["ask"], body["reason"]) == (False, "cooldown")


def test_an_answer_in_the_widget_counts_for_the_cooldown(client, survey):
    customer = CustomerFactory(external_id="v-3")
    ResponseFactory(survey=survey, customer=customer, submitted_at=timezone.now() - timedelta(days=1))
    assert config(client, survey, **signed(survey, "v-3")).json()["reason"] == "cooldown"


def test_unsigned_or_forged_identities_are_refused(client, survey):
    assert config(client, survey, customer="v-4").status_code == 403
    assert config(client, survey, customer="v-4", signature="0" * 64).status_code == 403
    forged = answer(
        client, survey, customer={"external_id": "v-4"}, signature=signed(survey, "someone-else")["signature"]
    )
    assert forged.status_code == 403
    assert "signed customer identity" in forged.json()["error"]["message"]
    ok = answer(client, survey, customer={"external_id": "v-4"}, signature=signed(survey, "v-4")["signature"])
    assert ok.status_code == 201
    assert Response.objects.get().channel == "widget"


def test_an_origin_the_survey_does_not_list_gets_no_cors_grant_and_cannot_answer(client, survey):
    preflight = client.options(
        "/api/v1/public/responses/",
        HTTP_ORIGIN="https://evil.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )
    assert "Access-Control-Allow-Origin" not in preflight
    allowed = client.options(
        "/api/v1/public/responses/",
        HTTP_ORIGIN=SHOP,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )
    assert allowed["Access-Control-Allow-Origin"] == SHOP
    refused = answer(
        client,
        survey,
        origin="https://evil.example",
        customer={"external_id": "v-5"},
        **{"signature": signed(survey, "v-5")["signature"]},
    )
    assert refused.status_code == 403
    assert not Response.objects.exists()


def test_an_origin_allowed_for_another_survey_cannot_answer_this_one(client, survey):
    SurveyFactory(widget_origins=["https://other.example"])
    res = answer(
        client,
        survey,
        origin="https://other.example",
        customer={"external_id": "v"},
        signature=signed(survey, "v")["signature"],
    )
    assert res.status_code == 403


def test_signatures_are_compared_whole():
    signature = identity_signature(secret="s3cret", external_id="客户-7")
    assert identity_verified(secret="s3cret", external_id="客户-7", signature=signature.upper())
    assert not identity_verified(secret="s3cret", external_id="客户-7", signature=signature[:-1])
    assert not identity_verified(secret="other", external_id="客户-7", signature=signature)


def test_the_widget_script_is_served(settings):
    from django.test import Client

    settings.WHITENOISE_USE_FINDERS = True  # as collectstatic would have put it in place
    settings.WHITENOISE_AUTOREFRESH = True
    res = Client().get("/static/cx/widget.js")
    assert res.status_code == 200
    body = b"".join(res.streaming_content) if res.streaming else res.content
    assert b"attachShadow" in body


def test_a_non_ascii_signature_is_a_403(client):
    survey = SurveyFactory(require_identity=True)
    res = client.get(f"/api/v1/public/surveys/{survey.public_key}/", {"customer": "x", "signature": "签名é"})
    assert res.status_code == 403


def test_nul_bytes_in_widget_parameters_are_a_400(client):
    survey = SurveyFactory()
    res = client.get(f"/api/v1/public/surveys/{survey.public_key}/", {"customer": "a\x00b", "touchpoint": "t\x00"})
    assert res.status_code == 400
    assert set(res.json()["error"]["fields"]) == {"customer", "touchpoint"}


def test_a_waiting_widget_invitation_does_not_stop_the_widget_asking(client, staff_client):
    survey = SurveyFactory(widget_origins=["https://app.example"])
    ContactRuleFactory(survey=survey, touchpoint=TouchpointFactory(key="in-app"), channel="widget")
    staff_client.post(
        "/api/v1/touchpoint-events/", {"touchpoint": "in-app", "customer": {"external_id": "w"}}, format="json"
    )
    assert Invitation.objects.get().channel == "widget"
    body = client.get(f"/api/v1/public/surveys/{survey.public_key}/", {"customer": "w"}).json()
    assert (body["ask"], body["reason"]) == (True, "invited")


def test_cors_is_granted_only_on_the_public_endpoints(client):
    SurveyFactory(widget_origins=["https://app.example"])
    for path in ("/api/v1/responses/", "/admin/login/"):
        res = client.get(path, HTTP_ORIGIN="https://app.example")
        assert "Access-Control-Allow-Origin" not in res
