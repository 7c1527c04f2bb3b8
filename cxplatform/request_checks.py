"""Refuse a request whose address carries a NUL character, before any view reads it.

No id, slug or filter value can contain NUL, and PostgreSQL refuses it in text, so a lookup by
`/api/v1/customers/%00/` or an admin list filtered by `?external_id=%00` would end in a 500. Every
such address is answered here instead: 400, naming where the NUL is (the path or the parameter).
The admin's posted forms are checked too: an action's selected ids (`_selected_action`) are
looked up before any form field could refuse them. Other forms and JSON bodies are checked where
they are read (Django's and DRF's character fields refuse NUL, naming the field).
"""

from django.http import HttpResponse, JsonResponse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from common.api.errors import error_body

NUL = "\x00"
ADMIN = "/admin/"
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


class RefuseNulMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        where = _where_nul(request)
        if where is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            message = f"The {where} contains a NUL character (%00), which no id or filter value may contain."
            field = "path" if where == "path" else where.removeprefix("parameter ")
            return JsonResponse(error_body("invalid_characters", message, {field: [message]}), status=400)
        page = format_html(
            "<!doctype html><title>400</title><h1>400</h1><p>{}</p>",
            _("The request contains a NUL character (%00), which no id, filter or form value may contain."),
        )
        return HttpResponse(page, status=400, content_type="text/html")


def _where_nul(request) -> str | None:
    """'path', 'parameter <name>' or None: where the percent-decoded address first carries a NUL."""
    if NUL in request.path:
        return "path"
    for name, values in request.GET.lists():
        if NUL in name or any(NUL in value for value in values):
            return f"parameter {name.replace(NUL, '%00')}"
    if request.method == "POST" and request.path.startswith(ADMIN) and request.content_type in FORMS:
        for name, values in request.POST.lists():
            if NUL in name or any(NUL in value for value in values):
                return f"field {name.replace(NUL, '%00')}"
    return None
