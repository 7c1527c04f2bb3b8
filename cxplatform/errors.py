"""Error pages: JSON in the API's error shape under /api/, Django's pages elsewhere.

A lost database connection is not the caller's fault nor a bug: every page answers it with
503 and a Retry-After, as the API's own handler does (common.api.errors).
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views import defaults

from common.api.errors import DATABASE_RETRY_AFTER_SECONDS, error_body


def not_found(request, exception):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("not_found", f"No endpoint at {request.path}."), status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_unavailable(request)
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("server_error", "Internal error; it has been logged."), status=500)
    return defaults.server_error(request)


def database_unavailable(request):
    if request.path.startswith("/api/"):
        body = error_body("database_unavailable", "The database is unavailable; retry shortly.")
        response = JsonResponse(body, status=503)
    else:
        message = _("The service is briefly unavailable; please try again in a moment.")
        page = format_html("<!doctype html><title>503</title><h1>503</h1><p>{}</p>", message)
        response = HttpResponse(page, status=503, content_type="text/html")
    response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    return response
