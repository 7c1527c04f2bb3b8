"""Scores by the answers to a survey's additional questions: the NPS (CSAT, CES) of those who chose each option.

A select question's options (a scale question's values) each get the score of the responses that
chose it, with its 95% interval, and their share of the responses asked the question; "not
answered" holds the responses asked it that left it blank. A question shown to one answer class
only is asked of the responses of that class. A select-many answer counts under every option it
chose, so the shares can add up to more than 100 %.

Counted from the responses themselves (the rollups keep no answers) with the ORM, the same on
PostgreSQL and SQLite: three grouped queries a question, each over the filters' responses.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, QuerySet

from insights.counting import responses_in
from insights.figures import Figure, figure
from insights.filters import ScoreFilters, with_surveys
from surveys import scoring
from surveys.models import Answer, Question
from surveys.question_selectors import option_label
from surveys.questions import SCALES, SELECT_KINDS

BREAKABLE_KINDS = (*SELECT_KINDS, *SCALES)  # a free-text answer has no options to break a score down by
NOT_ANSWERED = ""


@dataclass(frozen=True, slots=True)
class OptionFigure:
    key: str  # the option's key, a scale's value, or NOT_ANSWERED
    label: str  # in the reader's language
    figure: Figure
    share: float | None  # of the responses asked the question
    versus_rest: scoring.ChangeTest  # against the other responses asked the question


@dataclass(frozen=True, slots=True)
class AnswerBreakdown:
    kind: str
    since: date
    until: date
    survey_id: int
    question: str  # its key
    question_kind: str
    text: str  # in the reader's language
    asked: Figure  # every response asked the question
    answered: int  # of them, those that answered it
    options: list[OptionFigure]
    not_answered: OptionFigure


@dataclass(frozen=True, slots=True)
class QuestionChoice:
    """A question a score can be broken down by, for a picker."""

    id: int
    key: str
    text: str
    survey: str
    survey_kind: str


def breakable_questions(*, locale: str) -> list[QuestionChoice]:
    """Every select and scale question, by survey, as a picker lists them."""
    questions = (
        Question.objects.filter(kind__in=BREAKABLE_KINDS)
        .select_related("survey")
        .order_by("survey__name", "survey_id", "position", "id")
    )
    return [QuestionChoice(q.id, q.key, _text(q, locale), q.survey.name, q.survey.kind) for q in questions.iterator()]


def breakable_question(question_id: int) -> Question | None:
    """The question, when a score can be broken down by it."""
    return Question.objects.filter(pk=question_id, kind__in=BREAKABLE_KINDS).select_related("survey").first()


def answer_breakdown(
    *, question: Question, filters: ScoreFilters, since: date, until: date, locale: str, min_sample: int = 30
) -> AnswerBreakdown:
    """The score of the responses choosing each option of `question` (filters narrow which responses count)."""
    kind = question.survey.kind
    filters = _of_survey(filters, kind=kind, survey_id=question.survey_id)
    responses = responses_in(filters, since=since, until=until)
    if question.shown_to:
        responses = responses.filter(classification=question.shown_to)
    asked_counts = _per_score(responses.values_list("score"), "id")
    answers = Answer.objects.filter(question_id=question.pk, response__in=responses.values("id"))
    column = "number" if question.kind in SCALES else "choice"
    chosen: dict[str, dict[int, int]] = defaultdict(dict)
    for value, score, n in answers.order_by().values_list(column, "response__score").annotate(n=Count("id")):
        chosen[str(value)][score] = n
    answered_counts = _per_score(answers.values_list("response__score"), "response_id", distinct=True)
    blank_counts = {s: n - answered_counts.get(s, 0) for s, n in asked_counts.items()}
    asked = figure(kind, asked_counts)
    labels = _labels(question, locale)
    keys = [*labels, *sorted(key for key in chosen if key not in labels)]  # options since removed come last

    def option(key: str, label: str, counts: dict[int, int]) -> OptionFigure:
        rest = {score: n - counts.get(score, 0) for score, n in asked_counts.items()}
        return OptionFigure(
            key=key,
            label=label,
            figure=figure(kind, counts),
            share=sum(counts.values()) / asked.n if asked.n else None,
            versus_rest=scoring.change_test(kind, rest, counts, min_sample=min_sample),
        )

    return AnswerBreakdown(
        kind=kind,
        since=since,
        until=until,
        survey_id=question.survey_id,
        question=question.key,
        question_kind=question.kind,
        text=_text(question, locale),
        asked=asked,
        answered=sum(answered_counts.values()),
        options=[option(key, labels.get(key, key), chosen.get(key, {})) for key in keys],
        not_answered=option(NOT_ANSWERED, "", blank_counts),
    )


@dataclass(frozen=True, slots=True)
class ChosenCounts:
    """How often one option of a select question was chosen, per score, beside the answers to its question."""

    key: str  # "answer:<question key>:<option key>"
    question: str
    names: dict[str, str]  # "en", "zh-hans", "zh-hant"
    counts: dict[int, int]  # responses choosing it, per score
    answered: dict[int, int]  # responses answering its question, per score


def chosen_option_counts(*, filters: ScoreFilters, since: date, until: date) -> list[ChosenCounts]:
    """Every option of the filters' surveys' select questions, as a driver beside the comments' themes.

    Questions of several surveys sharing a key (main_reason) count as one, and so do their
    options sharing a key: "Price" is one reason whichever survey asked it. Two queries.
    """
    filters = with_surveys(filters)
    questions = list(
        Question.objects.filter(survey_id__in=filters.survey_ids, kind__in=SELECT_KINDS).order_by("position", "id")
    )
    if not questions:
        return []
    key_of = {q.id: q.key for q in questions}
    names: dict[tuple[str, str], dict[str, str]] = {}
    for q in questions:
        for option in q.options or ():
            names.setdefault((q.key, str(option.get("key", ""))), {n: str(option.get(n, "")) for n in _LANGUAGES})
    answers = Answer.objects.filter(
        question_id__in=list(key_of), response__in=responses_in(filters, since=since, until=until).values("id")
    ).order_by()
    chosen: dict[tuple[str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for question_id, choice, score, n in answers.values_list("question_id", "choice", "response__score").annotate(
        n=Count("id")
    ):
        chosen[(key_of[question_id], choice)][score] += n
    answered: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for question_id, score, n in answers.values_list("question_id", "response__score").annotate(
        n=Count("response_id", distinct=True)
    ):
        answered[key_of[question_id]][score] += n
    return [
        ChosenCounts(
            key=f"answer:{question}:{option}",
            question=question,
            names=names.get((question, option)) or dict.fromkeys(_LANGUAGES, option),
            counts=dict(counts),
            answered=dict(answered[question]),
        )
        for (question, option), counts in chosen.items()
    ]


_LANGUAGES = ("en", "zh-hans", "zh-hant")


def _of_survey(filters: ScoreFilters, *, kind: str, survey_id: int) -> ScoreFilters:
    fields = {name: getattr(filters, name) for name in ScoreFilters.__slots__}
    return ScoreFilters(**{**fields, "kind": kind, "survey_ids": (survey_id,)})


def _per_score(rows: QuerySet, counted: str, *, distinct: bool = False) -> dict[int, int]:
    return dict(rows.order_by().annotate(n=Count(counted, distinct=distinct)))


def _labels(question: Question, locale: str) -> dict[str, str]:
    """Each option's key (a scale's every value) and what to call it, in the question's order."""
    if question.kind in SCALES:
        low, high = SCALES[question.kind]
        return {str(value): str(value) for value in range(low, high + 1)}
    return {str(option.get("key", "")): option_label(option, locale) for option in question.options or ()}


def _text(question: Question, locale: str) -> str:
    texts = {"en": question.text_en, "zh-hans": question.text_zh_hans, "zh-hant": question.text_zh_hant}
    return option_label({**texts, "key": question.key}, locale)
