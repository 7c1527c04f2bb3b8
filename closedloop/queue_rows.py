"""The case queue's rows built a column at a time: a speed helper for the admin's case list.

The admin resolves every cell's column anew: the field, its metadata, the display method, the
link and its preserved filters. With 50 rows of 14 columns that was most of the queue page's
time. `case_result_list` is the `{% case_result_list cl %}` tag of the queue's template
(closedloop/templatetags/case_queue.py): the admin's own `result_list`, with these rows. Its
equivalence with the admin's own rows is tested in tests/closedloop/test_queue_rows.py.
"""

from collections.abc import Callable
from typing import Any

from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_list import result_headers, result_list
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import display_for_field, display_for_value
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext


def case_result_list(cl) -> dict[str, Any]:
    """Like the admin's `result_list`; inline editing, popups and columns it cannot build get the admin's own."""
    if cl.formset or cl.is_popup or cl.to_field or not rows_supported(cl):
        return result_list(cl)
    headers = list(result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": [],
        "result_headers": headers,
        "num_sorted_fields": sum(1 for header in headers if header["sortable"] and header["sorted"]),
        # one piece of HTML per row (each cell escaped unless it is HTML already, as every cell is):
        # the template's loop then runs once a row, not once a cell
        "results": [[mark_safe("".join(map(conditional_escape, row)))] for row in result_rows(cl)],  # noqa: S308
    }


def result_rows(cl) -> list[list[str]]:
    """A change list's rows as the admin renders them (admin_list.items_for_result), each column resolved once.

    Not for lists with inline editing, popups, or columns rows_supported refuses (case_result_list
    leaves those to the admin).
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
