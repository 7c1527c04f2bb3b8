"""Writing the answers to a survey's additional questions (surveys.questions holds their rules)."""

from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError

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
    return rows


def answers_store(*, response_id: int, rows: Sequence[AnswerRow] | None) -> None:
    """Store a new response's answers (none given: nothing)."""
    if rows is None:
        return
    Answer.objects.bulk_create(
        Answer(
            response_id=response_id, question_id=row.question_id, choice=row.choice, number=row.number, text=row.text
        )
        for row in rows
    )


def answers_replace(*, response_id: int, rows: Sequence[AnswerRow] | None, classification: str) -> None:
    """A changed response's answers: the rows given replace its earlier ones; none given, it keeps those still asked.

    A score that moved to another class drops the answers to questions not asked of the new one
    ("What disappointed you?" once a 2 became a 10).
    """
    if rows is None:
        answers_not_asked_drop(response_id=response_id, classification=classification)
        return
    Answer.objects.filter(response_id=response_id).delete()
    answers_store(response_id=response_id, rows=rows)


def answers_not_asked_drop(*, response_id: int, classification: str) -> int:
    """Drop a response's answers to questions not asked of its class (its score changed class); return how many."""
    dropped, _ = (
        Answer.objects.filter(response_id=response_id)
        .exclude(question__shown_to="")
        .exclude(question__shown_to=classification)
        .delete()
    )
    return dropped
