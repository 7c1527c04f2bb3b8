"""The insights dashboard in the admin, for CX staff and leads: trend, touchpoints, drivers, loop and advocates."""

import math
from datetime import timedelta

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.backtest_selectors import default_health_scorecard
from common import charts
from common.chinese import in_script, reads_traditional
from insights.api.queries import DEFAULT_INTERVAL, SeriesQuerySerializer
from insights.dashboard import dashboard
from insights.filters import segment_values, survey_choices, touchpoint_choices
from insights.periods import INTERVALS, period_before
from surveys.scoring import SurveyKind

# The y axis of each kind's chart: NPS points, CSAT %, the CES mean.
CHART_RANGE = {SurveyKind.NPS: (-100.0, 100.0, ""), SurveyKind.CSAT: (0.0, 100.0, "%"), SurveyKind.CES: (1.0, 7.0, "")}


def insights_dashboard(request):
    """Render the dashboard for the filters in the query string; bad filters are shown, with a 400."""
    if not request.user.has_perm("insights.view_insights"):
        raise PermissionDenied
    params = request.GET.copy()
    for name in [name for name, value in params.items() if value == ""]:
        del params[name]  # an empty select of the filter form means "all"
    query = SeriesQuerySerializer(data=params)
    context = {
        **admin.site.each_context(request),
        "title": _("Insights"),
        "surveys": survey_choices(),
        "touchpoints": touchpoint_choices(),
        "plans": segment_values("plan"),
        "languages": settings.LANGUAGES,
        "kinds": [kind.value for kind in SurveyKind],
        "intervals": INTERVALS,
        "chosen": request.GET,
        "interval": params.get("interval") or DEFAULT_INTERVAL,
        "shown_since": "",  # the days shown, once the filters are valid
        "shown_until": "",
    }
    if not query.is_valid():
        context["errors"] = {name: " ".join(str(e) for e in _flat(errors)) for name, errors in query.errors.items()}
        return TemplateResponse(request, "admin/insights/dashboard.html", context, status=400)
    data = query.validated_data
    board = dashboard(
        filters=data["filters"],
        interval=data["interval"],
        since=data["since"],
        until=data["until"],
        min_sample=settings.CX_METRICS_MIN_SAMPLE,
        reward_cost=settings.CX_REFERRAL_REWARD_COST,
    )
    kind = SurveyKind(data["filters"].kind)
    floor, ceiling, unit = CHART_RANGE[kind]
    line = board.series.series[0].buckets if board.series.series else []
    chart = charts.trend_chart(
        [
            charts.TrendInput(
                label=_bucket_label(bucket.start, data["interval"]),
                value=bucket.figure.estimate.value,
                low=bucket.figure.estimate.low,
                high=bucket.figure.estimate.high,
                n=bucket.figure.n,
                small=bucket.figure.n < settings.CX_METRICS_MIN_SAMPLE,
                change=_direction(bucket.change),
            )
            for bucket in line
        ],
        floor=floor,
        ceiling=ceiling,
        unit=unit,
    )
    since, until = board.series.since, board.series.until
    previous_since = period_before(interval=data["interval"], since=since, until=until)
    chinese = (get_language() or "").startswith("zh")
    largest = max((abs(s.contribution or 0) for s in board.touchpoints.segments), default=0)
    context.update(
        board=board,
        kind=kind.value,
        chart=chart,
        interval=data["interval"],
        headline_change=_direction(board.series.change),
        touchpoint_rows=[(s, charts.bar_width(s.contribution, largest=largest)) for s in board.touchpoints.segments],
        # stored Chinese names are simplified: in_script shows them in traditional forms to zh-Hant readers
        drivers=[(d, _driver_name(d, chinese)) for d in board.drivers.drivers],
        root_causes=[
            (in_script(name_zh) if chinese and name_zh else name_en, n)
            for _key, name_en, name_zh, n in board.loop.root_causes
        ],
        min_sample=settings.CX_METRICS_MIN_SAMPLE,
        period_days=(until - since).days + 1,
        previous_since=previous_since,
        previous_until=since - timedelta(days=1),
        shown_since=since.isoformat(),
        shown_until=until.isoformat(),
        retention_chart=_retention_chart(board.retention.buckets),
        suggestion_url=_suggestion_url(request.user),
    )
    return TemplateResponse(request, "admin/insights/dashboard.html", context)


def _driver_name(driver, chinese: bool) -> str:
    """A driver's name in the reader's language; an option's own traditional label for zh-Hant when it has one."""
    if not chinese:
        return driver.name_en
    if driver.name_zh_hant and reads_traditional():
        return driver.name_zh_hant
    return in_script(driver.name_zh)


def _suggestion_url(user) -> str:
    scorecard = default_health_scorecard() if user.has_perm("accounts.change_scorecard") else None
    return reverse("admin:accounts_scorecard_suggestion", args=[scorecard.pk]) if scorecard else ""


def _retention_chart(buckets) -> dict:
    """GRR and NRR per month in %, on one axis: two charts of the same range, drawn over each other."""
    values = [100 * v for b in buckets for v in (b.grr, b.nrr) if v is not None]
    floor = math.floor(min(values, default=80) / 10) * 10
    ceiling = max(floor + 10, math.ceil(max(values, default=110) / 10) * 10)

    def chart(name):
        return charts.trend_chart(
            [
                charts.TrendInput(
                    label=bucket.start.strftime("%Y-%m"),
                    value=None if getattr(bucket, name) is None else 100 * getattr(bucket, name),
                    low=None,
                    high=None,
                    n=bucket.accounts_start,
                    small=False,
                )
                for bucket in buckets
            ],
            floor=floor,
            ceiling=ceiling,
            unit="%",
            whole_range=True,
            height=200,
        )

    return {"grr": chart("grr"), "nrr": chart("nrr")}


def _direction(change) -> str:
    if change is None or not change.significant or not change.difference:
        return ""
    return "up" if change.difference > 0 else "down"


def _bucket_label(start, interval: str) -> str:
    return start.strftime("%Y-%m") if interval == "month" else start.strftime("%m-%d")


def _flat(errors):
    if isinstance(errors, dict):
        return [e for value in errors.values() for e in _flat(value)]
    if isinstance(errors, list):
        return [e for value in errors for e in _flat(value)]
    return [errors]
