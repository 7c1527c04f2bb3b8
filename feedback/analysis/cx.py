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
    return Reading(
        probabilities=softmax(scores[:, : len(CLASSES)]),
        request=sigmoid(scores[:, REQUEST_OUTPUT]),
        review=batch.extras[:, 0].copy(),
    )


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def sigmoid(scores: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-scores))


def describe(language: str) -> str:
    return f"cx-lr {model(language).meta['trained'][:7]}"
