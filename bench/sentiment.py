"""Measure the text analyzer on the held-out splits of the public sets and of the team's CX set, in one run.

    .venv/bin/python bench/sentiment.py [--data DIR] [--sample 20000] [--skip-lodo]

For every labelled set (feedback/analysis/datasets.py: stratified 80/20, seed 42) it prints, on the held-out 20 %:
- ours: feedback.analysis.analyze_many, binary verdict polarity > 0, and the share it labels neutral;
- baseline: TextBlob's polarity alone (> 0) for English; for Chinese the shipped lexicon (data/lexicon_zh.txt)
  scored over jieba's words with the negation and booster rule below;
- leave-one-dataset-out: the model retrained on the other sets of the language only (same C, no rules), so the
  figure is what to expect on comments unlike any training set;
then the analyzer's throughput on a mixed sample (half Chinese, half English, drawn from all rows) and on its
30–70-character texts: analyze() one text at a time and analyze_many() in batches of 200.
Accuracy and macro-F1 count a text as positive when its score is > 0 (a baseline's 0 counts as negative).
Last, the three-class figures on the held-out fifth of the team's CX set (measure_cx).
"""

import argparse
import json
import os
import random
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make the project importable
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxplatform.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from sklearn.metrics import accuracy_score, f1_score  # noqa: E402

from feedback.analysis import (  # noqa: E402
    analyze,
    analyze_many,
    analyzer_name,
    chinese,
    cx,
    cxset,
    english,
    lexicon_zh,
    train,
    warm_up,
)
from feedback.analysis.datasets import DEFAULT_DATA_DIR, SETS, Split, language_splits  # noqa: E402

BATCH = 200
TARGETS = {"zh": "each Chinese set >= 0.88", "en": "English mean >= 0.85, none below 0.80"}

# --- the Chinese baseline: the shipped lexicon (data/lexicon_zh.txt) over jieba's words, negation-aware -----------
NEGATORS_ZH = frozenset(
    ["不", "没", "没有", "别", "无", "未", "不太", "不是", "不够", "毫无", "并不", "不算", "不怎么"]
)
BOOSTERS_ZH = frozenset(
    ["很", "非常", "太", "特别", "超", "超级", "极", "极其", "十分", "比较", "挺", "真", "最", "相当"]
)


def lexicon_zh_score(text: str) -> float:
    """Sum lexicon hits over jieba's words: a negator up to two words before (or glued on, as in 不好) flips a
    hit, a booster just before adds half."""
    lexicon = lexicon_zh.words()
    words = chinese.tokens(text)
    score = 0.0
    for position, word in enumerate(words):
        polarity = float(lexicon.get(word, 0))
        if not polarity and word[:1] in NEGATORS_ZH and word[1:] in lexicon:
            polarity = -float(lexicon[word[1:]])
        if not polarity:
            continue
        before = words[max(0, position - 2) : position]
        if before and before[-1] in BOOSTERS_ZH:
            polarity *= 1.5
        if any(previous in NEGATORS_ZH for previous in before):
            polarity = -polarity
        score += polarity
    return score


BASELINES: dict[str, tuple[str, Callable[[str], float]]] = {
    "zh": ("jieba + lexicon", lexicon_zh_score),
    "en": ("TextBlob polarity", english.textblob_polarity),
}


def scores(labels: np.ndarray, positive: Sequence[bool]) -> tuple[float, float]:
    """Return accuracy and macro-F1 of binary verdicts."""
    predicted = np.asarray(positive, dtype=bool)
    return accuracy_score(labels, predicted), f1_score(labels, predicted, average="macro")


def analyze_batched(texts: Sequence[str]) -> list:
    return [result for start in range(0, len(texts), BATCH) for result in analyze_many(texts[start : start + BATCH])]


def leave_one_out(language: str, splits: list[Split], held_out: Split, c_value: float) -> tuple[float, float]:
    """Train without `held_out`'s set (model only, same C) and score its held-out rows."""
    texts = [text for split in splits if split is not held_out for text in split.train_texts]
    labels = np.concatenate([split.train_labels for split in splits if split is not held_out])
    model = train.fit_unsaved(language, texts, labels, c_value)
    prepared = train.prepare(language, held_out.test_texts)
    extras = train.extra_features(language, prepared) if len(model.extra_weights) else None
    return scores(held_out.test_labels, model.polarity(prepared, extras) > 0)


def measure_sets(data_dir: Path, lodo: bool) -> list[dict]:
    rows = []
    for language in SETS:
        splits = language_splits(data_dir, language)
        c_value = json.loads((train.MODELS_DIR / f"{language}.json").read_text(encoding="utf-8"))["C"]
        baseline_name, baseline = BASELINES[language]
        for split in splits:
            results = analyze_batched(split.test_texts)
            ours = scores(split.test_labels, [result.polarity > 0 for result in results])
            base = scores(split.test_labels, [baseline(text) > 0 for text in split.test_texts])
            rows.append(
                {
                    "set": split.name,
                    "language": language,
                    "rows": len(split.test_texts),
                    "ours": ours,
                    "neutral": sum(result.label == "neu" for result in results) / len(results),
                    "baseline_name": baseline_name,
                    "baseline": base,
                    "lodo": leave_one_out(language, splits, split, c_value) if lodo else None,
                }
            )
            print(f"measured {split.name}", file=sys.stderr, flush=True)
    return rows


def measure_cx() -> list[dict]:
    """The whole analyzer on the held-out fifth of the team's CX set (cxset.py), per language: three-class macro-F1
    and accuracy by kind, keyword recall@3 (a topic an analyst tagged is among the first three keywords, in any
    case; and, loose, one of the three contains it or is contained in it: "app" for "mobile app"), aspect accuracy
    (the label of each tagged topic the analyzer also found) and the request flag."""
    rows = []
    for language in cxset.FILES:
        _, held_out = cxset.comments(language)
        results = analyze_batched([comment.text for comment in held_out])
        truth = [comment.label for comment in held_out]
        predicted = [result.label for result in results]
        found = loose = tagged = aspects_right = aspects_seen = 0
        for comment, result in zip(held_out, results, strict=True):
            top = {keyword.lower() for keyword in result.keywords[:3]}
            tagged += len(comment.keywords)
            found += sum(keyword.lower() in top for keyword in comment.keywords)
            loose += sum(any(_within(k, t) or _within(t, k) for t in top) for k in map(str.lower, comment.keywords))
            labels = {aspect.term.lower(): aspect.label for aspect in result.aspects}
            for term, label in comment.aspects:
                if term.lower() in labels:
                    aspects_seen += 1
                    aspects_right += labels[term.lower()] == label
        by_kind: dict[str, list[bool]] = {}
        for comment, label in zip(held_out, predicted, strict=True):
            by_kind.setdefault(comment.kind, []).append(label == comment.label)
        asked = np.asarray([comment.is_request for comment in held_out])
        said = np.asarray([result.is_request for result in results])
        rows.append(
            {
                "language": language,
                "rows": len(held_out),
                "macro_f1": f1_score(truth, predicted, average="macro"),
                "accuracy": accuracy_score(truth, predicted),
                "by_kind": {kind: float(np.mean(right)) for kind, right in sorted(by_kind.items())},
                "recall_at_3": found / tagged if tagged else float("nan"),
                "recall_at_3_loose": loose / tagged if tagged else float("nan"),
                "aspect_accuracy": aspects_right / aspects_seen if aspects_seen else float("nan"),
                "aspects_seen": aspects_seen,
                "request_precision": float(np.sum(asked & said) / max(np.sum(said), 1)),
                "request_recall": float(np.sum(asked & said) / max(np.sum(asked), 1)),
            }
        )
    return rows


def _within(part: str, whole: str) -> bool:
    """Whether `part` is in `whole`: as whole words for Latin text ("app" in "mobile app", not in "happy")."""
    if part.isascii():
        return re.search(rf"(?<!\w){re.escape(part)}(?!\w)", whole) is not None
    return part in whole


def report_cx(rows: list[dict]) -> None:
    print("\nthe team's CX set, held-out fifth (three classes; targets: macro-F1 >= 0.75, recall@3 >= 0.85):")
    print("| language | rows | macro-F1 | accuracy | keyword recall@3 (loose) | aspect accuracy | requests P / R |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['language']} | {row['rows']} | {row['macro_f1']:.4f} | {row['accuracy']:.4f} "
            f"| {row['recall_at_3']:.4f} ({row['recall_at_3_loose']:.4f}) "
            f"| {row['aspect_accuracy']:.4f} ({row['aspects_seen']}) "
            f"| {row['request_precision']:.3f} / {row['request_recall']:.3f} |"
        )
    for row in rows:
        kinds = ", ".join(f"{kind} {share:.2f}" for kind, share in row["by_kind"].items())
        print(f"{row['language']} accuracy by kind: {kinds}")
    for row in rows:  # the estimate for comments of a writer the model never saw (from the model's training)
        meta = cx.model(row["language"]).meta
        print(
            f"{row['language']} macro-F1 cross-validated on the train rows, {meta['cv']['scheme']}: "
            f"{meta['cv']['macro_f1_by_C'][str(meta['C'])]:.4f}"
        )


def measure_throughput(data_dir: Path, sample: int) -> list[dict]:
    """Return texts/s of analyze() in a loop and analyze_many() in batches: over a half-Chinese, half-English sample
    of all rows, and over the part of it that is 30–70 characters long (a typical survey comment)."""
    rng = random.Random(7)
    texts = []
    for language in SETS:
        pool = [text for split in language_splits(data_dir, language) for text in split.train_texts + split.test_texts]
        texts += rng.sample(pool, sample // 2)
    rng.shuffle(texts)
    typical = [text for text in texts if 30 <= len(text) <= 70]
    return [_speed("mixed sample", texts), _speed("its 30-70-char texts", typical)]


def _speed(name: str, texts: list[str]) -> dict:
    started = time.perf_counter()
    for text in texts:
        analyze(text)
    single = len(texts) / (time.perf_counter() - started)
    started = time.perf_counter()
    analyze_batched(texts)
    batched = len(texts) / (time.perf_counter() - started)
    mean_chars = sum(map(len, texts)) / len(texts)
    return {"name": name, "texts": len(texts), "mean_chars": mean_chars, "single": single, "batched": batched}


def report(rows: list[dict], speed: list[dict], warm_up_s: float) -> None:
    print(f"analyzer: {analyzer_name()}")
    print(f"warm_up(): {warm_up_s:.1f} s\n")
    print(
        "| set | held-out rows | ours acc | ours macro-F1 | ours neutral | baseline | baseline acc | baseline macro-F1 "
        "| leave-one-dataset-out acc | LODO macro-F1 |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        lodo = row["lodo"] or (float("nan"), float("nan"))
        print(
            f"| {row['set']} | {row['rows']} | {row['ours'][0]:.4f} | {row['ours'][1]:.4f} | {row['neutral']:.1%} "
            f"| {row['baseline_name']} | {row['baseline'][0]:.4f} | {row['baseline'][1]:.4f} "
            f"| {lodo[0]:.4f} | {lodo[1]:.4f} |"
        )
    print()
    for language in SETS:
        accuracies = [row["ours"][0] for row in rows if row["language"] == language]
        verdict = (
            min(accuracies) >= 0.88 if language == "zh" else np.mean(accuracies) >= 0.85 and min(accuracies) >= 0.80
        )
        print(
            f"{language}: mean accuracy {np.mean(accuracies):.4f}, lowest {min(accuracies):.4f} "
            f"— target {TARGETS[language]}: {'met' if verdict else 'NOT met'}"
        )
    print("\nthroughput, one process (half zh, half en):")
    print("| texts | count | mean chars | analyze() texts/s | ms/text | analyze_many() texts/s | ms/text |")
    print("|---|---|---|---|---|---|---|")
    for row in speed:
        print(
            f"| {row['name']} | {row['texts']} | {row['mean_chars']:.0f} | {row['single']:.0f} "
            f"| {1000 / row['single']:.3f} | {row['batched']:.0f} | {1000 / row['batched']:.3f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--sample", type=int, default=20_000, help="texts in the throughput sample")
    parser.add_argument("--skip-lodo", action="store_true", help="skip the leave-one-dataset-out retraining (~2 min)")
    args = parser.parse_args()
    started = time.perf_counter()
    warm_up()
    warm_up_s = time.perf_counter() - started
    cx_rows = measure_cx()
    rows = measure_sets(args.data, lodo=not args.skip_lodo)
    speed = measure_throughput(args.data, args.sample)
    report(rows, speed, warm_up_s)
    report_cx(cx_rows)


if __name__ == "__main__":
    main()
