"""Turn an account's window values into a 0-100 score, its band, and the explanation of every point.

Pure: plain values in, plain values out (accounts.services.health reads and writes the database).

A scorecard's measures each read one signal in one window (`Source`). A measure turns its value into a
fraction of its weight (thresholds or a linear scale); the score is the weighted sum of the fractions of
the measures that have a value, out of 100, so a measure without data is left out and the others'
weights renormalised. The explanation lists every measure, with the weight it actually had (a
percentage) and the points it adds, and those points add up exactly to the score.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

LATEST, MEAN_30, TREND_30, SHARE = "latest", "mean_30", "trend_30", "share"
WINDOWS = (LATEST, MEAN_30, TREND_30, SHARE)
THRESHOLDS, LINEAR = "thresholds", "linear"
RED, YELLOW, GREEN = "red", "yellow", "green"
MAX_WEIGHT = 1000  # a measure's weight is a whole number from 1 to this

# Where a measure's value comes from: (signal key, window, the other signal of a share or "").
Source = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class Measure:
    """One signal in one window, worth `weight`: from nothing at `bad` to all of it at `good` (good < bad works)."""

    key: str
    window: str
    bad: float
    good: float
    weight: int
    scale: str = LINEAR
    per_key: str = ""

    def __post_init__(self) -> None:
        if self.window not in WINDOWS:
            raise ValueError(f"unknown window {self.window!r}")
        if self.scale not in (THRESHOLDS, LINEAR):
            raise ValueError(f"unknown scale {self.scale!r}")
        if self.bad == self.good:
            raise ValueError("bad and good must differ")
        if self.weight < 0:
            raise ValueError("a weight cannot be negative")
        if (self.window == SHARE) != bool(self.per_key):
            raise ValueError("a share, and only a share, names the signal it is taken over")

    @property
    def source(self) -> Source:
        return (self.key, self.window, self.per_key if self.window == SHARE else "")


@dataclass(frozen=True, slots=True)
class Card:
    """A scorecard: its measures and its bands (below `red_below` red, from `green_from` green, else yellow)."""

    measures: tuple[Measure, ...]
    red_below: int = 40
    green_from: int = 70

    def __post_init__(self) -> None:
        if not 0 <= self.red_below <= self.green_from <= 100:
            raise ValueError("bands must satisfy 0 <= red_below <= green_from <= 100")

    @property
    def sources(self) -> frozenset[Source]:
        return frozenset(measure.source for measure in self.measures)


@dataclass(frozen=True, slots=True)
class Result:
    """A score (None: no measure had data), its band ("" without a score) and the explanation, one dict a measure."""

    score: int | None
    band: str
    measures: list[dict[str, Any]] = field(default_factory=list)


def fraction_earned(measure: Measure, value: float) -> float:
    """The share of its weight a measure earns for a value: 0, 0.5 or 1 on thresholds, 0..1 on a linear scale."""
    rising = measure.good > measure.bad
    if measure.scale == THRESHOLDS:
        if (value >= measure.good) if rising else (value <= measure.good):
            return 1.0
        if (value >= measure.bad) if rising else (value <= measure.bad):
            return 0.5
        return 0.0
    return min(1.0, max(0.0, (value - measure.bad) / (measure.good - measure.bad)))


def trend(recent_mean: float | None, earlier_mean: float | None) -> float | None:
    """Percent change of the recent mean against the earlier one (None when either is missing or the earlier is 0)."""
    if recent_mean is None or not earlier_mean:
        return None
    return (recent_mean - earlier_mean) / abs(earlier_mean) * 100


def share(latest: float | None, per_latest: float | None) -> float | None:
    """The latest of a key over the latest of another (None when either is missing or the other is 0)."""
    if latest is None or not per_latest:
        return None
    return latest / per_latest


def band_of(score: int | None, *, red_below: int, green_from: int) -> str:
    if score is None:
        return ""
    if score < red_below:
        return RED
    return GREEN if score >= green_from else YELLOW


def largest_remainder(exact: list[float], total: int) -> list[int]:
    """Integers, each its exact share rounded down or up, adding up to `total` (the largest remainders go up).

    `total` must lie between the sum of the floors and that sum plus the number of shares; ties go to the
    earlier share, so the result is deterministic.
    """
    floors = [math.floor(share) for share in exact]
    extra = total - sum(floors)
    if not 0 <= extra <= len(exact):
        raise ValueError("the total cannot be reached by rounding the shares")
    order = sorted(range(len(exact)), key=lambda i: (floors[i] - exact[i], i))
    for i in order[:extra]:
        floors[i] += 1
    return floors


def _round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def score(card: Card, values: Mapping[Source, float | None]) -> Result:
    """Score an account's values on a scorecard; measures without a (finite) value are left out and say so."""
    found = [values.get(m.source) for m in card.measures]
    used = [
        value is not None and math.isfinite(value) and m.weight > 0
        for m, value in zip(card.measures, found, strict=True)
    ]
    present = [(m, value) for m, value, use in zip(card.measures, found, used, strict=True) if use]
    total_weight = sum(m.weight for m, _value in present)
    if not total_weight:
        return Result(None, "", [_missing(m, value) for m, value in zip(card.measures, found, strict=True)])
    # Floating point, in a fixed order: the same values always give the same score and points.
    exact = [fraction_earned(m, value) * m.weight * 100 / total_weight for m, value in present]  # type: ignore[arg-type]
    total = _round_half_up(math.fsum(exact))
    points = iter(largest_remainder(exact, total))
    weights = iter(_percentages([m.weight for m, _value in present]))
    explained = []
    for m, value, use in zip(card.measures, found, used, strict=True):
        if not use:
            explained.append(_missing(m, value))
            continue
        entry: dict[str, Any] = {
            "key": m.key,
            "window": m.window,
            "value": _shown(value),  # type: ignore[arg-type]
            "weight": next(weights),
            "points": next(points),
        }
        if m.per_key:
            entry["per_key"] = m.per_key
        explained.append(entry)
    return Result(total, band_of(total, red_below=card.red_below, green_from=card.green_from), explained)


def _percentages(weights: list[int]) -> list[int]:
    """The weights as whole percentages adding up to 100 (largest remainders, in integer arithmetic)."""
    total = sum(weights)
    floors = [weight * 100 // total for weight in weights]
    order = sorted(range(len(weights)), key=lambda i: (-(weights[i] * 100 % total), i))
    for i in order[: 100 - sum(floors)]:
        floors[i] += 1
    return floors


def _shown(value: float) -> float:
    """The value as the explanation shows it: four decimals are plenty for a reader."""
    return round(value, 4) + 0.0  # + 0.0: never -0.0


def _missing(measure: Measure, value: float | None) -> dict[str, Any]:
    usable = value is not None and math.isfinite(value)
    entry: dict[str, Any] = {
        "key": measure.key,
        "window": measure.window,
        "value": _shown(value) if value is not None and usable else None,
        "weight": 0,
        "points": 0,
        "missing": not usable,
    }
    if measure.per_key:
        entry["per_key"] = measure.per_key
    return entry
