"""Aspects: each keyword with the polarity of the clause that mentions it.

"Support was great, billing is a mess" is praise for support and a complaint about billing. A comment is cut into
clauses at punctuation and contrast words; a keyword's clause is read by the CX model on its own when the comment
has keywords in more than one clause, and the clause's label counts when the model is sure enough of it and the
review model does not clearly read the clause the other way. Otherwise (one clause, or a clause that reads neutral
or unsure, such as "billing" in "I called about billing, nobody helped") the keyword takes the comment's label.
"""

import re
from collections.abc import Sequence

# the least probability of a clause's label for it to stand against the comment's
CLAUSE_CONFIDENCE = 0.55
# the review model's polarity of the clause, on the other side, from which it vetoes the clause's label
REVIEW_VETO = 0.5
_CLAUSE_END = re.compile(
    r"[,，。.!！?？;；、\n]+|\s[-–—]\s|\b(?:but|however|though|although|except|yet)\b"
    r"|但是|但|不过|不過|可是|然而|只是|就是|虽然|雖然",
    re.IGNORECASE,
)


def clauses(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) of each clause that has something in it."""
    spans = []
    start = 0
    for match in _CLAUSE_END.finditer(text):
        if text[start : match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def keyword_clauses(text: str, keywords: Sequence[str]) -> dict[str, str] | None:
    """Map each keyword to the text of the clause it first appears in; None when they all share one clause.

    A keyword with Latin letters is found as a whole word ("app" is not in "Unhappy").
    """
    spans = clauses(text)
    found: dict[str, tuple[int, int]] = {}
    for keyword in keywords:
        at = find_word(text, keyword)
        if at < 0:
            continue
        found[keyword] = next(((s, e) for s, e in spans if s <= at < e), (0, len(text)))
    if len(set(found.values())) < 2:
        return None
    return {keyword: text[start:end] for keyword, (start, end) in found.items()}


def find_word(text: str, keyword: str) -> int:
    """The first position of `keyword` in `text`, as a whole word when it ends in Latin letters; −1 if absent."""
    match = re.search(rf"(?<![A-Za-z]){re.escape(keyword)}(?![A-Za-z])", text)
    return match.start() if match else -1


def aspect_label(comment_label: str, clause_label: str | None, clause_confidence: float, review: float) -> str:
    """A keyword's label: its clause's when that is positive or negative, sure enough, and not clearly contradicted
    by the review model on the same clause (a fragment read alone can mislead one model, rarely both); else the
    comment's. A review model unsure of a short clause ("客服很好": −0.08) does not veto."""
    contradicted = (clause_label == "pos" and review <= -REVIEW_VETO) or (
        clause_label == "neg" and review >= REVIEW_VETO
    )
    if clause_label in ("pos", "neg") and clause_confidence >= CLAUSE_CONFIDENCE and not contradicted:
        return str(clause_label)
    return comment_label
