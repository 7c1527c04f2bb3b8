"""Train the three-class CX models (models/cx_<language>), called by `python -m feedback.analysis.train`.

Per language: the train four-fifths of the team's CX set (cxset.py), plus staff's corrections when a file exported
by `manage.py export_sentiment_corrections` is given. Features are cx.inputs (the review model must be trained
first: its polarities are inputs). C is chosen by stratified 5-fold cross-validation on the train rows for the
three classes (macro-F1) and for the request head (F1); the held-out fifth is read once, after the model is
written, to report macro-F1, accuracy per kind and the request head's precision and recall.
"""

import datetime as dt
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import import_module
from importlib.metadata import version
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_score, recall_score
from sklearn.model_selection import StratifiedKFold

from feedback.analysis import cx, cxset, linear
from feedback.analysis.datasets import DEFAULT_DATA_DIR, language_splits
from feedback.analysis.text import clip

# Review rows (a seeded sample of the public sets' train splits, never their held-out rows) join the CX rows, together
# weighing this share of them, so that plain reviews read much as the review model reads them. More weight reads
# reviews better and CX comments worse (English irony first: "great" is praise in reviews); these are the trade-offs
# measured on the held-out sets (docs/analysis.md). A weight of 0.5 cost the CX set 0.06-0.09 of macro-F1.
REVIEW_ROWS = 4000
REVIEW_WEIGHT = {"zh": 0.1, "en": 0.05}
FOLDS = 5
SEED = 42
C_GRID = (1.0, 2.0, 4.0, 8.0, 16.0)
_WORD = {"analyzer": "word", "token_pattern": r"(?u)\b\w[\w']*\b"}
BLOCKS = {
    # (source, vectorizer parameters): the whole text, and the clause after the turn on its own
    "zh": (
        ("text", {"analyzer": "char", "ngram_range": (1, 3), "min_df": 2}),
        ("after", {"analyzer": "char", "ngram_range": (1, 2), "min_df": 2}),
    ),
    "en": (
        ("text", {**_WORD, "ngram_range": (1, 2), "min_df": 2}),
        ("after", {**_WORD, "ngram_range": (1, 1), "min_df": 2}),
    ),
}


# The shipped backends whose review polarities the CX models are trained on (settings are not read here).
REVIEW_BACKENDS = {"en": "feedback.analysis.english", "zh": "feedback.analysis.chinese"}


def review_backend(language: str):
    return import_module(REVIEW_BACKENDS[language])


@dataclass(frozen=True, slots=True)
class Rows:
    texts: list[str]
    labels: np.ndarray
    requests: np.ndarray
    kinds: list[str]
    weights: np.ndarray | None = None


def reviews(language: str, count: int = REVIEW_ROWS) -> Rows:
    """A seeded sample of the public sets' train rows (never their held-out rows), labelled pos or neg."""
    splits = language_splits(DEFAULT_DATA_DIR, language)
    texts = [text for split in splits for text in split.train_texts]
    labels = np.concatenate([split.train_labels for split in splits])
    chosen = np.random.default_rng(SEED).permutation(len(texts))[:count]
    return Rows(
        texts=[clip(texts[row]) for row in chosen],
        labels=np.where(labels[chosen] == 1, "pos", "neg"),
        requests=np.zeros(len(chosen), dtype=int),
        kinds=["review"] * len(chosen),
    )


def rows_of(comments: Sequence[cxset.Comment]) -> Rows:
    return Rows(
        texts=[comment.text for comment in comments],
        labels=np.asarray([comment.label for comment in comments]),
        requests=np.asarray([int(comment.is_request) for comment in comments]),
        kinds=[comment.kind for comment in comments],
    )


def corrections(path: Path | None, language: str) -> Rows:
    """Staff's corrections of this language from an export (JSON Lines or CSV); mixed comments go to Chinese."""
    if path is None:
        return Rows([], np.asarray([], dtype=str), np.asarray([], dtype=int), [])
    if path.suffix == ".csv":
        import csv

        with path.open(newline="", encoding="utf-8") as handle:
            records = list(csv.DictReader(handle))
    else:
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    wanted = {"zh": ("zh", "mixed"), "en": ("en",)}[language]
    kept = [r for r in records if r.get("language") in wanted and r.get("text") and r.get("label") in cx.CLASSES]
    return Rows(
        texts=[r["text"] for r in kept],
        labels=np.asarray([r["label"] for r in kept]),
        requests=np.zeros(len(kept), dtype=int),  # a correction says nothing about a request: counted as none
        kinds=["correction"] * len(kept),
    )


class Features:
    """The vectorizers fitted on training rows, and the matrix of any rows (cx.inputs + the fitted blocks)."""

    def __init__(self, language: str, texts: Sequence[str]) -> None:
        self.language = language
        batch = cx.inputs(language, texts, review_backend(language).polarities)
        self.vectorizers = []
        for source, params in BLOCKS[language]:
            vectorizer = TfidfVectorizer(sublinear_tf=True, lowercase=True, dtype=np.float32, **params)
            vectorizer.cx_source = source  # read by linear.save
            corpus = batch.texts if source == "text" else [text for text in batch.after if text] or ["—"]
            vectorizer.fit(corpus)
            self.vectorizers.append(vectorizer)

    def matrix(self, texts: Sequence[str]) -> csr_matrix:
        batch = cx.inputs(self.language, texts, review_backend(self.language).polarities)
        sources = {"text": batch.texts, "after": batch.after}
        blocks = [vectorizer.transform(sources[vectorizer.cx_source]) for vectorizer in self.vectorizers]
        return hstack([*blocks, csr_matrix(batch.extras)]).tocsr()


def _classes(c_value: float) -> LogisticRegression:
    return LogisticRegression(C=c_value, class_weight="balanced", max_iter=5000)


def choose_c(language: str, rows: Rows) -> tuple[float, float, dict, dict]:
    """Cross-validate C for the classes (macro-F1) and for the request head (F1); return both and the scores."""
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    strata = [f"{label}/{kind}" for label, kind in zip(rows.labels, rows.kinds, strict=True)]
    predicted = {c: np.empty(len(rows.texts), dtype=object) for c in C_GRID}
    asked = {c: np.zeros(len(rows.texts), dtype=int) for c in C_GRID}
    for train_rows, test_rows in folds.split(rows.texts, strata):
        # the n-gram vocabularies come from the CX rows only: review words would only make the model larger
        features = Features(language, [rows.texts[row] for row in train_rows if rows.kinds[row] != "review"])
        train_matrix = features.matrix([rows.texts[row] for row in train_rows])
        test_matrix = features.matrix([rows.texts[row] for row in test_rows])
        weights = rows.weights[train_rows] if rows.weights is not None else None
        for c_value in C_GRID:
            fitted = _classes(c_value).fit(train_matrix, rows.labels[train_rows], sample_weight=weights)
            predicted[c_value][test_rows] = fitted.predict(test_matrix)
            request = _classes(c_value).fit(train_matrix, rows.requests[train_rows], sample_weight=weights)
            asked[c_value][test_rows] = request.predict(test_matrix)
    mine = np.asarray([kind != "review" for kind in rows.kinds])  # scored on the CX rows and corrections only
    macro = {c: float(f1_score(rows.labels[mine], predicted[c][mine].astype(str), average="macro")) for c in C_GRID}
    request_f1 = {c: float(f1_score(rows.requests[mine], asked[c][mine])) for c in C_GRID}
    best = max(macro, key=lambda c: (round(macro[c], 3), -c))
    best_request = max(request_f1, key=lambda c: (round(request_f1[c], 3), -c))
    return best, best_request, macro, request_f1


def train_language(language: str, out_dir: Path, corrections_file: Path | None = None) -> dict:
    """Fit, write and evaluate one language's CX model; return its sidecar metadata."""
    started = time.perf_counter()
    train_comments, held_out = cxset.comments(language)
    own, corrected = rows_of(train_comments), corrections(corrections_file, language)
    review = reviews(language)
    review_weight = REVIEW_WEIGHT[language] * (len(own.texts) + len(corrected.texts)) / max(len(review.texts), 1)
    rows = Rows(
        texts=own.texts + corrected.texts + review.texts,
        labels=np.concatenate([own.labels, corrected.labels, review.labels]),
        requests=np.concatenate([own.requests, corrected.requests, review.requests]),
        kinds=own.kinds + corrected.kinds + review.kinds,
        weights=np.concatenate(
            [np.ones(len(own.texts) + len(corrected.texts)), np.full(len(review.texts), review_weight)]
        ),
    )
    c_value, c_request, macro_by_c, request_by_c = choose_c(language, rows)
    features = Features(language, own.texts + corrected.texts)
    matrix = features.matrix(rows.texts)
    classes = _classes(c_value).fit(matrix, rows.labels, sample_weight=rows.weights)
    request = _classes(c_request).fit(matrix, rows.requests, sample_weight=rows.weights)
    if tuple(classes.classes_) != cx.CLASSES:
        raise ValueError(f"expected the classes {cx.CLASSES}, got {tuple(classes.classes_)}")
    coef = np.vstack([classes.coef_, request.coef_])
    intercept = np.concatenate([classes.intercept_, request.intercept_])
    n_terms = sum(len(vectorizer.vocabulary_) for vectorizer in features.vectorizers)
    meta = {
        "language": language,
        "trained": dt.date.today().isoformat(),
        "model": "TF-IDF n-grams + review polarities + cues; multinomial and binary logistic regression",
        "sklearn": version("scikit-learn"),
        "outputs": [*cx.CLASSES, "request"],
        "blocks_fitted": [{"source": source, **params} for source, params in BLOCKS[language]],
        "vocabulary_sizes": [len(vectorizer.vocabulary_) for vectorizer in features.vectorizers],
        "extra_features": list(cx.FEATURES),
        "C": c_value,
        "C_request": c_request,
        "cv": {
            "folds": FOLDS,
            "macro_f1_by_C": {str(c): round(v, 4) for c, v in macro_by_c.items()},
            "request_f1_by_C": {str(c): round(v, 4) for c, v in request_by_c.items()},
        },
        "train_rows": {
            "cxset": len(own.texts),
            "corrections": len(corrected.texts),
            "reviews": len(review.texts),
            "review_weight": round(review_weight, 4),
        },
        "held_out_rows": len(held_out),
    }

    def write() -> None:
        """Write the model and drop the loaded one, so the next read (the held-out scores) is of this file."""
        linear.save(
            out_dir / f"cx_{language}",
            vectorizers=features.vectorizers,
            coef=coef,
            intercept=intercept,
            n_extra=coef.shape[1] - n_terms,
            meta=meta,
        )
        cx.model.cache_clear()

    write()  # scored as it will ship, then written again with its scores
    meta["held_out"] = held_out_scores(language, held_out)
    meta["train_seconds"] = round(time.perf_counter() - started, 1)
    write()
    return meta


def held_out_scores(language: str, held_out: Sequence[cxset.Comment]) -> dict:
    """The written model alone on the held-out comments: macro-F1, accuracy per kind, the request head."""
    reading = cx.read(language, [comment.text for comment in held_out], review_backend(language).polarities)
    predicted = np.asarray(cx.CLASSES)[reading.probabilities.argmax(axis=1)]
    truth = np.asarray([comment.label for comment in held_out])
    kinds = np.asarray([comment.kind for comment in held_out])
    asked = np.asarray([comment.is_request for comment in held_out])
    said = reading.request >= 0.5
    return {
        "macro_f1": round(float(f1_score(truth, predicted, average="macro")), 4),
        "accuracy_by_kind": {
            kind: round(float(np.mean(predicted[kinds == kind] == truth[kinds == kind])), 3)
            for kind in sorted(set(kinds))
        },
        "request_precision": round(float(precision_score(asked, said, zero_division=0)), 3),
        "request_recall": round(float(recall_score(asked, said, zero_division=0)), 3),
    }


def provenance(metas: Sequence[dict]) -> str:
    """The CX models' part of models/PROVENANCE.md."""
    lines = []
    for meta in metas:
        held_out = meta["held_out"]
        lines += [
            f"## cx_{meta['language']} (trained {meta['trained']}, scikit-learn {meta['sklearn']})",
            "",
            f"- Model: {meta['model']}; outputs {meta['outputs']}.",
            f"- Data: {meta['train_rows']['cxset']} rows of the team's CX set (feedback/analysis/cxset/, "
            f"README there), {meta['train_rows']['corrections']} staff corrections and "
            f"{meta['train_rows']['reviews']} public review rows (train splits, each weighing "
            f"{meta['train_rows']['review_weight']}); "
            f"{meta['held_out_rows']} held-out rows never used to fit or tune.",
            f"- Features: {json.dumps(meta['blocks_fitted'], ensure_ascii=False)}; vocabulary sizes "
            f"{meta['vocabulary_sizes']}; plus {', '.join(meta['extra_features'])}.",
            f"- C = {meta['C']} (classes) and {meta['C_request']} (requests), chosen by {meta['cv']['folds']}-fold "
            f"CV: macro-F1 by C {meta['cv']['macro_f1_by_C']}, request F1 by C {meta['cv']['request_f1_by_C']}.",
            f"- Held out: macro-F1 {held_out['macro_f1']:.4f}; requests precision {held_out['request_precision']} "
            f"and recall {held_out['request_recall']}; accuracy by kind {held_out['accuracy_by_kind']}. "
            f"Training took {meta['train_seconds']} s.",
            "",
        ]
    return "\n".join(lines)
