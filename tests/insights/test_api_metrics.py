"""The metrics endpoints: who may read them, and the series and breakdowns they answer with."""

from datetime import UTC, datetime

import pytest

from surveys.models import Response
from surveys.services import response_submit
from tests.surveys.factories import SurveyFactory

pytestmark = pytest.mark.django_db
SCORES = "/api/v1/metrics/scores/"
BREAKDOWN = "/api/v1/metrics/breakdown/"


@pytest.mark.parametrize(("group", "status"), [("CX staff", 200), ("CX lead", 200), ("Marketing", 403), (None, 403)])
def test_insights_are_for_cx_staff_and_leads(group, status, role_client):
    SurveyFactory(kind="nps")
    assert role_client(group, f"user-{group}").get(SCORES).status_code == status
    assert role_client(group, f"other-{group}").get(BREAKDOWN).status_code == status


def test_anonymous_callers_are_refused(api_client):
    assert api_client.get(SCORES).status_code in (401, 403)


def test_the_api_returns_the_series_with_margins_and_changes(answers, role_client):
    client = role_client("CX lead", "lead")
    response = client.get(
        SCORES,
        {
            "survey": answers.id,
            "interval": "month",
            "since": "2026-01-01",
            "until": "2026-04-30",
            "group_by": "touchpoint",
            "language": ["zh-hans", "en"],
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["kind"] == "nps"
    assert body["source"] == "rollups"
    support = next(line for line in body["series"] if line["label"] == "客服")
    january = support["buckets"][0]
    assert january["start"] == "2026-01-01"
    assert january["end"] == "2026-01-31"
    figure = january["figure"]
    assert figure["n"] == sum(figure["classes"].values()) > 0
    assert figure["score"]["low"] <= figure["score"]["value"] <= figure["score"]["high"]
    assert set(support["buckets"][1]["change"]) == {"difference", "z", "p_value", "significant", "small_sample"}
    only_zh_en = Response.objects.filter(
        survey=answers, locale__in=["zh-hans", "en"], submitted_at__lt=datetime(2026, 4, 30, 16, tzinfo=UTC)
    )
    assert body["total"]["n"] == only_zh_en.count()


def test_an_account_filter_reads_the_responses_and_agrees_with_them(answers, role_client):
    body = (
        role_client("CX lead", "lead")
        .get(SCORES, {"account": "Acme 集团", "since": "2026-01-01", "until": "2026-06-30"})
        .json()
    )
    assert body["source"] == "responses"
    assert body["total"]["n"] == Response.objects.filter(account="Acme 集团").count() == 300


def test_a_csat_series_gives_percentages_and_a_ces_series_the_mean_and_agree_share(role_client):
    csat, ces = SurveyFactory(kind="csat"), SurveyFactory(kind="ces")
    for score in (5, 4, 2):
        response_submit(survey_key=csat.public_key, score=score)
    for score in (7, 6, 2):
        response_submit(survey_key=ces.public_key, score=score)
    client = role_client("CX lead", "lead")
    csat_body = client.get(SCORES, {"survey": csat.id, "interval": "day"}).json()
    assert csat_body["total"]["score"]["value"] == pytest.approx(200 / 3)
    ces_body = client.get(SCORES, {"kind": "ces", "interval": "day"}).json()
    assert ces_body["total"]["score"]["value"] == pytest.approx(5.0)
    assert ces_body["total"]["agree"]["value"] == pytest.approx(200 / 3)
    assert ces_body["total"]["small_sample"] is True


def test_the_breakdown_api_lists_segments_worst_first(answers, role_client):
    body = (
        role_client("CX lead", "lead")
        .get(BREAKDOWN, {"by": "touchpoint", "since": "2026-01-01", "until": "2026-05-31"})
        .json()
    )
    contributions = [segment["contribution"] for segment in body["segments"]]
    assert contributions == sorted(contributions)
    assert body["segments"][0]["label"] == "客服"


def test_grouping_by_account_says_it_read_the_responses(answers, role_client):
    body = role_client("CX lead", "lead").get(SCORES, {"group_by": "account", "since": "2026-01-01"}).json()
    assert body["source"] == "responses"
    assert {line["label"] for line in body["series"]} == {"Acme 集团", "—"}


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/metrics/scores/?kind=", "kind"),
        ("/api/v1/metrics/loop/?since=", "since"),
    ],
)
def test_a_parameter_given_empty_or_mistyped_is_a_400_naming_it(root, url, field):
    response = root.get(url)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]


def test_the_staff_token_s_group_still_decides(root, role_client):
    assert role_client("Marketing", "marketing").get("/api/v1/metrics/scores/?kind=").status_code == 403
