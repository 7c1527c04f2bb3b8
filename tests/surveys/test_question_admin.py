"""The survey admin's additional questions: options one per line, checked before anything is saved."""

import pytest
from django.forms.models import inlineformset_factory

from surveys.admin_questions import QuestionForm, QuestionFormSet, options_as_lines, options_from_lines
from surveys.models import Question, Survey
from tests.surveys.factories import QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db

Questions = inlineformset_factory(Survey, Question, form=QuestionForm, formset=QuestionFormSet, extra=0)


def formset(survey, *questions):
    data = {"questions-TOTAL_FORMS": str(len(questions)), "questions-INITIAL_FORMS": "0"}
    for index, question in enumerate(questions):
        data.update({f"questions-{index}-{name}": value for name, value in question.items()})
    return Questions(data, instance=survey, prefix="questions")


REASON = {
    "position": "1",
    "key": "main_reason",
    "kind": "single",
    "text_en": "What was the main reason for your score?",
    "text_zh_hans": "您打分的主要原因是什么？",
    "options_text": "price | Price | 价格 | 價格\nsupport | Support | 客服\n\nfeatures | Features",
}


def test_options_written_one_per_line_are_saved_in_three_languages_and_read_back_the_same():
    survey = SurveyFactory(kind="nps")
    questions = formset(survey, REASON)
    assert questions.is_valid(), questions.errors
    questions.save()
    saved = Question.objects.get(survey=survey)
    assert saved.options == [
        {"key": "price", "en": "Price", "zh-hans": "价格", "zh-hant": "價格"},
        {"key": "support", "en": "Support", "zh-hans": "客服"},
        {"key": "features", "en": "Features"},
    ]
    assert options_from_lines(options_as_lines(saved.options)) == saved.options


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"options_text": "price | Price"}, "options_text", "at least two options"),
        ({"options_text": "Price Tag | Price\nsupport | Support"}, "options_text", "Line 1"),
        ({"options_text": "price | Price\nprice | Cost"}, "options_text", "used twice"),
        ({"options_text": "price |\nsupport | Support"}, "options_text", "key | English"),
        ({"kind": "text"}, "options_text", "Only select questions have options"),
        ({"shown_to": "satisfied"}, "shown_to", "NPS survey's answers are promoter, passive, detractor"),
    ],
)
def test_a_question_that_does_not_fit_is_refused_naming_what_is_wrong(changes, field, words):
    survey = SurveyFactory(kind="nps")
    questions = formset(survey, {**REASON, **changes})
    assert not questions.is_valid()
    assert words in " ".join(questions.errors[0][field])
    assert not Question.objects.exists()


def test_the_survey_page_in_the_admin_lists_its_questions_with_their_options(admin_client):
    question = QuestionFactory()
    page = admin_client.get(f"/admin/surveys/survey/{question.survey_id}/change/").content.decode()
    assert "What was the main reason for your score?" in page
    assert "price | Price | 价格 | 價格" in page


def test_the_kind_of_an_answered_question_cannot_change():
    from tests.surveys.factories import ResponseFactory

    question = QuestionFactory(kind="scale_10", options=[])
    response = ResponseFactory(survey=question.survey)
    question.answers.create(response=response, number=9)
    data = {field: getattr(question, field) for field in ("position", "key", "text_en", "required", "shown_to")}
    form = QuestionForm({**data, "kind": "scale_5", "shown_to": ""}, instance=question)
    assert not form.is_valid()
    assert "cannot change" in form.errors["kind"][0]
