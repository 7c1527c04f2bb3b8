"""What drives the score: themes and keywords in the analysed comments, those that pull the score down first."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from feedback import selectors as feedback_selectors
from insights.figures import Figure, figure
from insights.filters import ScoreFilters, touchpoint_keys
from insights.periods import day_after, day_start
from surveys import scoring


@dataclass(frozen=True, slots=True)
class Driver:
    key: str
    name_en: str
    name_zh: str
    figure: Figure  # the answers whose comment mentions it
    negative_share: float | None  # of the commented detractors (or dissatisfied, hard), how many mention it
    positive_share: float | None  # of the commented promoters (or satisfied, easy)
    lift: float | None  # its detractors' rate among its mentions ÷ the rate among all commented answers
    impact: float | None  # the score of its mentions minus the score of the other commented answers
    contribution: float | None  # share of commented answers × (its score − their score)
    versus_rest: scoring.ChangeTest  # its mentions against the other commented answers


@dataclass(frozen=True, slots=True)
class DriverReport:
    kind: str
    since: date
    until: date
    commented: Figure
    drivers: list[Driver]


def score_drivers(
    *,
    filters: ScoreFilters,
    since: date,
    until: date,
    comment_languages: Sequence[str] = (),
    min_mentions: int = 3,
    min_sample: int = 30,
    limit: int = 30,
) -> DriverReport:
    """Themes and keywords in the comments, those that pull the score down first.

    Reads feedback's counts (analysed comments of the period) and scores them here.
    """
    kind = scoring.SurveyKind(filters.kind)
    counts = feedback_selectors.driver_counts(
        survey_kind=kind.value,
        since=day_start(since),
        before=day_after(until),
        survey_ids=filters.survey_ids,
        touchpoint_keys=touchpoint_keys(filters),
        languages=comment_languages,
        locales=filters.locales,
        plans=filters.plans,
        accounts=filters.accounts,
    )
    commented = figure(kind, counts.commented)
    negative, positive = str(scoring.NEGATIVE_CLASS[kind]), str(scoring.POSITIVE_CLASS[kind])
    drivers = []
    for key, mention_counts in counts.drivers.items():
        mentions = figure(kind, mention_counts)
        if mentions.n < min_mentions:
            continue
        rest_counts = {s: commented.counts[s] - mentions.counts[s] for s in commented.counts}
        rest = figure(kind, rest_counts)
        overall_rate = _rate(commented.classes[negative], commented.n)
        mention_rate = _rate(mentions.classes[negative], mentions.n)
        value, rest_value = mentions.estimate.value, rest.estimate.value
        drivers.append(
            Driver(
                key=key,
                name_en=counts.labels[key][0],
                name_zh=counts.labels[key][1] or counts.labels[key][0],
                figure=mentions,
                negative_share=_rate(mentions.classes[negative], commented.classes[negative]),
                positive_share=_rate(mentions.classes[positive], commented.classes[positive]),
                lift=mention_rate / overall_rate if overall_rate else None,
                impact=value - rest_value if value is not None and rest_value is not None else None,
                contribution=scoring.contribution(
                    share=mentions.n / commented.n, segment_score=value, overall_score=commented.estimate.value
                ),
                versus_rest=scoring.change_test(kind, rest_counts, mentions.counts, min_sample=min_sample),
            )
        )
    drivers.sort(key=lambda d: (d.contribution if d.contribution is not None else 0.0, -d.figure.n, d.key))
    return DriverReport(kind=kind.value, since=since, until=until, commented=commented, drivers=drivers[:limit])


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None
