"""Additional questions: their rules (pure), and answers stored with the answer on every path."""

import pytest
from django.core.exceptions import ValidationError

from surveys import selectors
from surveys.models import Answer, Question
from surveys.question_selectors import answers_by_response, questions_shown
from surveys.questions import AnswersRefused, QuestionSpec, answers_check
from surveys.services import CustomerIdentity, response_submit
from surveys.services.invitations import invitation_respond
from tests.sql_paths import same_on_each_path
from tests.surveys.factories import InvitationFactory, QuestionFactory, SurveyFactory
from webhooks import catalogue
from webhooks.models import Event

REASON = QuestionSpec(id=1, key="reason", kind="single", required=True, options=("price", "support"))
TOPICS = QuestionSpec(id=2, key="topics", kind="multiple", options=("a", "b", "c"))
EFFORT = QuestionSpec(id=3, key="effort", kind="scale_5")
LIKELY = QuestionSpec(id=4, key="likely", kind="scale_10")
WHY = QuestionSpec(id=5, key="why", kind="text", required=True, shown_to="detractor")
SPECS = (REASON, TOPICS, EFFORT, LIKELY, WHY)


def test_answers_fitting_their_questions_become_one_row_per_choice_value_or_text():
    rows = answers_check(
        SPECS,
        classification="detractor",
        answers={"reason": "price", "topics": ["c", "a"], "effort": 1, "likely": 0, "why": "  too slow "},
    )
    assert [(row.question_id, row.choice, row.number, row.text) for row in rows] == [
        (1, "price", None, ""),
        (2, "c", None, ""),
        (2, "a", None, ""),
        (3, "", 1, ""),
        (4, "", 0, ""),
        (5, "", None, "too slow"),
    ]


@pytest.mark.parametrize(
    ("answers", "classification", "errors"),
    [
        ({}, "detractor", {"answers.reason": "required", "answers.why": "required"}),
        ({"reason": "price"}, "promoter", {}),  # "why" is asked of detractors only: not required of a promoter
        ({"reason": "price", "why": "slow"}, "promoter", {"answers.why": "Asked only of detractor answers"}),
        ({"reason": "cost"}, "promoter", {"answers.reason": "one of the options: price, support"}),
        ({"reason": ["price"]}, "promoter", {"answers.reason": "one of the options"}),
        ({"reason": "price", "topics": ["a", "a"]}, "promoter", {"answers.topics": "chosen once"}),
        ({"reason": "price", "topics": ["a", "z"]}, "promoter", {"answers.topics": "Unknown options: z"}),
        ({"reason": "price", "topics": "a"}, "promoter", {"answers.topics": "list of option keys"}),
        ({"reason": "price", "effort": 0}, "promoter", {"answers.effort": "from 1 to 5"}),
        ({"reason": "price", "effort": True}, "promoter", {"answers.effort": "from 1 to 5"}),
        ({"reason": "price", "likely": 11}, "promoter", {"answers.likely": "from 0 to 10"}),
        ({"reason": "price", "mood": "ok"}, "promoter", {"answers.mood": "no such question"}),
        ({"reason": "  "}, "passive", {"answers.reason": "required"}),
    ],
)
def test_each_answer_that_does_not_fit_is_named_with_what_is_wrong(answers, classification, errors):
    if not errors:
        answers_check(SPECS, classification=classification, answers=answers)
        return
    with pytest.raises(AnswersRefused) as refused:
        answers_check(SPECS, classification=classification, answers=answers)
    assert set(refused.value.errors) == set(errors)
    for field, words in errors.items():
        assert words in refused.value.errors[field][0]


@pytest.fixture
def survey(db):
    survey = SurveyFactory(kind="nps")
    QuestionFactory(survey=survey, key="reason", required=True, position=1)
    QuestionFactory(survey=survey, key="topics", kind=Question.Kind.MULTIPLE, position=2)
    QuestionFactory(survey=survey, key="why", kind=Question.Kind.TEXT, options=[], shown_to="detractor", position=3)
    selectors.lookups_clear()
    yield survey
    selectors.lookups_clear()


def test_answers_are_stored_with_the_answer_and_in_its_event_on_every_path(survey):
    def submit():
        submitted = response_submit(
            survey_key=survey.public_key,
            score=3,
            comment="Too dear",
            answers={"reason": "price", "topics": ["support", "price"], "why": "Renewal went up 40%"},
        )
        event = Event.objects.get(type="response.created", object_id=submitted.id)
        stored = answers_by_response(response_ids=[submitted.id])[submitted.id]
        return stored, event.data["answers"]

    stored, in_event = same_on_each_path(submit)
    assert stored == in_event == {"reason": "price", "topics": ["support", "price"], "why": "Renewal went up 40%"}


def test_a_refused_answer_stores_nothing(survey):
    before = Answer.objects.count()
    with pytest.raises(ValidationError) as refused:
        response_submit(survey_key=survey.public_key, score=9, answers={"topics": ["price"]})
    assert refused.value.message_dict == {"answers.reason": ["This question is required."]}
    assert Answer.objects.count() == before
    assert not survey.responses.exists()


def test_without_answers_nothing_is_asked_and_a_keyed_retry_keeps_the_first_answers(survey):
    plain = response_submit(survey_key=survey.public_key, score=9)  # an API client that asks no questions
    assert answers_by_response(response_ids=[plain.id]) == {}
    first = response_submit(survey_key=survey.public_key, score=9, answers={"reason": "support"}, idempotency_key="k1")
    again = response_submit(survey_key=survey.public_key, score=9, answers={"reason": "support"}, idempotency_key="k1")
    assert again.replayed
    assert again.id == first.id
    assert Answer.objects.filter(response_id=first.id).count() == 1


def test_an_invitation_answer_takes_its_answers_later_and_replaces_them(survey):
    invitation = InvitationFactory(survey=survey)
    first = invitation_respond(token=invitation.token, score=2)  # the click in the email: no questions yet
    assert answers_by_response(response_ids=[first.id]) == {}
    with pytest.raises(ValidationError) as refused:
        invitation_respond(token=invitation.token, score=None, answers={"why": "slow"})
    assert set(refused.value.message_dict) == {"answers.reason"}
    invitation_respond(token=invitation.token, score=None, comment="Slow", answers={"reason": "price", "why": "slow"})
    invitation_respond(token=invitation.token, score=None, answers={"reason": "support"})
    assert answers_by_response(response_ids=[first.id]) == {first.id: {"reason": "support"}}
    updated = Event.objects.filter(type="response.updated", object_id=first.id).latest("id")
    assert updated.data["answers"] == {"reason": "support"}


def test_a_respondent_reads_the_questions_asked_of_their_score_in_their_language(survey):
    shown = questions_shown(survey_id=survey.id, locale="zh-hant", classification="promoter")
    assert [question.key for question in shown] == ["reason", "topics"]
    assert shown[0].text == "您評分的主要原因是什麼？"
    assert [option.label for option in shown[0].options] == ["價格", "客服", "功能"]
    detractor = questions_shown(survey_id=survey.id, locale="en", classification="detractor")
    assert [question.key for question in detractor] == ["reason", "topics", "why"]


def test_answers_go_to_endpoints_only_with_the_comment(survey):
    submitted = response_submit(survey_key=survey.public_key, score=9, answers={"reason": "price"})
    data = Event.objects.get(type="response.created", object_id=submitted.id).data
    assert "answers" not in catalogue.data_for_endpoint(data, object_id=submitted.id, allowed=set())
    allowed = catalogue.data_for_endpoint(data, object_id=submitted.id, allowed={"comment"})
    assert allowed["answers"] == {"reason": "price"}


def test_the_public_api_takes_answers_and_names_each_bad_one(survey, client):
    url = "/api/v1/public/responses/"
    bad = {"survey": survey.public_key, "score": 2, "answers": {"reason": "weather", "mood": 1}}
    res = client.post(url, bad, content_type="application/json")
    assert res.status_code == 400
    fields = res.json()["error"]["fields"]
    assert set(fields) == {"answers.reason", "answers.mood"}
    assert "price, support, features" in fields["answers.reason"][0]
    good = {**bad, "answers": {"reason": "price", "why": "Invoices are wrong"}}
    created = client.post(url, good, content_type="application/json")
    assert created.status_code == 201
    assert answers_by_response(response_ids=[created.json()["id"]])[created.json()["id"]] == {
        "reason": "price",
        "why": "Invoices are wrong",
    }


def test_the_widget_reads_the_questions_and_the_scores_each_is_asked_of(survey, client):
    body = client.get(f"/api/v1/public/surveys/{survey.public_key}/", {"locale": "zh-TW"}).json()
    reason, _topics, why = body["questions"]
    assert reason["text"] == "您評分的主要原因是什麼？"
    assert reason["required"] is True
    assert reason["options"][0] == {"key": "price", "label": "價格"}
    assert reason["scores"] == list(range(11))
    assert why["scores"] == [0, 1, 2, 3, 4, 5, 6]
    assert why["shown_to"] == "detractor"


def test_forgetting_a_customer_or_purging_old_comments_empties_their_text_answers(survey):
    from datetime import timedelta

    from django.utils import timezone

    from surveys.services.privacy import comments_purge, customer_forget

    kept = response_submit(survey_key=survey.public_key, score=3, answers={"reason": "price", "why": "Too dear"})
    forgotten = response_submit(
        survey_key=survey.public_key,
        score=3,
        customer=CustomerIdentity(external_id="c-9"),
        answers={"reason": "support", "why": "Call me on 555-0101"},
    )
    erasure = customer_forget(external_id="c-9", via="api")
    assert erasure.counts["answer_texts"] == 1
    assert answers_by_response(response_ids=[forgotten.id])[forgotten.id] == {"reason": "support", "why": ""}
    event = Event.objects.get(type="response.created", object_id=forgotten.id)
    assert event.data["answers"] == {}
    assert comments_purge(before=timezone.now() + timedelta(seconds=1)).counts["answer_texts"] == 1
    assert answers_by_response(response_ids=[kept.id])[kept.id] == {"reason": "price", "why": ""}
    assert Event.objects.get(type="response.created", object_id=kept.id).data["answers"] == {}


def test_a_question_added_since_the_survey_was_cached_takes_answers_at_once(survey):
    assert selectors.survey_get_active(public_key=survey.public_key).questions  # cached with its three questions
    QuestionFactory(survey=survey, key="plan_fit", kind=Question.Kind.SCALE_10, options=[], position=9)
    submitted = response_submit(survey_key=survey.public_key, score=9, answers={"reason": "price", "plan_fit": 7})
    assert answers_by_response(response_ids=[submitted.id])[submitted.id] == {"reason": "price", "plan_fit": 7}


@pytest.mark.parametrize("text", ["a\x00b", "a\ud800b"])
def test_a_text_answer_that_cannot_be_stored_is_refused_by_name(text):
    with pytest.raises(AnswersRefused) as refused:
        answers_check(SPECS, classification="detractor", answers={"reason": "price", "why": text})
    assert refused.value.errors == {"answers.why": ["Must not contain NUL or unpaired surrogate characters."]}


def test_a_text_of_invisible_direction_marks_does_not_answer_a_required_question():
    with pytest.raises(AnswersRefused) as refused:
        answers_check(SPECS, classification="detractor", answers={"reason": "price", "why": " \u202e\u2066 "})
    assert refused.value.errors == {"answers.why": ["This question is required."]}


def test_a_score_moved_to_another_class_drops_the_answers_not_asked_of_it(survey):
    invitation = InvitationFactory(survey=survey)
    response = invitation_respond(token=invitation.token, score=2, answers={"reason": "price", "why": "slow"})
    invitation_respond(token=invitation.token, score=10)  # a second click in the email, within the day
    assert answers_by_response(response_ids=[response.id])[response.id] == {"reason": "price"}


def test_the_same_idempotency_key_with_other_answers_is_refused(survey):
    from surveys.services import IdempotencyKeyReused

    response_submit(survey_key=survey.public_key, score=9, answers={"reason": "support"}, idempotency_key="k2")
    with pytest.raises(IdempotencyKeyReused):
        response_submit(survey_key=survey.public_key, score=9, answers={"reason": "price"}, idempotency_key="k2")
