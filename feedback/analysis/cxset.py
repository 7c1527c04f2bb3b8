"""The team's own CX comment set (cxset/*.csv) and its fixed train / held-out split.

Files written by hand for this project, one writer each (cxset/README.md: how, by whom, what each column means):
English from business software customers and from consumers, Chinese in simplified and in traditional characters,
mixed Chinese–English comments among the Chinese. Three classes, with the hard kinds (negation, contrast, sarcasm,
requests, questions, status updates, hedges, emoji and slang) over half of the rows.

The held-out fifth of every file (stratified by label and kind, seed 42) is never used to fit anything: train.py
fits and cross-validates on the rest and reports on it once; bench/sentiment.py reports on it. (The review gate's
thresholds in cx.py were set after seeing its figures: docs/analysis.md says so.)
"""

import csv
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sklearn.model_selection import train_test_split

CXSET_DIR = Path(__file__).resolve().parent / "cxset"
FILES = {"en": ("en_a", "en_b", "en_c", "en_d", "en_e", "en_f"), "zh": ("zh_a", "zh_b", "zh_c", "zh_d")}
LABELS = ("neg", "neu", "pos")
SPLIT_SEED = 42
HELD_OUT_SHARE = 0.2


@dataclass(frozen=True, slots=True)
class Comment:
    """One hand-written comment and its annotations."""

    id: str
    text: str
    label: str  # "pos" | "neu" | "neg"
    kind: str  # plain, negation, contrast, sarcasm, request, question, status, hedge, emoji_slang, mixed_language
    is_request: bool
    keywords: tuple[str, ...]  # the topics an analyst would tag, as written
    aspects: tuple[tuple[str, str], ...]  # (keyword, label) per keyword


def read_file(path: Path) -> list[Comment]:
    """Read one file of the set (header id,text,label,kind,request,keywords,aspects)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [_comment(row) for row in csv.DictReader(handle)]


def comments(language: str, directory: Path = CXSET_DIR) -> tuple[list[Comment], list[Comment]]:
    """Return the language's (train, held-out) comments: each file split 80/20, stratified by label and kind (a
    comment alone with its label and kind in its file joins the largest group of its label)."""
    train: list[Comment] = []
    held_out: list[Comment] = []
    for name in FILES[language]:
        rows = read_file(directory / f"{name}.csv")
        sizes = Counter((row.label, row.kind) for row in rows)
        largest = {label: max((key for key in sizes if key[0] == label), key=sizes.__getitem__) for label, _ in sizes}
        strata = [str((row.label, row.kind) if sizes[row.label, row.kind] > 1 else largest[row.label]) for row in rows]
        fit, test = train_test_split(rows, test_size=HELD_OUT_SHARE, stratify=strata, random_state=SPLIT_SEED)
        train.extend(fit)
        held_out.extend(test)
    return train, held_out


def all_comments(directory: Path = CXSET_DIR) -> Iterator[tuple[str, Comment]]:
    """Every comment of every file with its file's language."""
    for language, names in FILES.items():
        for name in names:
            for row in read_file(directory / f"{name}.csv"):
                yield language, row


def _comment(row: dict[str, str]) -> Comment:
    keywords = tuple(word for word in row["keywords"].split("|") if word)
    aspects = tuple(
        (term, label) for term, _, label in (pair.rpartition(":") for pair in row["aspects"].split("|") if pair)
    )
    return Comment(
        id=row["id"],
        text=row["text"],
        label=row["label"],
        kind=row["kind"],
        is_request=row["request"] == "1",
        keywords=keywords,
        aspects=aspects,
    )
