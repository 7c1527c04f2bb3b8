"""The survey pages a customer opens (surveys.views): bad paths, HEAD requests, consent, the widget demo."""

import re

import pytest

from surveys import selectors
from surveys.identity import identity_signature
from surveys.models import Customer, Invitation, Response
from tests.surveys.factories import ContactRuleFactory, InvitationFactory, SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/s/ab%00/", "/s/ab%00/thanks/", "/u/ab%00/", "/api/v1/public/surveys/ab%00/"])
def test_nul_bytes_in_paths_are_a_400(client, path):
    assert client.get(path).status_code == 400  # cxplatform.request_checks, before any lookup


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


def consent_box(page: str) -> str:
    return re.search(r'<input[^>]*name="consent_to_contact"[^>]*>', page).group(0)


def test_the_consent_wording_is_the_survey_s_own_per_language_else_the_translated_default(client):
    survey = SurveyFactory(consent_en="Call me maybe.", consent_zh_hans="")
    english = client.get(f"/s/{survey.public_key}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client.get(f"/s/{survey.public_key}/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "Call me maybe." in english
    assert "你可以就我的回答联系我" in chinese
    assert "Call me maybe." not in chinese  # never another language's wording
    assert "checked" not in consent_box(english)  # offered, never ticked


def test_a_comment_after_the_one_click_score_keeps_or_sets_the_consent_as_the_respondent_leaves_it(client):
    invitation = InvitationFactory(status=Invitation.Status.SENT)
    client.get(f"/s/{invitation.token}/", {"score": 10})
    client.post(f"/s/{invitation.token}/", {"score": 10, "consent_to_contact": "on"})
    assert Response.objects.get().consent_to_contact is True
    assert "checked" in consent_box(client.get(f"/s/{invitation.token}/").content.decode())  # the choice given
    client.post(f"/s/{invitation.token}/", {"score": 10})
    assert Response.objects.get().consent_to_contact is False


def test_the_widget_demo_offers_a_new_visitor_the_policy_would_ask(client, settings):
    settings.CX_DEMO_PAGES = True
    survey = SurveyFactory(widget_origins=["http://127.0.0.1:8000"])
    ContactRuleFactory(survey=survey, channel="widget", sampling_rate=0.5)
    page = client.get("/demo/widget/", {"survey": survey.public_key, "customer": "demo-0001"}).content.decode()
    visitor = re.search(r"customer=(visitor-[0-9a-f]{8})", page).group(1)
    assert not Customer.objects.filter(external_id=visitor).exists()
    ref = selectors.survey_get_active(public_key=survey.public_key)
    assert selectors.widget_decision(survey=ref, external_id=visitor, touchpoint_key=None).invite


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("customer=app-1", 403),
        ("customer=app-1&signature=00", 403),
        ("customer=&signature=", 403),
        ("customer=a%00", 400),  # a NUL anywhere in the address is refused before the page
    ],
)
def test_a_shared_link_naming_a_customer_without_a_valid_signature_is_refused(client, query, status):
    survey = SurveyFactory()
    assert client.get(f"/s/{survey.public_key}/?{query}").status_code == status
    assert client.post(f"/s/{survey.public_key}/?{query}", {"score": 9}).status_code == status
    assert not Response.objects.exists()


def test_a_shared_link_with_a_signed_customer_links_the_answer_to_them(client):
    survey = SurveyFactory()
    signature = identity_signature(secret=survey.identity_secret, external_id="app-1")
    res = client.post(f"/s/{survey.public_key}/?customer=app-1&signature={signature}", {"score": 9})
    assert res.status_code == 302
    assert Response.objects.get().customer.external_id == "app-1"
