"""The "What customers ask for" page in the admin, for CX leads, and its CSV / XLSX download for the product team."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from insights.api.requests import PERMISSIONS, RequestsExportQuerySerializer, RequestsQuerySerializer
from insights.filters import touchpoint_choices
from insights.request_exports import FORMATS, requests_export_response
from insights.requests_report import requests_report
from surveys.scoring import SurveyKind

TEMPLATE = "admin/insights/requests.html"


def _params(request):
    """The query string without the filter form's empty selects ("all")."""
    params = request.GET.copy()
    for name, values in request.GET.lists():
        chosen = [value for value in values if value != ""]
        if chosen:
            params.setlist(name, chosen)
        else:
            del params[name]
    return params


def _context(request) -> dict:
    return {
        **admin.site.each_context(request),
        "title": _("What customers ask for"),
        "chosen": request.GET,
        "kinds": [kind.value for kind in SurveyKind],
        "touchpoints": touchpoint_choices(),
        "languages": settings.LANGUAGES,
        "shown_since": "",  # the days shown, once the filters are valid
        "shown_until": "",
    }


def _refused(request, query, context):
    context["errors"] = {name: " ".join(map(str, _flat(errors))) for name, errors in query.errors.items()}
    return TemplateResponse(request, TEMPLATE, context, status=400)


def requests_page(request):
    """Render the report for the filters in the query string; bad filters are shown, with a 400."""
    if not request.user.has_perms(PERMISSIONS):
        raise PermissionDenied
    params = _params(request)
    query = RequestsQuerySerializer(data=params)
    context = _context(request)
    if not query.is_valid():
        return _refused(request, query, context)
    report = requests_report(**query.validated_data)
    base = reverse("insights-requests-export")
    context.update(
        report=report,
        shown_since=report.since.isoformat(),
        shown_until=report.until.isoformat(),
        exports=[
            (kind.upper(), f"{base}?{urlencode([*params.lists(), ('format', [kind])], doseq=True)}") for kind in FORMATS
        ],
    )
    return TemplateResponse(request, TEMPLATE, context)


def requests_export(request):
    """The report for the same filters as a file (format=csv or xlsx); bad filters are shown on the page, with a 400."""
    if not request.user.has_perms(PERMISSIONS):
        raise PermissionDenied
    query = RequestsExportQuerySerializer(data=_params(request))
    if not query.is_valid():
        return _refused(request, query, _context(request))
    data = dict(query.validated_data)
    kind = data.pop("format")
    return requests_export_response(requests_report(**data), kind=kind, examples=data["examples"])


def _flat(errors):
    if isinstance(errors, dict):
        return [e for value in errors.values() for e in _flat(value)]
    if isinstance(errors, list):
        return [e for value in errors for e in _flat(value)]
    return [errors]
