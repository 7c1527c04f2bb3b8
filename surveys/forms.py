"""The answer form of the public survey page: the score, the survey's additional questions, a comment."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.text import bidi_controls_removed
from surveys import scoring
from surveys.question_selectors import ShownQuestion
from surveys.questions import TEXT_ANSWER_MAX_CHARS, blank

COMMENT_MAX_CHARS = 5000


def _question_field(question: ShownQuestion) -> forms.Field:
    options = [(option.key, option.label) for option in question.options]
    common = {"label": question.text, "required": False}
    if question.kind == "single":
        return forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)
    if question.kind == "multiple":
        return forms.MultipleChoiceField(choices=options, widget=forms.CheckboxSelectMultiple, **common)
    if question.low is not None and question.high is not None:
        points = [(value, str(value)) for value in range(question.low, question.high + 1)]
        return forms.TypedChoiceField(choices=points, coerce=int, empty_value=None, widget=forms.RadioSelect, **common)
    return forms.CharField(
        max_length=TEXT_ANSWER_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 3}), strip=True, **common
    )


class AnswerForm(forms.Form):
    score = forms.TypedChoiceField(coerce=int, empty_value=None, widget=forms.RadioSelect, required=False)
    comment = forms.CharField(required=False, max_length=COMMENT_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 4}))
    consent_to_contact = forms.BooleanField(required=False)  # optional, never ticked for the respondent

    def __init__(
        self,
        *args,
        kind: str,
        score_required: bool = True,
        questions: list[ShownQuestion] | None = None,
        known_score: int | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        low, high = scoring.scale_for(kind)
        self.fields["score"].choices = [(value, str(value)) for value in range(low, high + 1)]
        self.fields["score"].required = score_required
        self.fields["score"].error_messages["required"] = _("Please choose an answer.")
        self.questions = questions or []
        self.known_score = known_score  # the score given already (an invitation's), when this form may omit it
        for question in self.questions:
            self.fields[question.field_name] = _question_field(question)

    def clean_comment(self) -> str:
        return bidi_controls_removed(self.cleaned_data["comment"])

    def clean(self):
        cleaned = super().clean()
        score = cleaned.get("score")
        if score is None:
            score = self.known_score
        for question in self.questions:
            name = question.field_name
            if score is None or score not in question.scores:  # not asked of this score: shown without script only
                cleaned.pop(name, None)
            elif question.required and blank(cleaned.get(name)) and name not in self.errors:
                self.add_error(name, _("Please answer this question."))
        return cleaned

    def answers(self) -> dict[str, object]:
        """The answers to the questions asked of the chosen score, by question key (blank ones left out)."""
        return {
            question.key: self.cleaned_data[question.field_name]
            for question in self.questions
            if question.field_name in self.cleaned_data and not blank(self.cleaned_data[question.field_name])
        }

    def add_answer_errors(self, refused: ValidationError) -> None:
        """Put a service's refusal ("answers.<key>": …) on the questions' fields."""
        if not hasattr(refused, "error_dict"):
            self.add_error(None, refused)
            return
        names = {f"answers.{question.key}": question.field_name for question in self.questions}
        for field, problems in refused.message_dict.items():
            self.add_error(names.get(field) if names.get(field) in self.fields else None, problems)
