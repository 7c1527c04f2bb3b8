"""The answer form of the public survey page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.text import bidi_controls_removed
from surveys import scoring

COMMENT_MAX_CHARS = 5000


class AnswerForm(forms.Form):
    score = forms.TypedChoiceField(coerce=int, empty_value=None, widget=forms.RadioSelect, required=False)
    comment = forms.CharField(required=False, max_length=COMMENT_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 4}))
    consent_to_contact = forms.BooleanField(required=False)  # optional, never ticked for the respondent

    def __init__(self, *args, kind: str, score_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        low, high = scoring.scale_for(kind)
        self.fields["score"].choices = [(value, str(value)) for value in range(low, high + 1)]
        self.fields["score"].required = score_required
        self.fields["score"].error_messages["required"] = _("Please choose an answer.")

    def clean_comment(self) -> str:
        return bidi_controls_removed(self.cleaned_data["comment"])
