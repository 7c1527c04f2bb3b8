"""Cues the review models miss, as small pure functions: emoji, filler comments, irony markers, "X but Y" turns.

cues.py makes them features of the CX model; a comment of emoji only is scored from its emoji alone.
"""

import re
from functools import cache

from feedback.analysis.text import read_lines, to_simplified

# A comment made only of emoji gets this share of their mean score: clear enough to leave the neutral band.
EMOJI_ONLY_STRENGTH = 0.6

_FILLER_STRIP = re.compile(r"[^\w\s'/-]+")
_SPACES = re.compile(r"\s+")
_SARCASM = re.compile(
    r"🙄|😒|🙃|(?<!\S)/s\b|\byeah,? right\b|\bthanks? for nothing\b|\bjust what i (?:needed|wanted)\b"
    r"|\boh,? (?:great|wonderful|perfect|fantastic)\b|\b(?:great|wonderful|perfect|fantastic|love it),? another\b"
    r"|好棒棒|真是谢谢|谢谢你全家|服了你|真是服了|我也是醉了",
    re.IGNORECASE,
)
_CONTRAST = {
    "en": re.compile(r"\b(?:but|however|though)\b", re.IGNORECASE),
    "zh": re.compile(r"(?<!不)但是?|可是|不过|然而"),
}
_CLAUSE_CONTENT = {"en": re.compile(r"[A-Za-z]{3,}"), "zh": re.compile(r"[\u4e00-\u9fff].*[\u4e00-\u9fff]")}


@cache
def _emoji_scores() -> dict[str, float]:
    """Load data/emoji.txt: one emoji and its score (−1..1) per line."""
    return {emoji: float(score) for emoji, score in (line.split() for line in read_lines("emoji.txt"))}


@cache
def _emoji_pattern() -> re.Pattern:
    return re.compile("[" + "".join(_emoji_scores()) + "]")


@cache
def _fillers() -> frozenset[str]:
    return frozenset(read_lines("fillers.txt"))


def emoji_sentiment(text: str) -> tuple[float, int]:
    """Return the mean score of the emoji we know in the text, and how many there are."""
    found = _emoji_pattern().findall(text)
    if not found:
        return 0.0, 0
    scores = _emoji_scores()
    return sum(scores[emoji] for emoji in found) / len(found), len(found)


def is_filler(text: str) -> bool:
    """Tell whether the whole comment is a filler such as "ok", "fine", "还行" or "一般" (any script, any case)."""
    if len(text) > 40:
        return False
    bare = _SPACES.sub(" ", _FILLER_STRIP.sub(" ", to_simplified(text).lower())).strip()
    return bare in _fillers()


def is_sarcastic(text: str) -> bool:
    """Tell whether the comment carries an irony marker ("yeah right", "great, another …", 🙄, 真是谢谢).

    Not 呵呵: in the review sets it is a friendly chuckle as often as a sneer (60 % of its 457 training texts are
    positive), so it is left to the model.
    """
    return _SARCASM.search(text) is not None


def contrast_clauses(text: str, language: str) -> tuple[str, str] | None:
    """Split "good product but support took a week" at its contrast word, if both sides say something."""
    pattern = _CONTRAST.get(language)
    match = pattern.search(text) if pattern else None
    if match is None:
        return None
    before, after = text[: match.start()], text[match.end() :]
    content = _CLAUSE_CONTENT[language]
    if content.search(before) and content.search(after):
        return before, after
    return None
