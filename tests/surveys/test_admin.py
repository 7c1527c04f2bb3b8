"""The admin pages CX staff use load, show scores, and keep responses read-only."""

import pytest
from django.utils import translation

from surveys.models import Response, Survey, TouchpointEvent
from tests.surveys.factories import ResponseFactory, SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_with_demo(demo_data, admin_client):
    return admin_client


@pytest.mark.parametrize(
    "model", ["customer", "touchpoint", "survey", "response", "invitation", "contactrule", "touchpointevent"]
)
def test_changelists_load_with_demo_data(admin_client_with_demo, model):
    res = admin_client_with_demo.get(f"/admin/surveys/{model}/")
    assert res.status_code == 200


def test_changelists_search_and_filter_in_chinese(admin_client_with_demo):
    res = admin_client_with_demo.get("/admin/surveys/response/", {"q": "客服", "classification": "detractor"})
    assert res.status_code == 200
    assert "客服" in res.content.decode()


def test_survey_list_shows_score_with_its_interval(admin_client_with_demo):
    body = admin_client_with_demo.get("/admin/surveys/survey/").content.decode()
    assert "Relationship NPS" in body
    stats = Survey.objects.get(name="Relationship NPS").stats
    assert f"{stats.score:.1f} ({stats.low:.1f} – {stats.high:.1f})" in body


def test_kind_of_an_answered_survey_cannot_change(admin_client_with_demo):
    answered = Survey.objects.get(name="Relationship NPS")
    fresh = SurveyFactory(kind="nps")
    assert (
        'name="kind"' not in admin_client_with_demo.get(f"/admin/surveys/survey/{answered.pk}/change/").content.decode()
    )
    assert 'name="kind"' in admin_client_with_demo.get(f"/admin/surveys/survey/{fresh.pk}/change/").content.decode()


def test_recompute_scores_action(admin_client_with_demo):
    survey = Survey.objects.get(name="CSAT after delivery")
    ResponseFactory.create_batch(50, survey=survey, score=1)
    res = admin_client_with_demo.post(
        "/admin/surveys/survey/", {"action": "recompute_scores", "_selected_action": [survey.pk]}, follow=True
    )
    assert res.status_code == 200
    survey.stats.refresh_from_db()
    assert survey.stats.responses == Response.objects.filter(survey=survey).count()


def test_responses_are_read_only(admin_client_with_demo):
    response = Response.objects.first()
    page = admin_client_with_demo.get(f"/admin/surveys/response/{response.pk}/change/")
    assert page.status_code == 200
    assert 'name="score"' not in page.content.decode()
    posted = admin_client_with_demo.post(f"/admin/surveys/response/{response.pk}/change/", {"score": 0})
    assert posted.status_code == 403
    assert admin_client_with_demo.get("/admin/surveys/response/add/").status_code == 403


@pytest.mark.parametrize(("language", "expected"), [("zh-hans", "触点"), ("zh-hant", "觸點"), ("en", "Touchpoints")])
def test_admin_speaks_the_browsers_language(admin_client, language, expected):
    res = admin_client.get("/admin/surveys/touchpoint/", HTTP_ACCEPT_LANGUAGE=language)
    assert expected in res.content.decode()


def test_response_rate_page(admin_client_with_demo):
    page = admin_client_with_demo.get("/admin/surveys/invitation/response-rate/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "CSAT after delivery" in body
    assert "%" in body


def test_a_customers_page_says_why_they_were_or_were_not_asked(admin_client_with_demo):
    event = TouchpointEvent.objects.filter(decision="skipped", reason="cooldown").select_related("customer").first()
    page = admin_client_with_demo.get(f"/admin/surveys/customer/{event.customer.pk}/change/")
    assert "Invited to a survey within the cooldown period" in page.content.decode()


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ("Hard: 2 (66.7%)", "Easy: 1 (33.3%)", "Neutral: 0 (0.0%)")),
        ("zh-hans", ("费力：2 (66.7%)", "省力：1 (33.3%)")),
        ("zh-hant", ("費力：2 (66.7%)", "省力：1 (33.3%)")),
    ],
)
def test_survey_statistics_read_as_numbers_and_a_breakdown_by_class(admin_client, language, words):
    from surveys.services import survey_stats_refresh

    survey = SurveyFactory(kind="ces")
    for score in (1, 2, 5):
        ResponseFactory(survey=survey, score=score)
    stats = survey_stats_refresh(survey_id=survey.id)
    assert len(repr(stats.score)) > 5  # the mean here is 2.666…

    with translation.override("en"):  # the language the request activates ends with it, not in later tests
        body = admin_client.get(f"/admin/surveys/survey/{survey.id}/change/", HTTP_ACCEPT_LANGUAGE=language)
    text = body.content.decode()
    assert ">2.7<" in text
    assert repr(stats.score) not in text
    assert "&quot;hard&quot;" not in text  # the counts, not their JSON
    for word in words:
        assert word in text


def test_the_consent_wording_is_edited_per_language_on_the_survey_page(admin_client):
    survey = SurveyFactory()
    page = admin_client.get(f"/admin/surveys/survey/{survey.pk}/change/").content.decode()
    assert all(f'name="consent_{language}"' in page for language in ("en", "zh_hans", "zh_hant"))
