"""The case queue's result list: the admin's own template, with rows built a column at a time."""

from django import template
from django.contrib.admin.templatetags.admin_list import result_headers, result_list
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from closedloop.admin.queue import result_rows, rows_supported

register = template.Library()


@register.inclusion_tag("admin/change_list_results.html")
def case_result_list(cl):
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
