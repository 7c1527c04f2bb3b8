"""Writing the answers to a survey's additional questions (surveys.questions holds their rules)."""

from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError

from common.text import bidi_controls_removed
from surveys.models import Answer
from surveys.questions import AnswerRow, AnswersRefused, QuestionSpec, answers_check


def answers_checked(
    *, specs: Sequence[QuestionSpec], classification: str, answers: Mapping[str, object] | None
) -> list[AnswerRow] | None:
    """The rows to store, or ValidationError naming each bad answer ("answers.<key>").

    None (no `answers` given: the channel asked none of the questions, as a score-only click in an
    email) checks nothing; a mapping, even an empty one, must satisfy every rule, required ones included.
    """
    if answers is None:
        return None
    try:
        rows = answers_check(specs, classification=classification, answers=answers)
    except AnswersRefused as refused:
        raise ValidationError(refused.errors) from None
    return [AnswerRow(row.question_id, row.choice, row.number, bidi_controls_removed(row.text)) for row in rows]


def answers_store(*, response_id: int, rows: Sequence[AnswerRow] | None, replace: bool = False) -> None:
    """Store a response's answers; `replace` drops its earlier ones first (an answer changed within its window)."""
    if rows is None:
        return
    if replace:
        Answer.objects.filter(response_id=response_id).delete()
    Answer.objects.bulk_create(
        Answer(
            response_id=response_id, question_id=row.question_id, choice=row.choice, number=row.number, text=row.text
        )
        for row in rows
    )
