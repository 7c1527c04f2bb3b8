"""Free-text survey comments used by the seed_demo command, grouped by tone and language.

The comments themselves are demo data, in data/comments.json: {tone: {language: [comment, …]}}.
"""

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "comments.json"


def _load() -> dict[str, dict[str, tuple[str, ...]]]:
    with DATA.open(encoding="utf-8") as f:
        tones = json.load(f)
    return {tone: {lang: tuple(texts) for lang, texts in languages.items()} for tone, languages in tones.items()}


COMMENTS = _load()
