"""The survey admin's additional questions: an inline whose options are written one per line."""

import re

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from surveys import scoring
from surveys.models import Question
from surveys.question_selectors import question_answered
from surveys.questions import SELECT_KINDS
from surveys.scoring import Classification
from surveys.texts import class_label

OPTION_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
OPTION_LANGUAGES = ("en", "zh-hans", "zh-hant")


def options_as_lines(options: list[dict]) -> str:
    return "\n".join(
        " | ".join([str(option.get("key", "")), *(str(option.get(name, "")) for name in OPTION_LANGUAGES)]).rstrip(" |")
        for option in options
    )


def options_from_lines(text: str) -> list[dict]:
    """`key | English | 简体 | 繁體` per line, the Chinese optional; ValidationError naming each bad line."""
    options, problems, seen = [], [], set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        key, *labels = [part.strip() for part in line.split("|")]
        if not OPTION_KEY.match(key):
            problems.append(
                gettext("Line %(line)s: the key %(key)s must be lowercase letters, digits, _ or -.")
                % {"line": number, "key": repr(key)}
            )
        elif key in seen:
            problems.append(gettext("Line %(line)s: the key %(key)s is used twice.") % {"line": number, "key": key})
        if len(labels) > len(OPTION_LANGUAGES) or not (labels and labels[0]):
            problems.append(
                gettext("Line %(line)s: write key | English | Simplified Chinese | Traditional Chinese.")
                % {"line": number}
            )
        seen.add(key)
        options.append({"key": key, **dict(zip(OPTION_LANGUAGES, labels, strict=False))})
    if problems:
        raise ValidationError(problems)
    return options


class QuestionForm(forms.ModelForm):
    options_text = forms.CharField(
        label=_("options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_(
            "For select questions, one per line: key | English | 简体中文 | 繁體中文, e.g. price | Price | 价格 | 價格"
        ),
    )

    class Meta:
        model = Question
        fields = ("position", "key", "kind", "text_en", "text_zh_hans", "text_zh_hant", "required", "shown_to")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["options_text"].initial = options_as_lines(self.instance.options or [])
        self.fields["shown_to"].choices = [
            ("", gettext("Everyone")),
            *((c.value, class_label(c)) for c in Classification),
        ]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if self.instance.pk and "kind" in self.changed_data and question_answered(question_id=self.instance.pk):
            self.add_error("kind", gettext("This question has answers: its kind cannot change under them."))
        try:
            options = options_from_lines(cleaned.get("options_text") or "")
        except ValidationError as problems:
            self.add_error("options_text", problems)
            return cleaned
        if kind in SELECT_KINDS and len(options) < 2:
            self.add_error("options_text", gettext("A select question needs at least two options."))
        elif kind and kind not in SELECT_KINDS and options:
            self.add_error("options_text", gettext("Only select questions have options; leave this blank."))
        self.instance.options = options if kind in SELECT_KINDS else []
        return cleaned


class QuestionFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        kind = self.instance.kind
        if not kind:
            return
        classes = list(scoring.class_counts(kind, {}))
        for form in self.forms:
            shown_to = (getattr(form, "cleaned_data", None) or {}).get("shown_to")
            if shown_to and shown_to not in classes:
                form.add_error(
                    "shown_to",
                    gettext("A %(kind)s survey's answers are %(classes)s.")
                    % {"kind": kind.upper(), "classes": ", ".join(classes)},
                )


class QuestionInline(admin.StackedInline):
    model = Question
    form = QuestionForm
    formset = QuestionFormSet
    extra = 0
    fields = (
        ("position", "key", "kind"),
        "text_en",
        "text_zh_hans",
        "text_zh_hant",
        "options_text",
        ("required", "shown_to"),
    )
    verbose_name = _("additional question")
    verbose_name_plural = _("additional questions")
