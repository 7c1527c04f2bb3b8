"""Authentication, paths and errors as Delighted's client maps them to its exceptions."""

import base64
import json

import pytest
import requests
from django.db import OperationalError

from delighted_api import selectors
from surveys.models import Customer

pytestmark = pytest.mark.django_db(transaction=True)


def _basic(credentials: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(credentials.encode()).decode()}


def test_basic_auth_takes_the_token_with_or_without_a_colon_and_paths_with_or_without_json(
    token, base_url, nps_at_touchpoint
):
    for path in ("people", "people.json"):
        for credentials in (token, token + ":"):
            answer = requests.get(base_url + path, headers=_basic(credentials), timeout=10)
            assert (answer.status_code, answer.json()) == (200, [])
    created = requests.post(
        base_url + "people.json", json={"email": "gus@example.com", "send": False}, headers=_basic(token), timeout=10
    )
    assert created.status_code == 201
    assert requests.delete(base_url + f"people/{created.json()['id']}.json", headers=_basic(token), timeout=10).ok
    refused = requests.get(base_url + "people", headers=_basic(token + ":secret"), timeout=10)
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"].startswith("Basic")
    assert refused.json()["status"] == 401


def test_errors_raise_the_clients_exceptions(dl, nps_at_touchpoint, settings, monkeypatch):
    # a wrong token: 401
    saved_key = dl.api_key
    dl.api_key, dl.shared_client = "not-a-token", None
    with pytest.raises(dl.errors.AuthenticationError):
        dl.Person.all()
    dl.api_key, dl.shared_client = saved_key, None

    # bad input: 422, naming the field, nothing stored
    with pytest.raises(dl.errors.ResourceValidationError) as no_email:
        dl.Person.create(name="Nobody", properties={"locale": "fr"})
    assert "email" in no_email.value.response.body
    assert "properties.locale" in no_email.value.response.body
    with pytest.raises(dl.errors.ResourceValidationError) as sms:
        dl.Person.create(email="hal@example.com", channel="sms")
    assert "SMS" in sms.value.response.body
    with pytest.raises(dl.errors.ResourceValidationError):
        dl.SurveyResponse.all(trend="12")
    with pytest.raises(dl.errors.ResourceValidationError) as unknown:
        dl.SurveyResponse.all(pagee=2)
    assert json.loads(unknown.value.response.body)["errors"] == [{"field": "pagee", "message": "Unknown parameter."}]
    with pytest.raises(dl.errors.ResourceValidationError) as expand:
        dl.SurveyResponse.all(expand=["survey"])
    assert json.loads(expand.value.response.body)["errors"][0]["field"] == "expand[]"
    with pytest.raises(dl.errors.ResourceValidationError) as phone:
        dl.Person.delete(phone_number="+15555550100")
    assert "SMS" in phone.value.response.body
    assert not Customer.objects.exists()

    # an unknown answer: 404
    with pytest.raises(dl.errors.GeneralAPIError) as missing:
        dl.SurveyResponse.retrieve("424242")
    assert missing.value.response.status_code == 404

    # the database unavailable: 503
    def unavailable(**kwargs):
        raise OperationalError("the database restarted")

    monkeypatch.setattr(selectors, "nps_classes", unavailable)
    with pytest.raises(dl.errors.ServiceUnavailableError):
        dl.Metrics.retrieve()

    # over the rate limit: 429 with a whole number of seconds to wait
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "delighted": "2/h"},
    }
    dl.Bounce.all()
    dl.Bounce.all()
    with pytest.raises(dl.errors.TooManyRequestsError) as limited:
        dl.Bounce.all()
    assert 1 <= limited.value.retry_after <= 3600
    assert limited.value.response.headers["Retry-After"].isdigit()


def test_without_the_touchpoint_the_api_says_what_to_set_up(dl):
    with pytest.raises(dl.errors.ServiceUnavailableError) as unset:
        dl.Person.create(email="ida@example.com")
    assert "create the touchpoint 'delighted'" in unset.value.response.body
    assert not Customer.objects.exists()
