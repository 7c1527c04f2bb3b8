"""The insights dashboard in the admin: who sees it, bad filters, and what it shows."""

import pytest

from feedback import services as feedback_services
from surveys.services import response_submit
from surveys.services.rollups import score_rollups_fold
from tests.surveys.factories import SurveyFactory, TouchpointFactory

pytestmark = pytest.mark.django_db
URL = "/admin/insights/"


@pytest.fixture
def login_as(client, user_with_role):
    """Log the test client in as a new staff user with `group`'s role (None: no role)."""

    def login(group):
        client.force_login(user_with_role(group, f"user-{group}"))
        return client

    return login


@pytest.fixture
def survey():
    survey = SurveyFactory(kind="nps")
    TouchpointFactory(key="refunds", name="退款流程")
    for score, comment in ((2, "退款太慢了，客服也不回 😡"), (3, "refund took three weeks"), (10, "很好用"), (9, "")):
        for _ in range(5):
            response_submit(survey_key=survey.public_key, score=score, comment=comment, touchpoint_key="refunds")
    feedback_services.feedback_analyse_all_pending()  # the worker's job, run here
    return survey


@pytest.mark.parametrize(("group", "status"), [("CX lead", 200), ("CX staff", 200), ("Marketing", 403), (None, 403)])
def test_cx_staff_and_leads_see_the_dashboard_and_marketing_does_not(client, survey, group, status, login_as):
    assert login_as(group).get(URL).status_code == status


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_index_links_to_the_dashboard_for_those_who_may_see_it(client, survey, login_as):
    assert 'id="cx-insights-link"' in login_as("CX lead").get("/admin/").content.decode()


def test_the_dashboard_shows_the_score_touchpoint_and_the_merged_refund_theme_in_chinese(client, survey, login_as):
    score_rollups_fold()
    page = login_as("CX lead").get(URL, {"interval": "week"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-n="20"' in html
    assert 'data-value="0.0"' in html
    assert "退款流程" in html  # the touchpoint
    assert 'data-key="theme:refunds" data-n="10"' in html  # 退款 and refund, merged
    assert "<td>退款" in html  # the theme under its Chinese name
    assert "<script>" not in html.split("</head>", 1)[1]  # charts are SVG drawn on the server, no script


def test_bad_filters_show_what_is_wrong_with_a_400(client, survey, login_as):
    page = login_as("CX lead").get(URL, {"since": "2026-13-01", "touchpoint": "nowhere"})
    assert page.status_code == 400
    html = page.content.decode()
    assert "Unknown touchpoint: nowhere." in html or "Date has wrong format" in html
    assert 'id="cx-errors"' in html


def test_empty_filters_of_the_form_mean_all(client, survey, login_as):
    page = login_as("CX staff").get(URL, {"survey": "", "plan": "", "language": "", "interval": "month"})
    assert page.status_code == 200
