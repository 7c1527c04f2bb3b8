"""The "Scores by answer" page in the admin: a survey's score broken down by the options of one of its questions."""

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from common import charts
from insights.answers import answer_breakdown, breakable_questions
from insights.api.answers import AnswerQuerySerializer, reader_locale
from insights.filters import segment_values, touchpoint_choices
from insights.request_views import _flat, _params
from insights.views import CHART_RANGE
from surveys.scoring import SurveyKind

TEMPLATE = "admin/insights/answers.html"
INTERVAL_WIDTH = 160  # the error bar's axis, in px


def answers_page(request):
    """Render the breakdown for the question and filters in the query string; bad ones are shown, with a 400."""
    if not request.user.has_perm("insights.view_insights"):
        raise PermissionDenied
    params = _params(request)
    locale = reader_locale()
    context = {
        **admin.site.each_context(request),
        "title": _("Scores by answer"),
        "questions": breakable_questions(locale=locale),
        "touchpoints": touchpoint_choices(),
        "plans": segment_values("plan"),
        "languages": settings.LANGUAGES,
        "chosen": request.GET,
        "min_sample": settings.CX_METRICS_MIN_SAMPLE,
        "shown_since": "",  # the days shown, once the filters are valid
        "shown_until": "",
    }
    if "question" not in params:
        return TemplateResponse(request, TEMPLATE, context)
    query = AnswerQuerySerializer(data=params)
    if not query.is_valid():
        context["errors"] = {name: " ".join(map(str, _flat(errors))) for name, errors in query.errors.items()}
        return TemplateResponse(request, TEMPLATE, context, status=400)
    report = answer_breakdown(**query.validated_data, locale=locale, min_sample=settings.CX_METRICS_MIN_SAMPLE)
    floor, ceiling, unit = CHART_RANGE[SurveyKind(report.kind)]
    context.update(
        report=report,
        unit=unit,
        rows=[_row(option, floor, ceiling) for option in [*report.options, report.not_answered]],
        zero=_x(0.0 if floor < 0 else floor, floor, ceiling),
        shown_since=report.since.isoformat(),
        shown_until=report.until.isoformat(),
    )
    return TemplateResponse(request, TEMPLATE, context)


def _row(option, floor: float, ceiling: float) -> tuple:
    """An option's line: the option, where its interval falls, and how long its share's bar is."""
    return (
        option,
        _interval(option.figure.estimate, floor, ceiling),
        charts.bar_width(option.share, largest=1.0, width=60),
    )


def _x(value: float, floor: float, ceiling: float) -> float:
    return round(INTERVAL_WIDTH * (min(max(value, floor), ceiling) - floor) / (ceiling - floor), 1)


def _interval(estimate, floor: float, ceiling: float) -> dict | None:
    """Where the score and its 95% interval fall on the kind's axis (NPS −100…100, CSAT 0…100 %, CES 1…7)."""
    if estimate.value is None:
        return None
    low = estimate.low if estimate.low is not None else estimate.value
    high = estimate.high if estimate.high is not None else estimate.value
    return {"x": _x(estimate.value, floor, ceiling), "low": _x(low, floor, ceiling), "high": _x(high, floor, ceiling)}
