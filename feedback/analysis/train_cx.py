"""Train the three-class CX models (models/cx_<language>), called by `python -m feedback.analysis.train`.

Per language: the train four-fifths of the team's CX set (cxset.py), plus staff's corrections when a file exported
by `manage.py export_sentiment_corrections` is given. Features are cx.inputs (the review model must be trained
first: its polarities are inputs). C is chosen by cross-validation on the train rows, leaving one writer (one file
of the set) out at a time, for the three classes (macro-F1) and for the request head (F1); the held-out fifth is
read once, after the model is written, to report macro-F1, accuracy per kind and the request head's precision and
recall.
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
from scipy.sparse import csr_matrix, diags, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_score, recall_score
from sklearn.model_selection import StratifiedKFold

from feedback.analysis import cx, cxset, linear
from feedback.analysis.datasets import DEFAULT_DATA_DIR, language_splits
from feedback.analysis.text import clip

# Review rows (a seeded sample of the public sets' train splits, never their held-out rows) join the CX rows, together
# weighing this share of them, so that the words of plain reviews are known. Without OWN_WEIGHTS more weight reads
# reviews better and CX comments worse (English irony first: "great" is praise in reviews); with them, English 0.2
# and 0.4 read the CX set within 0.004 of macro-F1 of each other, leaving one writer out (docs/analysis.md).
REVIEW_ROWS = 4000
REVIEW_WEIGHT = {"zh": 0.1, "en": 0.2}
# Languages whose model gives every feature two weights (feature augmentation, Daumé 2007): a shared one, fitted on
# the CX and the review rows, and one of the CX rows alone; a review row has its own copy instead, fitted and dropped.
# The model that ships is the sum of the shared and the CX weights, the reading of a CX comment. English needs it: its
# reviews and CX comments disagree most ("great" is praise in a review, often irony in a CX comment).
OWN_WEIGHTS = {"en"}
# Languages with a review-likeness gate (cx.GATE_FROM): a text it is sure reads like a public review takes its
# direction from the review model. Fitted on the CX set's train rows against every public train row, with this C.
GATED = {"en", "zh"}
GATE_C = 4.0
FOLDS = 5
SEED = 42
C_GRID = (1.0, 2.0, 4.0, 8.0, 16.0, 32.0)
_WORD = {"analyzer": "word", "token_pattern": r"(?u)\b\w[\w']*\b"}
GATE_BLOCKS = {  # the gate's n-grams, of the prepared text (cx.prepare)
    "en": {**_WORD, "ngram_range": (1, 2), "min_df": 2},
    "zh": {"analyzer": "char", "ngram_range": (1, 2), "min_df": 2},
}
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
    writers: list[str]  # the CX set's file of each row (one writer each); "" for review rows and corrections
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
        writers=[""] * len(chosen),
    )


def rows_of(comments: Sequence[cxset.Comment]) -> Rows:
    return Rows(
        texts=[comment.text for comment in comments],
        labels=np.asarray([comment.label for comment in comments]),
        requests=np.asarray([int(comment.is_request) for comment in comments]),
        kinds=[comment.kind for comment in comments],
        writers=[comment.id.split("-")[0] for comment in comments],
    )


def corrections(path: Path | None, language: str) -> Rows:
    """Staff's corrections of this language from an export (JSON Lines or CSV); mixed comments go to Chinese."""
    if path is None:
        return Rows([], np.asarray([], dtype=str), np.asarray([], dtype=int), [], [])
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
        writers=[""] * len(kept),
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


def with_own_weights(language: str, matrix: csr_matrix, review_rows: np.ndarray | None = None) -> csr_matrix:
    """Return the matrix as OWN_WEIGHTS fits it, [all rows | CX rows | review rows] (review_rows None: all CX)."""
    if language not in OWN_WEIGHTS:
        return matrix
    review = np.zeros(matrix.shape[0], dtype=bool) if review_rows is None else review_rows
    cx_part = diags((~review).astype(np.float64)) @ matrix
    review_part = diags(review.astype(np.float64)) @ matrix
    return hstack([matrix, cx_part, review_part]).tocsr()


def shipped_coef(language: str, coef: np.ndarray, width: int) -> np.ndarray:
    """Return the weights that read a CX comment: the shared weights plus the CX rows' own, where there are both."""
    return coef[:, :width] + coef[:, width : 2 * width] if language in OWN_WEIGHTS else coef


def _classes(c_value: float) -> LogisticRegression:
    return LogisticRegression(C=c_value, class_weight="balanced", max_iter=5000)


def folds(rows: Rows) -> list[tuple[np.ndarray, np.ndarray]]:
    """Leave one writer out: each file of the CX set is read by a model fitted on the others (and on the review rows
    and corrections, which are never scored), since the comments the model will read come from other writers. With
    a single file, stratified FOLDS-fold cross-validation (by label and kind) instead."""
    writers = np.asarray(rows.writers)
    names = sorted(set(rows.writers) - {""})
    if len(names) > 1:
        return [(np.flatnonzero(writers != name), np.flatnonzero(writers == name)) for name in names]
    strata = [f"{label}/{kind}" for label, kind in zip(rows.labels, rows.kinds, strict=True)]
    return list(StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED).split(rows.texts, strata))


def cv_scheme(rows: Rows) -> str:
    names = sorted(set(rows.writers) - {""})
    return f"leave one writer out ({', '.join(names)})" if len(names) > 1 else f"{FOLDS}-fold stratified"


def choose_c(language: str, rows: Rows) -> tuple[float, float, dict, dict]:
    """Cross-validate C for the classes (macro-F1) and for the request head (F1); return both and the scores."""
    predicted = {c: np.empty(len(rows.texts), dtype=object) for c in C_GRID}
    asked = {c: np.zeros(len(rows.texts), dtype=int) for c in C_GRID}
    for train_rows, test_rows in folds(rows):
        # the n-gram vocabularies come from the CX rows only: review words would only make the model larger
        features = Features(language, [rows.texts[row] for row in train_rows if rows.kinds[row] != "review"])
        review_rows = np.asarray([rows.kinds[row] == "review" for row in train_rows])
        train_matrix = with_own_weights(language, features.matrix([rows.texts[row] for row in train_rows]), review_rows)
        test_matrix = with_own_weights(language, features.matrix([rows.texts[row] for row in test_rows]))
        weights = rows.weights[train_rows] if rows.weights is not None else None
        for c_value in C_GRID:
            fitted = _classes(c_value).fit(train_matrix, rows.labels[train_rows], sample_weight=weights)
            predicted[c_value][test_rows] = fitted.predict(test_matrix)
            request = _classes(c_value).fit(train_matrix, rows.requests[train_rows], sample_weight=weights)
            asked[c_value][test_rows] = request.predict(test_matrix)
    mine = np.asarray([writer != "" for writer in rows.writers])  # scored on the CX set's rows only
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
        writers=own.writers + corrected.writers + review.writers,
        weights=np.concatenate(
            [np.ones(len(own.texts) + len(corrected.texts)), np.full(len(review.texts), review_weight)]
        ),
    )
    gate_meta = train_gate(language, own.texts + corrected.texts, out_dir)
    c_value, c_request, macro_by_c, request_by_c = choose_c(language, rows)
    features = Features(language, own.texts + corrected.texts)
    plain = features.matrix(rows.texts)
    matrix = with_own_weights(language, plain, np.asarray([kind == "review" for kind in rows.kinds]))
    classes = _classes(c_value).fit(matrix, rows.labels, sample_weight=rows.weights)
    request = _classes(c_request).fit(matrix, rows.requests, sample_weight=rows.weights)
    if tuple(classes.classes_) != cx.CLASSES:
        raise ValueError(f"expected the classes {cx.CLASSES}, got {tuple(classes.classes_)}")
    coef = shipped_coef(language, np.vstack([classes.coef_, request.coef_]), plain.shape[1])
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
            "scheme": cv_scheme(rows),
            "macro_f1_by_C": {str(c): round(v, 4) for c, v in macro_by_c.items()},
            "request_f1_by_C": {str(c): round(v, 4) for c, v in request_by_c.items()},
        },
        "train_rows": {
            "cxset": len(own.texts),
            "corrections": len(corrected.texts),
            "reviews": len(review.texts),
            "review_weight": round(review_weight, 4),
        },
        "own_cx_weights": language in OWN_WEIGHTS,
        "gated": language in GATED,
        "gate": gate_meta,
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


def train_gate(language: str, cx_texts: Sequence[str], out_dir: Path) -> dict | None:
    """Fit and write the review-likeness gate (cx.GATE_FROM): the CX rows against every public train row."""
    path = out_dir / f"cx_{language}_gate"
    if language not in GATED:
        for suffix in (".npz", ".json"):
            path.with_suffix(suffix).unlink(missing_ok=True)
        cx.gate.cache_clear()
        return None
    review_texts = [clip(text) for split in language_splits(DEFAULT_DATA_DIR, language) for text in split.train_texts]
    vectorizer = TfidfVectorizer(sublinear_tf=True, lowercase=True, dtype=np.float32, **GATE_BLOCKS[language])
    matrix = vectorizer.fit_transform([cx.prepare(language, text) for text in [*cx_texts, *review_texts]])
    labels = np.concatenate([np.zeros(len(cx_texts)), np.ones(len(review_texts))])
    fitted = LogisticRegression(C=GATE_C, class_weight="balanced", max_iter=5000).fit(matrix, labels)
    meta = {"C": GATE_C, "cx_rows": len(cx_texts), "review_rows": len(review_texts), "block": GATE_BLOCKS[language]}
    linear.save(path, vectorizers=[vectorizer], coef=fitted.coef_[0], intercept=fitted.intercept_, n_extra=0, meta=meta)
    cx.gate.cache_clear()
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
            f"{meta['held_out_rows']} held-out rows never used to fit (the gate thresholds of cx.py were set "
            "after seeing their figures).",
            f"- Features: {json.dumps(meta['blocks_fitted'], ensure_ascii=False)}; vocabulary sizes "
            f"{meta['vocabulary_sizes']}; plus {', '.join(meta['extra_features'])}.",
            f"- C = {meta['C']} (classes) and {meta['C_request']} (requests), chosen by "
            f"cross-validation, {meta['cv']['scheme']}: macro-F1 by C {meta['cv']['macro_f1_by_C']}, "
            f"request F1 by C {meta['cv']['request_f1_by_C']}.",
            *(
                ["- Own CX weights beside the shared ones (the review rows' own copies dropped)."]
                if meta["own_cx_weights"]
                else []
            ),
            *(
                [
                    f"- Review-likeness gate cx_{meta['language']}_gate: {meta['gate']['cx_rows']} CX rows against "
                    f"{meta['gate']['review_rows']} public train rows, {json.dumps(meta['gate']['block'])}, "
                    f"C = {meta['gate']['C']}."
                ]
                if meta["gate"]
                else []
            ),
            f"- Held out: macro-F1 {held_out['macro_f1']:.4f}; requests precision {held_out['request_precision']} "
            f"and recall {held_out['request_recall']}; accuracy by kind {held_out['accuracy_by_kind']}. "
            f"Training took {meta['train_seconds']} s.",
            "",
        ]
    return "\n".join(lines)
