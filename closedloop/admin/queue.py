"""The case queue: its badges and filters (its rows are built by closedloop.queue_rows)."""

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
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


class StatusFilter(admin.SimpleListFilter):
    """The queue opens on the open work (new, assigned, contacted); "All cases" and each status are a click away.

    Its parameter is the one the plain status filter had (`status__exact`), so links into the queue keep
    working. The default gives way where a link asks for ended cases: a plain `status`/`status__in`
    lookup, or the SLA of ended cases (met, missed).
    """

    title = _("status")
    parameter_name = "status__exact"
    OPEN = "open"
    ALL = "all"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        asked = request.GET
        self.default = (
            self.ALL
            if "status" in asked or "status__in" in asked or asked.get("sla") in (Case.Sla.MET, Case.Sla.MISSED)
            else self.OPEN
        )

    def lookups(self, request, model_admin):
        return ((self.OPEN, _("Open work")), *Case.Status.choices, (self.ALL, _("All cases")))

    def value(self):
        return super().value() or self.default

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.OPEN:
            return queryset.filter(status__in=Case.OPEN_STATUSES)
        if value in Case.Status.values:
            return queryset.filter(status=value)
        if value == self.ALL:
            return queryset
        raise IncorrectLookupParameters(f"status__exact: unknown status {value!r}")

    def choices(self, changelist):
        """Each choice, the default among them: no unnamed "All" before them (the list has its own)."""
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


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


# --- One-click views above the list ------------------------------------------------------------

QUICK_VIEWS = (
    (_("Open work"), {}),
    (_("Mine"), {"owner": "mine"}),
    (_("Unassigned"), {"owner": "nobody"}),
    (_("Overdue"), {"sla": Case.Sla.OVERDUE}),
    (_("All cases"), {StatusFilter.parameter_name: StatusFilter.ALL}),
)
NOT_A_VIEW = ("o", "p", "q", "_facets")  # ordering, page, search and counts do not change which view it is


def quick_views(request) -> list[dict]:
    """The queue's one-click views (open work, mine, unassigned, overdue, all), and which one is shown."""
    asked = {name: value for name, value in request.GET.items() if name not in NOT_A_VIEW}
    return [
        {"label": label, "url": "?" + urlencode(params), "current": asked == params} for label, params in QUICK_VIEWS
    ]
