"""Score NPS, CES and CSAT answers and estimate their 95% confidence intervals."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class SurveyKind(StrEnum):
    """Survey kinds the platform can score."""

    NPS = "nps"
    CES = "ces"
    CSAT = "csat"


# CES is the 7-point agreement with "The company made it easy to handle my issue".
SCALES: dict[SurveyKind, tuple[int, int]] = {
    SurveyKind.NPS: (0, 10),
    SurveyKind.CSAT: (1, 5),
    SurveyKind.CES: (1, 7),
}


class Classification(StrEnum):
    """Answer classes; CES reuses NEUTRAL for its middle answer 4."""

    PROMOTER = "promoter"
    PASSIVE = "passive"
    DETRACTOR = "detractor"
    SATISFIED = "satisfied"
    NEUTRAL = "neutral"
    DISSATISFIED = "dissatisfied"
    EASY = "easy"
    HARD = "hard"


# Classes of each kind, from best to worst, so folded counts list every class.
_CLASSES: dict[SurveyKind, tuple[Classification, ...]] = {
    SurveyKind.NPS: (
        Classification.PROMOTER,
        Classification.PASSIVE,
        Classification.DETRACTOR,
    ),
    SurveyKind.CSAT: (
        Classification.SATISFIED,
        Classification.NEUTRAL,
        Classification.DISSATISFIED,
    ),
    SurveyKind.CES: (Classification.EASY, Classification.NEUTRAL, Classification.HARD),
}

# The class a kind's driver analysis explains (detractors) and the one it contrasts with (promoters).
NEGATIVE_CLASS: dict[SurveyKind, Classification] = {
    SurveyKind.NPS: Classification.DETRACTOR,
    SurveyKind.CSAT: Classification.DISSATISFIED,
    SurveyKind.CES: Classification.HARD,
}
POSITIVE_CLASS: dict[SurveyKind, Classification] = {
    SurveyKind.NPS: Classification.PROMOTER,
    SurveyKind.CSAT: Classification.SATISFIED,
    SurveyKind.CES: Classification.EASY,
}

_Z_95 = 1.959964
_Z_95_NPS = 1.96  # As published for the adjusted-Wald NPS interval.

# Two-sided 95% critical values of Student's t for df 1..30, then 40, 60, 120.
_T_95_SMALL: tuple[float, ...] = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip
_T_95_LARGE: tuple[tuple[int, float], ...] = ((120, 1.980), (60, 2.000), (40, 2.021))
_T_95_INFINITE = 1.960


@dataclass(frozen=True, slots=True)
class ScoreEstimate:
    """A point estimate with its 95% interval; everything but n is None when n == 0."""

    value: float | None
    margin: float | None
    low: float | None
    high: float | None
    n: int


@dataclass(frozen=True, slots=True)
class CesEstimate:
    """The CES mean on the 1-7 scale and the percentage agreeing (answers 5-7)."""

    mean: ScoreEstimate
    agree: ScoreEstimate


def scale_for(kind: str) -> tuple[int, int]:
    """Return the (lowest, highest) answer of a survey kind given as enum or string."""
    return SCALES[_kind(kind)]


def score_in_scale(kind: str, score: int) -> bool:
    """Tell whether score is an integer answer on the kind's scale (bools are not)."""
    low, high = scale_for(kind)
    return _is_int(score) and low <= score <= high


def classify(kind: str, score: int) -> Classification:
    """Classify one answer, refusing anything off the kind's scale."""
    survey_kind = _kind(kind)
    if not score_in_scale(survey_kind, score):
        low, high = SCALES[survey_kind]
        raise ValueError(f"{survey_kind.value} score must be an integer from {low} to {high}, got {score!r}")
    if survey_kind is SurveyKind.NPS:
        if score >= 9:
            return Classification.PROMOTER
        return Classification.PASSIVE if score >= 7 else Classification.DETRACTOR
    if survey_kind is SurveyKind.CSAT:
        if score >= 4:
            return Classification.SATISFIED
        return Classification.NEUTRAL if score == 3 else Classification.DISSATISFIED
    if score >= 5:
        return Classification.EASY
    return Classification.NEUTRAL if score == 4 else Classification.HARD


def nps(*, promoters: int, passives: int, detractors: int) -> ScoreEstimate:
    """Compute NPS in points with the adjusted-Wald 95% interval (Rocks 2016).

    Adding 3/4 of an answer to promoters and detractors (and 3/2 to passives)
    keeps an honest non-zero interval for tiny or one-sided samples, where the
    plain Wald interval collapses to zero width.
    """
    _check_count("promoters", promoters)
    _check_count("passives", passives)
    _check_count("detractors", detractors)
    n = promoters + passives + detractors
    if n == 0:
        return _empty()
    value = 100 * (promoters - detractors) / n
    n_adj = n + 3
    p_adj = (promoters + 0.75) / n_adj
    d_adj = (detractors + 0.75) / n_adj
    centre = p_adj - d_adj
    variance = p_adj + d_adj - centre**2
    margin = 100 * _Z_95_NPS * math.sqrt(variance / n_adj)
    return ScoreEstimate(
        value=value,
        margin=margin,
        low=_clamp(100 * centre - margin, low=-100.0, high=100.0),
        high=_clamp(100 * centre + margin, low=-100.0, high=100.0),
        n=n,
    )


def proportion(*, hits: int, n: int) -> ScoreEstimate:
    """Compute a percentage with the Wilson 95% interval, sound near 0% and 100%."""
    _check_count("hits", hits)
    _check_count("n", n)
    if hits > n:
        raise ValueError(f"hits ({hits}) cannot exceed n ({n})")
    if n == 0:
        return _empty()
    p = hits / n
    z2 = _Z_95**2
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = _Z_95 / denominator * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low = _clamp(100 * (centre - half), low=0.0, high=100.0)
    high = _clamp(100 * (centre + half), low=0.0, high=100.0)
    return ScoreEstimate(value=100 * p, margin=(high - low) / 2, low=low, high=high, n=n)


def csat(*, satisfied: int, n: int) -> ScoreEstimate:
    """Compute CSAT as the percentage of 4-5 answers with its Wilson interval."""
    return proportion(hits=satisfied, n=n)


def ces(counts: Mapping[int, int]) -> CesEstimate:
    """Estimate the CES mean (t-interval) and agreeing share from per-answer counts."""
    _check_counts(SurveyKind.CES, counts)
    scale_low, scale_high = SCALES[SurveyKind.CES]
    n = sum(counts.values())
    agree = proportion(hits=sum(c for score, c in counts.items() if score >= 5), n=n)
    if n == 0:
        return CesEstimate(mean=_empty(), agree=agree)
    mean = sum(score * c for score, c in counts.items()) / n
    if n == 1:
        # One answer gives no spread, so the interval cannot be estimated.
        return CesEstimate(
            mean=ScoreEstimate(value=mean, margin=None, low=None, high=None, n=n),
            agree=agree,
        )
    variance = sum(c * (score - mean) ** 2 for score, c in counts.items()) / (n - 1)
    margin = _t_critical_95(n - 1) * math.sqrt(variance / n)
    mean_estimate = ScoreEstimate(
        value=mean,
        margin=margin,
        low=_clamp(mean - margin, low=float(scale_low), high=float(scale_high)),
        high=_clamp(mean + margin, low=float(scale_low), high=float(scale_high)),
        n=n,
    )
    return CesEstimate(mean=mean_estimate, agree=agree)


def class_counts(kind: str, counts: Mapping[int, int]) -> dict[Classification, int]:
    """Fold per-score counts into per-class counts, listing every class of the kind."""
    survey_kind = _kind(kind)
    _check_counts(survey_kind, counts)
    folded = dict.fromkeys(_CLASSES[survey_kind], 0)
    class_of = _CLASS_OF[survey_kind]
    for score, count in counts.items():
        folded[class_of[score]] += count
    return folded


def summarize(kind: str, counts: Mapping[int, int]) -> ScoreEstimate:
    """Return the headline score of a survey kind from per-score counts."""
    survey_kind = _kind(kind)
    if survey_kind is SurveyKind.CES:
        return ces(counts).mean
    folded = class_counts(survey_kind, counts)
    if survey_kind is SurveyKind.NPS:
        return nps(
            promoters=folded[Classification.PROMOTER],
            passives=folded[Classification.PASSIVE],
            detractors=folded[Classification.DETRACTOR],
        )
    return csat(satisfied=folded[Classification.SATISFIED], n=sum(folded.values()))


def _kind(kind: str) -> SurveyKind:
    """Coerce a kind given as enum or string, naming the valid kinds if unknown."""
    if type(kind) is SurveyKind:
        return kind
    try:
        return SurveyKind(kind)
    except ValueError:
        valid = ", ".join(k.value for k in SurveyKind)
        raise ValueError(f"unknown survey kind {kind!r}; expected one of {valid}") from None


def _is_int(value: object) -> bool:
    """Tell whether value is a real integer, since bool is an int subclass."""
    return isinstance(value, int) and not isinstance(value, bool)


def _check_count(name: str, value: int) -> None:
    """Reject counts that are not non-negative integers."""
    if not _is_int(value):
        raise TypeError(f"{name} must be an integer count, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} cannot be negative, got {value}")


def _check_counts(kind: SurveyKind, counts: Mapping[int, int]) -> None:
    """Reject per-score counts with answers off the kind's scale or invalid counts."""
    low, high = SCALES[kind]
    for score, count in counts.items():
        if not (type(score) is int or _is_int(score)) or not low <= score <= high:
            raise ValueError(f"{kind.value} counts may only have answers {low} to {high}, got {score!r}")
        if type(count) is not int or count < 0:
            _check_count(f"count of answer {score}", count)


def _t_critical_95(df: int) -> float:
    """Look up the two-sided 95% t value at the largest tabulated df not above df."""
    if df <= len(_T_95_SMALL):
        return _T_95_SMALL[df - 1]
    if df > 120:
        return _T_95_INFINITE
    for tabulated_df, value in _T_95_LARGE:
        if df >= tabulated_df:
            return value
    return _T_95_SMALL[-1]


def _clamp(value: float, *, low: float, high: float) -> float:
    """Keep an interval bound inside the range the score can take."""
    return max(low, min(high, value))


def _empty() -> ScoreEstimate:
    """Return the estimate of a sample with no answers."""
    return ScoreEstimate(value=None, margin=None, low=None, high=None, n=0)


@dataclass(frozen=True, slots=True)
class ChangeTest:
    """Whether a score moved between two samples more than chance would move it (two-sided, 95%).

    `difference` is after − before in the score's own units (NPS points, CSAT percentage points,
    CES mean). With fewer than `min_sample` answers on either side the change is labelled a small
    sample and never significant: not news, whatever its size.
    """

    difference: float | None
    z: float | None
    p_value: float | None
    significant: bool
    small_sample: bool


def change_test(kind: str, before: Mapping[int, int], after: Mapping[int, int], *, min_sample: int = 30) -> ChangeTest:
    """Test the change of a kind's headline score from per-score counts `before` to `after`.

    NPS: z-test on the difference of two NPS, each with variance (p + d − (p − d)²) / n.
    CSAT is a proportion: the pooled two-proportion z-test.
    CES: Welch's z on the two means, the headline score (both samples at least `min_sample`, so z ≈ t).
    """
    survey_kind = _kind(kind)
    _check_counts(survey_kind, before)
    _check_counts(survey_kind, after)
    n1, n2 = sum(before.values()), sum(after.values())
    small = min(n1, n2) < max(min_sample, 1)
    if n1 == 0 or n2 == 0:
        return ChangeTest(difference=None, z=None, p_value=None, significant=False, small_sample=True)
    if survey_kind is SurveyKind.CES:
        m1, v1 = _mean_variance(before)
        m2, v2 = _mean_variance(after)
        difference, se = m2 - m1, math.sqrt(v1 / n1 + v2 / n2)
    elif survey_kind is SurveyKind.NPS:
        (p1, d1), (p2, d2) = _nps_shares(before), _nps_shares(after)
        var1, var2 = p1 + d1 - (p1 - d1) ** 2, p2 + d2 - (p2 - d2) ** 2
        difference, se = 100 * ((p2 - d2) - (p1 - d1)), 100 * math.sqrt(var1 / n1 + var2 / n2)
    else:
        hits1 = class_counts(survey_kind, before)[Classification.SATISFIED]
        hits2 = class_counts(survey_kind, after)[Classification.SATISFIED]
        pooled = (hits1 + hits2) / (n1 + n2)
        difference = 100 * (hits2 / n2 - hits1 / n1)
        se = 100 * math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:  # both samples unanimous: any difference is certain, no difference is none
        z = None
        p_value = 0.0 if difference else 1.0
    else:
        z = difference / se
        p_value = math.erfc(abs(z) / math.sqrt(2))
    return ChangeTest(
        difference=difference,
        z=z,
        p_value=p_value,
        significant=not small and p_value < 0.05,
        small_sample=small,
    )


def contribution(*, share: float, segment_score: float | None, overall_score: float | None) -> float | None:
    """How many points a segment adds to (or takes from) the overall score: share × (segment − overall)."""
    if segment_score is None or overall_score is None:
        return None
    return share * (segment_score - overall_score)


def _nps_shares(counts: Mapping[int, int]) -> tuple[float, float]:
    folded = class_counts(SurveyKind.NPS, counts)
    n = sum(folded.values())
    return folded[Classification.PROMOTER] / n, folded[Classification.DETRACTOR] / n


def _mean_variance(counts: Mapping[int, int]) -> tuple[float, float]:
    """The mean and the sample variance (0 for a single answer) of per-score counts."""
    n = sum(counts.values())
    mean = sum(score * c for score, c in counts.items()) / n
    if n < 2:
        return mean, 0.0
    return mean, sum(c * (score - mean) ** 2 for score, c in counts.items()) / (n - 1)


# Each kind's answers and their classes, looked up when folding counts (hot in the insights).
_CLASS_OF: dict[SurveyKind, dict[int, Classification]] = {
    kind: {score: classify(kind, score) for score in range(low, high + 1)} for kind, (low, high) in SCALES.items()
}
