"""Chinese backend: character n-grams plus negation-aware lexicon counts for sentiment, jieba TF-IDF for keywords.

The only module that imports jieba. Traditional characters are folded to simplified (text.to_simplified, one
character for one) before the model and jieba see them, and keywords are cut back out of the original text at the
same positions, so a comment written in traditional characters gets its keywords in traditional characters.
"""

import logging
import re
from collections.abc import Iterator, Sequence
from functools import cache
from importlib.metadata import version
from pathlib import Path

import jieba
import jieba.analyse
import numpy as np

from feedback.analysis import lexicon_zh, linear
from feedback.analysis.text import DATA_DIR, KEYWORD_LIMIT, read_lines, to_simplified

MODEL_PATH = Path(__file__).resolve().parent / "models" / "zh"
TOPIC_BOOST = 2.0  # as english.CX_TERM_BOOST
_CONTENT = re.compile(r"[\u4e00-\u9fffA-Za-z]")
# Degree and negation words glued to an adjective (很差, 太慢, 不太, 没什么) describe a feeling, not a topic;
# words of our own dictionary that start the same way (超时, 更新) are topics all the same.
_FEELING = re.compile(r"^[不没很太挺真超最更好]")
# Times, counts and ordinals (第一周, 两个小时, 3天, 上个月) are when, not what.
_TIME = re.compile(
    r"^(?:第?[\d一二两三四五六七八九十百几半上下这本每前后]*(?:个|個)?"
    r"(?:小时|小時|分钟|分鐘|秒|天|日|周|週|星期|礼拜|禮拜|月|年|次|回|遍|号|號)|[\d.]+)$"
)

jieba.setLogLevel(logging.WARNING)  # jieba logs every dictionary load to stderr at DEBUG level


@cache
def model() -> linear.LinearModel:
    return linear.load(MODEL_PATH)


@cache
def _stopwords() -> frozenset[str]:
    return frozenset(read_lines("stopwords_zh.txt"))


@cache
def _topics() -> frozenset[str]:
    """The words of the CX user dictionary (data/userdict.txt: word, frequency, tag)."""
    return frozenset(line.split()[0] for line in read_lines("userdict.txt"))


class _DictionaryWords:
    """jieba's tokenizer without its HMM guesser for out-of-dictionary words.

    The HMM finds new words (names, slang) but costs about 40 % of the keyword time; topics a CX team tags are in
    jieba's dictionary or ours (data/userdict.txt), and an unknown run of characters yields single characters, which
    extract_tags drops anyway.
    """

    def __init__(self, tokenizer: jieba.Tokenizer) -> None:
        self.tokenizer = tokenizer

    def cut(self, sentence: str) -> Iterator[str]:
        return self.tokenizer.cut(sentence, HMM=False)


@cache
def _extractor() -> jieba.analyse.TFIDF:
    """Build jieba's TF-IDF keyword extractor on a tokenizer of our own with the CX user dictionary loaded.

    A private jieba.Tokenizer keeps our dictionary out of the process-wide jieba.dt. Loading the dictionary takes
    about a second, so this runs once per process (warm_up does it at worker start).
    """
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    tokenizer.load_userdict(str(DATA_DIR / "userdict.txt"))
    extractor = jieba.analyse.TFIDF()
    extractor.tokenizer = _DictionaryWords(tokenizer)
    extractor.stop_words = extractor.stop_words | _stopwords()
    return extractor


def load() -> None:
    model()
    _extractor()


def describe() -> str:
    return f"tfidf-lr {model().meta['trained'][:7]} + jieba {version('jieba')}"


def neutral_band() -> float:
    return float(model().meta["neutral_band"])


def polarities(texts: Sequence[str]) -> np.ndarray:
    simplified = [to_simplified(text) for text in texts]
    return model().polarity(simplified, lexicon_zh.features(simplified))


def keywords(text: str) -> list[tuple[str, float]]:
    """Return jieba's TF-IDF keywords without stop-words, each cut from the text exactly as the customer wrote it.

    A CX topic of our dictionary ranks as if it were TOPIC_BOOST times rarer: jieba's idf puts a rare word of the
    sentence (深夜, 贴近) above the topic it is about (通知, 培训).
    """
    simplified = to_simplified(text)
    topics = _topics()
    ranked = []
    for word, score in _extractor().extract_tags(simplified, topK=KEYWORD_LIMIT * 2, withWeight=True):
        feeling = (_FEELING.match(word) or word in lexicon_zh.words()) and word not in topics
        if not _CONTENT.search(word) or feeling or _TIME.match(word) or word.lower() in _stopwords():
            continue
        start = simplified.find(word)
        ranked.append((text[start : start + len(word)], score * (TOPIC_BOOST if word in topics else 1.0)))
    ranked.sort(key=lambda pair: -pair[1])  # stable: jieba's order among equals
    return ranked[:KEYWORD_LIMIT]


def tokens(text: str) -> list[str]:
    """Return jieba's words for a text (simplified), for the lexicon baseline in bench/sentiment.py."""
    return list(_extractor().tokenizer.cut(to_simplified(text)))
