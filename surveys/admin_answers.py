"""The answers to a survey's additional questions, read-only under their response in the admin."""

from django.contrib import admin
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from common.admin import ReadOnlyInline
from common.locales import normalize_locale
from surveys.models import Answer
from surveys.question_selectors import option_label


class AnswerInline(ReadOnlyInline):
    """One line per chosen option, scale value or text: an option in the reader's language, with its key."""

    model = Answer
    fields = ("question", "answer")
    verbose_name_plural = _("Answers to the additional questions")

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("question").order_by("question__position", "question_id", "id")
        )

    @admin.display(description=_("answer"))
    def answer(self, row: Answer) -> str:
        if row.choice:
            option = next((o for o in row.question.options or () if o.get("key") == row.choice), {"key": row.choice})
            label = option_label(option, normalize_locale(get_language() or "") or "en")
            return label if label == row.choice else f"{label} ({row.choice})"
        return str(row.number) if row.number is not None else row.text
