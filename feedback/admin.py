from django.contrib import admin, messages
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.admin import ReadOnlyModelAdmin
from feedback import services
from feedback.models import FeedbackItem, Theme, ThemeTerm


@admin.register(FeedbackItem)
class FeedbackItemAdmin(ReadOnlyModelAdmin):
    """Comments as analysed: read-only, searchable, filterable; failed analyses can be run again."""

    list_display = ("given_at", "excerpt", "language", "label", "polarity_shown", "keyword_tags", "score", "status")
    list_filter = ("status", "label", "language", "survey_kind", "classification", "touchpoint_key")
    search_fields = ("text", "customer_external_id")
    date_hierarchy = "given_at"
    show_full_result_count = False
    actions = ("analyse_again",)
    fieldsets = (
        (None, {"fields": ("text", "given_at", "source", "source_id")}),
        (
            _("Analysis"),
            {
                "fields": (
                    "status",
                    "language",
                    "label",
                    "polarity",
                    "keywords",
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

    @admin.display(description=_("polarity"), ordering="polarity")
    def polarity_shown(self, item: FeedbackItem) -> str:
        return "—" if item.polarity is None else f"{item.polarity:+.2f}"

    @admin.display(description=_("keywords"))
    def keyword_tags(self, item: FeedbackItem) -> str:
        return format_html_join(" ", '<span class="cx-tag">{}</span>', ((word,) for word in item.keywords)) or "—"

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
