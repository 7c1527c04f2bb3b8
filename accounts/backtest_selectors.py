"""Reads for the back-test's suggestion: a scorecard's current weights and the history they are fitted to."""

from __future__ import annotations

from datetime import date

from accounts.backtest_fit import Suggestion, weights_suggest
from accounts.backtest_report import history_read
from accounts.models import Scorecard
from accounts.scoring import SHARE, Source


def current_weights(scorecard: Scorecard) -> dict[Source, int]:
    return {
        (m.key, m.window, m.per_key if m.window == SHARE else ""): m.weight
        for m in scorecard.measures.order_by("position", "id")
    }


def scorecard_suggestion(scorecard: Scorecard, *, since: date, until: date) -> Suggestion:
    """Weights for the scorecard's measures fitted to the churn recorded over since..until, or why there are none."""
    history = history_read(since=since, until=until)
    return weights_suggest(history.measured, current_weights(scorecard), last_day=history.last_day)


def default_health_scorecard() -> Scorecard | None:
    """The health scorecard of every stage without one of its own."""
    return Scorecard.objects.filter(kind=Scorecard.Kind.HEALTH, stage="").first()
