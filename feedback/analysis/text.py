"""Text preparation shared by the backends and training: clipping long comments, folding Chinese variants.

Everything here maps one character to one character (or cuts a prefix), so an index into the prepared text is an
index into the text the customer wrote; that is how keywords are returned exactly as written.
"""

import re
from functools import cache
from pathlib import Path

KEYWORD_LIMIT = 8  # keywords kept per comment, best first

DATA_DIR = Path(__file__).resolve().parent / "data"

# Comments longer than this are analysed on their first MAX_CHARS characters, cut at the last sentence end in the
# second half of that window when there is one. 2,000 characters is far beyond a survey comment (the Chinese test sets
# average under 100) yet keeps a pasted document or log from costing more than a few milliseconds.
MAX_CHARS = 2000
_SENTENCE_END = re.compile(r"[.!?。！？；;…\n]")
_WORD_GAP = re.compile(r"\s")


def clip(text: str, limit: int = MAX_CHARS) -> str:
    """Return the text, or its first `limit` characters cut at a sentence end (else a space) in the second half."""
    if len(text) <= limit:
        return text
    window = text[:limit]
    for boundary in (_SENTENCE_END, _WORD_GAP):
        ends = [match.end() for match in boundary.finditer(window, limit // 2)]
        if ends:
            return window[: ends[-1]]
    return window


def read_lines(name: str) -> list[str]:
    """Return the non-blank, non-comment lines of a data file shipped in feedback/analysis/data/."""
    lines = (line.strip() for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


@cache
def _simplify_table() -> dict[int, str]:
    """Build the translate table: traditional → simplified (data/t2s.txt) and full-width ASCII → ASCII."""
    table = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}
    table[0x3000] = " "
    for line in read_lines("t2s.txt"):
        for pair in line.split():
            table[ord(pair[0])] = pair[1]
    return table


def to_simplified(text: str) -> str:
    """Fold traditional characters and full-width forms so one model and one dictionary serve both scripts.

    Same length as the input, character for character.
    """
    return text.translate(_simplify_table())
