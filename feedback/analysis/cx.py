"""The three-class CX model: positive, neutral or negative, with a confidence, and whether a comment asks for
something, for one language part of a comment.

Its inputs, computed the same way in training (train_cx.py) and at run time:
- the words: TF-IDF n-grams of the text (Chinese folded to simplified characters; English with each word in a
  negation's scope marked, cues.mark_negation) and, as a block of its own, of the clause after a contrast word
  (但是, 不过, but, however…), so what follows the turn weighs on its own;
- the review model's polarity (the backend's binary model, trained on the public review sets) of the whole text,
  of the clause after the turn and of the clause before it;
- the cues of cues.py (request, question, hedge, status report, sarcasm, filler, emoji).
A multinomial logistic regression reads them into P(negative), P(neutral), P(positive); a second, binary one into
P(asks for something). Both are stored as one linear model with four outputs (models/cx_<language>.npz + .json).

Where a language has a gate (models/cx_<language>_gate, a binary model of how much a text reads like a public review
rather than a CX comment), a text the gate is sure of takes its direction, positive or negative, from the review
model, which reads reviews better; whether the text is neutral stays the CX model's call (toward_review).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from feedback.analysis import cues, linear, signals
from feedback.analysis.text import to_simplified

MODELS_DIR = Path(__file__).resolve().parent / "models"
CLASSES = ("neg", "neu", "pos")  # scikit-learn's order of the labels, and the model's first three outputs
REQUEST_OUTPUT = 3
REVIEW_FEATURES = ("review polarity", "review polarity after the turn", "review polarity before it", "has a turn")
FEATURES = REVIEW_FEATURES + cues.FEATURES
# The gate's P(reads like a review) from which the review model starts to give a text's direction, and from which it
# gives all of it. A CX comment the gate mistakes for a review loses the CX model's reading of irony: on the CX set's
# held-out rows 4-11 % of comments pass 0.5 (English), against 87-100 % of the public sets' held-out rows. Lower
# values read reviews better and CX comments worse (docs/analysis.md gives the trade-off measured).
GATE_FROM, GATE_FULL = 0.5, 0.8
_SARCASM = len(REVIEW_FEATURES) + cues.FEATURES.index("sarcasm")
# A Chinese text shorter than this is never read as a review: 好 and 不错 read the same either way, and 呵呵，真棒
# is irony only the CX model reads (the public sets read the same with or without this, to 0.0004).
GATE_MIN_CHARS = {"zh": 6}

Review = Callable[[Sequence[str]], np.ndarray]  # a backend's polarities(): texts → binary review polarity


@dataclass(frozen=True, slots=True)
class Inputs:
    """A batch as the model reads it: prepared texts, prepared clauses after a turn ("" if none), dense features."""

    texts: list[str]
    after: list[str]
    extras: np.ndarray


@dataclass(frozen=True, slots=True)
class Reading:
    """The model's reading of a batch: class probabilities (rows sum to 1, columns CLASSES), P(request), and the
    review model's polarity of each text (one of the inputs)."""

    probabilities: np.ndarray
    request: np.ndarray
    review: np.ndarray


@cache
def model(language: str) -> linear.LinearModel:
    return linear.load(MODELS_DIR / f"cx_{language}")


@cache
def gate(language: str) -> linear.LinearModel | None:
    path = MODELS_DIR / f"cx_{language}_gate"
    return linear.load(path) if path.with_suffix(".npz").exists() else None


def prepare(language: str, text: str) -> str:
    """Return the text as the n-gram blocks read it."""
    return to_simplified(text) if language == "zh" else cues.mark_negation(text, _valence())


@cache
def _valence() -> dict[str, float]:
    """VADER's word valences (−4..4), from the English backend; imported only when English is read."""
    from feedback.analysis import english

    return english.valences()


def inputs(language: str, texts: Sequence[str], review: Review) -> Inputs:
    """Compute the model's inputs for raw texts of one language, with one call of the review model."""
    turns = [signals.contrast_clauses(text, language) for text in texts]
    turned = [row for row, clauses in enumerate(turns) if clauses is not None]
    polarities = review([*texts, *(turns[row][1] for row in turned), *(turns[row][0] for row in turned)])
    count = len(texts)
    dense = np.zeros((count, len(FEATURES)), dtype=np.float64)
    dense[:, 0] = polarities[:count]
    for number, row in enumerate(turned):
        dense[row, 1:4] = polarities[count + number], polarities[count + len(turned) + number], 1.0
    for row, text in enumerate(texts):
        dense[row, len(REVIEW_FEATURES) :] = cues.cue_values(language, text)
    return Inputs(
        texts=[prepare(language, text) for text in texts],
        after=[prepare(language, clauses[1]) if clauses else "" for clauses in turns],
        extras=dense,
    )


def read(language: str, texts: Sequence[str], review: Review) -> Reading:
    """Return the model's class probabilities and request probability for raw texts of one language."""
    if not texts:
        return Reading(np.zeros((0, len(CLASSES))), np.zeros(0), np.zeros(0))
    batch = inputs(language, texts, review)
    scores = model(language).scores(batch.texts, batch.extras, batch.after)
    likeness = review_likeness(language, batch.texts)
    likeness[batch.extras[:, _SARCASM] > 0] = 0.0  # irony is the CX model's to read: a review would take it at its word
    likeness[[len(text) < GATE_MIN_CHARS.get(language, 0) for text in batch.texts]] = 0.0
    probabilities = toward_review(softmax(scores[:, : len(CLASSES)]), batch.extras[:, 0], likeness)
    return Reading(
        probabilities=probabilities,
        request=sigmoid(scores[:, REQUEST_OUTPUT]),
        review=batch.extras[:, 0].copy(),
    )


def review_likeness(language: str, prepared: Sequence[str]) -> np.ndarray:
    """Return the gate's P(reads like a review) of prepared texts (cx.prepare); 0 for a language without a gate."""
    reader = gate(language)
    return sigmoid(reader.decision(prepared)) if reader is not None else np.zeros(len(prepared))


def toward_review(probabilities: np.ndarray, review: np.ndarray, likeness: np.ndarray) -> np.ndarray:
    """Give the texts that read like reviews their direction from the review model's polarity, by the gate's share.

    The direction is (P(pos) − P(neg)) / (P(pos) + P(neg)), −1..1; a text's share of the review model's direction
    grows from 0 at GATE_FROM to 1 at GATE_FULL. P(neutral) is kept, and texts below GATE_FROM are left as they are.
    """
    share = np.clip((likeness - GATE_FROM) / (GATE_FULL - GATE_FROM), 0.0, 1.0)
    rows = np.flatnonzero(share > 0)
    if not len(rows):
        return probabilities
    negative, neutral, positive = (probabilities[rows, column] for column in range(len(CLASSES)))
    polar = 1.0 - neutral
    direction = np.divide(positive - negative, polar, out=np.zeros(len(rows)), where=polar > 0)
    direction = (1.0 - share[rows]) * direction + share[rows] * review[rows]
    mixed = probabilities.copy()
    mixed[rows] = np.column_stack([polar * (1.0 - direction) / 2.0, neutral, polar * (1.0 + direction) / 2.0])
    return mixed


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def sigmoid(scores: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-scores))


def describe(language: str) -> str:
    return f"cx-lr {model(language).meta['trained'][:7]}" + (" + gate" if gate(language) is not None else "")
