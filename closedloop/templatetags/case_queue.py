"""The case queue's result list: the admin's own template, its rows built by closedloop.queue_rows."""

from django import template

from closedloop.queue_rows import case_result_list

register = template.Library()
register.inclusion_tag("admin/change_list_results.html")(case_result_list)
