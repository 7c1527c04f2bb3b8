"""What drives the score: themes and keywords in the analysed comments, those that pull the score down first.

A driver's mentions carry the polarity the comment gives it (its aspects): "support was great,
billing is a mess" praises support and complains about billing. A mention contradicting the
answer's score — a detractor (dissatisfied, hard) praising the driver, a promoter (satisfied,
easy) complaining about it — does not explain that score: it is counted as praise or complaint,
but left out of the driver's figure, and so of its shares, lift, impact and contribution (else a
detractor's praise for support would rank support among what drives detractors). A mention of
unknown polarity (analysed before aspects existed) counts as it always did.
"""

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
    figure: Figure  # the answers whose comment mentions it, less those whose mention contradicts their score
    mentions: int  # the answers whose comment mentions it, in any tone
    complaints: int  # … with a negative aspect (a comment both praising and complaining counts in both)
    praise: int  # … with a positive aspect
    negative_share: (
        float | None
    )  # of the commented detractors (or dissatisfied, hard), how many mention it not positively
    positive_share: float | None  # of the commented promoters (or satisfied, easy), how many mention it not negatively
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
    for key, tones in counts.tones.items():
        total = sum(n for by_tone in tones.values() for n in by_tone.values())
        if total < min_mentions:
            continue
        mentions = figure(kind, _explaining(kind, tones))
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
                mentions=total,
                complaints=_in_tones(tones, ("neg", "mixed")),
                praise=_in_tones(tones, ("pos", "mixed")),
                negative_share=_rate(_in_class(kind, tones, negative, "pos"), commented.classes[negative]),
                positive_share=_rate(_in_class(kind, tones, positive, "neg"), commented.classes[positive]),
                lift=mention_rate / overall_rate if overall_rate and mention_rate is not None else None,
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


def _explaining(kind: scoring.SurveyKind, tones: dict[int, dict[str, int]]) -> dict[int, int]:
    """Per score, the mentions that do not praise the driver: complaints, mixed and neutral mentions, and those
    of comments analysed before aspects (tone unknown).

    Chosen by what the comment says of the driver, never by the score: a detractor's "support was great" is not a
    reason for support to pull the score down, and "billing is a mess" counts whoever wrote it.
    """
    counts = {}
    for score, by_tone in tones.items():
        if not scoring.score_in_scale(kind, score):
            continue  # off the scale: no figure counts it
        counts[score] = sum(n for tone, n in by_tone.items() if tone != "pos")
    return counts


def _in_class(kind: scoring.SurveyKind, tones: dict[int, dict[str, int]], klass: str, unless: str) -> int:
    """The answers of one class (detractors, promoters…) that mention the driver other than in the tone `unless`."""
    return sum(
        n
        for score, by_tone in tones.items()
        if scoring.score_in_scale(kind, score) and str(scoring.classify(kind, score)) == klass
        for tone, n in by_tone.items()
        if tone != unless
    )


def _in_tones(tones: dict[int, dict[str, int]], wanted: tuple[str, ...]) -> int:
    return sum(n for by_tone in tones.values() for tone, n in by_tone.items() if tone in wanted)
