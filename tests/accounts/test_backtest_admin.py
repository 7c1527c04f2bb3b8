"""The suggested weights page of a health scorecard: shown to CX leads, accepted only when they say so."""

import random

import pytest
from django.urls import reverse

from accounts.models import Scorecard
from tests.accounts.test_backtest_fit import UNTIL, card, history

pytestmark = pytest.mark.django_db


def url(scorecard):
    return reverse("admin:accounts_scorecard_suggestion", args=[scorecard.pk])


@pytest.fixture
def lead(client, user_with_role):
    client.force_login(user_with_role("CX lead", "lead"))
    return client


def test_without_enough_churn_the_page_says_how_much_is_needed(lead):
    scorecard = Scorecard.objects.get(kind="health", stage="")
    for language in ("en", "zh-hans", "zh-hant"):
        response = lead.get(url(scorecard), HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        assert 'id="cx-not-enough"' in response.content.decode()
    assert "Accept these weights" not in lead.get(url(scorecard), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_suggestion_is_shown_and_accepted_as_shown(lead, settings, monkeypatch):
    from django.utils import timezone

    scorecard = card()
    history(400, 0.3, random.Random(4))
    monkeypatch.setattr(timezone, "localdate", lambda *args: UNTIL)
    page = lead.get(url(scorecard), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [measure.key for measure, _current, _suggested in rows] == ["logins", "nps"]
    form = {f"weight-{measure.pk}": str(suggested) for measure, _current, suggested in rows}
    response = lead.post(url(scorecard), form)
    assert response.status_code == 302
    weights = dict(scorecard.measures.values_list("key", "weight"))
    assert weights == {measure.key: suggested for measure, _current, suggested in rows}
    assert weights["logins"] > weights["nps"]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({}, "No weights were sent."),
        ({"weight-{pk}": "ten"}, "not whole numbers"),
        ({"weight-{pk}": "0"}, "from 1 to 1000"),
        ({"weight-999999": "10"}, "Not measures of this scorecard"),
    ],
)
def test_a_bad_form_is_a_400_that_says_why_and_changes_nothing(lead, form, message):
    scorecard = Scorecard.objects.get(kind="health", stage="")
    before = dict(scorecard.measures.values_list("pk", "weight"))
    pk = next(iter(before))
    response = lead.post(url(scorecard), {name.format(pk=pk): value for name, value in form.items()})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert dict(scorecard.measures.values_list("pk", "weight")) == before


def test_customer_success_may_not_change_scorecards(client, user_with_role):
    client.force_login(user_with_role("Customer success", "csm"))
    scorecard = Scorecard.objects.get(kind="health", stage="")
    assert client.get(url(scorecard)).status_code == 403
    assert client.post(url(scorecard), {}).status_code == 403


def test_only_health_scorecards_have_suggestions(lead):
    temperature = Scorecard.objects.get(kind="temperature", stage="")
    assert lead.get(url(temperature)).status_code == 404
