"""Text analysis of customer comments: language, sentiment and keywords, behind one interface.

    analyze(text) -> TextAnalysis
    analyze_many(texts) -> list[TextAnalysis]   # the same results, computed in batches
    warm_up()                                   # load every backend now (Celery worker start)
    analyzer_name() / ANALYZER                  # e.g. "cx-text 1; en: tfidf-lr 2026-11 + …; zh: …"

A comment is clipped (text.MAX_CHARS), routed by script (routing.py) to the backends named in
settings.CX_ANALYSIS_BACKENDS (english.py, chinese.py), and each part's polarity comes from a logistic regression
trained by train.py. Mixed-language comments are scored part by part and combined by length. Rules for what the
models miss (emoji, fillers, sarcasm, "X but Y") live in signals.py. The label is a pure function of the polarity:
neutral inside a band around zero whose width was calibrated on cross-validated predictions at training time.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from math import isnan

from feedback.analysis import signals
from feedback.analysis.backends import backend, configured_languages
from feedback.analysis.routing import Route, route
from feedback.analysis.text import KEYWORD_LIMIT, clip

VERSION = "cx-text 1"
POLARITY_DIGITS = 4


@dataclass(frozen=True, slots=True)
class Aspect:
    """A keyword and the polarity of the clause that mentions it ("support was great, billing is a mess")."""

    term: str  # exactly as in the text, one of the comment's keywords
    label: str  # "pos" | "neu" | "neg"


@dataclass(frozen=True, slots=True)
class TextAnalysis:
    """What one comment says: its language, how it feels, what it is about, and whether it asks for something."""

    language: str  # "zh" | "en" | "mixed" | "other"
    polarity: float  # -1..1: P(positive) − P(negative); > 0 leans positive
    label: str  # "pos" | "neu" | "neg"
    confidence: float  # the probability of the label, 1/3..1
    keywords: tuple[str, ...]  # up to 8, best first, each exactly as it appears in the text
    aspects: tuple[Aspect, ...]  # the keywords with their own polarity, in keyword order
    is_request: bool  # asks for a feature, an option or a change
    analyzer: str  # name and versions of everything that produced this result


def analyze(text: str) -> TextAnalysis:
    """Analyse one comment."""
    return analyze_many([text])[0]


def analyze_many(texts: Sequence[str]) -> list[TextAnalysis]:
    """Analyse comments in one batch per backend; equal to [analyze(t) for t in texts], only faster."""
    clipped = [clip(text) for text in texts]
    routes = [route(text) for text in clipped]
    part_polarities = _part_polarities(routes)
    name = analyzer_name()
    return [
        _result(text, routed, part_polarities[row], name)
        for row, (text, routed) in enumerate(zip(clipped, routes, strict=True))
    ]


def warm_up() -> None:
    """Import every configured backend and load its model and dictionaries, so no task pays the load."""
    for language in configured_languages():
        backend(language).load()
    analyzer_name()


@cache
def analyzer_name() -> str:
    """Return the analyzer's name with each backend's model and library versions, stored with every result."""
    described = (f"{language}: {backend(language).describe()}" for language in configured_languages())
    return "; ".join((VERSION, *described))


def __getattr__(name: str) -> str:
    """Provide ANALYZER lazily: computing it imports the backends, which must not happen at import time."""
    if name == "ANALYZER":
        return analyzer_name()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def label_for(polarity: float, band: float) -> str:
    """Return "pos" or "neg" outside the neutral band, "neu" inside it."""
    if polarity >= band:
        return "pos"
    if polarity <= -band:
        return "neg"
    return "neu"


def _part_polarities(routes: Sequence[Route]) -> list[list[float]]:
    """Score every part of every comment with one batch call per backend.

    A part with a contrast word ("…but…", "…但是…") is scored as a whole and clause by clause; when the first
    clause is clearly positive or negative and the second does not agree, the part is mixed feelings and its
    polarity is pulled into the neutral band (sign kept).
    """
    configured = set(configured_languages())
    batches: dict[str, list[str]] = defaultdict(list)
    plans = []
    for routed in routes:
        plan = []
        for part in routed.parts:
            if part.language not in configured:
                plan.append(None)
                continue
            batch = batches[part.language]
            clauses = signals.contrast_clauses(part.text, part.language)
            plan.append((part.language, len(batch), clauses is not None))
            batch.extend((part.text, *(clauses or ())))
        plans.append(plan)
    scores = {language: backend(language).polarities(batch) for language, batch in batches.items()}
    results = []
    for plan in plans:
        row = []
        for step in plan:
            if step is None:
                row.append(float("nan"))  # no backend for this part's language
                continue
            language, index, has_clauses = step
            polarity = float(scores[language][index])
            band = backend(language).neutral_band()
            if has_clauses:
                before, after = float(scores[language][index + 1]), float(scores[language][index + 2])
                if signals.is_two_sided(before, after, band):
                    polarity = signals.into_band(polarity, band)
            row.append(polarity)
        results.append(row)
    return results


def _result(text: str, routed: Route, polarities: list[float], analyzer: str) -> TextAnalysis:
    """Combine a comment's part polarities and keywords, apply the text-level rules, and label it."""
    scored = [(part, polarity) for part, polarity in zip(routed.parts, polarities, strict=True) if not isnan(polarity)]
    weight = sum(part.weight for part, _ in scored)
    if scored:
        words = sum(part.weight * polarity for part, polarity in scored) / weight
        band = sum(part.weight * backend(part.language).neutral_band() for part, _ in scored) / weight
    else:
        words = None
        languages = configured_languages()
        band = sum(backend(language).neutral_band() for language in languages) / max(len(languages), 1)
    polarity = _rounded(signals.adjust(text, words, weight=weight, band=band))
    keywords = _merge_keywords([(backend(part.language).keywords(part.text), part.weight) for part, _ in scored])
    return TextAnalysis(
        language=routed.language,
        polarity=polarity,
        label=label_for(polarity, band),
        confidence=round((1 + abs(polarity)) / 2, POLARITY_DIGITS),
        keywords=keywords,
        aspects=(),
        is_request=False,
        analyzer=analyzer,
    )


def _rounded(polarity: float) -> float:
    """Round for storage without letting a tiny lean become exactly zero (zero would flip the binary verdict)."""
    rounded = round(max(-1.0, min(1.0, polarity)), POLARITY_DIGITS)
    if rounded == 0 and polarity != 0:
        return 10.0**-POLARITY_DIGITS if polarity > 0 else -(10.0**-POLARITY_DIGITS)
    return rounded


def _merge_keywords(ranked_parts: list[tuple[list[tuple[str, float]], float]]) -> tuple[str, ...]:
    """Merge each part's ranked keywords: scores relative to the part's best, times the part's share of the text."""
    total = sum(weight for _, weight in ranked_parts) or 1.0
    candidates = []
    for ranked, weight in ranked_parts:
        best = max((score for _, score in ranked), default=0.0) or 1.0
        candidates.extend((score / best * weight / total, keyword) for keyword, score in ranked)
    candidates.sort(key=lambda candidate: -candidate[0])
    seen: set[str] = set()
    merged = []
    for _, keyword in candidates:
        if keyword.lower() not in seen:
            seen.add(keyword.lower())
            merged.append(keyword)
    return tuple(merged[:KEYWORD_LIMIT])
