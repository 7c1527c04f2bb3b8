"""English backend: a TF-IDF logistic regression that also weighs VADER's and TextBlob's lexicon scores.

The only module that imports TextBlob and vaderSentiment. Both work offline: TextBlob's PatternAnalyzer sentiment and
its pattern part-of-speech tagger ship with the package (its NLTK-based parts, which need downloads, are not used),
and VADER's lexicon ships with vaderSentiment. Importing TextBlob is slow, which is why backends load once per process.
"""

import re
from collections.abc import Sequence
from functools import cache
from importlib.metadata import version
from pathlib import Path

import numpy as np
from textblob import TextBlob
from textblob.en import sentiment as pattern_sentiment
from textblob.en import tag as pattern_tag
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from feedback.analysis import linear
from feedback.analysis.text import KEYWORD_LIMIT, read_lines

MODEL_PATH = Path(__file__).resolve().parent / "models" / "en"
NOUN_TAGS = frozenset({"NN", "NNS", "NNP", "NNPS"})
# A CX topic word ranks as if it were this many times rarer than it is.
CX_TERM_BOOST = 2.0
FEELING_VALENCE = 1.5  # VADER's valence runs −4..4
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
# Our own tokenizer for the tagger: twice as fast as pattern's, keeps "didn't" whole, and keeps @handles and #tags
# as single tokens (which _WORD then rejects as keywords).
_TOKEN = re.compile(r"[@#]\w+|[A-Za-z]+(?:['’-][A-Za-z]+)*|\d+|[^\sA-Za-z\d]")


@cache
def model() -> linear.LinearModel:
    return linear.load(MODEL_PATH)


@cache
def _vader() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


@cache
def _stopwords() -> frozenset[str]:
    return frozenset(read_lines("stopwords_en.txt"))


@cache
def _cx_terms() -> frozenset[str]:
    return frozenset(read_lines("cx_terms_en.txt"))


def valences() -> dict[str, float]:
    """VADER's lexicon: word → valence (−4..4), as it ships with vaderSentiment."""
    return _vader().lexicon


@cache
def _feelings() -> frozenset[str]:
    """Words VADER scores at least 1.5 either way ("mess", "problem", "great"): how a thing felt, not what it was."""
    return frozenset(word for word, valence in _vader().lexicon.items() if abs(valence) >= FEELING_VALENCE)


@cache
def _word_idf() -> dict[str, float]:
    """Return the idf of every single word in the model's word vocabulary (how rare it was in training)."""
    block = next(block for block in model().blocks if block.params["analyzer"] == "word")
    idf = model().idf
    return {term: float(idf[column]) for term, column in block.vocabulary.items() if " " not in term}


def load() -> None:
    model()
    _vader()
    _word_idf()
    _feelings()
    pattern_tag("Warm up the tagger lexicon.")
    pattern_sentiment("warm up the sentiment lexicon")


def describe() -> str:
    trained = model().meta["trained"][:7]
    return f"tfidf-lr {trained} + vader {version('vaderSentiment')} + textblob {version('textblob')}"


def neutral_band() -> float:
    return float(model().meta["neutral_band"])


def lexicon_features(texts: Sequence[str]) -> np.ndarray:
    """Return VADER and TextBlob scores per text: the model's dense features, in training and at run time.

    Columns: VADER compound, VADER positive minus negative share, TextBlob polarity, TextBlob subjectivity signed
    by its polarity. VADER handles negation ("not good"), boosters and "but"; TextBlob adds a second lexicon.
    """
    vader = _vader()
    rows = np.zeros((len(texts), 4), dtype=np.float64)
    for row, text in enumerate(texts):
        scores = vader.polarity_scores(text)
        polarity, subjectivity = pattern_sentiment(text)
        rows[row] = (scores["compound"], scores["pos"] - scores["neg"], polarity, subjectivity * np.sign(polarity))
    return rows


def polarities(texts: Sequence[str]) -> np.ndarray:
    return model().polarity(texts, lexicon_features(texts))


def keywords(text: str) -> list[tuple[str, float]]:
    """Return the nouns a CX person would tag, rarest and most CX-like first, as written in the text.

    Candidates are the pattern tagger's nouns plus any word of the CX topic list (the tagger calls "login" or
    "support" a verb); stop-words and fillers never count. Rank is the word's idf in the training texts, doubled for
    CX topics, ties broken by position.
    """
    stopwords, cx_terms, idf, feelings = _stopwords(), _cx_terms(), _word_idf(), _feelings()
    unknown = max(idf.values(), default=1.0)
    found: dict[str, tuple[float, int, str]] = {}
    for position, (word, tag) in enumerate(pattern_tag(" ".join(_TOKEN.findall(text)), tokenize=False)):
        lower = word.lower()
        if lower in found or lower in stopwords or not _WORD.fullmatch(word) or word not in text or "'" in word:
            continue  # a contraction ("we've", "it's") is never a topic
        is_cx = lower in cx_terms
        if not is_cx and (tag not in NOUN_TAGS or len(lower) < 3 or lower in feelings):
            continue
        score = idf.get(lower, unknown) * (CX_TERM_BOOST if is_cx else 1.0)
        found[lower] = (-score, position, word)
    ranked = sorted(found.values())[:KEYWORD_LIMIT]
    return [(word, -negative_score) for negative_score, _, word in ranked]


def textblob_polarity(text: str) -> float:
    """Return TextBlob's own polarity, the baseline the benchmark compares the analyzer with."""
    return TextBlob(text).sentiment.polarity
