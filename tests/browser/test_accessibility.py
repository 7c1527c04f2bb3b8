"""The public pages for everyone: axe-core finds no serious or critical violation, no page scrolls sideways.

axe-core comes from npm (package.json; `make setup` runs `npm ci`). Without it the axe tests skip,
and fail under CX_REQUIRE_SERVICES=1 (tests/conftest.py).
"""

import re
from pathlib import Path

import pytest

from surveys.models import Invitation
from tests.surveys.factories import CustomerFactory, InvitationFactory, QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
LANGUAGES = {"en": "en-US", "zh-hans": "zh-CN", "zh-hant": "zh-TW"}
WIDTHS = (320, 390, 768, 1024, 1440)
# How many rows each scale on the page (and in the widget's shadow root) takes.
ROWS_PER_SCALE = """() => {
  const widget = document.querySelector("#cx-survey-widget");
  const inWidget = widget ? [...widget.shadowRoot.querySelectorAll(".scale")] : [];
  const scales = [...document.querySelectorAll(".scale"), ...inWidget];
  return scales.map((scale) => new Set([...scale.children].map((point) => point.getBoundingClientRect().top)).size);
}"""


@pytest.fixture
def axe_script() -> Path:
    if not AXE.exists():
        pytest.skip("needs axe-core: run `make setup` (npm ci) with npm installed")
    return AXE


def _pages(live_server, settings, language: str = "zh-hant") -> dict[str, str]:
    """Every public page a person meets, by name: path (on the live server); the email's and widget's in `language`."""
    settings.CX_DEMO_PAGES = True
    survey = SurveyFactory(kind="nps", widget_origins=[live_server.url])
    questions_added(survey)
    invitation = InvitationFactory(
        survey=survey, customer=CustomerFactory(locale=language), locale=language, status=Invitation.Status.SENT
    )
    unsubscribing = InvitationFactory(survey=survey, status=Invitation.Status.SENT)
    return {
        "survey-nps": f"/s/{survey.public_key}/",
        "survey-ces": f"/s/{SurveyFactory(kind='ces').public_key}/",
        "survey-csat": f"/s/{SurveyFactory(kind='csat').public_key}/",
        "thanks": f"/s/{survey.public_key}/thanks/",
        "email-landing": f"/s/{invitation.token}/?score=9",
        "unsubscribe": f"/u/{unsubscribing.token}/",
        "widget": f"/demo/widget/?survey={survey.public_key}&customer=a11y-1&locale={LANGUAGES[language]}",
    }


def questions_added(survey) -> None:
    """Additional questions of every look: select one (required), select many, a 1–5 scale, text for detractors."""
    QuestionFactory(survey=survey, key="reason", required=True, position=1)
    QuestionFactory(survey=survey, key="also", kind="multiple", position=2)
    QuestionFactory(survey=survey, key="effort", kind="scale_5", options=[], position=3, text_en="How much effort?")
    QuestionFactory(survey=survey, key="why", kind="text", options=[], shown_to="detractor", position=4)


def _serious(page, axe: Path) -> list[str]:
    page.add_script_tag(path=str(axe))
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .filter((v) => v.impact === "serious" || v.impact === "critical")
            .map((v) => v.id + ": " + v.nodes.map((n) => n.target.join(" ")).join(", "))"""
    )
    return violations


def _open(page, live_server, path: str) -> None:
    page.goto(live_server.url + path)
    if path.startswith("/demo/widget/"):
        page.locator("#cx-survey-widget .send").wait_for()


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_axe_finds_no_serious_violation_on_the_public_pages(
    live_server, browser, settings, artifacts, axe_script, language
):
    pages = _pages(live_server, settings, language)
    # axe is injected as an inline script, which our own policy refuses: this context alone bypasses it
    context = browser.new_context(locale=LANGUAGES[language], bypass_csp=True, viewport={"width": 390, "height": 844})
    page = context.new_page()
    found = {}
    for name, path in pages.items():
        _open(page, live_server, path)
        page.screenshot(path=str(artifacts / f"a11y-{name}-{language}.png"), full_page=True)
        found[name] = _serious(page, axe_script)
    context.close()
    assert found == {name: [] for name in pages}


def test_the_scale_s_ends_are_named_for_screen_readers(live_server, page):
    survey = SurveyFactory(kind="ces")
    page.goto(f"{live_server.url}/s/{survey.public_key}/")
    assert page.get_by_role("radio", name=re.compile(r"^1\W+非常不同意$")).count() == 1
    assert page.get_by_role("radio", name=re.compile(r"^7\W+非常同意$")).count() == 1
    assert page.get_by_role("radio", name="4", exact=True).count() == 1


def test_the_widget_s_end_buttons_are_named_for_screen_readers(live_server, page, settings):
    settings.CX_DEMO_PAGES = True
    survey = SurveyFactory(kind="nps", widget_origins=[live_server.url])
    page.goto(f"{live_server.url}/demo/widget/?survey={survey.public_key}&customer=a11y-2&locale=en")
    widget = page.locator("#cx-survey-widget")
    first = widget.get_by_role("button", name=re.compile(r"^0\W+Not at all likely$"))
    first.wait_for()  # the widget fetches its survey after the page loads: wait for it, do not race it
    assert first.count() == 1
    assert widget.get_by_role("button", name=re.compile(r"^10\W+Extremely likely$")).count() == 1


def test_no_public_page_scrolls_sideways_from_320_to_1440_pixels(live_server, browser, settings, artifacts):
    pages = _pages(live_server, settings)
    overflowing = []
    for width in WIDTHS:
        context = browser.new_context(locale="zh-TW", viewport={"width": width, "height": 800})
        page = context.new_page()
        for name, path in pages.items():
            _open(page, live_server, path)
            if width == 320:
                page.screenshot(path=str(artifacts / f"width-320-{name}.png"), full_page=True)
            if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
                overflowing.append(f"{name} at {width}px")
            rows = page.evaluate(ROWS_PER_SCALE)
            if any(count != 1 for count in rows):  # every scale is one row, at every width
                overflowing.append(f"{name}'s scale wraps at {width}px")
        context.close()
    assert overflowing == []
