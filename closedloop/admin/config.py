"""What leads configure: teams and their touchpoints, case and account risk rules, SLAs, root causes, notes."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from closedloop.admin.forms import active_staff
from closedloop.models import (
    AccountRiskRule,
    CaseRule,
    NoteTemplate,
    RootCause,
    SlaPolicy,
    Team,
    TeamTouchpoint,
)

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
            kwargs["queryset"] = active_staff()
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
        "min_confidence",
        "high_value",
    )
    list_filter = ("enabled",)


@admin.register(AccountRiskRule)
class AccountRiskRuleAdmin(admin.ModelAdmin):
    """One rule per reason an account is at risk, shipped with the product: leads tune them, never add or delete."""

    list_display = ("reason", "enabled", "threshold", "priority")
    list_editable = ("enabled", "threshold", "priority")
    list_filter = ("enabled",)
    fields = ("reason", "enabled", "threshold", "priority")
    readonly_fields = ("reason",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
