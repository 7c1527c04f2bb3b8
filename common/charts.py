"""Chart geometry for the server-rendered SVG of the insights dashboard: plain values in, coordinates out."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Point:
    x: float
    y: float
    y_low: float | None  # the 95% interval's ends, drawn as an error bar
    y_high: float | None
    label: str
    value: float
    low: float | None
    high: float | None
    n: int
    small: bool  # too few answers to read much into: drawn hollow
    change: str  # "up" or "down" when the change from the point before is significant, else ""


@dataclass(frozen=True, slots=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True, slots=True)
class TrendChart:
    width: int
    height: int
    left: int
    top: int
    plot_width: float
    plot_height: float
    points: list[Point]
    lines: list[str]  # SVG path data, one per run of consecutive buckets with answers
    ticks: list[Tick]
    labels: list[tuple[float, str]]  # x, text along the bottom
    zero_y: float | None


@dataclass(frozen=True, slots=True)
class TrendInput:
    label: str
    value: float | None
    low: float | None
    high: float | None
    n: int
    small: bool
    change: str = ""


def nice_range(values: Sequence[float], *, floor: float, ceiling: float) -> tuple[float, float, float]:
    """A rounded (low, high, step) covering values inside [floor, ceiling], with about five steps."""
    if not values:
        return floor, ceiling, (ceiling - floor) / 4
    low, high = min(values), max(values)
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    raw = (high - low) / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    low = max(floor, math.floor(low / step) * step)
    high = min(ceiling, math.ceil(high / step) * step)
    return low, high, step


def trend_chart(
    buckets: Sequence[TrendInput],
    *,
    floor: float,
    ceiling: float,
    width: int = 720,
    height: int = 260,
    unit: str = "",
    whole_range: bool = False,
) -> TrendChart:
    """Place each bucket's score and its 95% interval on a chart; empty buckets leave a gap in the line.

    `whole_range`: the axis runs from floor to ceiling (a 0-100 score), not only over the values.
    """
    left, right, top, bottom = 48, 12, 12, 28
    plot_width, plot_height = width - left - right, height - top - bottom
    spread = [v for b in buckets for v in (b.value, b.low, b.high) if v is not None]
    low, high, step = nice_range([floor, ceiling] if whole_range else spread, floor=floor, ceiling=ceiling)

    def y_of(value: float) -> float:
        return round(top + plot_height * (high - value) / (high - low), 2)

    slot = plot_width / max(len(buckets), 1)
    points: list[Point] = []
    lines: list[list[Point]] = []
    run: list[Point] = []
    for index, bucket in enumerate(buckets):
        x = round(left + slot * (index + 0.5), 2)
        if bucket.value is None:
            if run:
                lines.append(run)
            run = []
            continue
        point = Point(
            x=x,
            y=y_of(bucket.value),
            y_low=y_of(bucket.low) if bucket.low is not None else None,
            y_high=y_of(bucket.high) if bucket.high is not None else None,
            label=bucket.label,
            value=bucket.value,
            low=bucket.low,
            high=bucket.high,
            n=bucket.n,
            small=bucket.small,
            change=bucket.change,
        )
        points.append(point)
        run.append(point)
    if run:
        lines.append(run)
    ticks, value = [], low
    while value <= high + step / 1000:
        ticks.append(Tick(y=y_of(value), label=f"{value:g}{unit}"))
        value += step
    every = max(1, math.ceil(len(buckets) / 12))  # at most about twelve labels along the bottom
    labels = [(round(left + slot * (i + 0.5), 2), b.label) for i, b in enumerate(buckets) if i % every == 0]
    return TrendChart(
        width=width,
        height=height,
        left=left,
        top=top,
        plot_width=plot_width,
        plot_height=plot_height,
        points=points,
        lines=["M" + " L".join(f"{p.x},{p.y}" for p in line) for line in lines],
        ticks=ticks,
        labels=labels,
        zero_y=y_of(0) if low < 0 < high else None,
    )


def bar_width(value: float | None, *, largest: float, width: float = 160) -> float:
    """The length of a bar for |value| where the largest |value| gets `width`."""
    if value is None or largest <= 0:
        return 0.0
    return round(width * min(abs(value) / largest, 1.0), 2)


@dataclass(frozen=True, slots=True)
class Sparkline:
    width: int
    height: int
    lines: list[str]  # SVG path data, one per run of days with a value
    last: tuple[float, float] | None  # where the latest value is drawn
    low: float | None
    high: float | None
    latest: float | None


def sparkline(values: Sequence[float | None], *, width: int = 160, height: int = 32, pad: int = 3) -> Sparkline:
    """A small line over equally spaced values (one a day), scaled to its own low and high; None leaves a gap."""
    known = [v for v in values if v is not None]
    if not known:
        return Sparkline(width, height, [], None, None, None, None)
    low, high = min(known), max(known)
    spread = high - low or 1.0
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    runs: list[list[tuple[float, float]]] = [[]]
    for index, value in enumerate(values):
        if value is None:
            runs.append([])
            continue
        y = height - pad - (height - 2 * pad) * ((value - low) / spread if high > low else 0.5)
        runs[-1].append((round(pad + step * index, 2), round(y, 2)))
    drawn = [run for run in runs if run]
    lines = ["M" + " L".join(f"{x},{y}" for x, y in (run if len(run) > 1 else run * 2)) for run in drawn]
    latest = next(v for v in reversed(values) if v is not None)
    return Sparkline(width, height, lines, drawn[-1][-1], low, high, latest)
