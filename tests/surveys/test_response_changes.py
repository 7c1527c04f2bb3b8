"""response_update: an answer changed by id, counted again, its feedback and its event following."""

import pytest
from django.core.exceptions import ValidationError

from feedback.models import FeedbackItem
from surveys.models import Response, ScoreChange
from surveys.services import CustomerIdentity, response_submit
from surveys.services.response_changes import response_update
from tests.surveys.factories import SurveyFactory, TouchpointFactory
from webhooks.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def answer():
    survey = SurveyFactory(kind="nps")
    TouchpointFactory(key="delighted")
    stored = response_submit(
        survey_key=survey.public_key, score=3, comment="Slow", touchpoint_key="delighted",
        customer=CustomerIdentity(external_id="jo@example.com", email="jo@example.com"),
    )  # fmt: skip
    return Response.objects.get(pk=stored.id)


def test_a_new_score_is_counted_out_and_in_and_the_feedback_and_event_follow(answer):
    # when
    changed = response_update(response_id=answer.id, score=10, comment="Fixed", client_metadata={"team": "A"})

    # then
    assert (changed.score, changed.classification, changed.comment, changed.client_metadata) == (
        10,
        "promoter",
        "Fixed",
        {"team": "A"},
    )
    assert changed.updated_at is not None
    assert sorted(ScoreChange.objects.values_list("score", "change")) == [(3, -1), (3, 1), (10, 1)]
    item = FeedbackItem.objects.get(source="response", source_id=answer.id)
    assert (item.text, item.score, item.classification) == ("Fixed", 10, "promoter")
    event = Event.objects.get(type="response.updated")
    assert (event.object_id, event.data["score"]) == (answer.id, 10)


def test_none_keeps_each_field_and_the_same_score_adds_no_change(answer):
    response_update(response_id=answer.id, comment="Still slow")
    stored = Response.objects.get(pk=answer.id)
    assert (stored.score, stored.comment) == (3, "Still slow")
    assert ScoreChange.objects.count() == 1


def test_a_score_off_the_scale_or_an_unknown_answer_changes_nothing(answer):
    with pytest.raises(ValidationError) as refused:
        response_update(response_id=answer.id, score=11, comment="Lost?")
    assert "score" in refused.value.message_dict
    assert Response.objects.get(pk=answer.id).comment == "Slow"
    with pytest.raises(Response.DoesNotExist):
        response_update(response_id=answer.id + 1000, score=5)
