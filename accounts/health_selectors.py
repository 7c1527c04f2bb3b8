"""Reads for health: the scorecards as pure values, and the plain-Python reference of the window values.

`window_values_reference` computes what accounts.sql_health computes, by plain Python over one
account's signal rows. It is slow and obvious on purpose: the tests (both engines) and the benchmark
compare the SQL with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings

from accounts import sql_health
from accounts.models import Account, AccountSignal, Scorecard
from accounts.scoring import LATEST, MEAN_30, SHARE, TREND_30, Card, Measure, Result, Source, score, share, trend
from accounts.sql_health import EARLIER_DAYS, RECENT_DAYS
from accounts.stages import StageDays, stage_on

# (kind, stage) -> the scorecard; the blank stage is the default for every stage without its own.
Cards = dict[tuple[str, str], Card]


def scorecards() -> Cards:
    """Every scorecard with its measures, as pure values."""
    cards: Cards = {}
    for card in Scorecard.objects.prefetch_related("measures"):
        measures = tuple(
            Measure(
                m.key,
                m.window,
                bad=m.bad,
                good=m.good,
                weight=m.weight,
                scale=m.scale,
                per_key=m.per_key if m.window == SHARE else "",
            )
            for m in card.measures.all()
        )
        cards[(card.kind, card.stage)] = Card(measures, red_below=card.red_below, green_from=card.green_from)
    return cards


def scorecard_for(cards: Cards, kind: str, stage: str) -> Card | None:
    """The stage's own scorecard of that kind, else the default (blank stage) one, else None."""
    return cards.get((kind, stage)) or cards.get((kind, ""))


def window_values_reference(account_id: int, as_of: date, sources: Iterable[Source]) -> dict[Source, float | None]:
    """One account's window values as of a day, by plain Python over its rows (the SQL's reference)."""
    recent_start = as_of - timedelta(days=RECENT_DAYS)
    earliest = recent_start - timedelta(days=EARLIER_DAYS)
    rows = AccountSignal.objects.filter(account_id=account_id, date__gt=earliest, date__lte=as_of)
    series: dict[str, list[tuple[date, float]]] = {}
    for day, key, value in rows.values_list("date", "key", "value"):
        series.setdefault(key, []).append((day, value))

    def recent(key: str) -> list[tuple[date, float]]:
        return sorted(row for row in series.get(key, []) if row[0] > recent_start)

    def latest(key: str) -> float | None:
        rows = recent(key)
        return rows[-1][1] if rows else None

    def mean(values: list[float]) -> float | None:
        return sum(values) / len(values) if values else None

    values: dict[Source, float | None] = {}
    for source in sources:
        key, window, per_key = source
        recent_mean = mean([value for _day, value in recent(key)])
        if window == LATEST:
            values[source] = latest(key)
        elif window == MEAN_30:
            values[source] = recent_mean
        elif window == TREND_30:
            earlier = [value for day, value in series.get(key, []) if day <= recent_start]
            values[source] = trend(recent_mean, mean(earlier))
        elif window == SHARE:
            values[source] = share(latest(key), latest(per_key))
    return values


def health_as_of(as_of: date, account_ids: list[int] | None = None) -> dict[int, Result]:
    """Each account's health as the current scorecards score its signals as of a day, stored nowhere.

    For the back-test's days that have no snapshot (before health was first computed here, or history
    imported since): the accounts without any signal in the 90 days to that day are absent.
    """
    cards = scorecards()
    days = StageDays(**settings.CX_STAGE_DAYS)
    sources = {
        source for (kind, _stage), card in cards.items() if kind == Scorecard.Kind.HEALTH for source in card.sources
    }
    values = sql_health.window_values(as_of, sources, account_ids)
    accounts = Account.objects.filter(id__in=list(values)).values_list("id", "stage", "contract_start", "renewal_date")
    results: dict[int, Result] = {}
    for account_id, stage, contract_start, renewal_date in accounts:
        stage = stage or stage_on(as_of, contract_start=contract_start, renewal_date=renewal_date, days=days)
        card = scorecard_for(cards, Scorecard.Kind.HEALTH, stage)
        if card is not None:
            results[account_id] = score(card, values[account_id])
    return results
