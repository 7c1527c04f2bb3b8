"""The "Why accounts leave" page in the admin, for CX leads and customer success: reasons beside the accounts."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from accounts.models import Stage
from insights.api.churn_reasons import ChurnReasonsQuerySerializer
from insights.churn_reasons_report import churn_reasons_report
from portfolio.selectors import account_csms, account_plans

PERMISSIONS = ("insights.view_insights", "accounts.view_churnrecord")
DEFAULT_SEGMENT = "plan"


def churn_reasons_page(request):
    """Render the report for the filters in the query string; bad filters are shown, with a 400."""
    if not request.user.has_perms(PERMISSIONS):
        raise PermissionDenied
    params = request.GET.copy()
    for name, values in request.GET.lists():  # an empty select of the filter form means "all"
        chosen = [value for value in values if value != ""]
        if chosen:
            params.setlist(name, chosen)
        else:
            del params[name]
    params.setdefault("segment", DEFAULT_SEGMENT)
    query = ChurnReasonsQuerySerializer(data=params)
    context = {
        **admin.site.each_context(request),
        "title": _("Why accounts leave"),
        "chosen": request.GET,
        "segment": params["segment"],
        "plans": account_plans(),
        "stages": Stage.choices,
        "shown_since": "",  # the days shown, once the filters are valid
        "shown_until": "",
        "csms": [(user.username, user.get_full_name() or user.username) for user in account_csms()],
    }
    if not query.is_valid():
        context["errors"] = {name: " ".join(map(str, _flat(errors))) for name, errors in query.errors.items()}
        return TemplateResponse(request, "admin/insights/churn_reasons.html", context, status=400)
    report = churn_reasons_report(**query.validated_data)
    context.update(report=report, shown_since=report.since.isoformat(), shown_until=report.until.isoformat())
    return TemplateResponse(request, "admin/insights/churn_reasons.html", context)


def _flat(errors):
    if isinstance(errors, dict):
        return [e for value in errors.values() for e in _flat(value)]
    if isinstance(errors, list):
        return [e for value in errors for e in _flat(value)]
    return [errors]
