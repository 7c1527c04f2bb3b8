"""survey_responses and metrics, driven by Delighted's own client."""

from datetime import timedelta

import pytest
from django.utils import timezone

from feedback.models import FeedbackItem
from surveys.models import Response
from tests.surveys.factories import CustomerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_survey_responses_are_created_listed_retrieved_updated_and_counted(dl, nps_at_touchpoint):
    # given a person
    person = CustomerFactory(email="fay@example.com", name="Fay")
    yesterday = timezone.now() - timedelta(days=1)

    # when a script records two answers for them
    first = dl.SurveyResponse.create(person=str(person.id), score=9, comment="Fast", person_properties={"team": "A"})
    second = dl.SurveyResponse.create(person=person.id, score=3, created_at=int(yesterday.timestamp()))

    # then they are the platform's answers at the touchpoint, each with its feedback item
    stored = Response.objects.get(pk=first.id)
    assert (stored.survey_id, stored.touchpoint.key, stored.customer_id) == (
        nps_at_touchpoint.survey_id,
        "delighted",
        person.id,
    )
    assert FeedbackItem.objects.filter(source="response").count() == 2
    assert (first.person, first.survey_type, first.score, first.comment) == (str(person.id), "nps", 9, "Fast")
    assert first.person_properties == {"team": "A"}
    assert second.created_at == int(yesterday.timestamp())

    # the list pages, orders, filters by time and expands the person
    newest = dl.SurveyResponse.all(per_page=1, order="desc", expand=["person"])
    assert [r.id for r in newest] == [first.id]
    assert isinstance(newest[0].person, dl.Person)
    assert newest[0].person.email == "fay@example.com"
    assert [r.id for r in dl.SurveyResponse.all(per_page=1, page=2, order="desc")] == [second.id]
    assert [r.id for r in dl.SurveyResponse.all(until=timezone.now() - timedelta(hours=1))] == [second.id]
    assert [r.id for r in dl.SurveyResponse.all(since=timezone.now() - timedelta(hours=1))] == [first.id]

    # retrieve, change and save as the client does
    answer = dl.SurveyResponse.retrieve(second.id, expand=["person"])
    assert answer.person.name == "Fay"
    answer.score = 10
    answer.comment = "Fixed since"
    saved = answer.save()
    assert (saved.score, saved.comment, saved.person) == (10, "Fixed since", str(person.id))
    stored = Response.objects.get(pk=second.id)
    assert (stored.score, stored.classification, stored.comment) == (10, "promoter", "Fixed since")
    assert stored.updated_at is not None
    assert [r.id for r in dl.SurveyResponse.all(order="desc:updated_at")] == [second.id, first.id]

    # metrics: two promoters now, for the whole time or a period
    assert dl.Metrics.retrieve() == {
        "nps": 100,
        "promoter_count": 2,
        "promoter_percent": 100.0,
        "passive_count": 0,
        "passive_percent": 0.0,
        "detractor_count": 0,
        "detractor_percent": 0.0,
        "response_count": 2,
    }
    assert dl.Metrics.retrieve(since=timezone.now() - timedelta(hours=1))["response_count"] == 1

    # an answer off the scale, or for nobody, is a 422 naming the field, and stores nothing
    with pytest.raises(dl.errors.ResourceValidationError) as off_scale:
        dl.SurveyResponse.create(person=person.id, score=11)
    assert [e["field"] for e in _json(off_scale)["errors"]] == ["score"]
    with pytest.raises(dl.errors.ResourceValidationError) as nobody:
        dl.SurveyResponse.create(person="999999", score=5)
    assert _json(nobody)["errors"][0]["field"] == "person"
    assert Response.objects.count() == 2


def _json(raised) -> dict:
    import json

    return json.loads(raised.value.response.body)
