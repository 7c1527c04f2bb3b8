"""The insights dashboard in the admin: who sees it, bad filters, and what it shows."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from closedloop.models import Case, Referral, RootCause
from feedback import services as feedback_services
from surveys.services import response_submit
from surveys.services.rollups import score_rollups_fold
from tests.closedloop.factories import CaseFactory, ReferralFactory
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


def test_by_default_the_last_90_days_by_week_against_the_90_before(client, survey, login_as):
    html = login_as("CX lead").get(URL).content.decode()
    today = timezone.localdate()
    since, before = today - timedelta(days=89), today - timedelta(days=179)
    assert f'data-since="{since}" data-until="{today}" data-days="90"' in html
    assert f"From {since} to {today} (90 days), compared with {before} to {since - timedelta(days=1)}" in html
    assert '<option value="week" selected>' in html
    assert f'name="since" value="{since}"' in html  # the form shows the days it counts


def test_open_cases_are_the_queue_s_and_money_is_written_as_each_language_writes_it(client, survey, login_as):
    CaseFactory(survey_id=survey.id, survey_kind="nps")
    CaseFactory(survey_id=survey.id + 1, survey_kind="csat", opened_at=timezone.now() - timedelta(days=5))  # overdue
    CaseFactory(survey_kind="ces", status="closed")
    ReferralFactory(kind=Referral.Kind.CONVERSION, revenue=Decimal("14779"))
    lead = login_as("CX lead")
    english = lead.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    nps = Case.objects.filter(survey_id=survey.id, status__in=Case.OPEN_STATUSES).count()
    assert nps == 11  # the survey's detractors' cases and the one made here
    assert f'id="cx-open" data-open="{nps + 1}" data-overdue="1"' in english  # every kind, as the queue counts
    assert f"NPS with these filters: {nps} / 0" in english
    assert "now, all survey kinds (NPS, CES, CSAT), as in the queue" in english
    assert ">CN¥14,779.00<" in english
    simplified = lead.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '">¥14,779.00<' in simplified
    traditional = lead.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert ">CN¥14,779.00<" in traditional


def test_zh_hant_readers_see_stored_simplified_names_in_traditional_forms(client, survey, login_as):
    cause = RootCause.objects.get(key="data-sync")  # 数据同步 / 集成
    CaseFactory(survey_id=survey.id, status="resolved", resolved_at=timezone.now(), root_cause=cause)
    lead = login_as("CX lead")
    assert "<td>数据同步 / 集成</td>" in lead.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<td>資料同步 / 整合</td>" in lead.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
