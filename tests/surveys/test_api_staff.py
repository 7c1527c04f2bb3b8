"""Staff endpoints: staff only, surveys with their keys, responses filtered and paginated."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from surveys.models import Answer
from surveys.services import survey_stats_refresh
from tests.surveys.factories import QuestionFactory, ResponseFactory, SurveyFactory, TouchpointFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/api/v1/surveys/", "/api/v1/responses/"])
def test_anonymous_is_refused(api_client, url):
    res = api_client.get(url)
    assert res.status_code == 401
    assert res.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("url", ["/api/v1/surveys/", "/api/v1/responses/"])
def test_non_staff_is_refused(api_client, django_user_model, url):
    user = django_user_model.objects.create_user(username="customer", password="pw-for-tests-only")
    api_client.force_authenticate(user)
    res = api_client.get(url)
    assert res.status_code == 403
    assert res.json()["error"]["code"] == "permission_denied"


def test_bad_token_is_refused(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    res = api_client.get("/api/v1/surveys/")
    assert res.status_code == 401
    assert res.json()["error"]["code"] == "authentication_failed"


def test_surveys_list_public_keys_scales_texts_and_score(staff_client):
    survey = SurveyFactory(name="Relationship NPS", kind="nps")
    ResponseFactory.create_batch(3, survey=survey, score=10)
    ResponseFactory(survey=survey, score=2)
    survey_stats_refresh(survey_id=survey.id)
    SurveyFactory(name="CSAT after delivery", kind="csat")

    res = staff_client.get("/api/v1/surveys/")

    assert res.status_code == 200
    by_name = {item["name"]: item for item in res.json()}
    nps = by_name["Relationship NPS"]
    assert nps["public_key"] == survey.public_key
    assert nps["scale"] == {"min": 0, "max": 10}
    assert nps["questions"]["zh-hans"] == "您有多大可能向朋友或同事推荐我们？"
    assert nps["stats"]["responses"] == 4
    assert nps["stats"]["score"] == pytest.approx(50.0)
    assert nps["stats"]["class_counts"] == {"promoter": 3, "passive": 0, "detractor": 1}
    assert by_name["CSAT after delivery"]["scale"] == {"min": 1, "max": 5}
    assert by_name["CSAT after delivery"]["stats"] is None


def test_responses_filter_by_survey_touchpoint_and_period(staff_client):
    now = timezone.now()
    survey, other = SurveyFactory(), SurveyFactory()
    delivery = TouchpointFactory(key="delivery")
    old = ResponseFactory(survey=survey, touchpoint=delivery, submitted_at=now - timedelta(days=40))
    recent = ResponseFactory(
        survey=survey, touchpoint=delivery, submitted_at=now - timedelta(days=2), comment="物流很快"
    )
    ResponseFactory(survey=survey, submitted_at=now - timedelta(days=1))
    ResponseFactory(survey=other, touchpoint=delivery, submitted_at=now - timedelta(days=1))

    res = staff_client.get(
        "/api/v1/responses/",
        {"survey": survey.id, "touchpoint": "delivery", "since": (now - timedelta(days=30)).isoformat()},
    )

    assert res.status_code == 200
    ids = [item["id"] for item in res.json()["results"]]
    assert ids == [recent.id]
    assert res.json()["results"][0]["comment"] == "物流很快"
    res = staff_client.get("/api/v1/responses/", {"survey": survey.id, "until": (now - timedelta(days=30)).isoformat()})
    assert [item["id"] for item in res.json()["results"]] == [old.id]


def test_responses_are_paginated_newest_first_with_a_cursor(staff_client):
    survey = SurveyFactory()
    now = timezone.now()
    made = [ResponseFactory(survey=survey, submitted_at=now - timedelta(minutes=i)) for i in range(5)]

    first = staff_client.get("/api/v1/responses/", {"page_size": 2}).json()
    second = staff_client.get(first["next"]).json()

    assert [item["id"] for item in first["results"]] == [made[0].id, made[1].id]
    assert [item["id"] for item in second["results"]] == [made[2].id, made[3].id]


def test_bad_filter_values_are_a_400_naming_them(staff_client):
    res = staff_client.get("/api/v1/responses/", {"since": "last tuesday", "survey": "abc"})
    assert res.status_code == 400
    assert set(res.json()["error"]["fields"]) == {"since", "survey"}


def test_unknown_api_path_is_a_json_404(staff_client):
    res = staff_client.get("/api/v1/no-such-thing/")
    assert res.status_code == 404
    assert res.json()["error"]["code"] == "not_found"


def test_schema_is_valid_openapi_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/v1/public/responses/" in (tmp_path / "schema.yml").read_text()


def test_schema_and_docs_are_served_to_anyone(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/v1/public/responses/", "/api/v1/surveys/", "/api/v1/responses/"} <= set(paths)
    docs = api_client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "2026-01-01T00:00:00+16:00"}, None),  # valid ISO offset PostgreSQL would refuse as is
        ({"since": "9999-12-31T23:59:59-23:59"}, "since"),  # past year 9999 in UTC
        ({"until": "0001-01-01T00:00:00+23:59"}, "until"),
        ({"survey": "99999999999999999999"}, "survey"),
        ({"survey": "1.5"}, "survey"),
        ({"survey": "0"}, "survey"),
    ],
)
def test_edge_case_filters_are_a_400_or_work_never_a_500(staff_client, params, field):
    res = staff_client.get("/api/v1/responses/", params)
    if field is None:
        assert res.status_code == 200
    else:
        assert res.status_code == 400
        assert field in res.json()["error"]["fields"]


@pytest.mark.parametrize(
    "position",
    ["9999-12-31 23:59:59-23:59", "not a date", "2026-01-01 00:00:00", "x" * 500],
)
def test_forged_cursors_are_a_404(staff_client, position):
    import base64
    from urllib.parse import urlencode

    ResponseFactory()
    cursor = base64.b64encode(urlencode({"p": position}).encode()).decode()
    res = staff_client.get("/api/v1/responses/", {"cursor": cursor})
    assert res.status_code == 404
    assert res.json()["error"]["code"] == "not_found"


def test_a_cursor_position_with_an_offset_is_accepted(staff_client):
    import base64
    from urllib.parse import urlencode

    made = ResponseFactory(submitted_at=timezone.now() - timedelta(days=1))
    position = str((timezone.now() + timedelta(hours=1)).astimezone(timezone.get_fixed_timezone(15 * 60 + 59)))
    cursor = base64.b64encode(urlencode({"p": position}).encode()).decode()
    res = staff_client.get("/api/v1/responses/", {"cursor": cursor})
    assert res.status_code == 200
    assert [item["id"] for item in res.json()["results"]] == [made.id]


def test_an_unsupported_format_is_a_404_with_a_message(staff_client):
    res = staff_client.get("/api/v1/responses/", {"format": "xml"})
    assert res.status_code == 404
    error = res.json()["error"]
    assert error["code"] == "not_found"
    assert error["message"]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/responses/?page_size=0", "page_size"),
        ("/api/v1/responses/?until=", "until"),
        ("/api/v1/responses/?survey=", "survey"),  # was: no filter
    ],
)
def test_a_parameter_given_empty_or_mistyped_is_a_400_naming_it(root, url, field):
    response = root.get(url)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]


def test_responses_carry_their_answers_by_key_read_in_one_query_a_page(staff_client, django_assert_max_num_queries):
    # given: ten responses, each answering a select-many, a scale and a text question; one answering none
    survey = SurveyFactory()
    reasons = QuestionFactory(survey=survey, key="reasons", kind="multiple", position=1)
    effort = QuestionFactory(survey=survey, key="effort", kind="scale_5", options=[], position=2)
    why = QuestionFactory(survey=survey, key="why", kind="text", options=[], position=3)
    for n in range(10):
        response = ResponseFactory(survey=survey)
        Answer.objects.bulk_create(
            [
                Answer(response=response, question=reasons, choice="price"),
                Answer(response=response, question=reasons, choice="support"),
                Answer(response=response, question=effort, number=n % 5 + 1),
                Answer(response=response, question=why, text="太贵了"),
            ]
        )
    silent = ResponseFactory(survey=survey)
    staff_client.get("/api/v1/responses/")  # the token's user and permissions, once

    # when
    with django_assert_max_num_queries(5):
        body = staff_client.get("/api/v1/responses/", {"page_size": 20}).json()

    # then
    answers = {item["id"]: item["answers"] for item in body["results"]}
    assert answers[silent.id] == {}
    assert answers[response.id] == {"reasons": ["price", "support"], "effort": 5, "why": "太贵了"}
