from django.contrib import admin
from django.template.defaultfilters import floatformat
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.admin import ReadOnlyInline, ReadOnlyModelAdmin
from surveys import scoring, selectors, services
from surveys.admin_answers import AnswerInline
from surveys.admin_definitions import SurveyDefinitionsAdmin
from surveys.admin_questions import QuestionInline
from surveys.models import (
    ContactRule,
    Customer,
    Erasure,
    Invitation,
    Response,
    Survey,
    SurveyStats,
    Touchpoint,
    TouchpointEvent,
)
from surveys.policy import REASON_TEXT
from surveys.services.privacy import erasure_reference
from surveys.texts import class_label


@admin.display(description=_("why"))
def reason_text(obj) -> str:
    text = REASON_TEXT.get(obj.reason)  # Reason is a str enum: its values find their members
    return gettext(text) if text else obj.reason


class TouchpointEventInline(ReadOnlyInline):
    """On a customer's page: every event, and why the policy asked them or not."""

    show_change_link = True
    model = TouchpointEvent
    fields = ("received_at", "touchpoint", "survey", "decision", "reason", reason_text, "invitation")
    readonly_fields = fields
    ordering = ("-received_at",)


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("external_id", "name", "email", "account", "plan", "value", "locale", "consent_to_contact")
    list_filter = ("locale", "plan", "consent_to_contact", ("unsubscribed_at", admin.EmptyFieldListFilter))
    search_fields = ("external_id", "name", "email", "account__external_id", "account__name")
    raw_id_fields = ("account",)  # by its external id: a select of every account would not scale
    list_select_related = ("account",)
    readonly_fields = ("created_at", "updated_at")
    inlines = (TouchpointEventInline,)

    def save_model(self, request, obj, form, change):
        """Withdrawing consent or unsubscribing here opts the customer's advocate out at once."""
        initial = form.initial if change else {}
        services.customer_save(
            customer=obj,
            consent_was=bool(initial.get("consent_to_contact", False)),
            unsubscribed_was=initial.get("unsubscribed_at") is not None,
            actor=request.user,
        )

    def delete_model(self, request, obj):
        services.customers_delete(customer_ids=[obj.pk], actor=request.user)

    def delete_queryset(self, request, queryset):
        services.customers_delete(customer_ids=list(queryset.values_list("pk", flat=True)), actor=request.user)


@admin.register(Touchpoint)
class TouchpointAdmin(admin.ModelAdmin):
    list_display = ("key", "name", "description")
    search_fields = ("key", "name")
    prepopulated_fields = {"key": ("name",)}


class SurveyStatsInline(admin.StackedInline):
    model = SurveyStats
    can_delete = False
    fields = readonly_fields = (
        "responses",
        "score_shown",
        "interval_shown",
        "classes_shown",
        "last_response_at",
        "refreshed_at",
    )

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("score"))
    def score_shown(self, stats):
        return "—" if stats.score is None else floatformat(stats.score, 1)

    # xgettext:no-python-format
    @admin.display(description=_("95% interval"))
    def interval_shown(self, stats):
        if stats.low is None or stats.high is None:
            return "—"
        return format_html(
            "{} – {} (± {})",
            floatformat(stats.low, 1),
            floatformat(stats.high, 1),
            floatformat(stats.margin or 0, 1),
        )

    @admin.display(description=_("answers by class"))
    def classes_shown(self, stats):
        total = sum(stats.class_counts.values())
        if not total:
            return "—"
        order = list(scoring.class_counts(stats.survey.kind, {}))  # best to worst (jsonb keeps no order)
        lines = (
            format_html(
                gettext("{label}: {count} ({share}%)"),
                label=class_label(name),
                count=number_format(count),
                share=floatformat(100 * count / total, 1),
            )
            for name, count in sorted(stats.class_counts.items(), key=lambda item: order.index(item[0]))
        )
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))


@admin.register(Survey)
class SurveyAdmin(SurveyDefinitionsAdmin, admin.ModelAdmin):
    list_display = ("name", "kind", "active", "score_display", "responses_display", "public_key")
    actions = ("recompute_scores", "export_definitions")
    list_filter = ("kind", "active")
    search_fields = ("name", "public_key", "question_en", "question_zh_hans", "question_zh_hant")
    readonly_fields = ("public_key", "created_at", "updated_at")
    inlines = (QuestionInline, SurveyStatsInline)
    fieldsets = (
        (None, {"fields": ("name", "kind", "active", "default_locale", "public_key")}),
        (_("Question"), {"fields": ("question_en", "question_zh_hans", "question_zh_hant")}),
        (_("Follow-up question"), {"fields": ("follow_up_en", "follow_up_zh_hans", "follow_up_zh_hant")}),
        (_("Consent to be contacted"), {"fields": ("consent_en", "consent_zh_hans", "consent_zh_hant")}),
        (_("Widget"), {"fields": ("widget_origins",)}),
        (None, {"fields": ("created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("stats")

    def get_readonly_fields(self, request, obj=None):
        # Answers were classified on the survey's scale: its kind cannot change under them.
        if obj is not None and selectors.survey_has_responses(survey_id=obj.id):
            return (*self.readonly_fields, "kind")
        return self.readonly_fields

    # xgettext:no-python-format
    @admin.display(description=_("score (95% interval)"))
    def score_display(self, survey):
        stats = getattr(survey, "stats", None)
        if stats is None or stats.score is None:
            return "—"
        if stats.low is None or stats.high is None:
            return f"{stats.score:.1f}"
        return f"{stats.score:.1f} ({stats.low:.1f} – {stats.high:.1f})"

    @admin.action(description=_("Recompute scores now"))
    def recompute_scores(self, request, queryset):
        for survey_id in queryset.values_list("id", flat=True):
            services.survey_stats_refresh(survey_id=survey_id)
        self.message_user(request, _("Scores recomputed."))

    @admin.display(description=_("responses"))
    def responses_display(self, survey):
        stats = getattr(survey, "stats", None)
        return stats.responses if stats else 0


@admin.register(Response)
class ResponseAdmin(ReadOnlyModelAdmin):
    list_display = ("submitted_at", "survey", "touchpoint", "customer", "score", "classification", "short_comment")
    list_filter = ("survey", "touchpoint", "classification", "channel", "locale", "consent_to_contact")
    search_fields = ("comment", "customer__external_id", "customer__email", "customer__name")
    date_hierarchy = "submitted_at"
    list_select_related = ("survey", "touchpoint", "customer")
    list_per_page = 50
    show_full_result_count = False
    inlines = (AnswerInline,)  # surveys/admin_answers.py

    def delete_model(self, request, obj):
        services.responses_delete(response_ids=[obj.pk])

    def delete_queryset(self, request, queryset):
        services.responses_delete(response_ids=list(queryset.values_list("pk", flat=True)))

    @admin.display(description=_("comment"))
    def short_comment(self, response):
        return response.comment if len(response.comment) <= 80 else response.comment[:79] + "…"


@admin.register(ContactRule)
class ContactRuleAdmin(admin.ModelAdmin):
    list_display = (
        "survey",
        "touchpoint",
        "active",
        "channel",
        "sampling_rate",
        "delay_minutes",
        "cooldown_days",
        "recontact_days",
        "cap_per_90_days",
        "priority",
    )
    list_editable = ("active", "sampling_rate")
    list_filter = ("active", "channel", "survey", "touchpoint")


@admin.register(TouchpointEvent)
class TouchpointEventAdmin(ReadOnlyModelAdmin):
    list_display = ("received_at", "touchpoint", "customer", "survey", "decision", "reason", reason_text, "event_id")
    list_filter = ("decision", "reason", "touchpoint", "survey")
    search_fields = ("event_id", "customer__external_id", "customer__email", "customer__name")
    list_select_related = ("touchpoint", "customer", "survey")
    date_hierarchy = "received_at"
    show_full_result_count = False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "survey", "touchpoint", "customer", "channel", "status", "send_at", "last_error")
    list_filter = ("status", "channel", "survey", "touchpoint")
    search_fields = ("customer__external_id", "customer__email", "customer__name", "token")
    list_select_related = ("survey", "touchpoint", "customer")
    date_hierarchy = "created_at"
    show_full_result_count = False
    change_list_template = "admin/surveys/invitation/change_list.html"

    def get_readonly_fields(self, request, obj=None):
        return [*(field.name for field in self.model._meta.fields), "event_reason"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("why invited"))
    def event_reason(self, invitation):
        event = getattr(invitation, "event", None)
        return reason_text(event) if event else "—"

    def get_urls(self):
        rate = self.admin_site.admin_view(self.response_rate_view)
        return [path("response-rate/", rate, name="surveys_invitation_response_rate"), *super().get_urls()]

    def response_rate_view(self, request):
        context = {
            **self.admin_site.each_context(request),
            "title": _("Response rate"),
            "opts": self.model._meta,
            "rows": selectors.invitation_response_rates(),
        }
        return TemplateResponse(request, "admin/surveys/invitation/response_rate.html", context)


@admin.register(Erasure)
class ErasureAdmin(ReadOnlyModelAdmin):
    """The audit of forgotten customers: who, when, how and how many rows; never whom."""

    list_display = ("created_at", "via", "actor", "counts")
    list_filter = ("via",)
    search_fields = ("reference",)
    date_hierarchy = "created_at"

    def has_delete_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        """Search by the external id itself: it is hashed as the audit keeps it, and matched exactly."""
        if not search_term:
            return queryset, False
        return queryset.filter(reference=erasure_reference(search_term.strip())), False
