"""Invitation and referral tokens cannot be forged, guessed or used beyond their rules.

- An invitation token is 192 random bits; a token one character off is refused and changes nothing.
- It answers its own survey for its own customer, once; the answer may be amended for 24 hours, then not.
- An unsubscribe link works only with a real token; an unknown referral code counts nothing.
- Guessing is throttled per address on every page and on the API.
"""

import base64
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from closedloop.models import Advocate
from surveys.models import Customer, Invitation, Response, new_invitation_token
from tests.closedloop.factories import AdvocateFactory
from tests.surveys.factories import CustomerFactory, InvitationFactory, SurveyFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/public/responses/"


@pytest.fixture
def invitation():
    customer = CustomerFactory(external_id="lin-88", email="lin@shop.example", locale="zh-hant")
    return InvitationFactory(survey=SurveyFactory(kind="nps"), customer=customer, status=Invitation.Status.SENT)


def one_off(token: str) -> str:
    """The token with its last character changed, as a guess next to a real one would be."""
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def test_invitation_tokens_carry_192_random_bits_and_never_repeat():
    tokens = {new_invitation_token() for _ in range(5000)}
    assert len(tokens) == 5000
    for token in list(tokens)[:100]:
        assert len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) == 24


def test_a_token_one_character_off_is_refused_everywhere_and_changes_nothing(client, api_client, invitation):
    forged = one_off(invitation.token)
    assert client.get(f"/s/{forged}/", {"score": 0}).status_code == 403
    assert client.post(f"/s/{forged}/", {"score": 0, "comment": "假的"}).status_code in (403, 404)
    res = api_client.post(URL, {"invitation": forged, "score": 0}, format="json")
    assert (res.status_code, res.json()["error"]["code"]) == (403, "invitation_invalid")
    assert client.get(f"/u/{forged}/").status_code in (403, 404)

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SENT
    assert not Response.objects.exists()
    assert Customer.objects.get(pk=invitation.customer_id).unsubscribed_at is None


def test_a_token_answers_for_its_own_customer_only(api_client, invitation):
    other = {"external_id": "someone-else"}
    res = api_client.post(URL, {"invitation": invitation.token, "score": 10, "customer": other}, format="json")
    assert res.status_code == 400
    assert res.json()["error"]["fields"] == {"customer": ["Not used with `invitation`."]}
    elsewhere = SurveyFactory(kind="csat")
    res = api_client.post(
        URL, {"invitation": invitation.token, "survey": elsewhere.public_key, "score": 5}, format="json"
    )
    assert res.status_code == 400  # one or the other: a token cannot answer another survey
    assert not Response.objects.exists()

    assert api_client.post(URL, {"invitation": invitation.token, "score": 3}, format="json").status_code == 201
    response = Response.objects.get()
    assert (response.customer_id, response.survey_id) == (invitation.customer_id, invitation.survey_id)


def test_a_token_is_used_once_amended_for_24_hours_then_refused(api_client, invitation):
    first = api_client.post(URL, {"invitation": invitation.token, "score": 2}, format="json")
    again = api_client.post(URL, {"invitation": invitation.token, "score": 4, "comment": "還好"}, format="json")
    assert (first.status_code, again.status_code, again.json()["id"]) == (201, 201, first.json()["id"])
    assert Response.objects.count() == 1

    Invitation.objects.filter(pk=invitation.pk).update(answered_at=timezone.now() - timedelta(hours=25))
    late = api_client.post(URL, {"invitation": invitation.token, "score": 10}, format="json")
    assert late.status_code == 409
    assert Response.objects.get().score == 4


def test_an_expired_token_is_refused_before_it_is_used(api_client, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api_client.post(URL, {"invitation": invitation.token, "score": 9}, format="json").status_code == 410
    assert not Response.objects.exists()


def test_an_unknown_or_near_referral_code_counts_nothing(client):
    advocate = AdvocateFactory()
    for guess in (one_off(advocate.code), "ZZZZZZZZ", "'; DROP TABLE--", "推荐码"):
        res = client.get(f"/r/{guess}")
        assert res.status_code == 302
        assert "ref=" not in res["Location"]
    assert Advocate.objects.get().visits == 0
    assert "ref=" in client.get(f"/r/{advocate.code.lower()}")["Location"]  # read as people type it
    assert Advocate.objects.get().visits == 1


@pytest.fixture
def few_guesses(settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "public_pages": "5/min", "public_responses": "5/min"},
    }
    cache.clear()


def test_guessing_tokens_is_throttled_per_address(client, api_client, few_guesses):
    for url in ("/s/{}/", "/u/{}/", "/r/{}"):
        statuses = [client.get(url.format(new_invitation_token()[:8].upper())).status_code for _ in range(6)]
        assert statuses[-1] == 429, (url, statuses)
        assert 429 not in statuses[:5], (url, statuses)
        cache.clear()
    statuses = [
        api_client.post(URL, {"invitation": new_invitation_token(), "score": 1}, format="json").status_code
        for _ in range(6)
    ]
    assert statuses == [403] * 5 + [429]
