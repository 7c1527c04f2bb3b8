"""A linear sentiment model over TF-IDF n-grams, stored as plain arrays so that loading it runs no pickle.

`train.py` fits scikit-learn's TfidfVectorizer and LogisticRegression and exports them with `save`; at run time
`load` rebuilds only what scoring needs: each block's n-gram analyzer (scikit-learn's own, so tokens match training),
its vocabulary and idf, and the weights. Scoring a batch tokenizes each text, then does the arithmetic for the whole
batch in a few numpy calls; every row is computed on its own, so a text scores the same alone or inside a batch.
"""

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

# TfidfVectorizer arguments that decide the tokens; the rest (sublinear tf, l2 norm, smooth idf) is fixed below.
ANALYZER_PARAMS = ("analyzer", "ngram_range", "lowercase", "token_pattern", "strip_accents")


@dataclass(frozen=True, slots=True)
class NgramBlock:
    """One TF-IDF block's tokenizer and vocabulary; its terms map to columns of the model's whole feature space."""

    params: dict
    analyzer: Callable[[str], list[str]]
    vocabulary: dict[str, int]


@dataclass(frozen=True, slots=True)
class LinearModel:
    """Logistic regression over TF-IDF blocks plus a few dense features (lexicon scores).

    Each block is sublinear tf × idf, l2-normalised on its own, as TfidfVectorizer does. `idf` and `weights` hold
    every block's columns, as float64 copies of the stored float32 arrays. `weights` and `extra_weights` have one
    column per output (one for a binary model; one per class, and more heads, for the CX model), `intercept` one
    value per output.
    """

    blocks: tuple[NgramBlock, ...]
    idf: np.ndarray
    weights: np.ndarray
    extra_weights: np.ndarray
    intercept: np.ndarray
    meta: dict

    def scores(
        self, texts: Sequence[str], extras: np.ndarray | None = None, after: Sequence[str] | None = None
    ) -> np.ndarray:
        """Return the decision values per text and output column, shape (texts, outputs).

        Tokenizing is per text (as in scikit-learn); the arithmetic is one vectorised pass over the whole batch and
        all blocks, so a small batch pays for a dozen numpy calls once. np.bincount adds up each (text, block)
        segment's terms in order and alone, so a text's value never depends on the batch it came in. A block whose
        parameters say `"source": "after"` reads `after` (the clause after a contrast word) instead of the text.
        """
        n_blocks = len(self.blocks)
        segments: list[int] = []
        columns: list[int] = []
        counts: list[int] = []
        sources = {"text": texts, "after": after if after is not None else [""] * len(texts)}
        for number, block in enumerate(self.blocks):
            for row, text in enumerate(sources[block.params.get("source", "text")]):
                counted = Counter(block.analyzer(text))
                # filter/map over bound methods keep the per-term loop in C: a tweet has ~400 character n-grams.
                found = list(filter(block.vocabulary.__contains__, counted))
                segments.extend(repeat(row * n_blocks + number, len(found)))
                columns.extend(map(block.vocabulary.__getitem__, found))
                counts.extend(map(counted.__getitem__, found))
        n_segments = len(texts) * n_blocks
        where = np.asarray(columns, dtype=np.int64)
        segment = np.asarray(segments, dtype=np.int64)
        values = (1.0 + np.log(np.asarray(counts, dtype=np.float64))) * self.idf[where]
        norms = np.sqrt(np.bincount(segment, weights=values * values, minlength=n_segments))
        outputs = self.weights.shape[1]
        total = np.tile(self.intercept, (len(texts), 1))
        for output in range(outputs):
            sums = np.bincount(segment, weights=values * self.weights[where, output], minlength=n_segments)
            per_block = np.divide(sums, norms, out=np.zeros(n_segments), where=norms > 0)
            total[:, output] += per_block.reshape(len(texts), n_blocks).sum(axis=1)
        if len(self.extra_weights):
            if extras is None or extras.shape != (len(texts), len(self.extra_weights)):
                raise ValueError(f"this model needs {len(self.extra_weights)} extra features per text")
            total += np.asarray(extras, dtype=np.float64) @ self.extra_weights
        return total

    def decision(self, texts: Sequence[str], extras: np.ndarray | None = None) -> np.ndarray:
        """Return a binary model's decision value per text; its sign is the model's verdict (> 0 means positive)."""
        return self.scores(texts, extras)[:, 0]

    def polarity(self, texts: Sequence[str], extras: np.ndarray | None = None) -> np.ndarray:
        """Return 2·P(positive) − 1 per text: −1..1, with the sign of the decision value."""
        return np.tanh(self.decision(texts, extras) / 2.0)


def analyzer_for(params: dict) -> Callable[[str], list[str]]:
    """Return scikit-learn's own tokenizer for these vectorizer parameters, so run time splits text as training did."""
    params = {key: tuple(value) if key == "ngram_range" else value for key, value in params.items()}
    return TfidfVectorizer(**params).build_analyzer()


def save(
    path: Path,
    *,
    vectorizers: Sequence[TfidfVectorizer],
    coef: np.ndarray,
    intercept: float | np.ndarray,
    n_extra: int,
    meta: dict,
) -> None:
    """Write a fitted model as a compressed .npz of arrays plus a JSON sidecar of parameters and provenance.

    `coef` is (features,) for a binary model or (outputs, features); `params` of a vectorizer may add a "source".
    """
    coef = np.atleast_2d(coef).T  # (features, outputs)
    arrays: dict[str, np.ndarray] = {}
    block_params = []
    offset = 0
    for number, vectorizer in enumerate(vectorizers):
        terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
        arrays[f"terms{number}"] = np.asarray(terms, dtype=np.str_)
        arrays[f"idf{number}"] = vectorizer.idf_.astype(np.float32)
        arrays[f"weights{number}"] = coef[offset : offset + len(terms)].astype(np.float32)
        offset += len(terms)
        source = getattr(vectorizer, "cx_source", "text")
        block_params.append({key: getattr(vectorizer, key) for key in ANALYZER_PARAMS} | {"source": source})
    if offset + n_extra != len(coef):
        raise ValueError("coef does not match the vectorizers' vocabularies plus the extra features")
    arrays["extra_weights"] = coef[offset:].astype(np.float32)
    arrays["intercept"] = np.atleast_1d(np.asarray(intercept, dtype=np.float64))
    np.savez_compressed(path.with_suffix(".npz"), **arrays)
    sidecar = {**meta, "blocks": block_params}
    path.with_suffix(".json").write_text(json.dumps(sidecar, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def load(path: Path) -> LinearModel:
    """Read a model written by `save` (never unpickles anything)."""
    meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    with np.load(path.with_suffix(".npz"), allow_pickle=False) as arrays:
        blocks = []
        offset = 0
        for number, params in enumerate(meta["blocks"]):
            terms = arrays[f"terms{number}"].tolist()
            vocabulary = {term: offset + index for index, term in enumerate(terms)}
            tokens = {key: value for key, value in params.items() if key != "source"}
            blocks.append(NgramBlock(params=params, analyzer=analyzer_for(tokens), vocabulary=vocabulary))
            offset += len(terms)
        numbers = range(len(blocks))
        return LinearModel(
            blocks=tuple(blocks),
            idf=np.concatenate([arrays[f"idf{number}"] for number in numbers]).astype(np.float64),
            weights=_columns(np.concatenate([arrays[f"weights{number}"] for number in numbers])),
            extra_weights=_columns(arrays["extra_weights"]),
            intercept=arrays["intercept"].astype(np.float64),
            meta=meta,
        )


def _columns(weights: np.ndarray) -> np.ndarray:
    """Return stored weights as float64 (features, outputs); a binary model's are stored as one flat column."""
    return (weights.reshape(-1, 1) if weights.ndim == 1 else weights).astype(np.float64)
