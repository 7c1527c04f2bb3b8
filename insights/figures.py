"""A sample's headline figure: its score with the 95% interval, class counts and, for CES, the agreeing share."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from surveys import scoring


@dataclass(frozen=True, slots=True)
class Figure:
    """A sample's headline score with its 95% interval, class counts and, for CES, the agreeing share."""

    n: int
    estimate: scoring.ScoreEstimate
    classes: dict[str, int]
    counts: dict[int, int]
    agree: scoring.ScoreEstimate | None = None  # CES only: % answering 5-7


def figure(kind: str, counts: dict[int, int]) -> Figure:
    """Score per-score counts as the kind's headline figure."""
    low, high = scoring.scale_for(kind)
    counts = {score: counts.get(score, 0) for score in range(low, high + 1)}
    classes = scoring.class_counts(kind, counts)
    n = sum(counts.values())
    if kind == scoring.SurveyKind.CES:
        estimates = scoring.ces(counts)
        estimate, agree = estimates.mean, estimates.agree  # CES shows the share who agree beside the mean
    else:
        estimate, agree = scoring.summarize(kind, counts), None
    return Figure(n=n, estimate=estimate, classes={str(c): k for c, k in classes.items()}, counts=counts, agree=agree)


def sum_counts(many: Iterable[dict[int, int]]) -> dict[int, int]:
    """Add up per-score counts."""
    total: dict[int, int] = defaultdict(int)
    for counts in many:
        for score, count in counts.items():
            total[score] += count
    return dict(total)
