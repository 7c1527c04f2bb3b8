"""Hostile input on the public endpoints is a 4xx naming the problem, never a 500; every public page is throttled."""

import json

import pytest
from django.core.cache import cache

from surveys.models import Response
from tests.closedloop.factories import AdvocateFactory
from tests.surveys.factories import InvitationFactory, SurveyFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/public/responses/"


@pytest.fixture
def survey():
    return SurveyFactory(kind="nps")


def post(client, body, content_type="application/json"):
    data = body if isinstance(body, bytes | str) else json.dumps(body, ensure_ascii=False).encode()
    return client.post(URL, data=data, content_type=content_type)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"score": 10**100}, "score"),  # a huge integer
        ({"score": -(2**63)}, "score"),
        ({"score": 9, "comment": "😡" * 10_000}, "comment"),  # 10,000 emoji: over the 5,000-character limit
        ({"score": 9, "comment": "退款\x00失败"}, "comment"),  # NUL: PostgreSQL cannot store it
        ({"score": 9, "touchpoint": "a" * 10_000}, "touchpoint"),
        ({"score": 9, "customer": {"external_id": "x" * 10_000}}, "customer"),
        ({"score": 9, "locale": "\u202e" * 50}, "locale"),
    ],
)
def test_hostile_values_are_a_400_naming_the_field(api_client, survey, payload, field):
    response = post(api_client, {"survey": survey.public_key, **payload})
    assert response.status_code == 400, response.content
    fields = response.json()["error"]["fields"]
    assert any(name.split(".")[0] == field for name in fields), fields
    assert not Response.objects.exists()


def test_10000_emoji_escaped_as_json_is_too_large_a_body(api_client, survey):
    body = json.dumps({"survey": survey.public_key, "score": 9, "comment": "😡" * 10_000})  # 12 bytes each
    response = post(api_client, body)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


def test_control_characters_and_emoji_within_limits_are_kept_as_written(api_client, survey):
    comment = "客服\t回复慢\n第二行 🙏 <script>alert(1)</script>"
    response = post(api_client, {"survey": survey.public_key, "score": 3, "comment": comment})
    assert response.status_code == 201, response.content
    assert Response.objects.get().comment == comment  # stored as given; escaped wherever it is shown


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"\xff\xfe{", 400),  # invalid UTF-8
        ("[" * 10_000 + "]" * 10_000, 400),  # deep JSON
        (b"{" + b'"a": 1,' * 20_000 + b'"b": 2}', 413),  # over the body limit
        ("null", 400),
    ],
)
def test_hostile_bodies_are_refused(api_client, survey, body, status):
    assert post(api_client, body).status_code == status


@pytest.fixture
def one_page_a_minute(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "public_pages": "1/min"},
    }


def test_every_public_page_is_throttled_per_address(client, survey, one_page_a_minute):
    invitation = InvitationFactory(survey=survey)
    advocate = AdvocateFactory()
    for url in (f"/s/{survey.public_key}/", f"/u/{invitation.token}/", f"/r/{advocate.code}"):
        first, second = client.get(url), client.get(url, REMOTE_ADDR="198.51.100.9")
        assert first.status_code != 429, url
        assert second.status_code != 429, url  # each address has its own allowance
        blocked = client.get(url)
        assert blocked.status_code == 429, url
        assert int(blocked["Retry-After"]) >= 1
        cache.clear()
