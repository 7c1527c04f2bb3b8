"""Comments with HTML and script never run: the admin, the dashboard, the survey page and exports show them inert."""

import csv
import io

import pytest

from closedloop.models import Case
from feedback import services as feedback_services
from feedback.models import FeedbackItem
from surveys.models import Response
from surveys.services import CustomerIdentity, response_submit
from tests.surveys.factories import SurveyFactory

pytestmark = pytest.mark.django_db
FORMULA = '=HYPERLINK("http://evil.example","领取奖励")'
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> 退款 =HYPERLINK("http://evil")'


@pytest.fixture
def hostile(client, django_user_model):
    survey = SurveyFactory(kind="nps", name='<b onmouseover="alert(2)">NPS</b>')
    response_submit(
        survey_key=survey.public_key,
        score=1,
        comment=HOSTILE,
        customer=CustomerIdentity(external_id="<svg onload=alert(3)>", name="<i>王</i>"),
        consent_to_contact=True,
    )
    response_submit(survey_key=survey.public_key, score=10, comment=FORMULA, consent_to_contact=True,
                    customer=CustomerIdentity(external_id="promoter-1"))  # fmt: skip
    feedback_services.feedback_analyse_all_pending()
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.com", "pw"))
    return survey


def _pages(survey):
    case = Case.objects.get()
    return [
        "/admin/surveys/response/",
        f"/admin/surveys/response/{Response.objects.first().pk}/change/",
        "/admin/feedback/feedbackitem/",
        f"/admin/feedback/feedbackitem/{FeedbackItem.objects.first().pk}/change/",
        "/admin/closedloop/case/",
        f"/admin/closedloop/case/{case.pk}/change/",
        "/admin/closedloop/advocate/",
        "/admin/surveys/customer/",
        "/admin/insights/?interval=week",
    ]


def test_hostile_comments_names_and_ids_are_escaped_on_every_staff_page(client, hostile):
    for url in _pages(hostile):
        html = client.get(url).content.decode()
        for raw in ("<script>alert", "<img src=x onerror", "<svg onload", '<b onmouseover="alert(2)">', "<i>王</i>"):
            assert raw not in html, (url, raw)
    case_page = client.get(_pages(hostile)[5]).content.decode()
    assert "&lt;script&gt;alert" in case_page  # shown, as text


def test_the_public_survey_page_escapes_the_comment_it_shows_back(client, hostile):
    html = client.get(f"/s/{hostile.public_key}/").content.decode()
    assert '<b onmouseover="alert(2)">' not in html


def test_the_advocate_export_defuses_formulas(client, hostile):
    body = b"".join(client.get("/api/v1/advocates/export/", {"format": "csv"}).streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'" + FORMULA in cells  # kept, as text
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
