"""Everything the insights dashboard shows, read for one set of filters."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.cache import cache
from django.utils import timezone

from accounts.backtest_report import Backtest, health_backtest
from accounts.backtest_report import default_since as backtest_since
from closedloop.selectors import LoopKpis
from insights.advocacy import ReferralKpis, referral_kpis
from insights.drivers import DriverReport, score_drivers
from insights.filters import ScoreFilters
from insights.loop import loop_kpis, response_rates
from insights.periods import day_after, day_start
from insights.retention_report import RetentionResult, default_since, retention_series
from insights.series import Breakdown, SeriesResult, score_breakdown, score_series
from surveys.selectors import ResponseRate

# The dashboard's retention and back-test (every account: each well under 1 s at 5,000 accounts) are kept this long.
RETENTION_SECONDS = 300


@dataclass(frozen=True, slots=True)
class Dashboard:
    series: SeriesResult
    touchpoints: Breakdown
    plans: Breakdown
    drivers: DriverReport
    loop: LoopKpis
    response_rates: list[ResponseRate]
    advocacy: ReferralKpis
    retention: RetentionResult  # every account, the 12 months to today's, whatever the filters
    backtest: Backtest  # every account, the 24 months to today


def dashboard(
    *,
    filters: ScoreFilters,
    interval: str,
    since: date,
    until: date,
    min_sample: int = 30,
    reward_cost: Decimal = Decimal(0),
) -> Dashboard:
    """Everything the insights dashboard shows, for one set of filters."""
    today = timezone.localdate()
    series = score_series(filters=filters, interval=interval, since=since, until=until, min_sample=min_sample)
    since, until = series.since, series.until  # whole buckets, for every figure on the page
    period = {"filters": filters, "since": since, "until": until}
    return Dashboard(
        series=series,
        touchpoints=score_breakdown(**period, by="touchpoint", min_sample=min_sample),
        plans=score_breakdown(**period, by="plan", min_sample=min_sample),
        drivers=score_drivers(**period, min_sample=min_sample, limit=15),
        loop=loop_kpis(**period),
        response_rates=response_rates(**period),
        advocacy=referral_kpis(since=day_start(since), until=day_after(until), reward_cost=reward_cost),
        retention=cache.get_or_set(
            f"insights:dashboard-retention:{today.isoformat()}",
            lambda: retention_series(interval="month", since=default_since(today), until=today),
            RETENTION_SECONDS,
        ),
        backtest=cache.get_or_set(
            f"insights:dashboard-backtest:{today.isoformat()}",
            lambda: health_backtest(since=backtest_since(today), until=today),
            RETENTION_SECONDS,
        ),
    )
