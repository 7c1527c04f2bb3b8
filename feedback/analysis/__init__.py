"""Text analysis of customer comments: language, sentiment with its confidence, keywords, aspects and requests.

    analyze(text) -> TextAnalysis
    analyze_many(texts) -> list[TextAnalysis]   # the same results, computed in batches
    warm_up()                                   # load every backend now (Celery worker start)
    analyzer_name() / ANALYZER                  # e.g. "cx-text 2; en: cx-lr 2026-12 + tfidf-lr 2026-11 + …; zh: …"

A comment is clipped (text.MAX_CHARS) and routed by script (routing.py) to the backends named in
settings.CX_ANALYSIS_BACKENDS (english.py, chinese.py). Each part is read by its language's CX model (cx.py):
P(negative), P(neutral), P(positive) and P(asks for something), from its words, the backend's review polarity of
the whole part and of each side of a turn ("…but…", "…但是…"), and the cues of cues.py. A mixed comment's parts are
combined by length. The label is the likeliest class, the confidence its probability, the polarity
P(positive) − P(negative). Keywords come from the backend, and each keyword's own polarity from its clause
(aspects.py). A comment with no words we read (emoji only) is scored from its emoji (signals.py).
"""

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache

import numpy as np

from feedback.analysis import aspects as clause_aspects
from feedback.analysis import cx, signals
from feedback.analysis.backends import backend, configured_languages
from feedback.analysis.routing import Part, Route, route
from feedback.analysis.text import KEYWORD_LIMIT, clip

VERSION = "cx-text 3"
# A comment of emoji only: its polarity is this share of their mean score, and it is neutral inside this band.
EMOJI_BAND = 0.2
REQUEST_THRESHOLD = 0.5  # P(asks for something) from which a comment is a request
# A comment of one Latin word (punctuation and emoji aside) takes the review model's side when it is this sure.
ONE_WORD_REVIEW = 0.5
_ONE_WORD = re.compile(r"[^\w]*[A-Za-z][A-Za-z'’-]*[^\w]*")
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
    configured = set(configured_languages())
    parts = [_parts(text, routed, configured) for text, routed in zip(clipped, routes, strict=True)]
    readings = _read([(part.language, part.text) for row in parts for part in row])
    name = analyzer_name()
    results = []
    position = 0
    for text, routed, row in zip(clipped, routes, parts, strict=True):
        # keywords come from the route's parts, each by its own language's backend, also in a mixed comment
        by_script = [part for part in routed.parts if part.language in configured]
        results.append(_result(text, routed.language, row, by_script, readings[position : position + len(row)], name))
        position += len(row)
    return _with_aspects(results, parts)


def warm_up() -> None:
    """Import every configured backend and load its model and dictionaries, so no task pays the load."""
    for language in configured_languages():
        backend(language).load()
        cx.model(language)
        cx.gate(language)
    analyzer_name()


@cache
def analyzer_name() -> str:
    """Return the analyzer's name with each backend's model and library versions, stored with every result."""
    described = (
        f"{language}: {cx.describe(language)} + {backend(language).describe()}" for language in configured_languages()
    )
    return "; ".join((VERSION, *described))


def __getattr__(name: str) -> str:
    """Provide ANALYZER lazily: computing it imports the backends, which must not happen at import time."""
    if name == "ANALYZER":
        return analyzer_name()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def label_for(polarity: float, band: float) -> str:
    """Return "pos" or "neg" outside the neutral band, "neu" inside it (emoji-only comments)."""
    if polarity >= band:
        return "pos"
    if polarity <= -band:
        return "neg"
    return "neu"


def _parts(text: str, routed: Route, configured: set[str]) -> list[Part]:
    """The parts to read: a mixed comment whole, by the Chinese model (its CX set has mixed comments, and a turn
    such as "dashboard 很好用 but 导出太慢" crosses the scripts); otherwise the route's parts."""
    if routed.language == "mixed" and "zh" in configured:
        return [Part("zh", text, sum(part.weight for part in routed.parts))]
    return [part for part in routed.parts if part.language in configured]


def _read(texts: Sequence[tuple[str, str]]) -> list[tuple[np.ndarray, float, float]]:
    """Read (language, text) pairs with one CX model call per language.

    Returns (class probabilities, P(request), the review model's polarity) per text.
    """
    batches: dict[str, list[int]] = defaultdict(list)
    for index, (language, _) in enumerate(texts):
        batches[language].append(index)
    readings: list[tuple[np.ndarray, float, float]] = [(np.zeros(0), 0.0, 0.0)] * len(texts)
    for language, indexes in batches.items():
        reading = cx.read(language, [texts[index][1] for index in indexes], backend(language).polarities)
        for number, index in enumerate(indexes):
            readings[index] = (
                reading.probabilities[number],
                float(reading.request[number]),
                float(reading.review[number]),
            )
    return readings


def _result(
    text: str, language: str, parts: list[Part], by_script: list[Part], readings: list, analyzer: str
) -> TextAnalysis:
    """Combine a comment's part readings (weighted by length) and keywords into its analysis (aspects later)."""
    if parts:
        weights = np.asarray([part.weight for part in parts])
        probabilities = np.average(np.vstack([reading[0] for reading in readings]), axis=0, weights=weights)
        request = float(np.average([reading[1] for reading in readings], weights=weights))
        if signals.is_filler(text):  # "ok", "n/a", "还行": neutral whatever the words lean to
            probabilities = _towards(probabilities, "neu")
        elif len(parts) == 1 and _ONE_WORD.fullmatch(text) and abs(readings[0][2]) >= ONE_WORD_REVIEW:
            # one word has nothing to be ironic about: "Great" is praise, as the review model reads it
            probabilities = _towards(probabilities, "pos" if readings[0][2] > 0 else "neg")
        best = int(probabilities.argmax())
        label, confidence = cx.CLASSES[best], float(probabilities[best])
        polarity = float(probabilities[cx.CLASSES.index("pos")] - probabilities[cx.CLASSES.index("neg")])
    else:
        emoji_score, _ = signals.emoji_sentiment(text)
        polarity = emoji_score * signals.EMOJI_ONLY_STRENGTH
        label, confidence, request = label_for(polarity, EMOJI_BAND), (1 + abs(polarity)) / 2, 0.0
    keywords = _merge_keywords([backend(part.language).keywords(part.text) for part in by_script])
    return TextAnalysis(
        language=language,
        polarity=_rounded(polarity),
        label=label,
        confidence=round(confidence, POLARITY_DIGITS),
        keywords=keywords,
        aspects=tuple(Aspect(term=keyword, label=label) for keyword in keywords),
        is_request=request >= REQUEST_THRESHOLD,
        analyzer=analyzer,
    )


def _towards(probabilities: np.ndarray, label: str) -> np.ndarray:
    """Move half of the probability onto one class, which then has at least one half: the likeliest."""
    return (probabilities + np.eye(len(cx.CLASSES))[cx.CLASSES.index(label)]) / 2


def _with_aspects(results: list[TextAnalysis], parts: list[list]) -> list[TextAnalysis]:
    """Give each keyword its clause's label where a comment has keywords in more than one clause (aspects.py)."""
    wanted: list[tuple[int, str, str, str]] = []  # (result row, keyword, language, clause)
    for row, (result, comment_parts) in enumerate(zip(results, parts, strict=True)):
        for part in comment_parts:
            mentioned = [keyword for keyword in result.keywords if clause_aspects.find_word(part.text, keyword) >= 0]
            for keyword, clause in (clause_aspects.keyword_clauses(part.text, mentioned) or {}).items():
                wanted.append((row, keyword, part.language, clause))
    if not wanted:
        return results
    readings = _read([(language, clause) for _, _, language, clause in wanted])
    labels: dict[tuple[int, str], str] = {}
    for (row, keyword, _, _), (probabilities, _, review) in zip(wanted, readings, strict=True):
        best = int(probabilities.argmax())
        labels[row, keyword] = clause_aspects.aspect_label(
            results[row].label, cx.CLASSES[best], float(probabilities[best]), review
        )
    return [
        replace(
            result,
            aspects=tuple(
                Aspect(term=aspect.term, label=labels.get((row, aspect.term), aspect.label))
                for aspect in result.aspects
            ),
        )
        for row, result in enumerate(results)
    ]


def _rounded(polarity: float) -> float:
    """Round for storage without letting a tiny lean become exactly zero (zero would flip the binary verdict)."""
    rounded = round(max(-1.0, min(1.0, polarity)), POLARITY_DIGITS)
    if rounded == 0 and polarity != 0:
        return 10.0**-POLARITY_DIGITS if polarity > 0 else -(10.0**-POLARITY_DIGITS)
    return rounded


def _merge_keywords(ranked_parts: list[list[tuple[str, float]]]) -> tuple[str, ...]:
    """Merge each script's ranked keywords by their score relative to that script's best keyword.

    The scripts are not weighed by their share of the text: in a mixed comment the words switched to English are
    most often the topic ("视频会员的 subscription 取消不了"), however few of them there are. On the mixed comments
    of the CX set's train rows, weighing by share found 74 % of the tagged topics among the first three keywords
    (either containing the other) and this 89 %.
    """
    candidates = []
    for ranked in ranked_parts:
        best = max((score for _, score in ranked), default=0.0) or 1.0
        candidates.extend((score / best, keyword) for keyword, score in ranked)
    candidates.sort(key=lambda candidate: -candidate[0])
    seen: set[str] = set()
    merged = []
    for _, keyword in candidates:
        if keyword.lower() not in seen:
            seen.add(keyword.lower())
            merged.append(keyword)
    return tuple(merged[:KEYWORD_LIMIT])
