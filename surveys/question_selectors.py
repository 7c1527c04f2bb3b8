"""Reads of additional questions: their rules for the answer path, their texts for a respondent, stored answers."""

from collections.abc import Iterable
from dataclasses import dataclass

from common.locales import pick_text
from surveys import scoring
from surveys.models import Answer, Question, Response
from surveys.questions import SCALES, QuestionSpec, answers_of


def question_specs(*, survey_id: int) -> tuple[QuestionSpec, ...]:
    """The survey's questions, in order, as the answer path checks answers against them."""
    return tuple(
        QuestionSpec(
            id=question.id,
            key=question.key,
            kind=question.kind,
            required=question.required,
            shown_to=question.shown_to,
            options=tuple(str(option.get("key", "")) for option in question.options or ()),
        )
        for question in Question.objects.filter(survey_id=survey_id).order_by("position", "id")
    )


@dataclass(frozen=True, slots=True)
class ShownOption:
    key: str
    label: str


@dataclass(frozen=True, slots=True)
class ShownQuestion:
    """A question as a respondent reads it, in their language."""

    key: str
    kind: str
    text: str
    required: bool
    shown_to: str
    options: tuple[ShownOption, ...] = ()
    low: int | None = None  # the scales' ends
    high: int | None = None
    scores: tuple[int, ...] = ()  # the survey's scores whose answers are asked it

    @property
    def field_name(self) -> str:
        return f"q_{self.key}"

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "kind": self.kind,
            "text": self.text,
            "required": self.required,
            "shown_to": self.shown_to or None,
            "options": [{"key": option.key, "label": option.label} for option in self.options],
            **({"scale": {"min": self.low, "max": self.high}} if self.low is not None else {}),
            "scores": list(self.scores),
        }


def option_label(option: dict, locale: str) -> str:
    return pick_text({name: str(option.get(name, "")) for name in ("en", "zh-hans", "zh-hant")}, locale) or str(
        option.get("key", "")
    )


def questions_shown(*, survey_id: int, locale: str, classification: str | None = None) -> list[ShownQuestion]:
    """The survey's questions in `locale`; with a class, only those asked of it."""
    shown = []
    questions = Question.objects.filter(survey_id=survey_id).select_related("survey").order_by("position", "id")
    for question in questions:
        if classification is not None and question.shown_to not in ("", classification):
            continue
        low, high = SCALES.get(question.kind, (None, None))
        shown.append(
            ShownQuestion(
                key=question.key,
                kind=question.kind,
                text=pick_text(
                    {"en": question.text_en, "zh-hans": question.text_zh_hans, "zh-hant": question.text_zh_hant},
                    locale,
                ),
                required=question.required,
                shown_to=question.shown_to,
                options=tuple(
                    ShownOption(str(option.get("key", "")), option_label(option, locale))
                    for option in question.options or ()
                ),
                low=low,
                high=high,
                scores=_scores_asked(question.survey.kind, question.shown_to),
            )
        )
    return shown


def _scores_asked(kind: str, shown_to: str) -> tuple[int, ...]:
    low, high = scoring.scale_for(kind)
    return tuple(score for score in range(low, high + 1) if shown_to in ("", scoring.classify(kind, score)))


def answers_by_response(*, response_ids: Iterable[int]) -> dict[int, dict[str, object]]:
    """Each response's answers to the additional questions, as the `answers` mapping (responses without any absent)."""
    rows: dict[int, list] = {}
    stored = (
        Answer.objects.filter(response_id__in=list(response_ids))
        .order_by("response_id", "question__position", "question_id", "id")
        .values_list("response_id", "question__key", "question__kind", "choice", "number", "text")
    )
    for response_id, *row in stored:
        rows.setdefault(response_id, []).append(tuple(row))
    return {response_id: answers_of(answer_rows) for response_id, answer_rows in rows.items()}


def answers_for_invitation(*, invitation_id: int) -> dict[str, object]:
    """The answers to the additional questions of an invitation's response (empty before it is answered)."""
    response_id = Response.objects.filter(invitation_id=invitation_id).values_list("id", flat=True).first()
    if response_id is None:
        return {}
    return answers_by_response(response_ids=[response_id]).get(response_id, {})


def question_answered(*, question_id: int) -> bool:
    return Answer.objects.filter(question_id=question_id).exists()
