from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.admin import ReadOnlyInline, ReadOnlyModelAdmin
from common.sentiment import LABELS, sentiment_text
from feedback import selectors, services
from feedback.models import FeedbackItem, SentimentCorrection, Theme, ThemeTerm

CORRECT_PERMISSION = "feedback.add_sentimentcorrection"
SIGNS = {"pos": "+", "neu": "·", "neg": "−"}  # an aspect's polarity on its tag; the label is its title


class SentimentCorrectionForm(forms.Form):
    label = forms.ChoiceField(
        label=_("sentiment"), choices=FeedbackItem.Label.choices, widget=forms.RadioSelect, required=True
    )
    note = forms.CharField(
        label=_("note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why, in a few words (optional): the analysis' maintainers read it with the corrections."),
    )


class SentimentCorrectionInline(ReadOnlyInline):
    """Every correction of the comment's sentiment, newest first: who, when, from what to what, and why."""

    model = SentimentCorrection
    fields = ("corrected_at", "corrected_by", "old_label", "new_label", "note")
    verbose_name_plural = _("sentiment corrections")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("corrected_by")


@admin.register(FeedbackItem)
class FeedbackItemAdmin(ReadOnlyModelAdmin):
    """Comments as analysed: read-only, searchable, filterable; failed analyses can be run again."""

    list_display = (
        "given_at",
        "excerpt",
        "language",
        "sentiment_shown",
        "polarity_shown",
        "keyword_tags",
        "aspect_tags",
        "is_request",
        "score",
        "status",
    )
    list_filter = (
        "status",
        "label",
        "corrected_label",
        "is_request",
        "language",
        "survey_kind",
        "classification",
        "touchpoint_key",
    )
    search_fields = ("text", "customer_external_id")
    date_hierarchy = "given_at"
    show_full_result_count = False
    actions = ("analyse_again",)
    inlines = (SentimentCorrectionInline,)
    fieldsets = (
        (None, {"fields": ("text", "given_at", "source", "source_id")}),
        (
            _("Analysis"),
            {
                "fields": (
                    "status",
                    "language",
                    "sentiment_shown",
                    "label",
                    "corrected_label",
                    "confidence",
                    "polarity",
                    "keywords",
                    "aspect_tags",
                    "is_request",
                    "analyzer",
                    "analysed_at",
                    "last_error",
                )
            },
        ),
        (
            _("Context when given"),
            {
                "fields": (
                    "survey_id",
                    "survey_kind",
                    "score",
                    "classification",
                    "touchpoint_key",
                    "customer_external_id",
                    "locale",
                )
            },
        ),
        (
            _("Processing"),
            {"fields": ("pending_since", "claimed_by", "claimed_at", "attempts", "updated_at")},
        ),
    )

    @admin.display(description=_("comment"))
    def excerpt(self, item: FeedbackItem) -> str:
        return item.text if len(item.text) <= 80 else item.text[:79] + "…"

    @admin.display(description=_("sentiment (confidence)"), ordering="label")
    def sentiment_shown(self, item: FeedbackItem) -> str:
        """Staff's correction when there is one; else the analysis' label and how sure it was (common.sentiment)."""
        if item.corrected_label:
            return sentiment_text(item.corrected_label, item.polarity, corrected=True)
        return sentiment_text(item.label, item.polarity, confidence=item.confidence)

    @admin.display(description=_("polarity"), ordering="polarity")
    def polarity_shown(self, item: FeedbackItem) -> str:
        return "—" if item.polarity is None else f"{item.polarity:+.2f}"

    @admin.display(description=_("keywords"))
    def keyword_tags(self, item: FeedbackItem) -> str:
        return format_html_join(" ", '<span class="cx-tag">{}</span>', ((word,) for word in item.keywords)) or "—"

    @admin.display(description=_("aspects"))
    def aspect_tags(self, item: FeedbackItem) -> str:
        """Each keyword with the polarity of its clause, as a tag: "support +", "billing −"."""
        tags = format_html_join(
            " ",
            '<span class="cx-tag cx-sentiment-{}" title="{}">{} {}</span>',
            (
                (aspect["label"], LABELS.get(aspect["label"], ""), aspect["term"], SIGNS.get(aspect["label"], "?"))
                for aspect in item.aspects or ()
                if isinstance(aspect, dict) and isinstance(aspect.get("term"), str) and aspect.get("label") in SIGNS
            ),
        )
        return tags or "—"

    # --- correcting the sentiment

    def get_urls(self):
        correct = path(
            "<int:object_id>/sentiment/",
            self.admin_site.admin_view(self.correct_sentiment_view),
            name="feedback_feedbackitem_sentiment",
        )
        return [correct, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = {"can_correct_sentiment": request.user.has_perm(CORRECT_PERMISSION), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, context)

    def correct_sentiment_view(self, request, object_id):
        """Staff set the comment's sentiment label; the correction is kept, and logged on the case holding it."""
        if not request.user.has_perm(CORRECT_PERMISSION):
            raise PermissionDenied
        item = get_object_or_404(FeedbackItem, pk=object_id)
        back = request.POST.get("next") or request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
            back = ""
        shown = item.corrected_label or item.label
        form = SentimentCorrectionForm(request.POST or None, initial={"label": shown or None})
        if request.method == "POST" and form.is_valid():
            try:
                services.sentiment_correct(
                    item_id=item.pk,
                    label=form.cleaned_data["label"],
                    actor=request.user,
                    note=form.cleaned_data["note"],
                )
            except services.SentimentRefused as refused:
                form.add_error(None, str(refused))
            else:
                self.message_user(request, _("The sentiment was corrected."), messages.SUCCESS)
                return HttpResponseRedirect(back or reverse("admin:feedback_feedbackitem_change", args=[item.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Correct the sentiment"),
            "opts": self.opts,
            "item": item,
            "shown": self.sentiment_shown(item),
            "form": form,
            "next": back,
            "corrections": selectors.sentiment_corrections_of(item.pk),
        }
        return TemplateResponse(request, "admin/feedback/feedbackitem/sentiment.html", context)

    def has_analyse_permission(self, request) -> bool:
        """Queueing analysis writes (and hands answers to the closed loop again): not for view-only staff."""
        return request.user.has_perm("feedback.change_feedbackitem")

    @admin.action(description=_("Analyse again"), permissions=["analyse"])
    def analyse_again(self, request, queryset) -> None:
        count = services.feedback_items_retry(ids=list(queryset.values_list("id", flat=True)))
        message = ngettext("%(count)d item queued for analysis.", "%(count)d items queued for analysis.", count)
        self.message_user(request, message % {"count": count}, messages.SUCCESS)


class ThemeTermInline(admin.TabularInline):
    model = ThemeTerm
    extra = 3


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    """The theme map the insights' drivers merge keywords by: CX leads edit it, CX staff read it."""

    list_display = ("name_en", "name_zh", "key", "active", "term_list")
    list_filter = ("active",)
    search_fields = ("name_en", "name_zh", "key", "terms__term")
    inlines = (ThemeTermInline,)
    prepopulated_fields = {"key": ("name_en",)}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("terms")

    @admin.display(description=_("terms"))
    def term_list(self, theme) -> str:
        return ", ".join(term.term for term in theme.terms.all())
