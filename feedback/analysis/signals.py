"""Cues the statistical models miss, as small rules: emoji, filler comments, sarcasm, and "X but Y" comments.

The models were trained on reviews that are clearly positive or negative; survey comments add one-word answers,
emoji and irony. Each rule here is a pure function over the text, and `adjust` says how they move a polarity.
"""

import math
import re
from functools import cache

from feedback.analysis.text import read_lines, to_simplified

# An emoji next to words counts like this many letters of text (a short word), so it tips a short comment
# without outvoting a sentence.
EMOJI_WEIGHT = 6.0
# A comment made only of emoji gets this share of their mean score: clear enough to leave the neutral band.
EMOJI_ONLY_STRENGTH = 0.6
# A sarcastic comment is at least this far past the neutral band on the negative side.
SARCASM_MARGIN = 0.15

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


def into_band(polarity: float, band: float) -> float:
    """Pull a polarity inside the neutral band, keeping its sign (the model's lean) for binary use."""
    return math.copysign(min(abs(polarity), band / 2), polarity)


def is_two_sided(before: float, after: float, band: float) -> bool:
    """Tell whether "X but Y" holds mixed feelings: X clearly positive or negative, and Y not clearly the same.

    A neutral-sounding Y still counts ("good product but support took a week"): the contrast word says it turns
    against X even when the model cannot tell how. A neutral X does not ("I ordered Monday but it never came" is a
    complaint, not mixed).
    """
    return abs(before) >= band and not (before * after > 0 and abs(after) >= band)


def adjust(text: str, polarity: float | None, *, weight: float, band: float) -> float:
    """Apply emoji, filler and sarcasm rules to the words' polarity (None when no backend read any words).

    `weight` is how much text the words' polarity stands for (routing.Part weights: letters, Han characters triple).
    """
    emoji_score, emoji_count = emoji_sentiment(text)
    if polarity is None:
        polarity = emoji_score * EMOJI_ONLY_STRENGTH
    elif emoji_count:
        emoji_weight = EMOJI_WEIGHT * emoji_count
        polarity = (polarity * weight + emoji_score * emoji_weight) / (weight + emoji_weight)
    if is_filler(text):
        polarity = into_band(polarity, band)
    if is_sarcastic(text):
        polarity = -min(1.0, max(abs(polarity), band + SARCASM_MARGIN))
    return polarity
