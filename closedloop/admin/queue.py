"""The case queue: its badges, filters and rows."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import display_for_field, display_for_value
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from closedloop import selectors
from closedloop.models import (
    Case,
)

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


# --- The queue's rows ----------------------------------------------------------------------------------


def result_rows(cl) -> list[list[str]]:
    """A change list's rows as the admin renders them (admin_list.items_for_result), each column resolved once.

    The admin resolves every cell's column anew: the field, its metadata, the display method,
    the link and its preserved filters. With 50 rows of 14 columns that was most of the queue
    page's time. Not for lists with inline editing, popups, or columns rows_supported refuses
    (case_result_list leaves those to the admin).
    """
    columns = [_column(cl, name) for name in cl.list_display]
    return [[column(obj) for column in columns] for obj in cl.result_list]


def rows_supported(cl) -> bool:
    """Whether result_rows can build every column: model fields and the model admin's display methods.

    Anything else (a model property or method, a callable, `__str__`) is left to the admin's own rows.
    """
    return all(
        isinstance(name, str)
        and (_field(cl, name) is not None or (hasattr(cl.model_admin, name) and name not in ("__str__", "__repr__")))
        for name in cl.list_display
    )


def _field(cl, name: str):
    """The concrete model field a column shows, looked up first as the admin's lookup_field does; else None."""
    try:
        field = cl.lookup_opts.get_field(name)
    except FieldDoesNotExist:
        return None
    if not field.concrete or field.many_to_many or (field.is_relation and name == field.attname != field.name):
        return None
    return field


def _column(cl, name: str) -> Callable[[Any], str]:
    """A function that renders this column's cell for one object."""
    model_admin, empty = cl.model_admin, cl.model_admin.get_empty_value_display()
    if name == "action_checkbox":
        label = gettext("Select this object for an action - {}")
        return lambda obj: format_html(
            '<td class="action-checkbox"><input type="checkbox" name="{}" value="{}" class="action-select"'
            ' aria-label="{}"></td>',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            label.format(obj),
        )
    nowrap = False
    field = _field(cl, name)
    if field is None:  # the model admin's own display method (rows_supported checked there is one)
        method = getattr(model_admin, name)
        empty = getattr(method, "empty_value_display", empty)
        boolean = getattr(method, "boolean", False)

        def shown(obj):
            return display_for_value(method(obj), empty, boolean)

    else:
        nowrap = isinstance(field, models.DateField | models.TimeField | models.ForeignKey)
        if field.is_relation:

            def shown(obj):
                related = getattr(obj, field.name)
                return empty if related is None else related

        elif field.flatchoices:  # each label translated once a page, not once a cell
            labels = {value: str(label) for value, label in field.flatchoices}

            def shown(obj):
                return labels.get(getattr(obj, field.attname), empty)

        else:

            def shown(obj):
                value = getattr(obj, field.attname)
                return display_for_field("" if isinstance(value, str) and not value.strip() else value, field, empty)

    css = f"field-{name}{' nowrap' if nowrap else ''}"
    if name not in (cl.list_display_links or ()):
        return lambda obj: format_html('<td class="{}">{}</td>', css, shown(obj))
    # One URL resolved for the page, each row's id put in its place (the ids are integers).
    sentinel = "987654321987654321"
    url = add_preserved_filters(
        {"preserved_filters": cl.preserved_filters, "opts": cl.opts},
        reverse(f"admin:{cl.opts.app_label}_{cl.opts.model_name}_change", args=(sentinel,)),
    )
    before, after = url.split(sentinel, 1)
    return lambda obj: format_html(
        '<th class="{}"><a href="{}{}{}">{}</a></th>', css, before, obj.pk, after, shown(obj)
    )
