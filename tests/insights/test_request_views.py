"""The "What customers ask for" admin page (insights.request_views): its figures, export links and readers."""

import csv
import io
import re

import pytest
from django.test import Client
from openpyxl import load_workbook

from tests.insights.requests_example import (
    SINCE,
    UNTIL,
    asks,  # noqa: F401 (the fixture)
)

pytestmark = pytest.mark.django_db
URL = "/admin/insights/requests/"
EXPORT = "/admin/insights/requests/export/"
MARCH = {"since": SINCE, "until": UNTIL}


@pytest.fixture
def lead_client(user_with_role):
    client = Client()
    client.force_login(user_with_role("CX lead", "lead"))
    return client


def test_the_page_shows_the_worked_example(asks, lead_client):  # noqa: F811
    response = lead_client.get(URL, MARCH)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-requests="6" data-customers="5" data-accounts="3" data-mrr="1500.00"' in html
    rows = re.findall(r'<tr data-key="([^"]*)" data-customers="(\d+)" data-accounts="(\d+)" data-mrr="([\d.]+)"', html)
    assert rows == [
        ("theme:export", "3", "2", "1500.00"),
        ("keyword:dark mode", "2", "1", "1000.00"),
        ("other", "1", "1", "0"),
    ]
    assert "希望可以匯出報表" in html
    assert f'href="/admin/feedback/feedbackitem/{asks["tw1"].pk}/change/"' in html
    assert "The export is great" not in html  # not a request


def test_the_export_links_keep_the_filters(asks, lead_client):  # noqa: F811
    html = lead_client.get(URL, {**MARCH, "kind": "", "language": "en"}).content.decode()
    links = re.findall(r'<a href="(/admin/insights/requests/export/\?[^"]+)" download>', html)
    assert len(links) == 2
    assert all("since=2026-03-01" in link and "language=en" in link and "kind=" not in link for link in links)
    assert links[0].endswith("format=csv") and links[1].endswith("format=xlsx")  # noqa: PT018


def test_the_downloads(asks, lead_client):  # noqa: F811
    response = lead_client.get(EXPORT, {**MARCH, "format": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode()[1:])))
    assert [row[:6] for row in rows[1:]] == [
        ["theme:export", "Export", "3", "2", "1500.00", "4"],
        ["keyword:dark mode", "dark mode", "2", "1", "1000.00", "2"],
        ["other", "Other requests", "1", "1", "0.00", "1"],
    ]
    book = load_workbook(io.BytesIO(lead_client.get(EXPORT, {**MARCH, "format": "xlsx"}).content))
    assert next(book.active.iter_rows(min_row=2, values_only=True))[:6] == ("theme:export", "Export", 3, 2, 1500, 4)


def test_a_bad_filter_is_shown_with_a_400(lead_client):
    for url in (URL, EXPORT):
        response = lead_client.get(url, {"since": "2026-06-01", "until": "2026-05-01"})
        assert response.status_code == 400
        html = response.content.decode()
        assert 'id="cx-errors"' in html
        assert "until must not be before since." in html
    response = lead_client.get(EXPORT, {"format": "pdf"})
    assert response.status_code == 400
    assert "format:" in response.content.decode()


def test_what_customers_wrote_is_shown_inert(asks, lead_client):  # noqa: F811
    item = asks["en1"]
    item.text = '<script>alert("x")</script>'
    item.save()
    html = lead_client.get(URL, MARCH).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("role", "allowed"), [("CX lead", True), ("Customer success", True), ("CX staff", False), ("Marketing", False)]
)
def test_who_sees_the_page_and_the_dashboard_s_link_to_it(user_with_role, role, allowed):
    client = Client()
    client.force_login(user_with_role(role))
    assert client.get(URL).status_code == (200 if allowed else 403)
    assert client.get(EXPORT).status_code == (200 if allowed else 403)
    if role != "Marketing":  # the dashboard is for the insights' readers
        assert ('id="cx-requests-link"' in client.get("/admin/insights/").content.decode()) == allowed


def test_the_page_in_chinese_names_themes_in_the_reader_s_script(asks, lead_client):  # noqa: F811
    lead_client.cookies["django_language"] = "zh-hant"
    html = lead_client.get(URL, MARCH).content.decode()
    assert re.search(r'data-key="theme:export"[^>]*>\s*<td>匯出</td>', html)
