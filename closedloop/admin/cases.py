"""The case admin: the queue, the case page and the actions on cases."""

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from closedloop import selectors, services
from closedloop.admin.forms import AssignForm, CaseActionForm, CaseForm
from closedloop.admin.queue import (
    PRIORITY_COLOURS,
    SLA_COLOURS,
    LanguageFilter,
    OwnerFilter,
    SlaFilter,
    StatusFilter,
    TouchpointFilter,
    badge,
    quick_views,
    sla_state,
)
from closedloop.models import (
    Case,
    CaseActivity,
    CaseTrigger,
)
from closedloop.paging import QueuePaginator
from common.admin import ReadOnlyInline
from common.sentiment import sentiment_text

SENTIMENT_PERMISSION = "feedback.add_sentimentcorrection"  # feedback's correction page takes it from here
HISTORY_COLUMNS = (_("case"), _("opened at"), _("reason"), _("score"), _("status"), _("root cause"), _("comment"))

# --- Cases ---------------------------------------------------------------------------------------


class CaseTriggerInline(ReadOnlyInline):
    """The answers that opened the case or were attached to it."""

    model = CaseTrigger
    fields = ("given_at", "survey_kind", "score", "sentiment", "touchpoint_key", "comment")


class CaseActivityInline(ReadOnlyInline):
    """What happened to the case, oldest first."""

    model = CaseActivity
    fields = ("created_at", "actor", "kind", "text")

    @admin.display(description=_("what"))
    def text(self, activity: CaseActivity) -> str:
        return activity.text  # in the reader's language

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    # What triage reads, narrow enough for 1366 px beside the filters: the reason, touchpoint and
    # language are on the case's page and in the filters.
    list_display = (
        "number",
        "priority_badge",
        "sla_badge",
        "due",
        "owner",
        "status",
        "customer",
        "score_shown",
        "sentiment_shown",
        "excerpt",
    )
    list_filter = (
        StatusFilter,
        "priority",
        SlaFilter,
        OwnerFilter,
        "reason",
        TouchpointFilter,
        "root_cause",
        LanguageFilter,
    )
    search_fields = ("customer_external_id", "customer_name", "customer_email", "comment")
    list_select_related = ("owner", "root_cause", "team")
    list_per_page = 50
    paginator = QueuePaginator
    show_full_result_count = False
    form = CaseForm
    action_form = CaseActionForm
    actions = ("assign_to_me", "assign_to", "mark_contacted", "resolve")
    inlines = (CaseTriggerInline, CaseActivityInline)
    fieldsets = (
        (
            _("What the customer said"),
            {
                "fields": (
                    "customer_shown",
                    "customer_answers",
                    "score_shown",
                    "comment",
                    "sentiment_shown",
                    "keyword_tags",
                    "touchpoint_key",
                    "given_at",
                )
            },
        ),
        (
            _("Case"),
            {
                "fields": (
                    "reason",
                    "account",
                    "team",
                    "opened_at",
                    "due_at",
                    "sla_badge",
                    "escalated_at",
                    "first_contact_at",
                    "resolved_at",
                    "closed_at",
                )
            },
        ),
        (
            _("Work the case"),
            {
                "fields": (
                    "owner",
                    "status",
                    "priority",
                    "root_cause",
                    "resolution",
                    "note",
                    "notify_customer",
                    "resurvey_in_days",
                )
            },
        ),
        (
            _("Follow-up with the customer"),
            {
                "fields": (
                    "customer_notified_at",
                    "customer_note",
                    "customer_note_error",
                    "resurvey_due_at",
                    "recovery_score",
                )
            },
        ),
        (_("The customer's other cases"), {"fields": ("other_cases",)}),
    )
    editable_fields = frozenset(CaseForm.Meta.fields) | frozenset(CaseForm.declared_fields)

    def get_fieldsets(self, request, obj=None):
        """An account at risk has no answer: its account (name, plan, MRR, external id) comes first instead."""
        if obj is None or not obj.is_account_risk:
            return self.fieldsets
        return ((_("The account at risk"), {"fields": ("customer_shown",)}), *self.fieldsets[1:])

    def get_readonly_fields(self, request, obj=None):
        """Everything but what staff work with: the snapshot is what the customer said, as it was."""
        return [field for field in flatten_fieldsets(self.fieldsets) if field not in self.editable_fields]

    def get_queryset(self, request):
        return selectors.case_list()

    def get_ordering(self, request):
        return selectors.queue_order()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The case's page, with a way to correct the sentiment of its comment for staff allowed to."""
        context = dict(extra_context or {})
        if request.user.has_perm(SENTIMENT_PERMISSION):
            answer = selectors.case_commented_feedback_id(object_id)
            if answer is not None:
                url = reverse("admin:feedback_feedbackitem_sentiment", args=[answer])
                context["sentiment_url"] = url + "?" + urlencode({"next": request.path})
        return super().change_view(request, object_id, form_url, context)

    def changelist_view(self, request, extra_context=None):
        # The queue takes the whole width (the apps' side menu gives way; the breadcrumbs lead back).
        context = {"quick_views": quick_views(request), "is_nav_sidebar_enabled": False}
        return super().changelist_view(request, {**(extra_context or {}), **context})

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """The owner and root cause are chosen here, never edited: no edit, add, view or delete icons beside them."""
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("owner", "root_cause") and isinstance(field.widget, RelatedFieldWidgetWrapper):
            field.widget = field.widget.widget
        return field

    def has_add_permission(self, request):
        return False  # cases come from answers

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refused = getattr(request, "case_refused", None)
        return form if refused is None else type(form.__name__, (form,), {"refused": refused})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.CaseChangeRefused as refused:
            # The view's transaction was rolled back: nothing changed. Show the post again, the reason on its field.
            request.case_refused = refused
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        """Let the service apply the change (under the row lock, checked, logged); it raises if it refuses.

        The default save_related stays: the case has no many-to-many fields and the inlines are view-only,
        so it writes nothing, and the change message needs the formsets it saves.
        """
        services.case_change(case_id=obj.pk, actor=request.user, change=form.case_change())

    # --- columns and read-only fields

    @admin.display(description=_("case"), ordering="id")
    def number(self, case: Case) -> str:
        return f"#{case.pk}"

    @admin.display(description=_("priority"), ordering="priority")
    def priority_badge(self, case: Case) -> str:
        return badge(f"P{case.priority}", PRIORITY_COLOURS.get(case.priority, "#7f8c8d"))

    @admin.display(description=_("SLA"), ordering="due_at")
    def sla_badge(self, case: Case) -> str:
        state = sla_state(case)
        shown = badge(Case.Sla(state).label, SLA_COLOURS[state])
        if case.escalated_at is None:
            return shown
        return format_html("{} {}", shown, badge(_("escalated"), "#6c3483"))

    @admin.display(description=_("due"), ordering="due_at")
    def due(self, case: Case) -> str:
        """Local time, to the minute, alike in every language (the queue reads down a column of them)."""
        return timezone.localtime(case.due_at).strftime("%Y-%m-%d %H:%M")

    @admin.display(description=_("customer"), ordering="customer_external_id")
    def customer(self, case: Case) -> str:
        if case.is_account_risk:  # an account, not a customer: its external id and name
            return format_html("{}<br>{}", case.customer_account, case.customer_name)
        return format_html("{}<br>{}", case.customer_external_id or "—", case.customer_name)

    @admin.display(description=_("customer"))
    def customer_shown(self, case: Case) -> str:
        value = "" if case.customer_value is None else f"{case.customer_value:,.2f}"
        parts = (
            case.customer_external_id,
            case.customer_name,
            case.customer_email,
            case.customer_account,
            case.customer_plan,
            value,
        )
        return " · ".join(part for part in parts if part) or "—"

    @admin.display(description=_("the customer's answers"))
    def customer_answers(self, case: Case) -> str:
        if not case.customer_external_id:
            return "—"
        url = reverse("admin:feedback_feedbackitem_changelist") + "?" + urlencode({"q": case.customer_external_id})
        return format_html('<a href="{}">{}</a>', url, _("All feedback from this customer"))

    @admin.display(description=_("score"), ordering="score")
    def score_shown(self, case: Case) -> str:
        if not case.survey_kind:  # an account at risk: no answer, no score
            return "—"
        return f"{case.survey_kind.upper()} {'—' if case.score is None else case.score}"

    @admin.display(description=_("comment"))
    def excerpt(self, case: Case) -> str:
        if case.is_account_risk:  # no comment: what the case is about
            return str(case.get_reason_display())
        return case.comment if len(case.comment) <= 60 else case.comment[:59] + "…"

    @admin.display(description=_("sentiment"), ordering="polarity")
    def sentiment_shown(self, case: Case) -> str:
        """The label with the analysis' confidence, or staff's correction (common.sentiment)."""
        return sentiment_text(
            case.sentiment, case.polarity, confidence=case.confidence, corrected=case.sentiment_corrected
        )

    @admin.display(description=_("keywords"))
    def keyword_tags(self, case: Case) -> str:
        return format_html_join(" ", '<span class="cx-tag">{}</span>', ((word,) for word in case.keywords)) or "—"

    @admin.display(description=_("other cases"))
    def other_cases(self, case: Case) -> str:
        history = selectors.case_history(case=case).select_related("root_cause")[:20]
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">#{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    reverse("admin:closedloop_case_change", args=[other.pk]),
                    other.pk,
                    timezone.localtime(other.opened_at).strftime("%Y-%m-%d"),
                    other.get_reason_display(),
                    self.score_shown(other),
                    other.get_status_display(),
                    other.root_cause or "—",
                    self.excerpt(other),
                )
                for other in history
            ),
        )
        if not rows:
            return _("None.")
        head = format_html_join("", "<th>{}</th>", ((label,) for label in HISTORY_COLUMNS))
        return format_html("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", head, rows)

    # --- actions

    @admin.action(description=_("Assign to me"), permissions=["change"])
    def assign_to_me(self, request, queryset):
        self._assign(request, queryset, request.user)

    @admin.action(description=_("Assign to…"), permissions=["change"])
    def assign_to(self, request, queryset):
        form = AssignForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._assign(request, queryset, form.cleaned_data["owner"])
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Assign cases"),
            "opts": self.model._meta,
            "form": form,
            "cases": queryset[:20],
            "count": queryset.count(),
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/closedloop/case/assign.html", context)

    @admin.action(description=_("Mark contacted"), permissions=["change"])
    def mark_contacted(self, request, queryset):
        change = services.CaseChange(status=Case.Status.CONTACTED)
        done = ngettext_lazy("%(count)d case marked contacted.", "%(count)d cases marked contacted.", "count")
        self._change_each(request, queryset.exclude(status=Case.Status.CONTACTED), change, done)

    @admin.action(description=_("Resolve with the root cause and resolution given here"), permissions=["change"])
    def resolve(self, request, queryset):
        form = self.action_form(request.POST)
        form.fields["action"].choices = self.get_action_choices(request)
        cause = resolution = None
        if form.is_valid():
            cause, resolution = form.cleaned_data["root_cause"], form.cleaned_data["resolution"].strip()
        if cause is None or not resolution:
            message = _("To resolve cases, choose a root cause and describe the resolution next to the action.")
            self.message_user(request, message, messages.ERROR)
            return
        change = services.CaseChange(status=Case.Status.RESOLVED, root_cause_id=cause.pk, resolution=resolution)
        done = ngettext_lazy("%(count)d case resolved.", "%(count)d cases resolved.", "count")
        self._change_each(request, queryset.exclude(status=Case.Status.RESOLVED), change, done)

    def _assign(self, request, queryset, owner) -> None:
        try:
            count = services.cases_assign(
                case_ids=list(queryset.values_list("pk", flat=True)), owner=owner, actor=request.user
            )
        except services.CaseChangeRefused as refused:
            self.message_user(request, " ".join(refused.messages), messages.ERROR)
            return
        message = ngettext_lazy(
            "%(count)d case assigned to %(owner)s.", "%(count)d cases assigned to %(owner)s.", "count"
        )
        self.message_user(request, message % {"count": count, "owner": owner.get_username()}, messages.SUCCESS)

    def _change_each(self, request, cases, change: services.CaseChange, done) -> None:
        """Apply one change to each case, each on its own; name every case the service refused, and why."""
        changed, refused = 0, []
        for case in cases:
            try:
                services.case_change(case_id=case.pk, actor=request.user, change=change)
            except services.CaseChangeRefused as error:
                refused.append(f"{case}: {' '.join(error.messages)}")
            else:
                changed += 1
        if changed:
            self.message_user(request, done % {"count": changed}, messages.SUCCESS)
        if refused:
            message = _("Left unchanged: %(cases)s") % {"cases": "; ".join(refused)}
            self.message_user(request, message, messages.WARNING)
