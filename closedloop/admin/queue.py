"""The case queue: its badges and filters (its rows are built by closedloop.queue_rows)."""

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from closedloop import selectors
from closedloop.models import Case

PRIORITY_COLOURS = {1: "#ba2121", 2: "#d35400", 3: "#b7950b", 4: "#7f8c8d"}
SLA_COLOURS = {
    Case.Sla.ON_TRACK: "#2e7d32",
    Case.Sla.AT_RISK: "#d35400",
    Case.Sla.OVERDUE: "#ba2121",
    Case.Sla.MET: "#5d8a5e",
    Case.Sla.MISSED: "#7b241c",
}
LANGUAGES = (("zh", _("Chinese")), ("en", _("English")), ("mixed", _("Mixed")), ("other", _("Other")))


def badge(text, colour: str) -> str:
    return format_html(
        '<span class="cx-badge" style="background:{};color:#fff;border-radius:4px;padding:1px 6px;'
        'font-weight:600;white-space:nowrap">{}</span>',
        colour,
        text,
    )


def sla_state(case: Case) -> str:
    """The case's SLA state; an open case past due is overdue even before the periodic check marks it."""
    if case.is_open and case.due_at <= timezone.now():
        return Case.Sla.OVERDUE
    return case.sla


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
        value = self.value()
        if value in Case.Sla.values:
            return queryset.filter(selectors.sla_is(value))
        if value == "escalated":
            return queryset.filter(escalated_at__isnull=False)
        return queryset


class TouchpointFilter(admin.SimpleListFilter):
    """The touchpoint a case came from; the list comes off an index, not from reading every case."""

    title = _("touchpoint")
    parameter_name = "touchpoint_key"

    def lookups(self, request, model_admin):
        return [(key, key or _("(none)")) for key in selectors.case_touchpoint_keys()]

    def queryset(self, request, queryset):
        return queryset if self.value() is None else queryset.filter(touchpoint_key=self.value())


class LanguageFilter(admin.SimpleListFilter):
    """The comment's language as the analysis read it (a fixed set: no query over the cases to list them)."""

    title = _("language")
    parameter_name = "language"

    def lookups(self, request, model_admin):
        return LANGUAGES

    def queryset(self, request, queryset):
        return queryset.filter(language=self.value()) if self.value() else queryset
