"""The Content-Security-Policy in Chromium: every page works under it and none reports a violation."""

import re

import pytest
from django.core.management import call_command

from closedloop.models import Case
from surveys.identity import identity_signature
from surveys.models import Customer, Response, Survey
from tests.surveys.factories import SurveyFactory

pytestmark = pytest.mark.django_db(transaction=True)

# A listener for the violations the page reports, installed before any of the page's own scripts run.
LISTEN = """window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});"""


@pytest.fixture
def watched(browser):
    """A page whose CSP violations (reported by the securitypolicyviolation event or on the console) are kept."""
    context = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 900})
    context.add_init_script(LISTEN)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))

    def violations() -> list[str]:
        reported = page.evaluate("window.__cspViolations || []")
        return reported + [text for text in console if "Content Security Policy" in text]

    page.violations = violations
    yield page
    context.close()


def _policy(response) -> str:
    return response.headers.get("content-security-policy", "")


def test_the_survey_page_works_under_the_policy(live_server, watched):
    survey = SurveyFactory(kind="ces")
    response = watched.goto(f"{live_server.url}/s/{survey.public_key}/")
    policy = _policy(response)
    for directive in (
        "default-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ):
        assert directive in policy
    assert re.search(r"script-src 'self'( 'nonce-[^']+')?(;|$)", policy)
    watched.get_by_role("radio", name="5").check()
    watched.locator("button[type=submit]").click()
    watched.wait_for_url(f"**/s/{survey.public_key}/thanks/")
    assert Response.objects.get().score == 5
    assert watched.violations() == []


def test_an_inline_script_without_the_nonce_is_refused_and_reported(live_server, watched):
    survey = SurveyFactory()
    watched.goto(f"{live_server.url}/s/{survey.public_key}/")
    # what an injected <script> would be
    watched.evaluate("""document.body.appendChild(
      Object.assign(document.createElement("script"), {textContent: "window.injected = true;"}))""")
    watched.wait_for_function("window.__cspViolations.length > 0")
    assert watched.evaluate("window.injected === undefined")
    assert any("script-src" in violation for violation in watched.violations())


def test_the_admin_the_dashboard_and_the_api_docs_work_under_the_policy(
    live_server, watched, artifacts, django_user_model
):
    call_command("seed_demo")
    django_user_model.objects.create_superuser("root", "root@example.com", "a long test passphrase")

    # the login page, by keyboard
    watched.goto(f"{live_server.url}/admin/login/")
    watched.locator("#id_username").fill("root")
    watched.locator("#id_password").fill("a long test passphrase")
    watched.keyboard.press("Enter")
    watched.wait_for_url(f"{live_server.url}/admin/")
    assert watched.violations() == []

    # the case queue: select a case and run an action from the list
    watched.goto(f"{live_server.url}/admin/closedloop/case/")
    watched.locator("#result_list tbody input.action-select").first.check()
    assert watched.locator(".action-counter").inner_text().startswith("1 ")  # actions.js ran
    watched.locator("select[name=action]").select_option("assign_to")
    watched.locator("button[name=index]").click()
    watched.locator("#content h1").wait_for()
    assert watched.violations() == []

    # the action's own page, then its cancel link (cancel.js) back to the queue; the link goes back only once
    # cancel.js has run, so wait for the page's scripts before clicking (clicking earlier follows its "#")
    assert watched.locator("form select, form input[type=submit]").count() > 0
    watched.wait_for_load_state("load")
    watched.locator("a.cancel-link").click()
    watched.wait_for_url("**/admin/closedloop/case/")

    # a case page
    case = Case.objects.order_by("id").first()
    watched.goto(f"{live_server.url}/admin/closedloop/case/{case.pk}/change/")
    watched.locator("#case_form").wait_for()
    watched.screenshot(path=str(artifacts / "csp-case-page.png"))
    assert watched.violations() == []

    # the date widgets (DateTimeShortcuts.js, calendar.js): a customer's unsubscription date, picked from the calendar
    customer = Customer.objects.order_by("id").first()
    watched.goto(f"{live_server.url}/admin/surveys/customer/{customer.pk}/change/")
    watched.locator("#calendarlink0").click()
    watched.locator("#calendarbox0 .calendar-shortcuts a").first.click()  # "Today"
    assert watched.locator("#id_unsubscribed_at_0").input_value() != ""
    watched.locator("#id_unsubscribed_at_1").fill("")
    watched.locator(".datetimeshortcuts a").nth(2).click()  # "Now"
    assert watched.locator("#id_unsubscribed_at_1").input_value() != ""
    # a prepopulated field (prepopulate.js reads its settings from a JSON script element)
    watched.goto(f"{live_server.url}/admin/surveys/touchpoint/add/")
    watched.locator("#id_name").type("Self Checkout")
    assert watched.locator("#id_key").input_value() == "self-checkout"
    assert watched.violations() == []

    # the dashboard draws its chart
    watched.goto(f"{live_server.url}/admin/insights/?interval=month")
    assert watched.locator("#cx-trend circle.point").count() >= 3
    assert watched.violations() == []

    # Swagger UI renders the schema, its init script a file, not inline
    watched.goto(f"{live_server.url}/api/docs/")
    watched.locator(".swagger-ui .info .title").wait_for()
    watched.locator(".opblock").first.wait_for()
    watched.screenshot(path=str(artifacts / "csp-api-docs.png"))
    assert watched.violations() == []


STRICT_HOST_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head><body>
<h1>Orders</h1>
<script src="{server}/static/cx/widget.js" data-survey="{key}" data-customer="c-1" data-signature="{signature}"
        data-locale="en"></script></body></html>"""


def test_the_widget_works_on_a_host_page_with_a_strict_policy(live_server, watched, host_site, artifacts):
    survey = SurveyFactory(kind="nps", require_identity=True)
    html = STRICT_HOST_PAGE.format(
        server=live_server.url,
        key=survey.public_key,
        signature=identity_signature(secret=survey.identity_secret, external_id="c-1"),
    )
    # the host allows our origin for scripts and requests, and nothing inline: no script, no style
    policy = f"default-src 'none'; script-src {live_server.url}; connect-src {live_server.url}; style-src 'self'"
    origin = host_site(html, {"Content-Security-Policy": policy})
    Survey.objects.filter(pk=survey.pk).update(widget_origins=[origin])

    watched.goto(f"{origin}/orders")
    nine = watched.locator("#cx-survey-widget button[data-score='9']")
    nine.click()
    send = watched.locator("#cx-survey-widget .send")
    assert send.evaluate("button => getComputedStyle(button).backgroundColor") == "rgb(31, 95, 191)"  # styled
    watched.screenshot(path=str(artifacts / "csp-widget-strict-host.png"))
    send.click()
    watched.get_by_role("status").wait_for()
    assert Response.objects.get().score == 9
    assert watched.violations() == []
