"""POST /api/v1/public/responses/: strict input, clear 4xx, nothing lost, nothing half-saved."""

import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from surveys.identity import identity_signature
from surveys.models import Customer, Invitation, Response
from tests.surveys.factories import CustomerFactory, InvitationFactory, SurveyFactory, TouchpointFactory

URL = "/api/v1/public/responses/"
pytestmark = pytest.mark.django_db


def post(client, payload, **extra):
    return client.post(URL, data=json.dumps(payload), content_type="application/json", **extra)


@pytest.fixture
def nps_survey():
    return SurveyFactory(kind="nps")


def test_records_an_answer_and_classifies_it(api_client, nps_survey):
    # given a touchpoint and a Chinese comment with emoji
    TouchpointFactory(key="onboarding")
    comment = "客服回复很快，问题当天就解决了 👍 Great support!"

    # when
    res = post(
        api_client,
        {"survey": nps_survey.public_key, "score": 10, "comment": comment, "touchpoint": "onboarding"},
        HTTP_USER_AGENT="Mozilla/5.0 (iPhone)",
    )

    # then
    assert res.status_code == 201, res.content
    body = res.json()
    assert body["classification"] == "promoter"
    saved = Response.objects.get(pk=body["id"])
    assert saved.score == 10
    assert saved.comment == comment
    assert saved.touchpoint.key == "onboarding"
    assert saved.locale == "en"  # the survey's default when the client says nothing
    assert saved.client_metadata == {"user_agent": "Mozilla/5.0 (iPhone)"}


@pytest.mark.parametrize(
    ("kind", "score", "expected"),
    [
        ("nps", 0, "detractor"),
        ("nps", 7, "passive"),
        ("csat", 2, "dissatisfied"),
        ("csat", 4, "satisfied"),
        ("ces", 3, "hard"),
        ("ces", 4, "neutral"),
        ("ces", 7, "easy"),
    ],
)
def test_classification_follows_the_survey_kind(api_client, kind, score, expected):
    survey = SurveyFactory(kind=kind)
    res = post(api_client, {"survey": survey.public_key, "score": score})
    assert res.status_code == 201, res.content
    assert res.json()["classification"] == expected


@pytest.mark.parametrize(
    ("kind", "score"), [("nps", 11), ("nps", -1), ("csat", 0), ("csat", 6), ("ces", 0), ("ces", 8)]
)
def test_score_outside_the_scale_is_refused(api_client, kind, score):
    survey = SurveyFactory(kind=kind)
    res = post(api_client, {"survey": survey.public_key, "score": score})
    assert res.status_code == 400
    error = res.json()["error"]
    assert error["code"] == "invalid"
    assert "score" in error["fields"]
    assert Response.objects.count() == 0


@pytest.mark.parametrize("score", ["7", 7.5, True, None, [7], {"v": 7}])
def test_score_must_be_a_json_integer(api_client, nps_survey, score):
    res = post(api_client, {"survey": nps_survey.public_key, "score": score})
    assert res.status_code == 400
    assert list(res.json()["error"]["fields"]) == ["score"]


@pytest.mark.parametrize("score", ["10.0", "1e1", "-0.0", "9.0"])
def test_a_number_with_a_fraction_or_exponent_is_refused_as_the_error_says(api_client, nps_survey, score):
    body = f'{{"survey": "{nps_survey.public_key}", "score": {score}}}'
    res = api_client.post(URL, data=body, content_type="application/json")
    assert res.status_code == 400
    assert res.json()["error"]["fields"] == {"score": ["Must be an integer (a JSON number without a fraction)."]}


def test_comment_limit_is_5000_characters_not_bytes(api_client, nps_survey):
    # 5,000 emoji are 20,000 bytes of UTF-8 and still one allowed comment
    ok = post(api_client, {"survey": nps_survey.public_key, "score": 3, "comment": "😡" * 5000})
    too_long = post(api_client, {"survey": nps_survey.public_key, "score": 3, "comment": "慢" * 5001})
    assert ok.status_code == 201
    assert too_long.status_code == 400
    assert "comment" in too_long.json()["error"]["fields"]
    assert Response.objects.count() == 1


def test_every_bad_field_is_named_at_once(api_client, nps_survey):
    res = post(
        api_client,
        {"survey": nps_survey.public_key, "score": "ten", "locale": "fr", "customer": {"email": "not-an-email"}},
    )
    assert res.status_code == 400
    fields = res.json()["error"]["fields"]
    assert set(fields) == {"score", "locale", "customer.external_id", "customer.email"}
    assert "score" in res.json()["error"]["message"]


def test_unknown_touchpoint_is_refused(api_client, nps_survey):
    res = post(api_client, {"survey": nps_survey.public_key, "score": 9, "touchpoint": "no-such-step"})
    assert res.status_code == 400
    assert res.json()["error"]["fields"] == {"touchpoint": ["Unknown touchpoint 'no-such-step'."]}
    assert Response.objects.count() == 0


def test_malformed_json_is_a_400(api_client, nps_survey):
    res = api_client.post(URL, data='{"survey": "x", "score": ', content_type="application/json")
    assert res.status_code == 400
    assert res.json()["error"]["code"] == "malformed_json"


def test_invalid_utf8_is_a_400(api_client, nps_survey):
    res = api_client.post(URL, data=b'{"survey": "\xff\xfe", "score": 9}', content_type="application/json")
    assert res.status_code == 400
    assert res.json()["error"]["code"] == "malformed_json"


@pytest.mark.parametrize("body", ["[]", '"text"', "42", "null"])
def test_json_that_is_not_an_object_is_a_400(api_client, body):
    res = api_client.post(URL, data=body, content_type="application/json")
    assert res.status_code == 400
    assert res.json()["error"]["code"] == "invalid"


def test_wrong_content_type_is_a_415_naming_the_type(api_client, nps_survey):
    res = api_client.post(URL, data={"survey": nps_survey.public_key, "score": 9})  # multipart form
    assert res.status_code == 415
    error = res.json()["error"]
    assert error["code"] == "unsupported_media_type"
    assert "multipart/form-data" in error["message"]


def test_oversized_body_is_a_413(api_client, nps_survey, settings):
    settings.CX_PUBLIC_MAX_BODY_BYTES = 1024
    res = post(api_client, {"survey": nps_survey.public_key, "score": 9, "comment": "x" * 2000})
    assert res.status_code == 413
    assert res.json()["error"]["code"] == "body_too_large"


def test_unknown_survey_is_a_404(api_client):
    res = post(api_client, {"survey": "no-such-key", "score": 9})
    assert res.status_code == 404
    assert res.json()["error"]["code"] == "not_found"


def test_inactive_survey_is_a_404(api_client):
    survey = SurveyFactory(active=False)
    res = post(api_client, {"survey": survey.public_key, "score": 9})
    assert res.status_code == 404


@pytest.mark.parametrize(("sent", "stored"), [("zh-CN", "zh-hans"), ("zh-TW", "zh-hant"), ("zh_Hant_HK", "zh-hant")])
def test_locale_tags_are_normalised(api_client, nps_survey, sent, stored):
    res = post(api_client, {"survey": nps_survey.public_key, "score": 8, "locale": sent, "comment": "還可以"})
    assert res.status_code == 201
    assert Response.objects.get(pk=res.json()["id"]).locale == stored


def test_customer_is_created_then_recognised_without_overwriting_contact_details(api_client, nps_survey):
    # given a customer the business already knows
    CustomerFactory(external_id="acct-42", email="owner@shop.example", name="王小明")

    # when the respondent's client sends other details
    first = post(
        api_client,
        {
            "survey": nps_survey.public_key,
            "score": 4,
            "customer": {"external_id": "acct-42", "email": "someone@else.example", "name": "Mallory"},
            "consent_to_contact": True,
        },
    )
    second = post(api_client, {"survey": nps_survey.public_key, "score": 9, "customer": {"external_id": "new-7"}})

    # then the known customer keeps its details and the new one is created
    assert first.status_code == second.status_code == 201
    known = Customer.objects.get(external_id="acct-42")
    assert (known.email, known.name) == ("owner@shop.example", "王小明")
    answer = Response.objects.get(pk=first.json()["id"])
    assert answer.customer == known
    assert answer.consent_to_contact is True
    assert Customer.objects.filter(external_id="new-7").exists()


def test_unverified_identity_never_fills_in_a_known_customers_blank_details(api_client, nps_survey):
    # a public key is no proof of who answers: an attacker must not plant an address to be contacted at
    CustomerFactory(external_id="acct-9", email="", name="", locale="")
    res = post(
        api_client,
        {
            "survey": nps_survey.public_key,
            "score": 9,
            "locale": "zh-TW",
            "customer": {"external_id": "acct-9", "email": "attacker@evil.example", "name": "林美玲"},
        },
    )
    assert res.status_code == 201
    customer = Customer.objects.get(external_id="acct-9")
    assert (customer.email, customer.name, customer.locale) == ("", "", "")
    assert Response.objects.get(pk=res.json()["id"]).locale == "zh-hant"


@pytest.fixture
def two_answers_a_minute(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"public_responses": "2/min"},
    }


def test_answers_are_throttled_per_client_address(api_client, nps_survey, two_answers_a_minute):
    answer = {"survey": nps_survey.public_key, "score": 9}
    codes = [post(api_client, answer).status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    res = post(api_client, answer)
    assert res.json()["error"]["code"] == "throttled"
    assert 0 < int(res["Retry-After"]) <= 60
    # another address has its own allowance
    assert post(api_client, answer, REMOTE_ADDR="203.0.113.7").status_code == 201
    assert Response.objects.count() == 3


def test_get_is_not_allowed(api_client):
    res = api_client.get(URL)
    assert res.status_code == 405
    assert res.json()["error"]["code"] == "method_not_allowed"


def test_deeply_nested_json_is_a_400(api_client, nps_survey):
    nested = "[" * 5000 + "]" * 5000
    body = f'{{"survey": "{nps_survey.public_key}", "score": 9, "comment": {nested}}}'
    res = api_client.post(URL, data=body, content_type="application/json")
    assert res.status_code == 400
    assert res.json()["error"]["code"] == "malformed_json"


def test_unknown_keys_are_named_not_dropped(api_client, nps_survey):
    res = post(
        api_client,
        {
            "survey": nps_survey.public_key,
            "score": 4,
            "coment": "太慢了",
            "customer": {"external_id": "a", "phone": "1"},
        },
    )
    assert res.status_code == 400
    assert res.json()["error"]["fields"] == {"coment": ["Unknown field."], "customer.phone": ["Unknown field."]}
    assert Response.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("survey", 5),
        ("comment", 12),
        ("comment", ["a"]),
        ("locale", 1),
        ("touchpoint", True),
        ("consent_to_contact", "yes"),
        ("consent_to_contact", 1),
        ("customer", "acct-1"),
    ],
)
def test_values_of_the_wrong_json_type_are_refused_not_coerced(api_client, nps_survey, field, value):
    payload = {"survey": nps_survey.public_key, "score": 9, field: value}
    res = post(api_client, payload)
    assert res.status_code == 400
    assert field in res.json()["error"]["fields"]


@pytest.mark.parametrize("external_id", [1.5, 42, None, ""])
def test_customer_external_id_must_be_a_non_empty_string(api_client, nps_survey, external_id):
    res = post(api_client, {"survey": nps_survey.public_key, "score": 9, "customer": {"external_id": external_id}})
    assert res.status_code == 400
    assert "customer.external_id" in res.json()["error"]["fields"]


def test_control_characters_in_headers_are_not_stored(api_client, nps_survey):
    res = post(api_client, {"survey": nps_survey.public_key, "score": 9}, HTTP_USER_AGENT="bot\x00\x07/1.0")
    assert res.status_code == 201
    assert Response.objects.get(pk=res.json()["id"]).client_metadata == {"user_agent": "bot/1.0"}


def test_a_survey_switched_off_stops_taking_answers_once_the_lookup_expires(api_client, nps_survey, settings):
    settings.CX_LOOKUP_CACHE_SECONDS = 0.2
    assert post(api_client, {"survey": nps_survey.public_key, "score": 9}).status_code == 201
    nps_survey.active = False
    nps_survey.save()
    time.sleep(0.3)
    assert post(api_client, {"survey": nps_survey.public_key, "score": 9}).status_code == 404


def test_an_invitation_answer_refuses_identity_fields(client):
    invitation = InvitationFactory(status=Invitation.Status.SENT)
    body = {"invitation": invitation.token, "score": 5, "customer": {"external_id": "someone"}}
    res = client.post("/api/v1/public/responses/", json.dumps(body), content_type="application/json")
    assert res.status_code == 400
    assert res.json()["error"]["fields"] == {"customer": ["Not used with `invitation`."]}


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
