"""The labelled sentiment sets and their fixed train / held-out split, shared by training and the benchmark.

The split is part of the contract: the held-out 20 % of every set is never seen by training or tuning, and anyone
who reruns `train.py` or `bench/sentiment.py` gets the same rows in it.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data" / "sentiment"
SETS = {
    "zh": ("zh_waimai_10k", "zh_chnsenticorp_htl_all", "zh_online_shopping_10_cats_sub30k"),
    "en": ("en_uci_amazon_cells", "en_uci_yelp", "en_uci_imdb", "en_twitter_us_airline"),
}
SPLIT_SEED = 42
HELD_OUT_SHARE = 0.2


@dataclass(frozen=True, slots=True)
class Split:
    """One set's texts and labels (1 = positive), cut into train and held-out rows."""

    name: str
    train_texts: list[str]
    train_labels: np.ndarray
    test_texts: list[str]
    test_labels: np.ndarray

    @property
    def rows(self) -> int:
        return len(self.train_texts) + len(self.test_texts)


def read_set(data_dir: Path, name: str) -> tuple[list[str], np.ndarray]:
    """Read `<name>.csv` (header `text,label`) with a real CSV parser, keeping texts such as "NA" as text."""
    with (data_dir / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [row["text"] for row in rows], np.asarray([int(row["label"]) for row in rows], dtype=np.int64)


def split_set(data_dir: Path, name: str) -> Split:
    """Return the set's stratified 80/20 split with seed 42 (the split the probe measurements used too)."""
    texts, labels = read_set(data_dir, name)
    train_rows, test_rows = train_test_split(
        np.arange(len(texts)), test_size=HELD_OUT_SHARE, stratify=labels, random_state=SPLIT_SEED
    )
    return Split(
        name=name,
        train_texts=[texts[row] for row in train_rows],
        train_labels=labels[train_rows],
        test_texts=[texts[row] for row in test_rows],
        test_labels=labels[test_rows],
    )


def language_splits(data_dir: Path, language: str) -> list[Split]:
    """Return the splits of every set of one language, in the fixed order of SETS."""
    return [split_set(data_dir, name) for name in SETS[language]]
