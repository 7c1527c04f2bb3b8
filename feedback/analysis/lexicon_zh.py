"""A negation-aware Chinese sentiment lexicon score: dense features that teach the n-gram model about negation.

Character n-grams learn that 差 and 问题 are bad, but reviews rarely spell out 不差, 不算贵 or 没有问题, so the model
reads those as complaints. Counting lexicon words (data/lexicon_zh.txt) separately when a negator stands just before
them gives the logistic regression four numbers it can weigh: plain positive, plain negative, negated positive and
negated negative hits. Pure regular expressions over simplified text, no tokenizer, so it costs microseconds.
"""

import re
from collections.abc import Sequence
from functools import cache

import numpy as np

from feedback.analysis.text import read_lines

# A negator counts for a lexicon word when it appears at most this many characters before it, in the same clause
# and after the previous lexicon word: 不满意, 不太满意, 不是很好, 一点也不好用, 没有问题.
NEGATION_WINDOW = 4
# 不 and 没 negate, except in 不过 / 不但 / 不仅 / 不少 / 不止 ("but", "not only", "quite a few") and 没想到
# ("unexpectedly"); 无 except in 无论 ("whatever"); 别 ("don't") except in 别人 / 别的 ("others") and words such as
# 特别 ("especially") or 区别 ("difference").
_NEGATOR = re.compile("不(?![过但仅少止])|没(?!想到)|无(?!论)|(?<!特|区|分|告|级|个|类)别(?![人的])|未|毫无|绝非")
_CLAUSE_BREAK = re.compile(r"[,，.。!！?？;；:：\s~～]")
FEATURES = ("positive", "negative", "negated positive", "negated negative")


@cache
def words() -> dict[str, int]:
    """Return the lexicon: word → +1 (positive) or −1 (negative)."""
    lexicon = {}
    for line in read_lines("lexicon_zh.txt"):
        sign, *entries = line.split()
        lexicon.update(dict.fromkeys(entries, 1 if sign == "+" else -1))
    return lexicon


@cache
def _pattern() -> re.Pattern:
    """Match lexicon words, the longest at each position (好吃 rather than 好), as a trie-shaped expression.

    A flat alternation of some 370 words makes the regex engine try every word at every character; the trie tries one
    branch per first character, which makes scoring several times faster.
    """
    trie: dict = {}
    for word in words():
        node = trie
        for character in word.lower():
            node = node.setdefault(character, {})
        node[""] = {}
    return re.compile(_trie_expression(trie), re.IGNORECASE)


def _trie_expression(node: dict) -> str:
    """Render a trie as a regular expression; an optional tail is greedy, so longer words win."""
    branches = [
        re.escape(character) + _trie_expression(child) for character, child in sorted(node.items()) if character
    ]
    if not branches:
        return ""
    group = f"(?:{'|'.join(branches)})" if len(branches) > 1 or "" in node else branches[0]
    return f"{group}?" if "" in node else group


def hits(text: str) -> tuple[int, int, int, int]:
    """Count (positive, negative, negated positive, negated negative) lexicon words in simplified text."""
    counts = [0, 0, 0, 0]
    lexicon = words()
    previous_end = 0
    for match in _pattern().finditer(text):
        window = text[max(previous_end, match.start() - NEGATION_WINDOW) : match.start()]
        window = _CLAUSE_BREAK.split(window)[-1]
        negated = _NEGATOR.search(window) is not None
        positive = lexicon[match.group().lower()] > 0
        counts[(0 if positive else 1) + (2 if negated else 0)] += 1
        previous_end = match.end()
    return counts[0], counts[1], counts[2], counts[3]


def features(texts: Sequence[str]) -> np.ndarray:
    """Return tanh-squashed hit counts per text (columns as in FEATURES), for training and scoring alike."""
    return np.tanh(np.asarray([hits(text) for text in texts], dtype=np.float64).reshape(len(texts), len(FEATURES)))
