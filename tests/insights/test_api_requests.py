"""The requests endpoints (insights.api.requests): the report as JSON and as a file, who may read them, bad input."""

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.insights.requests_example import (
    SINCE,
    UNTIL,
    asks,  # noqa: F401 (the fixture)
)
from tests.surveys.factories import TouchpointFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/metrics/requests/"
EXPORT = "/api/v1/metrics/requests/export/"
MARCH = {"since": SINCE, "until": UNTIL}


def test_the_report_as_json(asks, role_client):  # noqa: F811
    response = role_client("CX lead", "lead").get(URL, {**MARCH, "examples": 1})
    assert response.status_code == 200
    body = response.json()
    assert body["totals"] == {"customers": 5, "accounts": 3, "mrr": "1500.00", "requests": 6}
    export = body["groups"][0]
    assert (export["key"], export["kind"], export["name"]) == ("theme:export", "theme", "Export")
    assert export["tally"] == {"customers": 3, "accounts": 2, "mrr": "1500.00", "requests": 4}
    assert [e["text"] for e in export["examples"]] == ["希望可以匯出報表"]
    assert export["examples"][0]["account"] == "globex"
    assert [g["key"] for g in body["groups"]] == ["theme:export", "keyword:dark mode", "other"]
    assert body["groups"][2]["kind"] == "other"


def test_names_follow_accept_language(asks, role_client):  # noqa: F811
    response = role_client("CX lead", "lead").get(URL, MARCH, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.json()["groups"][0]["name"] == "导出"


def test_filters_repeat_and_narrow(asks, role_client):  # noqa: F811
    TouchpointFactory(key="billing")
    client = role_client("CX lead", "lead")
    body = client.get(URL, {**MARCH, "language": ["zh-hans", "zh-hant"]}).json()
    assert [(g["key"], g["tally"]["customers"]) for g in body["groups"]] == [("theme:export", 2)]
    assert client.get(URL, {**MARCH, "kind": "ces"}).json()["groups"] == []
    assert client.get(URL, {**MARCH, "touchpoint": "billing"}).json()["totals"]["requests"] == 0
    assert client.get(URL, {**MARCH, "comment_language": "zh"}).json()["totals"]["requests"] == 2


def test_the_period_defaults_to_the_last_90_days(role_client):
    body = role_client("CX lead", "lead").get(URL).json()
    from datetime import date

    since, until = date.fromisoformat(body["since"]), date.fromisoformat(body["until"])
    assert (until - since).days == 89


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"touchpoint": "nowhere"}, "touchpoint", "Unknown touchpoint: nowhere."),
        ({"since": "2026-05-01", "until": "2026-04-01"}, "until", "until must not be before since."),
        ({"kind": "nss"}, "kind", '"nss" is not a valid choice.'),
        ({"language": "fr"}, "language", '"fr" is not a valid choice.'),
        ({"since": "yesterday"}, "since", "Date has wrong format"),
        ({"until": ""}, "until", "Give a value, or leave the parameter out."),
        ({"examples": 11}, "examples", "less than or equal to 10"),
        ({"limit": 0}, "limit", "greater than or equal to 1"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(params, field, message, role_client):
    for url in (URL, EXPORT):
        response = role_client("CX lead").get(url, params)
        assert response.status_code == 400, url
        fields = response.json()["error"]["fields"]
        assert message in str([errors for name, errors in fields.items() if name.split(".")[0] == field]), url


def test_a_bad_export_format_is_a_400_naming_it(role_client):
    response = role_client("CX lead").get(EXPORT, {"format": "pdf"})
    assert response.status_code == 400
    assert "format" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("CX lead", True), ("Customer success", True), ("CX staff", False), ("Marketing", False), (None, False)],
)
def test_who_may_read_the_report_and_its_export(role_client, role, allowed):
    client = role_client(role)
    for url in (URL, EXPORT):
        assert client.get(url).status_code == (200 if allowed else 403), url


def test_the_export_as_csv(asks, role_client):  # noqa: F811
    response = role_client("CX lead").get(EXPORT, {**MARCH, "examples": 2})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="requests-20260301-20260331.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == ["group", "name", "customers", "accounts", "mrr", "requests", "example_1", "example_2"]
    assert rows[1] == [
        "theme:export",
        "Export",
        "3",
        "2",
        "1500.00",
        "4",
        "希望可以匯出報表",
        "'=Could you add EXPORT and a dark mode?",  # a formula defused
    ]
    assert rows[3] == ["other", "Other requests", "1", "1", "0.00", "1", "Can you make it better?", ""]
    assert len(rows) == 4


def test_the_export_as_xlsx(asks, role_client):  # noqa: F811
    response = role_client("CX lead").get(EXPORT, {**MARCH, "format": "xlsx", "examples": 1})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["group", "name", "customers", "accounts", "mrr", "requests", "example_1"]
    assert rows[1] == ["theme:export", "Export", 3, 2, 1500, 4, "希望可以匯出報表"]
    assert rows[2] == ["keyword:dark mode", "dark mode", 2, 1, 1000, 2, "A dark mode would be nice"]
    assert len(rows) == 4
