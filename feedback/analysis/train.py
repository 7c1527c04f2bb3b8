"""Train the sentiment models shipped in feedback/analysis/models/ (run by hand, offline, in a few minutes).

    .venv/bin/python -m feedback.analysis.train [--data DIR] [--languages zh en] [--corrections FILE] [--cx-only]

First the review models (below), then the three-class CX models that read their polarities (train_cx.py).

Per language: the union of the train splits of that language's sets (datasets.py: stratified 80/20, seed 42),
TF-IDF n-grams (plus VADER/TextBlob scores for English) and a class-balanced logistic regression. C is chosen by
3-fold cross-validation inside the train union, and the neutral band from the same out-of-fold predictions; the
held-out 20 % is touched once, after the model is written, to report its accuracy. The models are written as
.npz arrays with a JSON sidecar, and models/PROVENANCE.md is rewritten from the sidecars.
"""

import argparse
import datetime as dt
import json
import re
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold

from feedback.analysis import lexicon_zh, linear, train_cx
from feedback.analysis.datasets import DEFAULT_DATA_DIR, HELD_OUT_SHARE, SETS, SPLIT_SEED, Split, language_splits
from feedback.analysis.text import to_simplified

MODELS_DIR = Path(__file__).resolve().parent / "models"
FOLDS = 3
# The neutral band is the widest |polarity| band around zero inside which the cross-validated verdicts are right at
# most two times in three: there the model is closer to a coin toss than to an opinion, so the comment is neutral.
# The band is kept between these limits (at 0.5, P(positive) between 0.25 and 0.75).
NEUTRAL_BAND_CEILING = 2 / 3
NEUTRAL_BAND_LIMITS = (0.05, 0.5)
_COMMON = {"sublinear_tf": True, "lowercase": True, "dtype": np.float32}
BLOCKS = {
    # Chinese has no spaces: character 1–3-grams carry words, negations (不太, 没有) and their neighbours.
    "zh": ({"analyzer": "char", "ngram_range": (1, 3), "min_df": 2, "max_features": 80_000},),
    # English: words and word pairs ("not good"), plus character n-grams inside words for typos and inflections.
    "en": (
        {
            "analyzer": "word",
            "ngram_range": (1, 2),
            "min_df": 2,
            "max_features": 30_000,
            "token_pattern": r"(?u)\b\w[\w']*\b",
        },
        {"analyzer": "char_wb", "ngram_range": (2, 5), "min_df": 2, "max_features": 40_000},
    ),
}
EXTRA_FEATURES = {
    "zh": tuple(f"lexicon {name}" for name in lexicon_zh.FEATURES),
    "en": ("vader compound", "vader pos-neg", "textblob polarity", "textblob signed subjectivity"),
}
C_GRID = {"zh": (2.0, 4.0, 8.0), "en": (4.0, 8.0, 16.0)}


@dataclass(frozen=True, slots=True)
class Fitted:
    """A fitted model before export: its vectorizers and logistic regression."""

    vectorizers: tuple[TfidfVectorizer, ...]
    regression: LogisticRegression


def prepare(language: str, texts: Sequence[str]) -> list[str]:
    """Return texts as the backend's model sees them (Chinese folded to simplified characters)."""
    return [to_simplified(text) for text in texts] if language == "zh" else list(texts)


def extra_features(language: str, texts: Sequence[str]) -> np.ndarray:
    """Return the dense lexicon features of prepared texts exactly as the backend computes them."""
    if language == "zh":
        return lexicon_zh.features(texts)
    from feedback.analysis import english  # imports TextBlob: only for English

    return english.lexicon_features(texts)


def fit(language: str, texts: list[str], labels: np.ndarray, extras: np.ndarray, c_value: float) -> Fitted:
    """Fit the language's vectorizers and a class-balanced logistic regression on prepared texts."""
    vectorizers = tuple(TfidfVectorizer(**_COMMON, **params) for params in BLOCKS[language])
    matrix = _stack([vectorizer.fit_transform(texts) for vectorizer in vectorizers], extras)
    return Fitted(vectorizers, _regression(c_value).fit(matrix, labels))


def export(fitted: Fitted, path: Path, meta: dict) -> linear.LinearModel:
    """Write a fitted model to `path` (.npz + .json) and return it as the backend will load it."""
    linear.save(
        path,
        vectorizers=fitted.vectorizers,
        coef=fitted.regression.coef_[0],
        intercept=float(fitted.regression.intercept_[0]),
        n_extra=fitted.regression.coef_.shape[1] - sum(len(v.vocabulary_) for v in fitted.vectorizers),
        meta=meta,
    )
    return linear.load(path)


def fit_unsaved(language: str, texts: Sequence[str], labels: np.ndarray, c_value: float) -> linear.LinearModel:
    """Fit on raw texts and return the model as loaded from a temporary file (the benchmark's leave-one-out)."""
    prepared = prepare(language, texts)
    fitted = fit(language, prepared, labels, extra_features(language, prepared), c_value)
    with tempfile.TemporaryDirectory() as directory:
        return export(fitted, Path(directory) / language, {"trained": "unsaved", "neutral_band": 0.0})


def choose_c(language: str, texts: list[str], labels: np.ndarray, extras: np.ndarray) -> tuple[float, dict, np.ndarray]:
    """Pick C by stratified k-fold CV on the train union; return it, the CV accuracies and its out-of-fold polarity."""
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SPLIT_SEED)
    out_of_fold = {c_value: np.zeros(len(texts)) for c_value in C_GRID[language]}
    for train_rows, test_rows in folds.split(texts, labels):
        vectorizers = [TfidfVectorizer(**_COMMON, **params) for params in BLOCKS[language]]
        train_matrix = _stack(
            [v.fit_transform([texts[row] for row in train_rows]) for v in vectorizers], extras[train_rows]
        )
        test_matrix = _stack([v.transform([texts[row] for row in test_rows]) for v in vectorizers], extras[test_rows])
        for c_value in C_GRID[language]:
            regression = _regression(c_value).fit(train_matrix, labels[train_rows])
            out_of_fold[c_value][test_rows] = np.tanh(regression.decision_function(test_matrix) / 2)
    accuracy = {c_value: float(np.mean((scores > 0) == labels)) for c_value, scores in out_of_fold.items()}
    best = max(accuracy, key=lambda c_value: (accuracy[c_value], -c_value))
    return best, accuracy, out_of_fold[best]


def choose_band(
    polarity: np.ndarray,
    labels: np.ndarray,
    ceiling: float = NEUTRAL_BAND_CEILING,
    limits: tuple[float, float] = NEUTRAL_BAND_LIMITS,
) -> float:
    """Return the widest band |polarity| < t whose verdicts are right at most `ceiling` of the time, within limits.

    The upper limit keeps a model that is unsure of much of its training data from calling half of it neutral.
    """
    order = np.argsort(np.abs(polarity))
    strength = np.abs(polarity)[order]
    right = ((polarity[order] > 0) == labels[order]).astype(np.float64)
    accuracy_below = np.cumsum(right) / np.arange(1, len(right) + 1)
    within = np.nonzero(accuracy_below <= ceiling)[0]
    band = float(strength[within[-1]]) if len(within) else limits[0]
    return round(float(np.clip(band, *limits)), 3)


def held_out_scores(language: str, model: linear.LinearModel, split: Split) -> dict:
    """Return the shipped model's accuracy and macro-F1 on one set's held-out rows (polarity > 0 = positive)."""
    texts = prepare(language, split.test_texts)
    predicted = model.polarity(texts, extra_features(language, texts) if len(model.extra_weights) else None) > 0
    return {
        "rows": len(texts),
        "accuracy": round(accuracy_score(split.test_labels, predicted), 4),
        "macro_f1": round(f1_score(split.test_labels, predicted, average="macro"), 4),
    }


def train_language(language: str, data_dir: Path, out_dir: Path) -> dict:
    """Train, write and evaluate one language's model; return its sidecar metadata."""
    started = time.perf_counter()
    splits = language_splits(data_dir, language)
    texts = prepare(language, [text for split in splits for text in split.train_texts])
    labels = np.concatenate([split.train_labels for split in splits])
    extras = extra_features(language, texts)
    c_value, cv_accuracy, out_of_fold = choose_c(language, texts, labels, extras)
    band = choose_band(out_of_fold, labels)
    fitted = fit(language, texts, labels, extras, c_value)
    meta = {
        "language": language,
        "trained": dt.date.today().isoformat(),
        "model": "TF-IDF n-grams + class-balanced logistic regression (scikit-learn)",
        "sklearn": version("scikit-learn"),
        "blocks_fitted": [{k: v for k, v in params.items() if k != "dtype"} for params in BLOCKS[language]],
        "vocabulary_sizes": [len(vectorizer.vocabulary_) for vectorizer in fitted.vectorizers],
        "extra_features": list(EXTRA_FEATURES[language]),
        "C": c_value,
        "cv": {"folds": FOLDS, "accuracy_by_C": {str(c): round(a, 4) for c, a in cv_accuracy.items()}},
        "neutral_band": band,
        "neutral_band_rule": (
            f"widest |polarity| band of out-of-fold verdicts right <= {NEUTRAL_BAND_CEILING:.3f}, "
            f"kept within {NEUTRAL_BAND_LIMITS[0]}..{NEUTRAL_BAND_LIMITS[1]}"
        ),
        "neutral_band_uncapped": choose_band(out_of_fold, labels, limits=(0.0, 1.0)),
        "neutral_share_cv": round(float(np.mean(np.abs(out_of_fold) < band)), 4),
        "split": {"stratified": True, "held_out_share": HELD_OUT_SHARE, "seed": SPLIT_SEED},
        "data": [
            {"file": f"{split.name}.csv", "rows": split.rows, "train_rows": len(split.train_texts)} for split in splits
        ],
        "train_rows": len(texts),
    }
    model = export(fitted, out_dir / language, meta)
    meta["held_out"] = {split.name: held_out_scores(language, model, split) for split in splits}
    meta["train_seconds"] = round(time.perf_counter() - started, 1)
    model = export(fitted, out_dir / language, meta)
    return meta


def provenance(metas: Sequence[dict], data_dir: Path) -> str:
    """Render models/PROVENANCE.md from the sidecars and the data README's source and licence columns."""
    sources = _readme_sources(data_dir / "README.md")
    lines = [
        "# Provenance of the sentiment models",
        "",
        "Written by `.venv/bin/python -m feedback.analysis.train`; do not edit by hand. Each `<lang>.npz` holds the",
        "vocabularies, idf and weights, and `<lang>.json` the parameters; `feedback/analysis/linear.py` loads them.",
        "",
    ]
    for meta in metas:
        lines += [
            f"## {meta['language']} (trained {meta['trained']}, scikit-learn {meta['sklearn']})",
            "",
            f"- Model: {meta['model']}; C = {meta['C']} chosen by {meta['cv']['folds']}-fold CV on the train union "
            f"(accuracy by C: {meta['cv']['accuracy_by_C']}).",
            f"- Features: {json.dumps(meta['blocks_fitted'])}; vocabulary sizes {meta['vocabulary_sizes']}"
            + (f"; plus {', '.join(meta['extra_features'])}." if meta["extra_features"] else "."),
            f"- Neutral band: |polarity| < {meta['neutral_band']} ({meta['neutral_band_rule']}; the rule alone "
            f"gave {meta['neutral_band_uncapped']}; "
            f"{meta['neutral_share_cv']:.1%} of out-of-fold texts fall inside).",
            f"- Split: stratified, {meta['split']['held_out_share']:.0%} held out per set, "
            f"seed {meta['split']['seed']}; "
            f"{meta['train_rows']} training rows. Training took {meta['train_seconds']} s.",
            "",
            "| data file | rows | train rows | held-out rows | held-out accuracy | held-out macro-F1 "
            "| source | licence |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for item in meta["data"]:
            scores = meta["held_out"][item["file"].removesuffix(".csv")]
            source, licence = sources.get(item["file"], ("see the data README", "see the data README"))
            lines.append(
                f"| `{item['file']}` | {item['rows']} | {item['train_rows']} | {scores['rows']} | "
                f"{scores['accuracy']:.4f} | {scores['macro_f1']:.4f} | {source} | {licence} |"
            )
        lines.append("")
    lines.append("The held-out figures are the model alone (polarity > 0 = positive); `bench/sentiment.py` measures")
    lines.append("the whole analyzer, with baselines and leave-one-dataset-out figures.")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="directory of the labelled CSV sets")
    parser.add_argument("--languages", nargs="+", choices=tuple(SETS), default=tuple(SETS))
    parser.add_argument(
        "--corrections", type=Path, help="staff's corrections (manage.py export_sentiment_corrections), JSONL or CSV"
    )
    parser.add_argument("--cx-only", action="store_true", help="keep the review models, train the CX models only")
    args = parser.parse_args(argv)
    args.out = MODELS_DIR  # the CX models read the review models' polarities from where the backends load them
    for language in args.languages:
        if not args.cx_only:
            meta = train_language(language, args.data, args.out)
            print(f"{language}: C={meta['C']} band={meta['neutral_band']} {meta['train_seconds']} s", flush=True)
            for name, scores in meta["held_out"].items():
                print(f"  {name:<36} accuracy {scores['accuracy']:.4f}  macro-F1 {scores['macro_f1']:.4f}")
        _review_models_reload(language)
        cx_meta = train_cx.train_language(language, args.out, args.corrections)
        held_out = cx_meta["held_out"]
        print(
            f"{language} CX: C={cx_meta['C']} held-out macro-F1 {held_out['macro_f1']:.4f}, requests precision "
            f"{held_out['request_precision']:.3f} recall {held_out['request_recall']:.3f}",
            flush=True,
        )
    sidecars = [args.out / f"{language}.json" for language in SETS]
    metas = [json.loads(path.read_text(encoding="utf-8")) for path in sidecars if path.exists()]
    cx_sidecars = [args.out / f"cx_{language}.json" for language in SETS]
    cx_metas = [json.loads(path.read_text(encoding="utf-8")) for path in cx_sidecars if path.exists()]
    text = provenance(metas, args.data) + train_cx.provenance(cx_metas)
    (args.out / "PROVENANCE.md").write_text(text, encoding="utf-8")


def _review_models_reload(language: str) -> None:
    """Make the backend read the review model just written (the CX model's inputs include its polarities)."""
    train_cx.review_backend(language).model.cache_clear()


def _stack(blocks: list, extras: np.ndarray) -> csr_matrix:
    return hstack([*blocks, csr_matrix(extras)]).tocsr() if extras.shape[1] else hstack(blocks).tocsr()


def _regression(c_value: float) -> LogisticRegression:
    return LogisticRegression(C=c_value, class_weight="balanced", max_iter=3000)


def _readme_sources(readme: Path) -> dict[str, tuple[str, str]]:
    """Return {file: (source, licence)} from the data README's table, so provenance quotes it rather than retells it."""
    if not readme.exists():
        return {}
    sources = {}
    for line in readme.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `([^`]+\.csv)` \| (.*?) \| (.*?) \|", line)
        if match:
            sources[match.group(1)] = (match.group(2), match.group(3))
    return sources


if __name__ == "__main__":
    main()
