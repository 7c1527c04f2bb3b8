"""Consent to be contacted in every channel of our own, in a real browser: ticked, a promoter becomes an advocate."""

import pytest

from closedloop.models import Advocate
from surveys.identity import identity_signature
from surveys.models import Invitation, Response
from tests.surveys.factories import CustomerFactory, InvitationFactory, SurveyFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _tick(page, ticked: bool, *, scope: str = "") -> None:
    box = page.locator(f"{scope} input[type=checkbox]".strip())
    assert not box.is_checked()  # never ticked for the respondent
    if ticked:
        box.focus()
        page.keyboard.press("Space")  # by keyboard, as a person may
        assert box.is_checked()


@pytest.mark.parametrize("ticked", [True, False], ids=["ticked", "not-ticked"])
def test_the_email_landing_page_takes_consent_after_the_one_click_score(live_server, page, artifacts, ticked):
    survey = SurveyFactory(kind="nps", consent_zh_hant="你可以就我的回答聯絡我。")
    customer = CustomerFactory(locale="zh-hant")
    invitation = InvitationFactory(survey=survey, customer=customer, locale="zh-hant", status=Invitation.Status.SENT)

    page.goto(f"{live_server.url}/s/{invitation.token}/?score=10")
    consent = page.get_by_label("你可以就我的回答聯絡我。")  # the survey's own wording in the respondent's language
    assert consent.is_visible()
    _tick(page, ticked)
    page.screenshot(path=str(artifacts / f"consent-email-landing-{'ticked' if ticked else 'unticked'}.png"))
    page.locator("button[type=submit]").click()
    page.wait_for_url(f"**/s/{invitation.token}/thanks/")

    response = Response.objects.get(invitation=invitation)
    assert (response.score, response.consent_to_contact) == (10, ticked)
    assert Advocate.objects.filter(customer_id=customer.id).exists() is ticked


@pytest.mark.parametrize("ticked", [True, False], ids=["ticked", "not-ticked"])
def test_the_shared_survey_page_takes_consent_from_a_signed_customer(live_server, page, artifacts, ticked):
    survey = SurveyFactory(kind="nps")
    signature = identity_signature(secret=survey.identity_secret, external_id="app-5")

    page.goto(f"{live_server.url}/s/{survey.public_key}/?customer=app-5&signature={signature}")
    page.get_by_role("radio", name="9").check()
    # the default wording, translated (the page fixture's browser speaks zh-CN)
    assert page.get_by_label("你可以就我的回答联系我，或询问我是否愿意推荐你们。").is_visible()
    _tick(page, ticked)
    page.screenshot(path=str(artifacts / f"consent-survey-page-{'ticked' if ticked else 'unticked'}.png"))
    page.locator("button[type=submit]").click()
    page.wait_for_url(f"**/s/{survey.public_key}/thanks/")

    response = Response.objects.get(survey=survey)
    assert (response.score, response.consent_to_contact, response.channel) == (9, ticked, "link")
    assert response.customer.external_id == "app-5"
    assert Advocate.objects.filter(customer_external_id="app-5").exists() is ticked


def test_an_anonymous_answer_on_the_shared_page_keeps_its_consent_but_makes_no_advocate(live_server, page):
    survey = SurveyFactory(kind="nps")
    page.goto(f"{live_server.url}/s/{survey.public_key}/")
    page.get_by_role("radio", name="10").check()
    _tick(page, True)
    page.locator("button[type=submit]").click()
    page.wait_for_url(f"**/s/{survey.public_key}/thanks/")

    response = Response.objects.get(survey=survey)
    assert (response.consent_to_contact, response.customer) == (True, None)
    assert not Advocate.objects.exists()  # no customer behind it to become one


@pytest.mark.parametrize("ticked", [True, False], ids=["ticked", "not-ticked"])
def test_the_widget_takes_consent_and_a_ticking_promoter_becomes_an_advocate(
    live_server, page, settings, artifacts, ticked
):
    settings.CX_DEMO_PAGES = True
    survey = SurveyFactory(kind="nps", widget_origins=[live_server.url], consent_en="Yes, you may contact me.")

    page.goto(f"{live_server.url}/demo/widget/?survey={survey.public_key}&customer=web-7&locale=en")
    page.locator("#cx-survey-widget button[data-score='10']").click()
    assert page.locator("#cx-survey-widget").get_by_label("Yes, you may contact me.").is_visible()
    _tick(page, ticked, scope="#cx-survey-widget")
    page.screenshot(path=str(artifacts / f"consent-widget-{'ticked' if ticked else 'unticked'}.png"))
    page.locator("#cx-survey-widget .send").click()
    page.locator("#cx-survey-widget .msg").wait_for()

    response = Response.objects.get(survey=survey)
    assert (response.score, response.consent_to_contact, response.channel) == (10, ticked, "widget")
    assert Advocate.objects.filter(customer_external_id="web-7").exists() is ticked
