"""Additional questions: which a respondent is asked, and whether their answers fit (pure).

`answers` maps each question's key to its answer: an option's key (select one), a list of them
(select many), an integer (the scales) or a text (free text). A blank answer (None, "", [])
is no answer. The rules:

- every key must be one of the survey's questions;
- a question shown only to one answer class takes answers only from that class;
- a required question asked of this answer's class must be answered;
- an answer must fit its kind: a known option, distinct known options, an integer in the scale,
  a text of at most TEXT_ANSWER_MAX_CHARS characters.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from common.text import bidi_controls_removed, utf8_encodable

TEXT_ANSWER_MAX_CHARS = 2000
SCALES = {"scale_5": (1, 5), "scale_10": (0, 10)}
SELECT_KINDS = ("single", "multiple")


@dataclass(frozen=True, slots=True)
class QuestionSpec:
    """What the answer path needs to know of a question."""

    id: int
    key: str
    kind: str
    required: bool = False
    shown_to: str = ""  # blank: everyone
    options: tuple[str, ...] = ()  # the option keys, for the select kinds


@dataclass(frozen=True, slots=True)
class AnswerRow:
    """One stored answer: a chosen option, a scale value or a text."""

    question_id: int
    choice: str = ""
    number: int | None = None
    text: str = ""


class AnswersRefused(ValueError):
    """Some answers do not fit; `errors` maps "answers.<key>" to what is wrong."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{field}: {' '.join(problems)}" for field, problems in errors.items()))
        self.errors = errors


def asked(spec: QuestionSpec, classification: str) -> bool:
    """Whether an answer of this class is asked the question."""
    return not spec.shown_to or spec.shown_to == classification


def blank(value: object) -> bool:
    """No answer: None, an empty list, or a text with nothing but spaces and invisible direction marks."""
    return value is None or value == [] or (isinstance(value, str) and not bidi_controls_removed(value).strip())


def answers_check(
    specs: Sequence[QuestionSpec], *, classification: str, answers: Mapping[str, object]
) -> list[AnswerRow]:
    """The rows to store for `answers`, or AnswersRefused naming each problem."""
    errors: dict[str, list[str]] = {}
    by_key = {spec.key: spec for spec in specs}
    for key in answers:
        if key not in by_key:
            errors[f"answers.{key}"] = ["This survey has no such question."]
    rows: list[AnswerRow] = []
    for spec in specs:
        value = answers.get(spec.key)
        field = f"answers.{spec.key}"
        if blank(value):
            if spec.required and asked(spec, classification):
                errors[field] = ["This question is required."]
            continue
        if not asked(spec, classification):
            errors[field] = [f"Asked only of {spec.shown_to} answers; this answer is {classification}."]
            continue
        try:
            rows.extend(_rows(spec, value))
        except ValueError as wrong:
            errors[field] = [str(wrong)]
    if errors:
        raise AnswersRefused(errors)
    return rows


def _single(spec: QuestionSpec, value: object) -> list[AnswerRow]:
    if not isinstance(value, str) or value not in spec.options:
        raise ValueError(f"Must be one of the options: {', '.join(spec.options)}.")
    return [AnswerRow(spec.id, choice=value)]


def _multiple(spec: QuestionSpec, value: object) -> list[AnswerRow]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError("Must be a list of option keys.")
    unknown = [item for item in value if item not in spec.options]
    if unknown:
        raise ValueError(f"Unknown options: {', '.join(unknown)}; the options are {', '.join(spec.options)}.")
    if len(set(value)) != len(value):
        raise ValueError("Each option may be chosen once.")
    return [AnswerRow(spec.id, choice=item) for item in value]


def _scale(spec: QuestionSpec, value: object) -> list[AnswerRow]:
    low, high = SCALES[spec.kind]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"Must be an integer from {low} to {high}.")
    return [AnswerRow(spec.id, number=value)]


def _text(spec: QuestionSpec, value: object) -> list[AnswerRow]:
    if not isinstance(value, str):
        raise ValueError("Must be text.")
    if "\x00" in value or not utf8_encodable(value):
        raise ValueError("Must not contain NUL or unpaired surrogate characters.")
    text = bidi_controls_removed(value).strip()
    if len(text) > TEXT_ANSWER_MAX_CHARS:
        raise ValueError(f"Must be at most {TEXT_ANSWER_MAX_CHARS} characters.")
    return [AnswerRow(spec.id, text=text)]


_READERS = {"single": _single, "multiple": _multiple, "scale_5": _scale, "scale_10": _scale, "text": _text}


def _rows(spec: QuestionSpec, value: object) -> list[AnswerRow]:
    return _READERS[spec.kind](spec, value)


def answers_of(rows: Sequence[tuple[str, str, str, int | None, str]]) -> dict[str, object]:
    """Stored rows (key, kind, choice, number, text), in order, as the `answers` mapping they answer."""
    answers: dict[str, object] = {}
    for key, kind, choice, number, text in rows:
        if kind == "multiple":
            chosen = answers.setdefault(key, [])
            assert isinstance(chosen, list)
            chosen.append(choice)
        elif kind in SELECT_KINDS:
            answers[key] = choice
        elif kind in SCALES:
            answers[key] = number
        else:
            answers[key] = text
    return answers


def answers_named(specs: Sequence[QuestionSpec], rows: Sequence[AnswerRow] | None) -> dict[str, object]:
    """Checked rows as the `answers` mapping they came from (for an event's data); none given, an empty one."""
    if not rows:
        return {}
    by_id = {spec.id: spec for spec in specs}
    return answers_of(
        [(by_id[row.question_id].key, by_id[row.question_id].kind, row.choice, row.number, row.text) for row in rows]
    )
