"""The triage console: CX staff work the case queue; leads configure teams, rules, SLAs, root causes and notes.

Every change to a case goes through `services`; the admin only collects what staff ask for.
"""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from closedloop import selectors, services
from closedloop.models import (
    Case,
    CaseActivity,
    CaseRule,
    CaseTrigger,
    NoteTemplate,
    RootCause,
    SlaPolicy,
    Team,
    TeamTouchpoint,
)

User = get_user_model()

PRIORITY_COLOURS = {1: "#ba2121", 2: "#d35400", 3: "#b7950b", 4: "#7f8c8d"}
SLA_COLOURS = {
    Case.Sla.ON_TRACK: "#2e7d32",
    Case.Sla.AT_RISK: "#d35400",
    Case.Sla.OVERDUE: "#ba2121",
    Case.Sla.MET: "#5d8a5e",
    Case.Sla.MISSED: "#7b241c",
}
LANGUAGES = (("zh", _("Chinese")), ("en", _("English")), ("mixed", _("Mixed")), ("other", _("Other")))
HISTORY_COLUMNS = (_("case"), _("opened at"), _("reason"), _("score"), _("status"), _("root cause"), _("comment"))


def _badge(text, colour: str) -> str:
    return format_html(
        '<span class="cx-badge" style="background:{};color:#fff;border-radius:4px;padding:1px 6px;'
        'font-weight:600;white-space:nowrap">{}</span>',
        colour,
        text,
    )


def _sla_state(case: Case) -> str:
    """The case's SLA state; an open case past due is overdue even before the periodic check marks it."""
    if case.is_open and case.due_at <= timezone.now():
        return Case.Sla.OVERDUE
    return case.sla


def _active_staff():
    return User.objects.filter(is_active=True, is_staff=True).order_by(User.USERNAME_FIELD)


# --- The queue's filters ------------------------------------------------------------------------


class OwnerFilter(admin.SimpleListFilter):
    title = _("owner")
    parameter_name = "owner"

    def lookups(self, request, model_admin):
        return (("mine", _("Mine")), ("nobody", _("Unassigned")))

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(owner=request.user)
        if self.value() == "nobody":
            return queryset.filter(owner__isnull=True)
        return queryset


class SlaFilter(admin.SimpleListFilter):
    title = _("SLA")
    parameter_name = "sla"

    def lookups(self, request, model_admin):
        return (*Case.Sla.choices, ("escalated", _("Escalated")))

    def queryset(self, request, queryset):
        value, now = self.value(), timezone.now()
        if value == Case.Sla.OVERDUE:
            return queryset.filter(selectors.overdue(now))
        if value in (Case.Sla.ON_TRACK, Case.Sla.AT_RISK):
            return queryset.filter(sla=value, status__in=Case.OPEN_STATUSES, due_at__gt=now)
        if value in (Case.Sla.MET, Case.Sla.MISSED):
            return queryset.filter(sla=value)
        if value == "escalated":
            return queryset.filter(escalated_at__isnull=False)
        return queryset


class LanguageFilter(admin.SimpleListFilter):
    """The comment's language as the analysis read it (a fixed set: no query over the cases to list them)."""

    title = _("language")
    parameter_name = "language"

    def lookups(self, request, model_admin):
        return LANGUAGES

    def queryset(self, request, queryset):
        return queryset.filter(language=self.value()) if self.value() else queryset


# --- Forms ---------------------------------------------------------------------------------------


class CaseForm(forms.ModelForm):
    """What staff may change on a case; the service judges the change, and its refusal lands on the field."""

    note = forms.CharField(label=_("add a note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    notify_customer = forms.BooleanField(
        label=_("notify the customer"),
        required=False,
        help_text=_("Email the resolution note in the customer's language (a resolved case only)."),
    )
    resurvey_in_days = forms.IntegerField(
        label=_("re-survey in N days"),
        required=False,
        min_value=1,
        max_value=365,
        help_text=_("Ask the same survey again after the case is resolved."),
    )

    refused: services.CaseChangeRefused | None = None  # set by CaseAdmin when the service refused this post

    class Meta:
        model = Case
        fields = ("owner", "status", "priority", "root_cause", "resolution")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Active staff and active causes, and whatever the case has now (so that an unchanged form stays valid).
        if "owner" in self.fields:
            self.fields["owner"].queryset = User.objects.filter(
                Q(is_active=True, is_staff=True) | Q(pk=self.instance.owner_id)
            ).order_by(User.USERNAME_FIELD)
        if "root_cause" in self.fields:
            self.fields["root_cause"].queryset = RootCause.objects.filter(
                Q(active=True) | Q(pk=self.instance.root_cause_id)
            )

    def clean(self):
        cleaned_data = super().clean()
        if self.refused is not None:
            for field, errors in self.refused.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        return cleaned_data

    def case_change(self) -> services.CaseChange:
        """The change asked for: the model fields that changed, the rest left as they are."""
        changed = set(self.changed_data)
        data = self.cleaned_data

        def value(name, attr=None):
            if name not in changed:
                return services.UNSET
            return getattr(data[name], attr) if attr and data[name] is not None else data[name]

        return services.CaseChange(
            owner_id=value("owner", "pk"),
            status=value("status"),
            priority=value("priority"),
            root_cause_id=value("root_cause", "pk"),
            resolution=value("resolution"),
            note=data.get("note", ""),
            notify_customer=data.get("notify_customer", False),
            resurvey_in_days=data.get("resurvey_in_days"),
        )


class CaseActionForm(helpers.ActionForm):
    """The action bar, with what "Resolve" needs."""

    root_cause = forms.ModelChoiceField(
        label=_("Root cause"), queryset=RootCause.objects.filter(active=True), required=False
    )
    resolution = forms.CharField(label=_("Resolution"), required=False, widget=forms.TextInput(attrs={"size": 30}))


class AssignForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("owner"), queryset=_active_staff())


# --- Cases ---------------------------------------------------------------------------------------


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CaseTriggerInline(ReadOnlyInline):
    """The answers that opened the case or were attached to it."""

    model = CaseTrigger
    fields = ("given_at", "survey_kind", "score", "sentiment", "touchpoint_key", "comment")


class CaseActivityInline(ReadOnlyInline):
    """What happened to the case, oldest first."""

    model = CaseActivity
    fields = ("created_at", "actor", "kind", "message")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "priority_badge",
        "sla_badge",
        "reason",
        "status",
        "customer",
        "score_shown",
        "excerpt",
        "touchpoint_key",
        "language",
        "sentiment_shown",
        "owner",
        "due_at",
    )
    list_filter = ("status", "priority", SlaFilter, OwnerFilter, "touchpoint_key", "root_cause", LanguageFilter)
    search_fields = ("customer_external_id", "customer_name", "customer_email", "comment")
    list_select_related = ("owner", "root_cause", "team")
    list_per_page = 50
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
            {"fields": ("customer_notified_at", "customer_note", "resurvey_due_at", "recovery_score")},
        ),
        (_("The customer's other cases"), {"fields": ("other_cases",)}),
    )
    editable_fields = frozenset(CaseForm.Meta.fields) | frozenset(CaseForm.declared_fields)

    def get_readonly_fields(self, request, obj=None):
        """Everything but what staff work with: the snapshot is what the customer said, as it was."""
        return [field for field in flatten_fieldsets(self.fieldsets) if field not in self.editable_fields]

    def get_queryset(self, request):
        return selectors.case_list()

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
        return _badge(f"P{case.priority}", PRIORITY_COLOURS.get(case.priority, "#7f8c8d"))

    @admin.display(description=_("SLA"), ordering="due_at")
    def sla_badge(self, case: Case) -> str:
        state = _sla_state(case)
        badge = _badge(Case.Sla(state).label, SLA_COLOURS[state])
        if case.escalated_at is None:
            return badge
        return format_html("{} {}", badge, _badge(_("escalated"), "#6c3483"))

    @admin.display(description=_("customer"), ordering="customer_external_id")
    def customer(self, case: Case) -> str:
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
        return f"{case.survey_kind.upper()} {'—' if case.score is None else case.score}"

    @admin.display(description=_("comment"))
    def excerpt(self, case: Case) -> str:
        return case.comment if len(case.comment) <= 60 else case.comment[:59] + "…"

    @admin.display(description=_("sentiment"), ordering="polarity")
    def sentiment_shown(self, case: Case) -> str:
        if case.polarity is None:
            return case.sentiment or "—"
        return f"{case.sentiment} {case.polarity:+.2f}"

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


# --- What leads configure ------------------------------------------------------------------------


class TeamTouchpointInline(admin.TabularInline):
    model = TeamTouchpoint
    extra = 1


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "group", "lead", "is_default", "touchpoint_keys")
    list_select_related = ("group", "lead")
    inlines = (TeamTouchpointInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("touchpoints")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "lead":
            kwargs["queryset"] = _active_staff()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("touchpoints"))
    def touchpoint_keys(self, team: Team) -> str:
        return ", ".join(touchpoint.touchpoint_key for touchpoint in team.touchpoints.all()) or "—"


@admin.register(CaseRule)
class CaseRuleAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "enabled",
        "nps_detractor_max",
        "ces_hard_max",
        "csat_dissatisfied_max",
        "negative_polarity",
        "high_value",
    )
    list_filter = ("enabled",)


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ("priority", "hours")


@admin.register(RootCause)
class RootCauseAdmin(admin.ModelAdmin):
    list_display = ("key", "name_en", "name_zh", "active", "position")
    list_filter = ("active",)
    search_fields = ("key", "name_en", "name_zh")
    prepopulated_fields = {"key": ("name_en",)}


@admin.register(NoteTemplate)
class NoteTemplateAdmin(admin.ModelAdmin):
    list_display = ("language", "subject")
