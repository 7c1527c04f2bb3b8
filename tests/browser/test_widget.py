"""The widget and the email flow in a real browser (headless chromium against the live test server)."""

import re

import pytest

from surveys.models import Invitation, Response, Survey
from tests.surveys.factories import (
    ContactRuleFactory,
    CustomerFactory,
    InvitationFactory,
    ResponseFactory,
    SurveyFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_widget_takes_a_score_and_a_chinese_comment(live_server, page, settings, artifacts):
    # given a survey that lets the test server's origin embed it, and a host page with hostile CSS
    settings.CX_DEMO_PAGES = True
    survey = SurveyFactory(kind="nps", widget_origins=[live_server.url], require_identity=True)
    comment = "订单同步经常失败，希望尽快修复 🙏 sync keeps timing out"

    # when a visitor of an account (the host's server signs both) opens the page, picks 3 with the keyboard
    # and writes a comment
    CustomerFactory(external_id="web-42", account="上海鲜果铺")
    page.goto(
        f"{live_server.url}/demo/widget/?survey={survey.public_key}&customer=web-42&locale=zh-CN&account=杭州茶舍"
    )
    three = page.locator("#cx-survey-widget button[data-score='3']")
    three.wait_for()
    assert page.locator("#cx-question").inner_text() == survey.question_zh_hans
    three.focus()
    page.keyboard.press("Enter")
    assert three.get_attribute("aria-pressed") == "true"
    page.locator("#cx-comment").fill(comment)
    page.screenshot(path=str(artifacts / "widget.png"))
    send = page.locator("#cx-survey-widget .send")
    colour = send.evaluate("button => getComputedStyle(button).backgroundColor")
    send.click()
    page.get_by_role("status").wait_for()

    # then the answer is stored, signed identity and all, and the host's CSS never reached the widget
    response = Response.objects.get()
    assert (response.score, response.comment, response.channel) == (3, comment, "widget")
    assert response.customer.external_id == "web-42"
    assert (response.account, response.customer.account_id) == ("杭州茶舍", "杭州茶舍")  # the signed account moved it
    assert response.locale == "zh-hans"
    assert colour == "rgb(31, 95, 191)"


def test_the_email_link_records_the_score_and_the_page_takes_a_comment(live_server, page, artifacts):
    survey = SurveyFactory(kind="nps")
    invitation = InvitationFactory(
        survey=survey, customer=CustomerFactory(locale="zh-hant"), locale="zh-hant", status=Invitation.Status.SENT
    )

    page.goto(f"{live_server.url}/s/{invitation.token}/?score=9")
    assert Response.objects.get(invitation=invitation).score == 9
    page.get_by_label(page.locator("label.block").inner_text()).fill("客服很有耐心，問題當天就解決了 👍")
    page.screenshot(path=str(artifacts / "survey-page.png"))
    page.locator("button[type=submit]").click()
    page.wait_for_url(f"**/s/{invitation.token}/thanks/")

    response = Response.objects.get(invitation=invitation)
    assert (response.score, response.comment) == (9, "客服很有耐心，問題當天就解決了 👍")


HOST_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Shop</title></head><body>
<h1>Orders</h1>
<script src="{server}/static/cx/widget.js" data-survey="{key}" data-customer="{customer}" data-signature="{signature}"
        data-locale="en"></script></body></html>"""


def _host_page_html(*, server: str, survey, customer: str) -> str:
    from surveys.identity import identity_signature

    return HOST_PAGE.format(
        server=server,
        key=survey.public_key,
        customer=customer,
        signature=identity_signature(secret=survey.identity_secret, external_id=customer),
    )


def test_the_widget_works_across_origins_the_survey_allows(live_server, page, host_site):
    survey = SurveyFactory(kind="csat")
    origin = host_site(_host_page_html(server=live_server.url, survey=survey, customer="x-1"))
    Survey.objects.filter(pk=survey.pk).update(widget_origins=[origin])

    page.goto(f"{origin}/orders")
    page.locator("#cx-survey-widget button[data-score='5']").click()
    page.locator("#cx-survey-widget .send").click()
    page.get_by_role("status").wait_for()

    response = Response.objects.get()
    assert (response.score, response.channel, response.customer.external_id) == (5, "widget", "x-1")
    assert re.fullmatch(r"[0-9a-f]{32}", response.idempotency_key)  # sent across origins, through CORS


def test_the_widget_stays_silent_on_an_origin_the_survey_does_not_allow(live_server, page, host_site):
    survey = SurveyFactory(kind="csat", widget_origins=["https://app.shop.example"])
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    origin = host_site(_host_page_html(server=live_server.url, survey=survey, customer="x-2"))

    page.goto(f"{origin}/orders")
    page.wait_for_load_state("networkidle")

    assert page.locator("#cx-survey-widget").count() == 0
    assert any("No 'Access-Control-Allow-Origin' header" in text for text in console), console
    assert not Response.objects.exists()


def test_the_demo_says_why_the_widget_did_not_show_and_offers_a_new_visitor(live_server, page, settings, artifacts):
    # given a visitor answered lately (the contact policy's cooldown) and a rule that samples half the visitors
    settings.CX_DEMO_PAGES = True
    survey = SurveyFactory(kind="nps", widget_origins=[live_server.url])
    ContactRuleFactory(survey=survey, channel="widget", sampling_rate=0.5)
    ResponseFactory(survey=survey, customer=CustomerFactory(external_id="demo-0001"), score=8)

    # when the demo page opens as that visitor, it says why the widget stays away
    page.goto(f"{live_server.url}/demo/widget/?survey={survey.public_key}&locale=en")
    cooldown = page.locator("#widget-state [data-reason=cooldown]")
    cooldown.wait_for()
    assert "冷却期" in cooldown.inner_text()  # the page speaks the browser's language
    assert page.locator("#cx-survey-widget").count() == 0
    page.screenshot(path=str(artifacts / "widget-demo-cooldown.png"))

    # and "try as a new visitor" opens it as a customer the policy asks: the widget shows, and takes an answer
    page.get_by_role("link", name="以新访客身份试试").click()
    page.locator("#cx-survey-widget button[data-score='9']").click()
    assert page.locator("#widget-state [data-state=shown]").is_visible()
    page.locator("#cx-survey-widget .send").click()
    page.locator("#widget-state [data-state=sent]").wait_for()
    assert Response.objects.filter(customer__external_id__startswith="visitor-").count() == 1


def test_the_demo_says_when_a_visitor_is_outside_the_sample(live_server, page, settings):
    settings.CX_DEMO_PAGES = True
    survey = SurveyFactory(kind="nps", widget_origins=[live_server.url])
    ContactRuleFactory(survey=survey, channel="widget", sampling_rate=0.0)  # nobody is in the sample

    page.goto(f"{live_server.url}/demo/widget/?survey={survey.public_key}&customer=someone")
    page.locator("#widget-state [data-reason=not_sampled]").wait_for()
    assert page.locator("#widget-state [data-state=waiting]").is_hidden()
