"""Every email the platform sends fits a phone: rendered in Chromium at 320 and 390 px, nothing runs off the edge.

The emails: the invitation (NPS 0–10, CES 1–7, CSAT 1–5), the resolution note to the customer and
the overdue alert to the team lead (closedloop.emails), each in the three languages.
"""

import pytest
from django.utils import translation

from closedloop.emails import escalation_email, note_email
from closedloop.services import case_note_render
from surveys.emails import invitation_email
from tests.closedloop.factories import CaseFactory
from tests.surveys.factories import CustomerFactory, InvitationFactory, SurveyFactory

pytestmark = pytest.mark.django_db

LOCALES = ("en", "zh-hans", "zh-hant")
WIDTHS = (320, 390)

# The right edge of everything on the page, and of each answer button, against the viewport.
MEASURE = """() => {
  const edge = (el) => el.getBoundingClientRect().right;
  const all = [...document.body.querySelectorAll('*')].map(edge);
  const buttons = [...document.querySelectorAll('a[href*="score="]')].map((a) => a.getBoundingClientRect());
  return {
    viewport: window.innerWidth,
    scrollWidth: document.documentElement.scrollWidth,
    rightmost: Math.max(0, ...all),
    buttons: buttons.map((b) => ({left: b.left, right: b.right, width: b.width, top: b.top})),
  };
}"""


QUESTIONS = {  # the demo's questions (surveys/demo/seed.py); the factory's default is the NPS one
    "ces": {
        "question_en": "The company made it easy to handle my issue.",
        "question_zh_hans": "公司让我很容易地解决了我的问题。",
        "question_zh_hant": "公司讓我很容易地解決了我的問題。",
    },
    "csat": {
        "question_en": "How satisfied are you with your delivery?",
        "question_zh_hans": "您对本次配送满意吗？",
        "question_zh_hant": "您對本次配送滿意嗎？",
    },
}


def invitation_message(kind: str, locale: str):
    survey = SurveyFactory(kind=kind, **QUESTIONS.get(kind, {}))
    name = "林美玲" if locale != "en" else "Olivia Smith"
    customer = CustomerFactory(locale=locale, name=name, email="c@example.com")
    return invitation_email(InvitationFactory(survey=survey, customer=customer, locale=locale))


def note_message(locale: str):
    case = CaseFactory(
        status="resolved",
        locale=locale,
        customer_name="林美玲",
        resolution="We fixed the sync of your orders: it now retries every minute and tells you when it fails. "
        "订单同步已修复，失败时会通知您。https://example.com/status/very/long/address/that/does/not/break/easily",
    )
    subject, body = case_note_render(case=case)
    return note_email(case=case, subject=subject, body=body)


def escalation_message(locale: str):
    case = CaseFactory(status="assigned", comment="订单同步经常失败，客服说不是他们的系统。" * 3)
    with translation.override(locale):
        return escalation_email(case=case, to="lead@example.com")


def every_email():
    for locale in LOCALES:
        for kind in ("nps", "ces", "csat"):
            yield f"invitation-{kind}-{locale}", kind, lambda kind=kind, locale=locale: invitation_message(kind, locale)
        yield f"note-{locale}", None, lambda locale=locale: note_message(locale)
        yield f"escalation-{locale}", None, lambda locale=locale: escalation_message(locale)


@pytest.mark.parametrize("width", WIDTHS)
def test_every_email_fits_a_phone(browser, artifacts, width, settings):
    settings.CX_BRAND_NAME = "Acme 云"
    answers = {"nps": 11, "ces": 7, "csat": 5}
    context = browser.new_context(viewport={"width": width, "height": 800}, device_scale_factor=1)
    page = context.new_page()
    try:
        for name, kind, build in every_email():
            message = build()
            html = {mime: body for body, mime in message.alternatives}["text/html"]
            page.set_content(html)
            measured = page.evaluate(MEASURE)
            assert measured["scrollWidth"] <= width, f"{name} scrolls sideways at {width}px: {measured}"
            assert measured["rightmost"] <= width, f"{name} runs off the edge at {width}px: {measured}"
            if kind:
                buttons = measured["buttons"]
                assert len(buttons) == answers[kind], name
                assert len({round(b["top"]) for b in buttons}) == 1, f"{name}: the answers wrap"
                assert all(b["left"] >= 0 and b["right"] <= width and b["width"] >= 20 for b in buttons), name
            page.screenshot(path=str(artifacts / f"email-{name}-{width}.png"), full_page=True)
    finally:
        context.close()


def test_emails_come_from_the_configured_sender_and_ask_for_replies_only_when_read(settings):
    settings.DEFAULT_FROM_EMAIL = "Acme CX <cx@acme.example>"
    settings.CX_REPLY_TO_EMAIL = ""
    for locale in LOCALES:
        for message in (invitation_message("nps", locale), note_message(locale)):
            html = message.alternatives[0][0]
            assert message.from_email == "Acme CX <cx@acme.example>"
            assert message.reply_to == []
            for text in (message.body, html):
                assert "reply to this email" not in text.lower()
                assert "回复本邮件" not in text
                assert "回覆本郵件" not in text

    settings.CX_REPLY_TO_EMAIL = "support@acme.example"
    note = note_message("en")
    assert note.reply_to == ["support@acme.example"]
    assert "just reply to this email" in note.body
    assert "Questions? Just reply to this email." in invitation_message("csat", "en").alternatives[0][0]


def test_the_brand_is_on_every_email(settings):
    settings.CX_BRAND_NAME = "Acme"
    settings.CX_BRAND_COLOUR = "#ffd400"  # light: dark text on it
    settings.CX_BRAND_LOGO_URL = "https://acme.example/logo.png"
    html = invitation_message("nps", "en").alternatives[0][0]
    assert 'src="https://acme.example/logo.png" alt="Acme"' in html
    assert "background:#ffd400;color:#000000" in html
    assert "Sent by Acme" in html
