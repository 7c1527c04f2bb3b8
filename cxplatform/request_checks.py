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
        places = _places_with_nul(request)
        if not places:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            fields = {
                place: [f"The {'path' if place == 'path' else 'value'} contains a NUL character (%00)."]
                for place in places
            }
            message = f"A NUL character (%00), which no id or filter value may contain, in: {', '.join(places)}."
            return JsonResponse(error_body("invalid_characters", message, fields), status=400)
        page = format_html(
            "<!doctype html><title>400</title><h1>400</h1><p>{}</p>",
            _("The request contains a NUL character (%00), which no id, filter or form value may contain."),
        )
        return HttpResponse(page, status=400, content_type="text/html")


def _places_with_nul(request) -> list[str]:
    """Where the percent-decoded request carries a NUL: "path", and each parameter or admin form field by name."""
    places = ["path"] if NUL in request.path else []
    data = [request.GET]
    if request.method == "POST" and request.path.startswith(ADMIN) and request.content_type in FORMS:
        data.append(request.POST)
    for values in data:
        for name, items in values.lists():
            if NUL in name or any(NUL in item for item in items):
                places.append(name.replace(NUL, "%00"))
    return places
