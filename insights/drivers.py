"""What drives the score: themes and keywords in the analysed comments, those that pull the score down first.

A driver's mentions carry the polarity the comment gives it (its aspects): "support was great,
billing is a mess" praises support and complains about billing. A mention contradicting the
answer's score — a detractor (dissatisfied, hard) praising the driver, a promoter (satisfied,
easy) complaining about it — does not explain that score: it is counted as praise or complaint,
but left out of the driver's figure, and so of its shares, lift, impact and contribution (else a
detractor's praise for support would rank support among what drives detractors). A mention of
unknown polarity (analysed before aspects existed) counts as it always did.

The options chosen in the surveys' select questions ("main reason: Price") are drivers too, beside
the themes, with the same figures: an option's base is the responses that answered its question
(a theme's is the commented answers), and a chosen option has no tone, so it is never praise or
a complaint and always explains its score. The comment-language filter leaves them as they are.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from feedback import selectors as feedback_selectors
from insights.answers import chosen_option_counts
from insights.figures import Figure, figure
from insights.filters import ScoreFilters, touchpoint_keys
from insights.periods import day_after, day_start
from surveys import scoring

COMMENT, ANSWER = "comment", "answer"
CHOSEN = "chosen"  # an option's "tone": chosen, neither praise nor complaint


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
    source: str = "comment"  # COMMENT: a theme or keyword of the comments; ANSWER: an option chosen in a question
    question: str = ""  # ANSWER: the question's key
    name_zh_hant: str = ""  # ANSWER: the option's traditional Chinese label, when it has one


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
    drivers = [
        _driver(kind, key, counts.labels[key], tones, commented, min_sample=min_sample)
        for key, tones in counts.tones.items()
        if _mentions(tones) >= min_mentions
    ]
    for chosen in chosen_option_counts(filters=filters, since=since, until=until):
        if sum(chosen.counts.values()) < min_mentions:
            continue
        names = (chosen.names["en"], chosen.names["zh-hans"] or chosen.names["zh-hant"], chosen.names["zh-hant"])
        tones = {score: {CHOSEN: n} for score, n in chosen.counts.items()}
        base = figure(kind, chosen.answered)
        drivers.append(_driver(kind, chosen.key, names, tones, base, min_sample=min_sample, question=chosen.question))
    drivers.sort(key=lambda d: (d.contribution if d.contribution is not None else 0.0, -d.figure.n, d.key))
    return DriverReport(kind=kind.value, since=since, until=until, commented=commented, drivers=drivers[:limit])


def _mentions(tones: dict[int, dict[str, int]]) -> int:
    return sum(n for by_tone in tones.values() for n in by_tone.values())


def _driver(
    kind: scoring.SurveyKind,
    key: str,
    names: Sequence[str],
    tones: dict[int, dict[str, int]],
    base: Figure,
    *,
    min_sample: int,
    question: str = "",
) -> Driver:
    """A driver's figures against its base: the commented answers for a theme, its question's answers for an option."""
    mentions = figure(kind, _explaining(kind, tones))
    rest_counts = {s: base.counts[s] - mentions.counts[s] for s in base.counts}
    rest = figure(kind, rest_counts)
    negative, positive = str(scoring.NEGATIVE_CLASS[kind]), str(scoring.POSITIVE_CLASS[kind])
    overall_rate = _rate(base.classes[negative], base.n)
    mention_rate = _rate(mentions.classes[negative], mentions.n)
    value, rest_value = mentions.estimate.value, rest.estimate.value
    return Driver(
        key=key,
        name_en=names[0],
        name_zh=names[1] or names[0],
        figure=mentions,
        mentions=_mentions(tones),
        complaints=_in_tones(tones, ("neg", "mixed")),
        praise=_in_tones(tones, ("pos", "mixed")),
        negative_share=_rate(_in_class(kind, tones, negative, "pos"), base.classes[negative]),
        positive_share=_rate(_in_class(kind, tones, positive, "neg"), base.classes[positive]),
        lift=mention_rate / overall_rate if overall_rate and mention_rate is not None else None,
        impact=value - rest_value if value is not None and rest_value is not None else None,
        contribution=scoring.contribution(
            share=mentions.n / base.n if base.n else 0.0, segment_score=value, overall_score=base.estimate.value
        ),
        versus_rest=scoring.change_test(kind, rest_counts, mentions.counts, min_sample=min_sample),
        source=ANSWER if question else COMMENT,
        question=question,
        name_zh_hant=names[2] if len(names) > 2 else "",
    )


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
