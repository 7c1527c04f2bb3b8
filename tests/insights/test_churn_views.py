"""The "Why accounts leave" admin page (insights.churn_views): its figures, links, readers and languages."""

import re

import pytest
from django.test import Client

from tests.cxplatform.test_admin_translated import Stored, _leftover_english, _Visible
from tests.insights.churn_example import why_fixture  # noqa: F401 (the fixture `why`)

pytestmark = pytest.mark.django_db
URL = "/admin/insights/churn-reasons/"
PERIOD = {"since": "2026-01-01", "until": "2026-06-30"}


@pytest.fixture
def lead_client(user_with_role):
    client = Client()
    client.force_login(user_with_role("CX lead", "lead"))
    return client


def test_the_page_shows_the_worked_example(why, lead_client):
    response = lead_client.get(URL, PERIOD)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-records="4" data-accounts="4" data-mrr-lost="2000.00" data-without-reason="1"' in html
    rows = re.findall(r'<tr data-key="(\w*)" data-records="(\d+)" data-mrr-lost="([\d.]+)">', html)
    assert rows == [
        ("price", "2", "1200.00"),
        ("competitor", "1", "1000.00"),
        ("support", "1", "500.00"),
        ("", "1", "300.00"),
    ]
    assert re.findall(r'<tr data-key="(\w*)" data-records="(\d+)"><td>', html) == [("pro", "2"), ("basic", "2")]
    assert re.findall(r'data-record="\d+" data-account="(\w+)"', html) == ["C", "B", "A", "D"]
    assert "add up to 5 over 4 records" in html


def test_each_account_links_to_its_pages(why, lead_client):
    html = lead_client.get(URL, {"since": "2026-03-15", "until": "2026-03-15"}).content.decode()
    answers, cases = why["answers"], why["cases"]
    for url in (
        f"/admin/accounts/account/{why['account'].pk}/change/",
        f"/admin/accounts/churnrecord/{why['A'].pk}/change/",
        f"/admin/surveys/response/{answers['bye'].pk}/change/",
        f"/admin/surveys/response/{answers['too_expensive'].pk}/change/",
        f"/admin/closedloop/case/{cases['risk'].pk}/change/",
        f"/admin/closedloop/case/{cases['detractor'].pk}/change/",
    ):
        assert f'href="{url}"' in html, url
    assert f"/admin/closedloop/case/{cases['after'].pk}/change/" not in html
    assert "2026-02-13" in html  # the two snapshots, dated
    assert "2026-03-14" in html


def test_the_segment_and_kind_filters(why, lead_client):
    html = lead_client.get(URL, {**PERIOD, "segment": "csm", "kind": "churn"}).content.decode()
    assert re.findall(r'<tr data-key="(\w*)" data-records="(\d+)"><td>', html) == [("mei", "1"), ("li", "1"), ("", "1")]
    assert "Mei Lin" in html
    assert "No CSM" in html


def test_a_bad_filter_is_shown_with_a_400(why, lead_client):
    response = lead_client.get(URL, {"since": "2026-06-01", "until": "2026-05-01"})
    assert response.status_code == 400
    assert 'id="cx-errors"' in response.content.decode()
    assert "until" in response.content.decode()


def test_an_empty_select_means_all(why, lead_client):
    response = lead_client.get(URL, {**PERIOD, "kind": "", "plan": "", "csm": "", "stage": ""})
    assert response.status_code == 200
    assert 'data-records="4"' in response.content.decode()


@pytest.mark.parametrize(("role", "allowed"), [("CX lead", True), ("Customer success", True), ("CX staff", False)])
def test_who_sees_the_page_and_the_dashboard_s_link_to_it(user_with_role, role, allowed):
    client = Client()
    client.force_login(user_with_role(role))
    assert client.get(URL).status_code == (200 if allowed else 403)
    assert ('id="cx-why-link"' in client.get("/admin/insights/").content.decode()) == allowed


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
def test_the_page_with_accounts_in_it_is_in_chinese(why, lead_client, language):
    lead_client.cookies["django_language"] = language
    html = lead_client.get(URL, PERIOD).content.decode()
    parser = _Visible()
    parser.feed(html)
    stored = Stored()
    left = [text for text in parser.texts if _leftover_english(text, stored)]
    assert not left, left
    assert ("尚无原因" if language == "zh-hans" else "尚無原因") in html


def test_what_people_wrote_is_shown_inert(why, lead_client):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    record = why["A"]
    record.note, record.competitor = hostile, hostile
    record.save()
    answer = why["answers"]["bye"]
    answer.comment = hostile
    answer.save()
    html = lead_client.get(URL, PERIOD).content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;" in html
